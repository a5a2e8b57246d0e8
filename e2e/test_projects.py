"""Projects on a phone: a new conversation picks its project, the list shows and filters by project."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from conftest import Server, converse, eventually, free_port, open_app


@pytest.fixture()
def two_projects() -> Any:
    with tempfile.TemporaryDirectory(prefix="swe-swe-e2e-projects-") as tmp:
        root = Path(tmp)
        for name in ("payments-api", "mobile-web"):
            (root / name).mkdir()
        server = Server(port=free_port(), data_dir=root / "data",
                        extra_args=["--workdir", str(root / "payments-api"), "--workdir", str(root / "mobile-web")])
        server.start()
        try:
            yield server
        finally:
            server.stop()


def test_pick_a_project_and_filter_the_list(phone, two_projects: Server, artifacts: Path) -> None:
    server = two_projects
    projects = server.api("GET", "/api/projects")["projects"]
    page = phone.new_page()
    open_app(page, server)
    picker = page.locator("#new-project")
    picker.wait_for(state="visible")
    assert picker.locator("option").all_text_contents() == ["payments-api", "mobile-web"]
    assert picker.input_value() == projects[0]["id"], "the server's default first"
    picker.select_option(projects[1]["id"])
    page.screenshot(path=str(artifacts / "phone-project-picker.png"))
    converse(page, "Make the checkout button bigger")

    def stored_in_second() -> bool:
        listed = server.api("GET", "/api/conversations")["conversations"]
        return any(c["project_id"] == projects[1]["id"] for c in listed)

    eventually(stored_in_second)

    # the next new conversation starts in the last project used; the list names each one's project
    page.locator("#open-sidebar").tap()
    page.locator("#new-conversation").tap()
    page.locator("#new-project").wait_for(state="visible")
    assert page.locator("#new-project").input_value() == projects[1]["id"]
    page.locator("#new-project").select_option(projects[0]["id"])
    converse(page, "Why does the refund endpoint time out?")
    page.locator("#open-sidebar").tap()
    page.wait_for_selector("#conv-list .chip.project")
    page.wait_for_timeout(500)  # the drawer's slide-in
    assert sorted(page.locator("#conv-list .chip.project").all_text_contents()) == ["mobile-web", "payments-api"]
    page.screenshot(path=str(artifacts / "phone-project-list.png"))

    page.locator("#project-filter").select_option(projects[1]["id"])
    titles = page.locator("#conv-list .conv-item:not(.current) .conv-title").all_text_contents()
    assert titles == ["Make the checkout button bigger"], titles
    page.screenshot(path=str(artifacts / "phone-project-filter.png"))
