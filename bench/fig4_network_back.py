"""Figure 4: network back → message on screen.

In Chromium the app shows a conversation; the page goes offline (`context.set_offline`) for 20 s, during
which the server restarts and a message arrives (posted over HTTP, as from another device). Timed in the
page: from the `online` event to the message text in the DOM.

Baseline: the same kind of message arriving while the page is online and connected (POST → on screen),
so the ratio is what the outage costs on top of plain delivery.
"""

from __future__ import annotations

import time
import uuid

from browser import WATCH_TEXT, chromium, demo_server, new_page, open_app, post_message, state, wait_connected
from common import Row, Settings, median, summary

OFFLINE_S = 20.0


def _wait_idle(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => window.sweSwe.state.status === 'idle' && window.sweSwe.state.phase === 'connected'", timeout=30000)


def run(settings: Settings) -> list[Row]:
    runs = settings.runs(5, 2)
    server = demo_server(settings.tmp / "fig4-data").start()
    back: list[float] = []
    live: list[float] = []
    phases_at_online: list[str] = []
    try:
        with chromium() as browser:
            context, page = new_page(browser)
            open_app(page, server.base_url)
            page.fill("#input", "first message")
            page.click("#send")
            page.wait_for_function("() => document.querySelectorAll('#log li.result').length >= 1", timeout=30000)
            conversation_id = state(page)["conversation_id"]
            _wait_idle(page)
            for i in range(runs):
                # baseline: online, connected, a message arrives
                marker = f"live-{i}-{uuid.uuid4().hex[:8]}"
                page.evaluate(WATCH_TEXT, marker)
                t0 = time.time() * 1000
                post_message(server.base_url, conversation_id, f"{marker} arrives live")
                page.wait_for_function("() => window.__bench.shown !== null", timeout=30000)
                live.append(page.evaluate("() => window.__bench.shownWall") - t0)
                _wait_idle(page)

                # the outage: offline 20 s; the server restarts and a message arrives meanwhile
                marker = f"offline-{i}-{uuid.uuid4().hex[:8]}"
                page.evaluate(WATCH_TEXT, marker)
                off_at = time.monotonic()
                context.set_offline(True)
                server.terminate()
                server.start()
                post_message(server.base_url, conversation_id, f"{marker} arrived while the phone was offline")
                time.sleep(max(0.0, OFFLINE_S - (time.monotonic() - off_at)))
                phases_at_online.append(state(page)["phase"])
                context.set_offline(False)
                page.wait_for_function("() => window.__bench.shown !== null && window.__bench.online !== null",
                                       timeout=60000)
                back.append(page.evaluate("() => window.__bench.shown - window.__bench.online"))
                wait_connected(page)
                _wait_idle(page)
            context.close()
    finally:
        server.terminate()
    value = median(back)
    return [Row(
        "4", f"network back → message on screen (offline {OFFLINE_S:.0f} s, server restarted)", round(value, 1), "ms",
        round(median(live), 1), "the same message arriving while online", round(value / median(live), 2),
        "< 1,000 ms (median of 5)", value < 1000,
        note=f"app phase when the network came back: {', '.join(sorted(set(phases_at_online)))}",
        details={"back_ms": summary(back, 1), "live_ms": summary(live, 1), "phases_at_online": phases_at_online},
    )]
