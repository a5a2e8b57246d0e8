"""Figure 5: dead-link detection.

The page reaches the server through `TcpProxy`. At a random moment the proxy starts swallowing every
byte of the open link without closing it (a half-open link: Wi-Fi gone mid-air, a NAT that forgot the
flow); new links still pass. Timed (wall clock, the page's and ours are the same machine's): from the hold
to the app leaving `connected` ("knows"), and to `connected` again on a new socket ("reconnected"), as a
multiple of the ping interval the server announces.
"""

from __future__ import annotations

import random
import time

from browser import RECORD_PHASES, chromium, demo_server, new_page, open_app, state, wait_connected
from common import Row, Settings, median, summary
from support.tcp_proxy import TcpProxy

PING_INTERVAL_S = 5.0


def run(settings: Settings) -> list[Row]:
    runs = settings.runs(5, 3)
    server = demo_server(settings.tmp / "fig5-data", ping_interval=PING_INTERVAL_S).start()
    proxy = TcpProxy(server.port).start()
    origin = f"http://127.0.0.1:{proxy.port}"
    knows: list[float] = []
    back: list[float] = []
    rng = random.Random(5)
    try:
        with chromium() as browser:
            context, page = new_page(browser)
            open_app(page, origin)
            page.fill("#input", "hello")
            page.click("#send")
            page.wait_for_function("() => document.querySelectorAll('#log li.result').length >= 1", timeout=30000)
            wait_connected(page)
            assert state(page)["phase"] == "connected"
            for _ in range(runs):
                time.sleep(rng.uniform(0, PING_INTERVAL_S))  # a random point in the ping cycle
                page.evaluate(RECORD_PHASES)
                held_at = time.time() * 1000
                if proxy.hold_open_links() < 1:
                    raise RuntimeError("no link to hold")
                page.wait_for_function(
                    "() => { const p = window.__phases; const i = p.findIndex(([, s]) => s !== 'connected');"
                    " return i >= 0 && p.slice(i).some(([, s]) => s === 'connected'); }",
                    timeout=PING_INTERVAL_S * 6 * 1000)
                phases = page.evaluate("() => window.__phases")
                left = next(t for t, s in phases if s != "connected")
                again = next(t for t, s in phases if s == "connected" and t >= left)
                knows.append((left - held_at) / 1000)
                back.append((again - held_at) / 1000)
                proxy.cut_held()
            context.close()
    finally:
        proxy.stop()
        server.terminate()
    ratio_back = median(back) / PING_INTERVAL_S
    ratio_knows = median(knows) / PING_INTERVAL_S
    worst = max(back) / PING_INTERVAL_S
    return [
        Row("5", "half-open link: until the page has reconnected", round(median(back), 2), "s",
            PING_INTERVAL_S, "ping interval", round(ratio_back, 2), "≤ 2× the ping interval", ratio_back <= 2,
            note=(f"knows (leaves `connected`) after {median(knows):.2f} s = {ratio_knows:.2f}×; worst reconnect "
                  f"{worst:.2f}×; runs start at random points of the ping cycle"),
            details={"reconnected_s": summary(back, 3), "knows_s": summary(knows, 3)}),
    ]
