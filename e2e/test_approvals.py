"""Tool approvals in the browser, on phone profiles, against the demo agent (a message with the word
"approve" makes its tool call wait for an answer: docs/protocol.md, "approvals and permission mode").

The card appears; an answer tapped offline is delivered once the network is back, and the tool runs
once (I6, I7: exactly one approval_resolved in the server's log); a reload keeps a waiting card; two
tabs: answering in one clears the other; a deny with a reason leaves its record. Screenshots of the
cards (a command, an edit's diff, a question, a plan) go to e2e/artifacts/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Server, conversation_id, open_app, phone_context, send_message, wait_phase, wait_results

CARD = "#approval-dock .approval-card"
NO_CARD = "() => document.getElementById('approval-dock').hidden && window.sweSwe.state.approvals.length === 0"


def ask(page: Any, text: str) -> None:
    """Send a message that makes the demo agent ask, and wait for its card."""
    send_message(page, text)
    page.wait_for_selector(CARD)


def events_of(server: Server, cid: str, kind: str) -> list[dict[str, Any]]:
    return [e for e in server.events(cid) if e["kind"] == kind]


def record_text(page: Any) -> list[str]:
    return page.eval_on_selector_all("#log li.approval-rec .approval-rec-text", "els => els.map(e => e.textContent)")


def settle(page: Any) -> None:
    """The turn has finished and nothing waits."""
    page.wait_for_function(NO_CARD)
    page.wait_for_function("() => window.sweSwe.state.status === 'idle' && window.sweSwe.state.outbox.length === 0")


def test_I6_I7_an_allow_tapped_offline_runs_the_tool_once(phone: Any, server: Server, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, server)
    ask(page, "Please approve a command")
    cid = conversation_id(page)
    card = page.locator(CARD)
    assert "Run this command?" in card.inner_text()
    assert "wc -w" in card.locator("pre").inner_text()
    for name in ("Allow", "Deny"):
        box = card.get_by_role("button", name=name, exact=True).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 120, (name, box)
    assert page.title() == "(1) Approval needed · swe-swe"
    page.screenshot(path=str(artifacts / "phone-approval-command.png"))

    phone.set_offline(True)
    wait_phase(page, "offline")
    card.get_by_role("button", name="Allow", exact=True).tap()
    page.wait_for_selector(f"{CARD} .approval-answered.state-queued")
    assert page.locator(f"{CARD} [data-action]").count() == 0, "a tapped card cannot be answered twice"
    page.screenshot(path=str(artifacts / "phone-approval-offline-tapped.png"))
    assert events_of(server, cid, "approval_resolved") == []

    phone.set_offline(False)
    settle(page)
    wait_results(page, 1)
    resolved = events_of(server, cid, "approval_resolved")
    assert len(resolved) == 1 and resolved[0]["data"]["decision"] == "allow"
    results = [e for e in events_of(server, cid, "agent") if e["data"].get("type") == "user"]
    assert len(results) == 1, "the tool ran once"
    assert record_text(page) == ["Allowed: wc -w"]
    assert page.title() != "(1) Approval needed · swe-swe"


def test_reload_keeps_the_card_and_deny_with_a_reason(iphone: Any, server: Server, artifacts: Path) -> None:
    page = iphone.new_page()
    open_app(page, server)
    ask(page, "approve this command please")
    cid = conversation_id(page)
    page.reload()
    page.wait_for_selector(CARD)
    card = page.locator(CARD)
    card.get_by_role("button", name="Deny", exact=True).tap()
    page.fill(f"{CARD} textarea.approval-reason", "not now")
    page.screenshot(path=str(artifacts / "phone-approval-deny-reason.png"))
    card.get_by_role("button", name="Deny", exact=True).tap()
    settle(page)
    assert record_text(page) == ["Denied: wc -w — not now"]
    resolved = events_of(server, cid, "approval_resolved")
    assert [(e["data"]["decision"], e["data"].get("message")) for e in resolved] == [("deny", "not now")]
    page.wait_for_selector("#log li.tool.status-error")


def test_I6_two_tabs_answer_once(browser: Any, playwright: Any, server: Server) -> None:
    context = phone_context(browser, playwright)
    try:
        page = context.new_page()
        open_app(page, server)
        ask(page, "approve it")
        cid = conversation_id(page)
        other = context.new_page()
        other.goto(f"{server.base_url}/#/c/{cid}")
        other.wait_for_selector(CARD)
        other.locator(CARD).get_by_role("button", name="Allow", exact=True).tap()
        settle(other)
        page.wait_for_function(NO_CARD)  # cleared here by the log's approval_resolved
        assert record_text(page) == ["Allowed: wc -w"]
        assert len(events_of(server, cid, "approval_resolved")) == 1
    finally:
        context.close()


def test_cards_for_an_edit_a_question_and_a_plan(phone: Any, server: Server, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, server)

    ask(page, "approve an edit, and keep a todo list")
    card = page.locator(CARD)
    assert "Edit this file?" in card.inner_text()
    assert card.locator(".dl.del").count() == 2 and card.locator(".dl.add").count() == 2
    page.screenshot(path=str(artifacts / "phone-approval-edit.png"))
    card.get_by_role("button", name="Allow", exact=True).tap()
    settle(page)
    page.wait_for_selector("#log li.tool.todos .tv-todos li")

    ask(page, "approve a question")
    card = page.locator(CARD)
    submit = card.get_by_role("button", name="Submit")
    assert submit.is_disabled()
    card.get_by_role("radio", name="Green").tap()
    card.get_by_role("checkbox", name="iOS").tap()
    # a tap redraws the card on the next frame: type into the redrawn one, not the one being replaced
    page.wait_for_selector(f"{CARD} [role=checkbox][aria-checked=true]")
    card.locator(".q-other-input").nth(1).fill("Watch")
    page.wait_for_function(f"() => document.querySelectorAll('{CARD} .q-other-input')[1].value === 'Watch'")
    assert submit.is_enabled()
    page.screenshot(path=str(artifacts / "phone-approval-question-other.png"))
    page.locator(f"{CARD} .approval-body").evaluate("el => { document.activeElement.blur(); el.scrollTop = 0; }")
    page.screenshot(path=str(artifacts / "phone-approval-question.png"))
    submit.tap()
    settle(page)
    cid = conversation_id(page)
    answers = events_of(server, cid, "approval_resolved")[-1]["data"]["answers"]
    assert answers == {"Which colour should the button be?": "Green", "Which platforms should it support?": ["iOS", "Watch"]}

    ask(page, "approve the plan")
    card = page.locator(CARD)
    assert card.locator(".tv-plan h2").inner_text() == "Plan"
    page.screenshot(path=str(artifacts / "phone-approval-plan.png"))
    card.get_by_role("button", name="Approve").tap()
    settle(page)
    records = record_text(page)
    assert records[0].startswith("Allowed: ") and records[0].endswith("notes.md"), records
    assert records[1:] == ["Answered: Green; iOS, Watch", "Plan approved"]
    page.screenshot(path=str(artifacts / "phone-approvals-log.png"))


def test_permission_mode_in_one_tap(phone: Any, server: Server, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, server)
    send_message(page, "hello")
    wait_results(page, 1)
    cid = conversation_id(page)
    chip = page.locator("#mode")
    assert chip.inner_text().strip() == "Asks first"
    chip.tap()
    page.wait_for_selector("#mode-sheet[open]")
    page.screenshot(path=str(artifacts / "phone-permission-mode.png"))
    page.get_by_role("radio", name="Accept edits").tap()
    page.wait_for_function("() => window.sweSwe.state.mode === 'acceptEdits' && window.sweSwe.state.outbox.length === 0")
    assert chip.inner_text().strip() == "Accepts edits"
    assert server.api("GET", f"/api/conversations/{cid}")["permission_mode"] == "acceptEdits"
    assert [e["data"]["mode"] for e in events_of(server, cid, "mode_changed")] == ["acceptEdits"]
    # in acceptEdits the demo agent's edit no longer asks
    send_message(page, "approve an edit")
    wait_results(page, 2)
    assert page.locator(CARD).count() == 0


def test_desktop_cards(page: Any, server: Server, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, server)
    ask(page, "approve a write")
    assert "Write this file?" in page.locator(CARD).inner_text()
    page.screenshot(path=str(artifacts / "desktop-approval-write.png"))
    page.locator(CARD).get_by_role("button", name="Allow", exact=True).click()
    settle(page)
    ask(page, "approve a command")
    page.locator(CARD).get_by_role("button", name="Allow always").click()
    settle(page)
    page.click("#open-details")
    page.wait_for_selector("#details .rules li")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "desktop-details-rules.png"))
    page.locator("#details .rules li button").first.click()
    page.wait_for_function("() => document.querySelectorAll('#details .rules li').length === 0")
    page.keyboard.press("Escape")
    ask(page, "approve the plan")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "desktop-approval-plan-dark.png"))
