"""Issue 11, done when: with the real claude CLI in the default mode, a user on a phone approves an edit and
a command and the work happens; a denial tells the agent why. The CLI runs against the loopback fake
Messages API, whose `TOOL:` / `BASH:` markers make the model call that tool (backend/tests/fake_messages_api.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import conversation_id, open_app, phone_context, send_message
from support.claude_lab import ClaudeLab, claude_lab
from test_approvals import CARD, events_of, record_text, settle


@pytest.fixture()
def lab(tmp_path: Path) -> Iterator[ClaudeLab]:
    with claude_lab(tmp_path) as running:
        yield running


def tool_call(name: str, tool_input: dict[str, Any]) -> str:
    return f"TOOL:{name} {json.dumps(tool_input)}"


def answer(page: Any, button: str) -> None:
    page.wait_for_selector(CARD)
    page.locator(CARD).get_by_role("button", name=button, exact=True).tap()


def test_a_phone_approves_an_edit_and_a_command_and_denies_one_with_a_reason(
    browser: Any, playwright: Any, lab: ClaudeLab, tmp_path: Path, artifacts: Path
) -> None:
    work = tmp_path / "work"
    (work / "notes.md").write_text("The build is red.\n")
    context = phone_context(browser, playwright)
    page = context.new_page()
    open_app(page, lab.server)

    send_message(page, tool_call("Read", {"file_path": str(work / "notes.md")}))  # the CLI edits only what it read
    settle(page)
    send_message(page, tool_call("Edit", {"file_path": str(work / "notes.md"), "old_string": "red", "new_string": "green"}))
    page.wait_for_selector(f"{CARD} .diff-lines")
    page.screenshot(path=str(artifacts / "phone-claude-approval-edit.png"))
    assert (work / "notes.md").read_text() == "The build is red.\n", "nothing changes before the answer"
    answer(page, "Allow")
    settle(page)
    assert (work / "notes.md").read_text() == "The build is green.\n"

    send_message(page, "BASH:echo deployed >> deploy.log")
    page.wait_for_selector(CARD)
    assert "echo deployed >> deploy.log" in page.locator(f"{CARD} pre").inner_text()
    answer(page, "Allow")
    settle(page)
    assert (work / "deploy.log").read_text() == "deployed\n"

    send_message(page, "BASH:rm -rf build")
    answer(page, "Deny")
    page.fill(f"{CARD} textarea.approval-reason", "not now, the build is running")
    page.locator(CARD).get_by_role("button", name="Deny", exact=True).tap()
    settle(page)
    page.wait_for_function("() => [...document.querySelectorAll('#log li.msg.agent')].pop()?.textContent.includes('not now')")
    cid = conversation_id(page)
    assert [e["data"]["decision"] for e in events_of(lab.server, cid, "approval_resolved")] == ["allow", "allow", "deny"]
    assert record_text(page)[-1] == "Denied: rm -rf build — not now, the build is running"
    page.screenshot(path=str(artifacts / "phone-claude-approvals-done.png"))
    context.close()
