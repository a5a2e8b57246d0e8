"""How it looks and handles on a phone (390×844, touch) and on a desktop; screenshots go to
e2e/artifacts/ for people to look at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

from conftest import PHONE, Server, converse, open_app, send_message, wait_results


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_phone(phone, server: Server, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, server)
    page.wait_for_selector("#empty:not([hidden])")
    page.screenshot(path=str(artifacts / "phone-empty.png"))

    converse(page, "Find the flaky test in the payments module and fix it")
    converse(page, "Now run the whole suite, and tell me **how long** it took")
    page.locator("#log li.tool summary").first.tap()  # open one tool call
    page.wait_for_selector("#log li.tool details[open]")
    page.evaluate("() => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight; }")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "phone-conversation.png"))
    no_sideways_scroll(page)

    # touch targets are at least 44 px
    for selector in ("#send", "#open-sidebar", "#open-details", "#log li.tool summary"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (selector, box)

    # a double tap on Send sends once
    page.fill("#input", "tapped twice")
    page.locator("#send").tap()
    page.locator("#send").tap()
    wait_results(page, 3)
    assert page.locator("#log li.msg.user").count() == 3

    # the keyboard opening (the viewport shrinking) keeps the composer and the latest message in view
    page.set_viewport_size({"width": 390, "height": 420})
    page.focus("#input")
    page.wait_for_timeout(300)
    composer = page.locator(".composer-form").bounding_box()
    assert composer and composer["y"] + composer["height"] <= 420
    last = page.locator("#log > li").last.bounding_box()
    scroller = page.locator("#scroller").bounding_box()
    assert last and scroller and last["y"] + last["height"] <= scroller["y"] + scroller["height"] + 2
    page.set_viewport_size(PHONE)

    # the list of conversations slides in over the conversation
    page.locator("#open-sidebar").tap()
    page.wait_for_function("() => document.getElementById('app').classList.contains('sidebar-open')")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "phone-conversations.png"))
    page.locator("#scrim").tap(position={"x": 370, "y": 400})
    page.wait_for_selector("#scrim", state="hidden")

    # offline: the indicator says so, a message waits visibly
    phone.set_offline(True)
    page.wait_for_function("() => window.sweSwe.state.phase === 'offline'", timeout=15000)
    send_message(page, "This one waits until the network is back")
    page.wait_for_selector("#pending li.pending")
    page.screenshot(path=str(artifacts / "phone-offline-queued.png"))
    no_sideways_scroll(page)
    phone.set_offline(False)
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0", timeout=20000)


def start_conversations(server: Server, count: int) -> None:
    """Conversations made by another client, so the list is longer than the screen."""
    for _ in range(count):
        with connect(f"ws://127.0.0.1:{server.port}/ws?token={server.token}") as ws:
            ws.send(json.dumps({"type": "hello", "protocol": 1, "client_id": "e2e-filler", "conversation_id": None, "last_seq": 0}))
            while json.loads(ws.recv(timeout=10))["type"] != "replay_done":
                pass


def test_desktop(page, server: Server, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    start_conversations(server, 20)
    open_app(page, server)
    converse(page, "Summarise what changed in the last release")
    converse(page, "Draft release notes as a bulleted list")
    assert page.is_visible("#sidebar")
    assert page.is_hidden("#open-sidebar")
    # however long the conversation list, the page itself never scrolls: the header stays in view
    assert page.evaluate("() => document.scrollingElement.scrollTop + document.body.scrollTop") == 0
    assert page.locator("#open-details").bounding_box()["y"] >= 0
    page.screenshot(path=str(artifacts / "desktop-conversation.png"))
    page.click("#open-details")
    page.wait_for_selector("#details[open]")
    page.wait_for_function("() => document.getElementById('details-body').textContent.includes('App version')")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "desktop-details.png"))
    page.keyboard.press("Escape")
    no_sideways_scroll(page)
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "desktop-conversation-dark.png"))
