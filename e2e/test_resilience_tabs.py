"""Issue 5, scenario 6: two tabs on one conversation, both sending, and one tab closed in the middle of
a send (the message left the tab but no ack came back). The outbox lives in the origin's IndexedDB, so
the surviving tab's flusher (the Web Lock holder: docs/protocol.md, pwa/js/tabs.js) delivers it; the
server's idempotency keeps every message exactly once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Server, app_state, conversation_id, converse, open_app, wait_for, wait_phase, wait_results

FIRST = "typed in the first tab"
SECOND = "typed in the second tab"
LAST = "sent as its tab closed"
# idle, the outbox empty, and no pending bubble left on screen (the page renders a frame after its state)
SETTLED = """() => window.sweSwe.state.status === 'idle' && window.sweSwe.state.outbox.length === 0
    && document.querySelectorAll('#pending li').length === 0"""
SHOWN = """(text) => [...document.querySelectorAll('#pending li .bubble, #log li.msg.user .bubble')]
    .some((bubble) => bubble.textContent === text)"""


class SendHold:
    """Relays one tab's socket to the real server, except that while `holding` its `send` frames are
    kept here: the server never stores them, so the tab never gets an ack."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[dict[str, Any]] = []

    def route(self, ws: Any) -> None:
        upstream = ws.connect_to_server()

        def from_page(raw: str | bytes) -> None:
            frame = json.loads(raw)
            if self.holding and frame.get("type") == "send":
                self.held.append(frame)
                return
            upstream.send(raw)

        ws.on_message(from_page)


def two_tabs_talking(context: Any, page: Any, server: Server) -> tuple[str, Any]:
    """`page` starts the conversation (so it holds the flush lock), a second tab of the same origin
    joins it; each sends one message. Returns the conversation id and the second tab."""
    open_app(page, server)
    converse(page, FIRST)
    cid = conversation_id(page)
    other = context.new_page()
    other.goto(f"{server.base_url}/#/c/{cid}")
    wait_phase(other, "connected")
    wait_results(other, 1)
    converse(other, SECOND)
    wait_results(page, 2)
    assert app_state(page)["leader"] is True and app_state(other)["leader"] is False
    return cid, other


def assert_survivor_matches_server(tab: Any, server: Server, cid: str, artifacts: Path, name: str) -> None:
    """Every message once on the server, in order; the surviving tab shows exactly the server's log."""
    tab.wait_for_function("() => window.sweSwe.state.leader === true")
    wait_results(tab, 3)
    tab.wait_for_function(SETTLED)
    assert server.user_texts(cid) == [FIRST, SECOND, LAST]
    assert tab.locator("#log li.msg.user .bubble").all_inner_texts() == server.user_texts(cid)
    results = [e for e in server.events(cid) if e["kind"] == "agent" and e["data"].get("type") == "result"]
    assert tab.locator("#log li.result").count() == len(results) == 3
    assert app_state(tab)["last_seq"] == server.events(cid)[-1]["seq"]
    tab.screenshot(path=str(artifacts / f"resilience-{name}.png"))


def test_the_flushing_tab_closed_mid_send_leaves_its_message_to_the_other(context, page, server: Server, artifacts: Path) -> None:
    """The lock holder's send is held on the wire (no ack can come), then the tab is closed. The other
    tab takes the lock over, finds the message in IndexedDB and sends it: logged once."""
    hold = SendHold()
    page.route_web_socket("**/ws", hold.route)
    cid, other = two_tabs_talking(context, page, server)

    hold.holding = True
    page.fill("#input", LAST)
    page.click("#send")
    wait_for(page, lambda: hold.held)  # the frame left the tab; the server never got it
    page.close()

    assert [f["text"] for f in hold.held] == [LAST]
    assert_survivor_matches_server(other, server, cid, artifacts, "tabs-leader-closed")


def test_a_tab_closed_right_after_its_send_leaves_its_message_to_the_flusher(context, page, server: Server, artifacts: Path) -> None:
    """The tab without the lock never sends by itself at first (it leaves that to the lock holder), so
    closing it right after the tap must not lose the message: the lock holder sends it."""
    cid, other = two_tabs_talking(context, page, server)

    other.fill("#input", LAST)
    other.click("#send")
    other.wait_for_function(SHOWN, arg=LAST)  # stored in IndexedDB (it shows as pending), not yet acked
    other.close()

    assert_survivor_matches_server(page, server, cid, artifacts, "tabs-follower-closed")
