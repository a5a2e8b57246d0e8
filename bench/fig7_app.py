"""Figure 7: the app itself.

- Shell bytes: every HTML, JS and CSS file the service worker precaches (its SHELL list), as served,
  gzipped (level 6, per file, as a typical server would); icons and the manifest are not counted.
- Time to first render, offline, of a 2,000-event conversation from IndexedDB: the page is reloaded with
  the network off (served by the service worker); timed from navigation start to the first animation
  frame in which that conversation's 2,000 events are in the model and its log is in the DOM.
  Baseline: the same for an empty conversation (the shell alone), so the ratio is what 2,000 events cost.
"""

from __future__ import annotations

import gzip
import re
import time
import urllib.request

from browser import chromium, demo_server, new_page, open_app
from common import REPO, Row, Settings, median, summary
from fig2_catchup import seed

EVENTS = 2000

FIRST_RENDER = """(() => {
  const want = JSON.parse(sessionStorage.getItem('bench_want') || 'null');
  if (!want) return;
  window.__ttr = null;
  const tick = () => {
    const s = window.sweSwe && window.sweSwe.state;
    const app = document.getElementById('app');
    const log = document.getElementById('log');
    if (s && app && app.dataset.state === 'ready' && s.conversation_id === want.id && s.last_seq >= want.events
        && (want.events === 0 || (log && log.children.length > 0))) {
      window.__ttr = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""

STORED_EVENTS = """async (id) => {
  const d = await window.SweSweDb.open();
  return await new Promise((resolve) => {
    const t = d.transaction(['events', 'conversations']);
    const keys = t.objectStore('events').getAllKeys(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    const record = t.objectStore('conversations').get(id);
    t.oncomplete = () => {
      const seqs = keys.result.map((k) => k[1]);
      let prefix = 0;
      while (prefix < seqs.length && seqs[prefix] === prefix + 1) prefix++;
      resolve({ stored: seqs.length, contiguous: prefix, record_last_seq: record.result ? record.result.last_seq : null });
    };
  });
}"""

def shell_paths() -> list[str]:
    text = (REPO / "service-worker" / "sw.js").read_text()
    block = text[text.index("const SHELL"):]
    block = block[: block.index("];")]
    paths = re.findall(r"'(/[^']*)'", block)
    return [p for p in paths if p == "/" or p.endswith((".js", ".css", ".html"))]


def shell_bytes(base_url: str) -> dict[str, int]:
    raw = gz = served = 0
    paths = shell_paths()
    for path in paths:
        request = urllib.request.Request(base_url + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            served += len(body)
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        raw += len(body)
        gz += len(gzip.compress(body, compresslevel=6))
    return {"files": len(paths), "raw": raw, "gzip": gz, "served": served}


def _wait_stored(page: object, conversation_id: str, count: int, timeout: float = 60.0) -> None:
    """Until IndexedDB holds events 1…count (page.evaluate awaits the promise; wait_for_function would not)."""
    deadline = time.monotonic() + timeout
    while True:
        stored = page.evaluate(STORED_EVENTS, conversation_id)  # type: ignore[attr-defined]
        if stored["contiguous"] >= count:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"IndexedDB did not get the events: {stored}")
        time.sleep(0.1)


def _first_render(page: object, origin: str, conversation_id: str, events: int, n: int) -> float:
    """A cold start of the app, as from the home screen: from a blank page, so no app page unloads first."""
    page.evaluate("(w) => sessionStorage.setItem('bench_want', JSON.stringify(w))",  # type: ignore[attr-defined]
                  {"id": conversation_id, "events": events})
    page.goto("about:blank")  # type: ignore[attr-defined]
    page.goto(f"{origin}/?run={n}#/c/{conversation_id}")  # type: ignore[attr-defined]
    try:
        page.wait_for_function("() => window.__ttr !== null && window.__ttr !== undefined", timeout=20000)  # type: ignore[attr-defined]
    except Exception as error:
        seen = page.evaluate(  # type: ignore[attr-defined]
            "() => { const s = window.sweSwe && window.sweSwe.state; return {app: document.getElementById('app').dataset.state,"
            " id: s && s.conversation_id, last_seq: s && s.last_seq, phase: s && s.phase, url: location.href,"
            " log: document.getElementById('log').children.length, want: sessionStorage.getItem('bench_want')}; }")
        seen["idb"] = page.evaluate(STORED_EVENTS, conversation_id)  # type: ignore[attr-defined]
        raise RuntimeError(f"the conversation was not rendered: {seen}") from error
    return float(page.evaluate("() => window.__ttr"))  # type: ignore[attr-defined]


def run(settings: Settings) -> list[Row]:
    data_dir = settings.tmp / "fig7-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    ids = seed(data_dir / "swe-swe.sqlite3", (EVENTS, 0))
    server = demo_server(data_dir).start()
    runs = settings.runs(5, 3)
    full: list[float] = []
    empty: list[float] = []
    try:
        sizes = shell_bytes(server.base_url)
        with chromium() as browser:
            context, page = new_page(browser)
            context.add_init_script(FIRST_RENDER)
            open_app(page, server.base_url)
            for conversation_id, count in ((ids[0], 0), (ids[EVENTS], EVENTS)):  # online once: cache both
                page.goto(f"{server.base_url}/#/c/{conversation_id}")
                page.wait_for_function("(n) => window.sweSwe.state.last_seq >= n", arg=count, timeout=60000)
                _wait_stored(page, conversation_id, count)
            context.set_offline(True)
            for n in range(runs):
                empty.append(_first_render(page, server.base_url, ids[0], 0, 2 * n))
                full.append(_first_render(page, server.base_url, ids[EVENTS], EVENTS, 2 * n + 1))
            items = page.evaluate("() => document.querySelectorAll('#log > li').length")
            context.close()
    finally:
        server.terminate()
    value = median(full)
    return [
        Row("7", "app shell: HTML+JS+CSS, gzipped", round(sizes["gzip"] / 1024, 1), "KiB", round(sizes["raw"] / 1024, 1),
            "uncompressed", round(sizes["gzip"] / sizes["raw"], 3), "(reported)", None,
            note=f"{sizes['files']} files; the server sent {sizes['served'] / 1024:.0f} KiB (no gzip on the wire)"
            if sizes["served"] == sizes["raw"] else f"{sizes['files']} files; {sizes['served'] / 1024:.0f} KiB on the wire",
            details=sizes),
        Row("7b", f"first render offline, {EVENTS:,} events from IndexedDB", round(value, 1), "ms", round(median(empty), 1),
            "same, empty conversation", round(value / median(empty), 2), "(reported)", None,
            note=f"from navigation start, served by the service worker; {items} list items",
            details={"events_2000_ms": summary(full, 1), "empty_ms": summary(empty, 1)}),
    ]
