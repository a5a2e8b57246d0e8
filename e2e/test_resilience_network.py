"""Issue 5, scenario 2: the network goes away while the agent streams a reply and the user keeps
typing. Going offline does not close an open WebSocket (its frames are only held), so the app must
notice by its own ping watchdog, queue what is typed, and once back online show everything streamed
meanwhile exactly once and deliver the queued messages exactly once, in order."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

from conftest import Server, conversation_id, open_app, send_message, wait_phase
from support.network import (
    WATCH_SOCKETS,
    assert_shows_the_log,
    offline_spell_s,
    screenshot,
    sockets,
    wait_new_socket,
    wait_streaming,
)


def queue_note(page: Page) -> str:
    return page.inner_text("#queue-note") if page.is_visible("#queue-note") else ""


def test_offline_while_the_agent_streams_and_the_user_sends(context: BrowserContext, page: Page, make_server: Any,
                                                             artifacts: Path) -> None:
    server: Server = make_server(demo_delay="1.5")  # a turn streams for about 2 s
    context.add_init_script(WATCH_SOCKETS)
    open_app(page, server)
    send_message(page, "count these words while I ride through a tunnel")
    wait_streaming(page)
    cid = conversation_id(page)
    before = len(sockets(page))

    context.set_offline(True)
    # typed at once: the app may still think it is connected and write into the held socket
    send_message(page, "first message typed offline")
    wait_phase(page, "offline")  # the ping watchdog noticed; the socket was never closed by the browser
    send_message(page, "second message typed offline")
    page.wait_for_function("() => document.getElementById('queue-note').textContent === '2 messages waiting to send'")
    assert page.locator("#pending li.pending .bubble").all_inner_texts() == [
        "first message typed offline", "second message typed offline"]
    assert all("Waiting to send" in t for t in page.locator("#pending li.pending .pending-label").all_inner_texts())
    time.sleep(offline_spell_s())  # the offline spell itself; the turn goes on on the server (I3)
    assert server.user_texts(cid) == ["count these words while I ride through a tunnel"], "nothing leaves while offline"

    context.set_offline(False)
    wait_new_socket(page, before)
    events = assert_shows_the_log(page, server, cid)
    assert server.user_texts(cid) == ["count these words while I ride through a tunnel",
                                      "first message typed offline", "second message typed offline"]
    assert sum(e["kind"] == "run_finished" for e in events) == 3
    page.wait_for_selector("#queue-note", state="hidden")
    assert queue_note(page) == ""
    assert page.locator("#log li.msg.user .bubble").all_inner_texts() == server.user_texts(cid)
    assert page.inner_text("#conn-label") == "Connected"
    screenshot(page, artifacts, "network-offline")
