"""Figure 12: long conversations open in about the time short ones do (issue 14).

Three conversations of 500, 2,000 and 20,000 events (support/long_log.py: 20 events a turn, user
messages, replies in pieces, tool calls with their results) are written into the server's store, opened
once online so that the app replays them into IndexedDB, then opened offline from a blank page as from
the home screen, in turn: timed from navigation start to the first animation frame in which the
conversation is open at its newest event and its log is drawn (the "first render" of figure 7b). The
baseline is the 500-event conversation; the target: 20,000 events cost at most 2× that.
"""

from __future__ import annotations

from browser import chromium, demo_server, new_page, open_app
from common import Row, Settings, median, summary
from fig7_app import FIRST_RENDER, _first_render, _wait_stored
from support.long_log import seed

SIZES = (500, 2000, 20000)


def run(settings: Settings) -> list[Row]:
    data_dir = settings.tmp / "fig12-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    ids = seed(data_dir / "swe-swe.sqlite3", SIZES)
    server = demo_server(data_dir).start()
    runs = settings.runs(7, 3)
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    drawn: dict[int, int] = {}
    try:
        with chromium() as browser:
            context, page = new_page(browser)
            context.add_init_script(FIRST_RENDER)
            open_app(page, server.base_url)
            for size in SIZES:  # online once: the app replays each into IndexedDB
                page.goto(f"{server.base_url}/#/c/{ids[size]}")
                page.wait_for_function("(n) => window.sweSwe.state.last_seq >= n", arg=size, timeout=300_000)
                _wait_stored(page, ids[size], size, timeout=300.0)
                # left at its end, so that the open restores that place (a place further back is
                # restored too, reading the windows back to it: another figure)
                page.evaluate("() => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight; }")
                page.wait_for_timeout(600)  # the place is saved a moment after scrolling stops
            context.set_offline(True)
            n = 0
            for _ in range(runs):
                for size in SIZES:
                    n += 1
                    times[size].append(_first_render(page, server.base_url, ids[size], size, n))
                    drawn[size] = page.evaluate("() => document.querySelectorAll('#log > li').length")
            context.close()
    finally:
        server.terminate()
    base = median(times[SIZES[0]])
    rows = []
    for letter, size in zip("abc", SIZES, strict=True):
        value = median(times[size])
        is_target = size == SIZES[-1]
        rows.append(Row(
            f"12{letter}", f"open offline, {size:,} events → newest items drawn", round(value, 1), "ms", round(base, 1),
            f"same, {SIZES[0]:,} events", round(value / base, 2), "≤ 2" if is_target else "(reported)",
            (value <= 2 * base) if is_target else None,
            note=f"from navigation start, served by the service worker; {drawn[size]} list items drawn at the end",
            details={"ms": summary(times[size], 1), "items_drawn": drawn[size]}))
    return rows
