"""Issue 14, item 5: a long conversation opens as fast as a short one. On a phone, a conversation of
20,000 events (written into the server's store, then replayed by the app into IndexedDB) opens again
showing its newest items with only a window of its history drawn; scrolling up reads older windows
without moving what the reader sees, until its first message, the DOM holding at most 1,500 items
(the newest taken out, drawn again on the way back down); a reading place far back is restored."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from conftest import READY, Server, app_state, open_app
from server_process import free_port
from support.long_log import TURN_EVENTS, first_text, seed

EVENTS = 20_000
TURNS = EVENTS // TURN_EVENTS
# drawn at open: a window of a few hundred events, not the 9,000 items of the whole log
MAX_ITEMS_AT_OPEN = 600
# drawn at most while scrolling through it (ui/conversation-view.js MAX_DRAWN)
MAX_DRAWN = 1500

TO_END = "() => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight; }"
ITEMS = "() => document.querySelectorAll('#log > li').length"
FIRST_VISIBLE = """() => {
  const s = document.getElementById('scroller');
  const top = s.getBoundingClientRect().top;
  for (const el of document.querySelectorAll('#log > li')) {
    const r = el.getBoundingClientRect();
    if (r.bottom > top + 1) return { key: el.dataset.key, top: Math.round(r.top - top) };
  }
  return null;
}"""


def _shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"long-conversation-{name}.png"))


def _open_again(page: Any, server: Server, cid: str) -> None:
    """A cold start of the app on this conversation, as from the home screen."""
    page.goto("about:blank")
    page.goto(f"{server.base_url}/#/c/{cid}")
    page.wait_for_function(READY)
    page.wait_for_function("(n) => window.sweSwe.state.last_seq >= n", arg=EVENTS, timeout=30000)


def test_a_20000_event_conversation_opens_at_its_end_and_scrolls_to_its_start(phone: Any, artifacts: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="swe-swe-e2e-long-") as tmp:
        cid = seed(Path(tmp) / "swe-swe.sqlite3", (EVENTS,), title=first_text(1))[EVENTS]
        server = Server(port=free_port(), data_dir=Path(tmp))
        server.start()
        try:
            page = phone.new_page()
            lists: list[str] = []
            page.on("request", lambda r: lists.append(r.url) if r.url.endswith("/api/conversations") else None)
            open_app(page, server, route=f"#/c/{cid}")
            # the first time, the app replays the whole log from the server into IndexedDB
            page.wait_for_function("(n) => window.sweSwe.state.last_seq >= n", arg=EVENTS, timeout=180_000)
            page.wait_for_function("() => window.sweSwe.state.phase === 'connected'", timeout=30000)
            page.wait_for_timeout(1500)  # a list fetch the replay asked for would have gone out
            # the list at start and once after the replay; not again for each past turn it replayed
            assert len(lists) <= 2, lists
            # left at its end (where a replay leaves a reader who has not scrolled), the place then saved
            page.evaluate(TO_END)
            page.wait_for_timeout(1500)  # the batched writes to IndexedDB, the saved place

            # opened again: its newest items, drawn from the newest window only
            _open_again(page, server, cid)
            page.wait_for_function("() => document.querySelectorAll('#log > li').length > 0")
            drawn = page.evaluate(ITEMS)
            assert drawn <= MAX_ITEMS_AT_OPEN, drawn
            log_text = page.inner_text("#log")
            assert f"Done with turn {TURNS}." in log_text
            assert first_text(1) not in log_text
            assert page.evaluate("() => { const s = document.getElementById('scroller'); return s.scrollHeight - s.scrollTop - s.clientHeight; }") < 60
            assert page.inner_text("#conv-title") == first_text(1)
            _shot(page, artifacts, "opened")

            # scrolling up: older windows come in above, what the reader sees does not move
            page.evaluate("() => { document.getElementById('scroller').scrollTop = 300; }")
            page.wait_for_timeout(100)
            seen = page.evaluate(FIRST_VISIBLE)
            page.wait_for_function("(n) => document.querySelectorAll('#log > li').length > n", arg=drawn, timeout=10000)
            page.wait_for_timeout(100)
            after = page.evaluate(FIRST_VISIBLE)
            assert after["key"] == seen["key"] and abs(after["top"] - seen["top"]) <= 2, (seen, after)
            _shot(page, artifacts, "older-loaded")

            # …until the first message
            # (a fling to the top of what is drawn, again and again: each brings the next older window)
            deadline = time.monotonic() + 120
            while first_text(1) not in page.inner_text("#log li:first-child") and time.monotonic() < deadline:
                page.evaluate("() => { document.getElementById('scroller').scrollTop = 0; }")
                page.wait_for_timeout(50)
            assert first_text(1) in page.inner_text("#log li:first-child")
            assert page.evaluate(ITEMS) <= MAX_DRAWN, "the newest items far below are taken out"
            page.evaluate("() => { document.getElementById('scroller').scrollTop = 0; }")
            page.wait_for_timeout(300)
            _shot(page, artifacts, "start")
            state = app_state(page)
            assert state["last_seq"] == EVENTS
            assert page.inner_text("#conv-title") == first_text(1)

            # and back down to its end: what was taken out is drawn again, the oldest taken out
            deadline = time.monotonic() + 120
            while f"Done with turn {TURNS}." not in page.inner_text("#log li:last-child") and time.monotonic() < deadline:
                page.evaluate(TO_END)
                page.wait_for_timeout(50)
                assert page.evaluate(ITEMS) <= MAX_DRAWN + 200
            assert f"Done with turn {TURNS}." in page.inner_text("#log")

            # the place far back is kept and restored on the next open, loading what it needs
            page.evaluate("() => { document.getElementById('scroller').scrollTop = 2000; }")
            page.wait_for_timeout(800)  # the place is saved a moment after scrolling stops
            place = page.evaluate(FIRST_VISIBLE)
            _open_again(page, server, cid)
            page.wait_for_function("(key) => !!document.querySelector(`#log > li[data-key='${key}']`)", arg=place["key"], timeout=10000)
            page.wait_for_timeout(300)
            back = page.evaluate(FIRST_VISIBLE)
            assert back["key"] == place["key"] and abs(back["top"] - place["top"]) <= 4, (place, back)
            _shot(page, artifacts, "place-restored")
            # drawing thousands of items at once can hold the page past a ping (1 s here): it may reconnect
            page.wait_for_function("() => window.sweSwe.state.phase === 'connected'", timeout=30000)
        finally:
            server.stop()
