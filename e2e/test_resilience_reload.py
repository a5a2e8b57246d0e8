"""Issue 5, scenario 3: the user reloads the page at any moment of a turn. Whatever the moment, the
conversation afterwards is the server's log, nothing lost and nothing twice; a message queued offline
survives a reload made offline (the page then comes from the service worker) and goes out once; and
what the user was doing (a half-typed draft, the place they were reading) is there again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from conftest import (
    READY,
    Server,
    app_state,
    conversation_id,
    converse,
    open_app,
    send_message,
    wait_phase,
    wait_results,
)
from support.network import assert_shows_the_log, screenshot, wait_streaming

THIRD_TURN_RUNNING = "() => document.querySelectorAll('#log li.result').length === 2 && window.sweSwe.state.status === 'running'"
SCROLL_TOP = "() => document.getElementById('scroller').scrollTop"

# The moments of the second turn at which the page is reloaded (the first turn shows two agent rows:
# its opening line and its answer, then one result row).
MOMENTS = {
    # the message is on the page (queued, in flight or logged) and no reply has started
    "right-after-send": "() => (document.querySelector('#pending li') || document.querySelectorAll('#log li.msg.user').length === 2)"
                        " && document.querySelectorAll('#log li.msg.agent').length === 2",
    "mid-stream": "() => document.querySelectorAll('#log li.msg.agent').length > 2 && document.querySelectorAll('#log li.result').length === 1",
    "after-the-end": "() => document.querySelectorAll('#log li.result').length === 2 && window.sweSwe.state.status === 'idle'",
}


def reload(page: Page) -> None:
    page.reload()
    page.wait_for_function(READY)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_reload_at_any_moment_of_a_turn_loses_and_doubles_nothing(moment: str, page: Page, make_server: Any,
                                                                     artifacts: Path) -> None:
    """A turn after the first (a conversation the server has named): the reload may cut the message's
    ack, the replay, or nothing; the page must come back to exactly the log."""
    server: Server = make_server(demo_delay="1.5")
    open_app(page, server)
    converse(page, "a first turn")
    cid = conversation_id(page)
    text = f"reload me {moment}"
    send_message(page, text)
    page.wait_for_function(MOMENTS[moment], timeout=15000)
    reload(page)

    assert app_state(page)["conversation_id"] == cid
    assert_shows_the_log(page, server, cid)
    assert server.user_texts(cid) == ["a first turn", text]
    assert [c["id"] for c in server.api("GET", "/api/conversations")["conversations"]] == [cid], "one conversation"
    assert page.locator("#log li.msg.user .bubble").all_inner_texts() == ["a first turn", text]
    assert page.locator("#log li.result").count() == 2
    screenshot(page, artifacts, f"reload-{moment}")


def test_a_message_queued_offline_survives_a_reload_made_offline(context: BrowserContext, page: Page, make_server: Any,
                                                                  artifacts: Path) -> None:
    """Offline while a reply streams, a message typed, the page reloaded from the service worker's
    cache with the network still gone: the message still waits, visibly, and goes out once."""
    server: Server = make_server(demo_delay="1.5")
    open_app(page, server)
    send_message(page, "a reply is streaming")
    wait_streaming(page)
    cid = conversation_id(page)
    context.set_offline(True)
    wait_phase(page, "offline")
    send_message(page, "queued, then reloaded")
    page.locator("#pending li.pending").wait_for()

    reload(page)
    page.locator("#pending li.pending").wait_for()
    assert page.locator("#pending li.pending .bubble").all_inner_texts() == ["queued, then reloaded"]
    page.wait_for_function("() => document.getElementById('queue-note').textContent === '1 message waiting to send'")
    assert server.user_texts(cid) == ["a reply is streaming"]

    context.set_offline(False)
    assert_shows_the_log(page, server, cid)
    assert server.user_texts(cid) == ["a reply is streaming", "queued, then reloaded"]
    page.wait_for_selector("#queue-note", state="hidden")
    screenshot(page, artifacts, "reload-queued-offline")


def test_a_reload_mid_stream_keeps_the_draft_and_the_reading_position(page: Page, make_server: Any,
                                                                       artifacts: Path) -> None:
    """The user scrolled up to read and started typing while the agent was still answering: after the
    reload both are as they left them, and the rest of the reply arrives below without moving the view."""
    page.set_viewport_size({"width": 390, "height": 640})
    server: Server = make_server(demo_delay="1")
    open_app(page, server)
    for i in range(3):
        send_message(page, f"message number {i + 1} " + "with some words " * 8)
    wait_results(page, 2, timeout=30000)
    page.wait_for_function(THIRD_TURN_RUNNING)
    cid = conversation_id(page)
    page.evaluate("() => { const s = document.getElementById('scroller'); s.scrollTop = Math.round(s.scrollHeight * 0.3); }")
    before = page.evaluate(SCROLL_TOP)
    assert before > 100
    # Both are changed the instant before the reload, before their IndexedDB saves (which Chromium
    # drops once the page unloads): their localStorage copies must bring them back.
    draft = "half-written thought\nsecond line"
    page.fill("#input", draft)
    reload(page)
    page.wait_for_function("(d) => document.getElementById('input').value === d", arg=draft)
    page.wait_for_function(f"(b) => Math.abs(({SCROLL_TOP})() - b) <= 4", arg=before)
    assert_shows_the_log(page, server, cid)
    assert abs(page.evaluate(SCROLL_TOP) - before) <= 4, "the reply arriving below must not move the view"
    assert page.input_value("#input") == draft
    assert draft not in server.user_texts(cid), "a draft is never sent"
    screenshot(page, artifacts, "reload-draft-scroll")


def test_a_reload_right_after_the_first_message_makes_one_conversation(page: Page, make_server: Any,
                                                                       artifacts: Path) -> None:
    """The first message of a new conversation: the page's `hello` makes the server create it, and the
    reload may come before the page stored the server's id. The reloaded page asks again with the
    same creation key, so the message lands in the one conversation and no empty twin is left.
    Three conversations, because the reload wins that race only some of the time."""
    server: Server = make_server()
    ids: list[str] = []
    for n in range(1, 4):
        open_app(page, server)
        page.wait_for_function("() => window.sweSwe.state.conversation_id.startsWith('new-')")
        text = f"the first message of conversation {n}"
        send_message(page, text)
        page.wait_for_function("(t) => [...document.querySelectorAll('#pending li .bubble, #log li.msg.user .bubble')]"
                               ".some((b) => b.textContent === t)", arg=text)
        reload(page)
        page.wait_for_function("() => /^[0-9a-f-]{36}$/.test(window.sweSwe.state.conversation_id || '')", timeout=15000)
        cid = conversation_id(page)
        assert_shows_the_log(page, server, cid)
        assert server.user_texts(cid) == [text]
        ids.append(cid)
        listed = sorted(c["id"] for c in server.api("GET", "/api/conversations")["conversations"])
        assert listed == sorted(ids), "each first message makes exactly one conversation"
    screenshot(page, artifacts, "reload-first-message")
