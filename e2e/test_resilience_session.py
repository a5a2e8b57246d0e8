"""Issue 5, scenario 1: the agent's session is gone, the user just keeps talking.

The real `claude` CLI runs behind the browser (against the loopback fake Messages API), so the
"No conversation found" it would answer is the real one. The fake's echo says how many user turns the
session remembers (`[turns=N]`) and whether the system prompt held a recap (`[recap=yes|no]`), so the
answer on screen proves what the agent knew. See docs/sessions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import conversation_id, converse, open_app
from support.claude_lab import ClaudeLab, claude_lab

FIRST = "the secret word is pelican"
QUESTION = "what was the word?"
RESTORED = "Session restored."
NEW_SESSION = "Previous session not found. Started a fresh session with a summary of this conversation."


@pytest.fixture()
def lab(tmp_path: Path) -> Iterator[ClaudeLab]:
    with claude_lab(tmp_path) as running:
        yield running


def first_turn(page: Any, lab: ClaudeLab) -> tuple[str, str]:
    """One full turn through the page, then wait for the vault copy. Returns (conversation, agent session).
    A marker in `window` lets the test prove later that the page was never reloaded."""
    open_app(page, lab.server)
    converse(page, FIRST)
    cid = conversation_id(page)
    session_id = lab.agent_session_id(cid)
    lab.wait_for_vault_copy(session_id)
    page.evaluate("() => { window.__notReloaded = true; }")
    return cid, session_id


def last_answer(page: Any) -> str:
    return page.locator("#log li.msg.agent").last.inner_text()


def event_data(lab: ClaudeLab, cid: str, kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in lab.server.events(cid) if e["kind"] == kind]


def assert_answered_without_reload(page: Any, lab: ClaudeLab, cid: str) -> None:
    """What both recoveries share: the pending message got one answer, no error, same page."""
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    assert lab.server.user_texts(cid) == [FIRST, QUESTION]
    assert [d["outcome"] for d in event_data(lab, cid, "run_finished")] == ["ok", "ok"]
    assert page.locator("#log li.msg.user").count() == 2
    assert page.locator("#log li.result.ok").count() == 2
    assert page.locator("#log li.result.err, #log li.run-end").count() == 0
    assert "Traceback" not in lab.server.log_text()


def test_a_deleted_transcript_is_restored_from_the_vault(page, lab: ClaudeLab, artifacts: Path) -> None:
    """Claude's cleanup deleted the transcript; the vault's copy is put back and resumed, so the answer
    comes from the same session, with its context."""
    cid, session_id = first_turn(page, lab)
    lab.delete_transcripts()

    converse(page, QUESTION)

    banner = page.locator("#log li.session.variant-restored")
    assert banner.locator(".session-title").inner_text() == RESTORED
    assert banner.locator("button").count() == 0, "nothing for the user to decide"
    assert last_answer(page).startswith(f"echo: {QUESTION} [turns=2]"), "the restored session kept its context"
    assert_answered_without_reload(page, lab, cid)
    assert [d["recovery"] for d in event_data(lab, cid, "session_lost")] == ["restored"]
    assert event_data(lab, cid, "session_started") == [{"fallback": False}], "no new session was needed"
    assert lab.agent_session_id(cid) == session_id
    assert lab.recovery_steps(cid)[:2] == ["validate", "restore"]
    page.screenshot(path=str(artifacts / "resilience-session-restored.png"))


def test_a_session_gone_everywhere_continues_with_a_recap(page, lab: ClaudeLab, artifacts: Path) -> None:
    """Transcript and vault copy are both gone: a fresh session answers, its system prompt carrying a
    recap of the conversation, and the user is told so in plain words."""
    cid, session_id = first_turn(page, lab)
    lab.delete_transcripts()
    lab.vault_copy(session_id).unlink()

    converse(page, QUESTION)

    banner = page.locator("#log li.session.variant-new_session")
    assert banner.locator(".session-title").inner_text() == NEW_SESSION
    assert page.locator("#log li.session").count() == 1, "one banner says both 'lost' and 'started'"
    assert banner.locator("button").all_inner_texts() == ["Retry", "Start new"]
    assert last_answer(page).startswith(f"echo: {QUESTION} [turns=1] [recap=yes]")
    assert_answered_without_reload(page, lab, cid)
    assert [d["recovery"] for d in event_data(lab, cid, "session_lost")] == ["new_session"]
    assert event_data(lab, cid, "session_started") == [{"fallback": False}, {"fallback": True}]
    assert lab.agent_session_id(cid) != session_id
    assert "fallback" in lab.recovery_steps(cid)
    requests = lab.turn_requests(QUESTION)
    assert requests, "the fake API never saw the question"
    system = str(requests[0].get("system"))
    assert "Recap" in system and FIRST in system, "the recap of the conversation is in the system prompt"
    page.screenshot(path=str(artifacts / "resilience-session-fallback.png"))
