"""Issue 5, scenario 4: the server stops in the middle of a turn (SIGTERM, or kill -9) and comes back on
the same port and data dir. The open page reconnects by itself, shows the cut turn as interrupted (it
is not retried: docs/protocol.md, Turns), and the next message gets a full answer. No message is lost
or stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Server, conversation_id, converse, open_app, send_message, wait_phase

# the demo agent's pauses are scaled by this: the tool call shows after ~0.8 s, the turn ends after ~3 s,
# so a stop right after the tool call shows lands mid-turn
DEMO_DELAY = "2.0"
CUT_OFF = "count the words of this long job"
AFTER = "and now a short one"
INTERRUPTED = "Interrupted: this turn was cut off before the agent finished."
RESTART_NOTICE = "The server restarted while the agent was working, so that turn was cut off. Send it again to retry."


def restart_mid_turn(page: Any, server: Server, stop: Callable[[], None]) -> str:
    """Send a message, stop the server while the agent is working on it, start it again; returns the
    conversation id once the page (never reloaded) is connected again."""
    open_app(page, server)
    send_message(page, CUT_OFF)
    page.wait_for_selector("#log li.tool.status-running")
    cid = conversation_id(page)
    page.evaluate("() => { window.__notReloaded = true; }")
    stop()
    page.wait_for_function("() => window.sweSwe.state.phase !== 'connected'")
    server.start()  # same port, same data dir
    wait_phase(page, "connected", timeout=30000)
    return cid


def assert_shown_interrupted(page: Any, server: Server, cid: str) -> None:
    """The cut turn, as the user sees it once the replay arrives: a plain-words line, its tool call and
    its message marked interrupted, a way to ask again, and the reason; the server logged both."""
    run_end = page.locator("#log li.run-end.outcome-interrupted")
    run_end.wait_for(timeout=15000)
    assert run_end.locator(".run-end-title").inner_text() == INTERRUPTED
    assert run_end.locator("button[data-action=ask-again]").inner_text() == "Ask again"
    assert page.inner_text("#log li.tool .tool-status") == "interrupted"
    assert page.locator("#log li.msg.user.turn-interrupted").inner_text().startswith(CUT_OFF)
    assert "Last turn interrupted" in page.inner_text("#conv-sub")
    assert page.inner_text("#log li.notice.level-warning") == RESTART_NOTICE
    interruption = [(e["kind"], e["data"]) for e in server.events(cid) if e["kind"] in ("run_finished", "notice")]
    assert interruption == [("run_finished", {"outcome": "interrupted", "exit_code": None}),
                            ("notice", {"level": "warning", "text": RESTART_NOTICE})]


def assert_next_message_answered_once(page: Any, server: Server, cid: str) -> None:
    """After the restart a new message runs a whole turn; every message is logged and shown once."""
    converse(page, AFTER)
    assert page.locator("#log li.result.ok").count() == 1
    assert page.locator("#log li.msg.agent").last.inner_text().startswith("Your message has 5 words.")
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    assert server.user_texts(cid) == [CUT_OFF, AFTER]
    shown = page.locator("#log li.msg.user .bubble").all_inner_texts()
    assert shown == [CUT_OFF, AFTER]
    outcomes = [e["data"]["outcome"] for e in server.events(cid) if e["kind"] == "run_finished"]
    assert outcomes == ["interrupted", "ok"], "the cut turn is not retried by itself"


def assert_restarted_cleanly(server: Server) -> None:
    """The server's own log (one file per port, appended by both runs): two starts, no crash trace."""
    log = server.log_text()
    assert log.count(f"is ready: open {server.base_url}") == 2
    assert "Traceback" not in log


@pytest.mark.parametrize("how", ["sigterm", "kill-9"])
def test_a_restart_in_the_middle_of_a_turn(page, make_server, artifacts: Path, how: str) -> None:
    """SIGTERM (a deploy): the server itself ends the running turn `interrupted`, and says why, before it
    exits. kill -9 (a crash): no chance to clean up; the next start finds the unfinished run and does
    the same. Either way the user sees one and the same account of it."""
    server: Server = make_server(demo_delay=DEMO_DELAY)
    cid = restart_mid_turn(page, server, {"sigterm": server.terminate, "kill-9": server.kill}[how])
    assert_shown_interrupted(page, server, cid)
    assert_next_message_answered_once(page, server, cid)
    assert_restarted_cleanly(server)
    page.screenshot(path=str(artifacts / f"resilience-restart-{how}.png"))
