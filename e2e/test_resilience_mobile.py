"""Issue 5, scenario 5: phones. The app is used where networks are slow and apps are put away:
(a) Pixel- and iPhone-class devices over Slow 3G hold a whole conversation, every message once;
(b) an app frozen in the background (which kills its WebSocket) reconnects when it comes back and
catches up with what the agent said meanwhile; (c) a half-open link (a network switch: bytes vanish,
nothing closes) is noticed by the app's ping watchdog, which reconnects and catches up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright

from conftest import Server, conversation_id, eventually, open_app, send_message
from support.network import (
    SLOW_3G,
    SLOW_3G_FRAME_DELAY_S,
    WATCH_LIFECYCLE,
    WATCH_SOCKETS,
    assert_shows_the_log,
    emulate_network,
    own_chromium,
    phone,
    proxy_to,
    proxy_url,
    screenshot,
    sockets,
    wait_new_socket,
    wait_streaming,
)

# what the user agent must name, to be sure the device's identity reached the page
PHONES = {"Pixel 7": "Pixel 7", "iPhone 13": "iPhone"}


def turn_finished(server: Server, cid: str, turns: int) -> bool:
    return sum(e["kind"] == "run_finished" for e in server.events(cid)) >= turns


@pytest.mark.parametrize("device", list(PHONES))
def test_a_conversation_on_a_phone_over_slow_3g(device: str, browser: Browser, playwright: Playwright,
                                                server: Server, artifacts: Path) -> None:
    """Bandwidth and handshake latency from CDP, per-frame latency from the proxy: the app loads,
    installs its worker, and a message sent while the previous reply still streams goes out once. A
    slow link is not a dead one: the watchdog must not drop the socket."""
    with phone(browser, playwright, device) as context, proxy_to(server) as proxy:
        context.add_init_script(WATCH_SOCKETS)
        page = context.new_page()
        emulate_network(context, page, SLOW_3G)
        proxy.delay_s = SLOW_3G_FRAME_DELAY_S
        open_app(page, server, base=proxy_url(proxy))
        assert PHONES[device] in page.evaluate("() => navigator.userAgent")
        send_message(page, f"hello from a {device} on a slow network")
        wait_streaming(page, timeout=30000)
        send_message(page, "and a second message while you answer")
        cid = conversation_id(page)

        assert_shows_the_log(page, server, cid, timeout=60)
        assert server.user_texts(cid) == [f"hello from a {device} on a slow network",
                                          "and a second message while you answer"]
        assert page.locator("#log li.msg.user .bubble").all_inner_texts() == server.user_texts(cid)
        assert page.locator("#log li.result").count() == 2
        assert len(sockets(page)) == 1, f"the slow link was taken for a dead one: {sockets(page)}"
        screenshot(page, artifacts, f"mobile-slow3g-{device.replace(' ', '-').lower()}")


def test_an_app_frozen_in_the_background_reconnects_and_catches_up(playwright: Playwright, make_server: Any,
                                                                   artifacts: Path) -> None:
    """Frozen while a reply streams and kept frozen until the turn has ended on the server: on resume
    the dead socket is replaced and the rest of the reply appears, once."""
    server: Server = make_server(demo_delay="1.5")
    with own_chromium(playwright) as chromium:
        page = chromium.attach()
        page.context.add_init_script(WATCH_SOCKETS)
        page.context.add_init_script(WATCH_LIFECYCLE)
        open_app(page, server)
        send_message(page, "keep working while my phone sleeps")
        wait_streaming(page)
        cid = conversation_id(page)
        before = len(sockets(page))

        chromium.freeze()
        eventually(lambda: turn_finished(server, cid, 1), timeout=30)  # the agent finished meanwhile (I3)
        page = chromium.resume()

        assert page.evaluate("() => window.__lifecycle") == ["freeze", "resume"], "the page was really frozen"
        wait_new_socket(page, before)
        died = sockets(page)[before - 1]["close"]
        print(f"\nthe frozen page's socket closed with {died}", flush=True)
        assert died is not None, "the frozen page's socket died"
        assert_shows_the_log(page, server, cid)
        assert server.user_texts(cid) == ["keep working while my phone sleeps"]
        assert page.locator("#log li.result").count() == 1
        screenshot(page, artifacts, "mobile-frozen")


def test_a_half_open_link_is_noticed_by_the_watchdog_and_caught_up(browser: Browser, playwright: Playwright,
                                                                    make_server: Any, artifacts: Path) -> None:
    """The proxy swallows the bytes of the links open now and never closes them (new links pass):
    only the app's own ping can tell the socket is dead."""
    server: Server = make_server(demo_delay="1.5")
    with phone(browser, playwright, "Pixel 7") as context, proxy_to(server) as proxy:
        context.add_init_script(WATCH_SOCKETS)
        page = context.new_page()
        open_app(page, server, base=proxy_url(proxy))
        send_message(page, "answer me across a network switch")
        wait_streaming(page)
        cid = conversation_id(page)
        before = len(sockets(page))

        held_at = page.evaluate("() => Date.now()")
        assert proxy.hold_open_links() >= 1
        wait_new_socket(page, before)
        dead = sockets(page)[before - 1]
        assert dead["dropped_at"] is not None and dead["dropped_at"] > held_at, dead  # the app gave up on it
        print(f"\nhalf-open link noticed by the ping watchdog after {(dead['dropped_at'] - held_at) / 1000:.2f} s",
              flush=True)
        assert_shows_the_log(page, server, cid)
        assert server.user_texts(cid) == ["answer me across a network switch"]
        assert page.locator("#log li.result").count() == 1
        screenshot(page, artifacts, "mobile-half-open")
        proxy.cut_held()
