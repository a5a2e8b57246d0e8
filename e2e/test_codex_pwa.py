"""Codex in the browser, on a phone profile, with the REAL `codex` CLI (`codex app-server`) against the
loopback fake Responses API (backend/tests/fake_responses_api.py): a conversation answered and drawn like
Claude's, a command approved from the card (the file exists), a file change shown as a diff on the card
and in the log, a deleted rollout restored with its context without a reload, a thread gone everywhere
continued on a new thread with a recap, and the agent picker of
"New conversation". Screenshots go to e2e/artifacts/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import conversation_id, converse, open_app, send_message, wait_results
from support.codex_lab import CodexLab, codex_lab
from test_approvals import CARD, NO_CARD

COMMAND = "printf 'alpha\\nbeta\\n' > notes.txt && cat notes.txt"
PATCH = ("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n+delta\n"
         "*** Add File: todo.md\n+# To do\n+- ship codex\n*** End Patch\nEOF")
FIRST = "the secret word is pelican"
QUESTION = "what was the word?"
NEW_SESSION = "Previous session not found. Started a fresh session with a summary of this conversation."


@pytest.fixture()
def lab(tmp_path: Path) -> Iterator[CodexLab]:
    with codex_lab(tmp_path) as running:
        yield running


def answers(page: Any) -> list[str]:
    return page.locator("#log li.msg.agent").all_inner_texts()


def allow_card(page: Any) -> None:
    page.locator(f"{CARD} [data-action='approval-allow']").tap()
    page.wait_for_function(NO_CARD, timeout=30000)


def test_a_codex_conversation_reads_like_claude_with_a_command_and_a_diff(phone: Any, lab: CodexLab, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, lab.server)
    converse(page, "hello codex")
    assert answers(page) == ["echo: hello codex [turns=1] [recap=no]"]
    assert page.locator("#log li.result.ok .result-line").inner_text().startswith("Done in ")
    assert "codex agent" in page.inner_text("#conv-sub")
    cid = conversation_id(page)

    # a command: the card shows it without codex's shell wrapper; allowed, it runs
    send_message(page, f"SHELL:{COMMAND}")
    card = page.wait_for_selector(CARD, timeout=30000)
    assert card.query_selector(".tv-cmd").inner_text().strip() == COMMAND
    assert card.query_selector("h2").inner_text() == "Run this command?"
    page.screenshot(path=str(artifacts / "codex-approval-command.png"))
    allow_card(page)
    wait_results(page, 2, timeout=30000)
    assert (lab.workdir / "notes.txt").read_text() == "alpha\nbeta\n"
    tool = page.locator("#log li.tool").last
    assert tool.locator(".tool-name").inner_text() == "Bash"
    assert tool.locator(".tool-sum").first.inner_text() == COMMAND
    assert tool.locator(".tool-status").inner_text() == "done"

    # a file change: the card shows the patch as coloured diffs, one per file
    send_message(page, f"SHELL:{PATCH}")
    card = page.wait_for_selector(CARD, timeout=30000)
    assert card.query_selector("h2").inner_text() == "Apply these changes?"
    assert len(card.query_selector_all(".tv-diff")) == 2
    paths = [e.inner_text() for e in card.query_selector_all(".tv-diff .tv-path")]
    assert paths == ["notes.txt", "todo.md"], "paths relative to the project folder, not codex's absolute ones"
    assert [e.inner_text() for e in card.query_selector_all(".dl.del .dt")] == ["beta"]
    assert [e.inner_text() for e in card.query_selector_all(".dl.add .dt")] == ["gamma", "delta", "# To do", "- ship codex"]
    page.screenshot(path=str(artifacts / "codex-approval-patch.png"))
    allow_card(page)
    wait_results(page, 3, timeout=30000)
    assert (lab.workdir / "notes.txt").read_text() == "alpha\ngamma\ndelta\n"
    patch = page.locator("#log li.tool").last
    assert patch.locator(".tool-name").inner_text() == "ApplyPatch"
    assert patch.locator(".tv-diff").count() == 2, "a short patch is drawn open in the log"
    assert patch.locator(".tv-diff .tv-path").all_inner_texts() == ["notes.txt", "todo.md"]
    assert patch.locator(".tv-counts .plus").first.inner_text() == "+4"

    # the command's output folds away under its exit status
    command = page.locator("#log li.tool").nth(0)
    command.locator("summary").first.tap()
    output = command.locator("details.tool-output")
    assert output.locator(".exit").inner_text() == "exit 0"
    output.locator("summary").tap()
    assert "alpha" in output.locator("pre").inner_text()
    command.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "codex-conversation.png"))
    page.locator("#log li.result").last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "codex-conversation-diff.png"))

    assert [e["data"]["decision"] for e in lab.server.events(cid) if e["kind"] == "approval_resolved"] == ["allow", "allow"]
    assert page.locator("#log li.result.err, #log li.run-end").count() == 0
    assert "Traceback" not in lab.server.log_text()


def test_a_deleted_rollout_is_restored_and_keeps_the_context(phone: Any, lab: CodexLab, artifacts: Path) -> None:
    """Codex's thread file is gone; the vault's copy is put back and resumed: the same thread answers,
    with its context, and the page is never reloaded."""
    page = phone.new_page()
    open_app(page, lab.server)
    converse(page, FIRST)
    cid = conversation_id(page)
    thread_id = lab.thread_id(cid)
    lab.wait_for_vault_copy(thread_id)
    page.evaluate("() => { window.__notReloaded = true; }")
    lab.delete_rollouts()

    converse(page, QUESTION)

    banner = page.locator("#log li.session.variant-restored")
    assert banner.locator(".session-title").inner_text() == "Session restored."
    assert banner.locator("button").count() == 0, "nothing for the user to decide"
    assert answers(page)[-1] == f"echo: {QUESTION} [turns=2] [recap=no]", "the restored thread kept its context"
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    assert lab.server.user_texts(cid) == [FIRST, QUESTION]
    assert page.locator("#log li.result.ok").count() == 2
    assert page.locator("#log li.result.err, #log li.run-end").count() == 0
    assert lab.thread_id(cid) == thread_id
    assert lab.recovery_steps(cid)[:2] == ["validate", "restore"]
    page.screenshot(path=str(artifacts / "codex-session-restored.png"))


def test_a_thread_gone_everywhere_continues_with_a_recap(phone: Any, lab: CodexLab, artifacts: Path) -> None:
    """Codex's rollout and the vault's copy are both gone: a new thread answers, seeded with a recap of
    the conversation, and the user is told so in plain words, with Retry / Start new, without a reload.
    The codex twin of test_resilience_session.py's claude scenario."""
    page = phone.new_page()
    open_app(page, lab.server)
    converse(page, FIRST)
    cid = conversation_id(page)
    thread_id = lab.thread_id(cid)
    lab.wait_for_vault_copy(thread_id).unlink()
    page.evaluate("() => { window.__notReloaded = true; }")
    lab.delete_rollouts()

    converse(page, QUESTION)

    banner = page.locator("#log li.session.variant-new_session")
    assert banner.locator(".session-title").inner_text() == NEW_SESSION
    assert page.locator("#log li.session").count() == 1, "one banner says both 'lost' and 'started'"
    assert banner.locator("button").all_inner_texts() == ["Retry", "Start new"]
    assert answers(page)[-1] == f"echo: {QUESTION} [turns=1] [recap=yes]", "a new thread, with the recap"
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    assert lab.server.user_texts(cid) == [FIRST, QUESTION]
    assert page.locator("#log li.result.ok").count() == 2
    assert page.locator("#log li.result.err, #log li.run-end").count() == 0
    events = lab.server.events(cid)
    assert [e["data"]["recovery"] for e in events if e["kind"] == "session_lost"] == ["new_session"]
    assert [e["data"] for e in events if e["kind"] == "session_started"] == [{"fallback": False}, {"fallback": True}]
    assert lab.thread_id(cid) != thread_id
    assert "fallback" in lab.recovery_steps(cid)
    asked = [r for r in lab.api.requests if QUESTION in str(r.get("input"))]
    assert asked and FIRST in str(asked[0]), "the recap of the conversation went to the model"
    assert "Traceback" not in lab.server.log_text()
    banner.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "codex-session-fallback.png"))


def test_new_conversation_lets_the_user_pick_the_agent(phone: Any, tmp_path: Path, artifacts: Path) -> None:
    """A server offering claude (its default) and codex: the picker shows on a new conversation, the pick
    goes with `hello`, the conversation keeps its agent (header, list), and the next new conversation
    starts with the agent last used."""
    claude = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "claude"
    with codex_lab(tmp_path, agent="claude", extra_args=["--claude-bin", str(claude)]) as lab:
        assert lab.server.api("GET", "/api/health")["agents"] == ["claude", "codex"]
        page = phone.new_page()
        open_app(page, lab.server)
        picker = page.locator("#agent-picker")
        picker.wait_for(state="visible")
        assert picker.locator(".agent-option").all_inner_texts() == ["Claude", "Codex"]
        assert picker.locator(".agent-option.on").inner_text() == "Claude", "the server's default, at first"
        picker.locator(".agent-option", has_text="Codex").tap()
        page.wait_for_selector("#agent-picker .agent-option.on[aria-checked='true']:has-text('Codex')")
        assert "codex agent" in page.inner_text("#conv-sub")
        page.screenshot(path=str(artifacts / "codex-agent-picker.png"))

        converse(page, "which agent?")
        cid = conversation_id(page)
        assert answers(page) == ["echo: which agent? [turns=1] [recap=no]"], "codex answered"
        assert lab.details(cid)["agent"] == "codex"
        assert page.is_hidden("#agent-picker")
        assert "codex agent" in page.inner_text("#conv-sub")

        page.locator("#open-sidebar").tap()
        row = page.locator(f"#conv-list [data-id='{cid}']")
        row.wait_for()
        assert row.locator(".chip.agent").inner_text() == "Codex"
        page.locator("#new-conversation").tap()
        picker.wait_for(state="visible")
        assert picker.locator(".agent-option.on").inner_text() == "Codex", "the agent last used"
        page.locator("#open-sidebar").tap()
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / "codex-agent-list.png"))
