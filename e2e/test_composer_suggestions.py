"""The composer's suggestions: `@` searches the project's files, `/` offers the agent's slash commands.

A server of this module's own works in a small git repository (a .gitignore'd file must never be
offered); the demo agent's `init` lists commands as the real CLI's does.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Server, conversation_id, free_port, go_to_new_conversation, open_app, wait_for, wait_results
from support.app_files import fetched_for

FILES = ["src/checkout/payment_form.py", "src/app.py", "README.md", "docs/release-notes.md", "tests/test_payment.py"]
ROWS = "#suggest-rows .suggest-row"


@pytest.fixture(scope="module")
def project_server() -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="swe-swe-e2e-suggest-") as tmp:
        repo = Path(tmp) / "shop"
        for path in [*FILES, "payment-secrets.env"]:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(f"{path}\n")
        (repo / ".gitignore").write_text("*.env\n")
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        server = Server(port=free_port(), data_dir=Path(tmp) / "data", extra_args=["--workdir", str(repo)])
        server.start()
        try:
            yield server
        finally:
            server.stop()


def row_values(page: Any) -> list[str]:
    return page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.value)")


def check_fits(page: Any, width: int) -> None:
    """Every row a thumb's height; the list inside the screen, above the composer, below the header,
    and nothing scrolls sideways."""
    geometry = page.evaluate("""() => {
      const box = (el) => el.getBoundingClientRect();
      const list = document.getElementById('suggest');
      return {
        list: box(list).toJSON(), form: box(document.getElementById('composer-form')).toJSON(),
        header: box(document.querySelector('header')).toJSON(),
        rows: [...list.querySelectorAll('.suggest-row')].map((r) => box(r).height),
        pageWidth: document.scrollingElement.scrollWidth,
        rowsOverflow: [...list.querySelectorAll('.suggest-rows')].map((r) => r.scrollWidth - r.clientWidth),
        height: window.innerHeight,
      };
    }""")
    assert geometry["rows"] and min(geometry["rows"]) >= 44, geometry["rows"]
    assert geometry["list"]["left"] >= 0 and geometry["list"]["right"] <= width, geometry
    assert geometry["list"]["bottom"] <= geometry["form"]["top"] + 1, geometry
    assert geometry["list"]["top"] >= geometry["header"]["bottom"], geometry
    assert geometry["pageWidth"] <= width and max(geometry["rowsOverflow"]) <= 0, geometry


def test_phone_picks_a_file_and_a_command_with_a_thumb(phone: Any, project_server: Server, artifacts: Path) -> None:
    server = project_server
    page = phone.new_page()
    open_app(page, server)
    page.locator("#input").tap()
    page.keyboard.type("Look at @paym")
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=ROWS)
    values = row_values(page)
    assert values[0] == "src/checkout/payment_form.py", values
    assert "tests/test_payment.py" in values and "payment-secrets.env" not in values, "git's ignore rules hold"
    check_fits(page, 390)
    page.screenshot(path=str(artifacts / "phone-at-picker.png"))

    # the on-screen keyboard leaves about 390×520: the list still fits between the header and the composer
    page.set_viewport_size({"width": 390, "height": 520})
    page.wait_for_timeout(200)
    check_fits(page, 390)
    page.screenshot(path=str(artifacts / "phone-at-picker-keyboard.png"))
    page.set_viewport_size({"width": 390, "height": 844})

    page.locator(ROWS).first.tap()
    assert page.locator("#input").input_value() == "Look at @src/checkout/payment_form.py "
    assert page.locator("#suggest").is_hidden()
    assert page.evaluate("() => document.activeElement.id") == "input", "the keyboard stays up"
    page.keyboard.type("please")
    page.locator("#send").tap()
    wait_results(page, 1)
    cid = conversation_id(page)
    assert server.user_texts(cid) == ["Look at @src/checkout/payment_form.py please"]

    # the demo agent's init listed its commands: `/` offers them, filtered as one types
    page.wait_for_function("() => window.sweSwe.state.status === 'idle'")
    page.locator("#input").tap()
    page.keyboard.type("/")
    page.wait_for_selector(ROWS)
    assert {"clear", "compact", "review"} <= set(row_values(page))
    page.keyboard.type("co")
    page.wait_for_function("(sel) => [...document.querySelectorAll(sel)].map(r => r.dataset.value).join() === 'compact,config,context'",
                           arg=ROWS)
    check_fits(page, 390)
    page.screenshot(path=str(artifacts / "phone-slash-commands.png"))
    page.locator(ROWS).first.tap()
    assert page.locator("#input").input_value() == "/compact "

    # a new conversation, not started yet: the list this device last saw
    page.locator("#input").fill("")
    go_to_new_conversation(page)
    page.locator("#input").tap()
    page.keyboard.type("/rev")
    page.wait_for_selector(ROWS)
    assert row_values(page) == ["review", "security-review"]
    page.keyboard.press("Escape")
    assert page.locator("#suggest").is_hidden()


def test_desktop_keys_pick_without_sending_and_offline_says_so(page: Any, project_server: Server, artifacts: Path) -> None:
    server = project_server
    open_app(page, server)
    page.locator("#input").click()
    page.keyboard.type("Compare @notes")
    page.wait_for_selector(ROWS)
    assert row_values(page)[0] == "docs/release-notes.md"
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # "@" alone: the first files of the project, top-level ones first
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 5", arg=ROWS)
    page.keyboard.type("app")
    page.wait_for_function("(sel) => document.querySelector(sel)?.dataset.value === 'src/app.py'", arg=ROWS)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.locator(f"{ROWS}.active").get_attribute("data-value") == "src/app.py"
    page.screenshot(path=str(artifacts / "desktop-at-picker.png"))
    page.keyboard.press("Enter")  # picks, does not send
    assert page.locator("#input").input_value() == "Compare @src/app.py "
    assert page.evaluate("() => window.sweSwe.state.pending_new") is True, "nothing was sent"

    page.keyboard.type("and @pay")
    page.wait_for_selector(ROWS)
    page.keyboard.press("Escape")
    assert page.locator("#suggest").is_hidden()
    page.keyboard.type("m")  # the same token stays closed after Escape
    page.wait_for_timeout(300)
    assert page.locator("#suggest").is_hidden()
    page.locator("#input").fill("")

    # a slow answer to an older query never replaces the newest one's
    held: list[Any] = []

    def hold_first(route: Any) -> None:
        if "q=pa&" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/projects/*/files?*", hold_first)
    page.keyboard.type("@pa")
    wait_for(page, lambda: held)
    page.keyboard.type("y")
    page.wait_for_function("(sel) => document.querySelector(sel)?.dataset.value === 'src/checkout/payment_form.py'", arg=ROWS)
    held[0].fulfill(status=200, content_type="application/json",
                    body='{"files": [{"path": "STALE.py"}], "total": 1, "truncated": false}')
    page.wait_for_timeout(300)
    assert "STALE.py" not in row_values(page)
    page.unroute("**/api/projects/*/files?*")
    page.keyboard.press("Escape")
    page.locator("#input").fill("")

    page.context.set_offline(True)
    try:
        page.keyboard.type("@app")
        page.wait_for_selector("#suggest .suggest-message:has-text('offline')")
        assert page.locator(ROWS).count() == 0
    finally:
        page.context.set_offline(False)
    page.mouse.click(640, 300)  # a click elsewhere (the conversation) closes it
    assert page.locator("#suggest").is_hidden()


PICKER_MODULES = ("/js/controller/suggestions.js", "/js/suggestions.js", "/js/ui/suggestion-list.js")


def test_the_picker_is_not_part_of_the_first_load(browser: Any, playwright: Any, project_server: Server) -> None:
    """A fresh phone (no service worker, nothing cached) fetches the picker when `@` is first typed."""
    server = project_server
    device = {**playwright.devices["Pixel 7"], "viewport": {"width": 390, "height": 844}}
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, service_workers="block")
    try:
        picker = fetched_for(server.base_url, *PICKER_MODULES)
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url.removeprefix(server.base_url)))
        page.goto(f"{server.login_url}#/new")
        page.wait_for_function("() => window.sweSwe && document.getElementById('app').dataset.state === 'ready'")
        page.wait_for_timeout(1000)
        assert [m for m in picker if m in fetched] == []
        page.locator("#input").tap()
        page.keyboard.type("@READ")
        page.wait_for_function("(sel) => document.querySelector(sel)?.dataset.value === 'README.md'", arg=ROWS)
        assert all(m in fetched for m in picker), fetched
    finally:
        context.close()
