"""Reconnecting: a cut socket, a half-open link, a server crash and restart. Nothing is lost or doubled."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from conftest import Server, app_state, conversation_id, converse, eventually, open_app, send_message, wait_phase
from support.network import proxy_to
from support.tcp_proxy import TcpProxy


@pytest.fixture()
def proxy(server: Server) -> Iterator[TcpProxy]:
    with proxy_to(server) as p:
        yield p


def test_a_cut_connection_reconnects_and_replays_only_what_was_missed(page, server: Server) -> None:
    sockets = []

    def relay(ws) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/ws", relay)
    open_app(page, server)
    converse(page, "before the cut")
    cid = conversation_id(page)
    count = len(sockets)

    # cut in the middle of a turn: the agent keeps working (I3) and the client catches up by replay (I2)
    send_message(page, "during the cut")
    page.wait_for_selector("#working:not([hidden])")
    sockets[-1].close(code=4000, reason="cut by the test")
    page.wait_for_function("() => window.sweSwe.state.phase !== 'connected'")
    wait_phase(page, "connected")
    assert len(sockets) == count + 1
    page.wait_for_function("() => document.querySelectorAll('#log li.result').length === 2", timeout=20000)
    page.wait_for_function("() => window.sweSwe.state.status === 'idle'")

    events = server.events(cid)
    assert app_state(page)["last_seq"] == events[-1]["seq"]
    assert server.user_texts(cid) == ["before the cut", "during the cut"]
    # each logged item is shown once
    keys = [i["key"] for i in app_state(page)["items"]]
    assert len(keys) == len(set(keys))
    assert page.locator("#log li.msg.user").count() == 2
    assert page.locator("#log li.tool").count() == 2


def test_a_half_open_link_is_noticed_by_the_ping_watchdog(page, server: Server) -> None:
    """Bytes from the server stop arriving, but the socket never closes: only our ping can tell."""
    state = {"frozen": False, "sockets": 0}

    def relay(ws) -> None:
        state["sockets"] += 1
        frozen_here = {"on": False}
        upstream = ws.connect_to_server()
        upstream.on_message(lambda m: None if frozen_here["on"] else ws.send(m))
        ws.on_message(lambda m: upstream.send(m))
        state["freeze"] = lambda: frozen_here.update(on=True)

    page.route_web_socket("**/ws", relay)
    open_app(page, server)
    converse(page, "hello")
    state["freeze"]()
    t0 = time.monotonic()
    page.wait_for_function("() => window.sweSwe.state.phase !== 'connected'", timeout=10000)
    noticed = time.monotonic() - t0
    assert noticed < 6, f"took {noticed:.1f} s to notice a dead link"
    wait_phase(page, "connected")
    assert state["sockets"] == 2
    converse(page, "still works")


WAITING_LONG = """(ms) => { const s = window.sweSwe.connection.state;
    return s.phase === 'reconnecting' && s.retryAt - Date.now() > ms; }"""


def test_a_server_crash_and_restart_lose_nothing(page, make_server) -> None:
    server: Server = make_server()
    open_app(page, server)
    converse(page, "before the crash")
    cid = conversation_id(page)

    server.kill()
    page.wait_for_function("() => ['reconnecting', 'connecting'].includes(window.sweSwe.state.phase)", timeout=10000)
    page.wait_for_function("() => document.getElementById('conn-label').textContent.startsWith('Reconnecting')", timeout=10000)
    send_message(page, "sent while the server is down")
    page.locator("#pending li.pending").wait_for()
    assert page.inner_text("#queue-note") == "1 message waiting to send"

    # the backoff grows; coming back to the page (visibilitychange) reconnects at once, not at the next step
    page.wait_for_function(WAITING_LONG, arg=2500, timeout=20000)
    server.start()  # same port, same data dir
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    wait_phase(page, "connected", timeout=2000)
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0", timeout=15000)
    eventually(lambda: server.user_texts(cid) == ["before the crash", "sent while the server is down"])
    page.wait_for_function("() => document.querySelectorAll('#log li.result').length === 2", timeout=20000)
    assert page.locator("#log li.msg.user").count() == 2

    # again, and this time the user taps "Retry now"
    server.kill()
    page.wait_for_function(WAITING_LONG, arg=2500, timeout=20000)
    page.wait_for_selector("#conn-banner:not([hidden])")
    assert page.inner_text("#conn-retry") == "Retry now"
    server.start()
    page.click("#conn-retry")
    wait_phase(page, "connected", timeout=2000)
    page.wait_for_selector("#conn-banner", state="hidden")


def test_through_a_real_tcp_path_cuts_and_held_bytes_are_survived(page, server: Server, proxy: TcpProxy) -> None:
    """The page and its socket go through a loopback TCP proxy: an abort (close 1006), then a
    half-open link (bytes held, nothing closed) that only the app's ping watchdog can notice."""
    open_app(page, server, base=f"http://127.0.0.1:{proxy.port}")
    converse(page, "through the proxy")
    cid = conversation_id(page)

    assert proxy.cut() >= 1
    page.wait_for_function("() => window.sweSwe.state.phase !== 'connected'", timeout=3000)
    wait_phase(page, "connected", timeout=10000)

    proxy.hold(True)
    t0 = time.monotonic()
    page.wait_for_function("() => window.sweSwe.state.phase !== 'connected'", timeout=10000)
    assert time.monotonic() - t0 < 6
    send_message(page, "typed on a dead link")
    page.locator("#pending li.pending").wait_for()
    proxy.hold(False)
    wait_phase(page, "connected", timeout=20000)
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0", timeout=15000)
    page.wait_for_function("() => document.querySelectorAll('#log li.result').length === 2", timeout=20000)
    assert server.user_texts(cid) == ["through the proxy", "typed on a dead link"]
