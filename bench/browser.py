"""Chromium through Playwright (sync API) for figures 4, 5 and 7, and a swe-swe server for it."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import CHROMIUM, CHROMIUM_ARGS
from server_process import ServerProcess

TOKEN = "bench-token-0123456789"


def demo_server(data_dir: Path, ping_interval: float = 30.0, demo_delay: str = "0.05") -> ServerProcess:
    return ServerProcess(data_dir=data_dir, token=TOKEN, agent="demo", ping_interval=ping_interval,
                         env={"SWE_SWE_DEMO_DELAY": demo_delay})


def api(base_url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def post_message(base_url: str, conversation_id: str, text: str) -> Any:
    return api(base_url, "POST", f"/api/conversations/{conversation_id}/messages",
               {"client_msg_id": str(uuid.uuid4()), "text": text})


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else None,
                                    args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="allow")
    return context, context.new_page()


def open_app(page: Any, origin: str, route: str = "") -> None:
    """Sign in with the printed link, then wait for the app to run under its service worker."""
    page.goto(f"{origin}/?token={TOKEN}{route}")
    page.wait_for_function("() => window.sweSwe && document.getElementById('app').dataset.state === 'ready'")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)


def wait_connected(page: Any, timeout: float = 20000) -> None:
    page.wait_for_function("() => window.sweSwe.state.phase === 'connected'", timeout=timeout)


def state(page: Any) -> dict[str, Any]:
    return page.evaluate("() => window.sweSwe.state")


# In-page probes, timed with the page's own clock.

WATCH_TEXT = """(marker) => {
  window.__bench = { online: null, shown: null, shownWall: null };
  window.addEventListener('online', () => { window.__bench.online = performance.now(); }, { once: true });
  const log = document.getElementById('log');
  const seen = () => {
    if (window.__bench.shown === null && log.textContent.includes(marker)) {
      window.__bench.shown = performance.now();
      window.__bench.shownWall = Date.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(log, { childList: true, subtree: true, characterData: true });
  seen();
}"""

RECORD_PHASES = """() => {
  const conn = window.sweSwe.connection;
  window.__phases = [];
  if (!conn.__benchWrapped) {
    const onState = conn.options.onState;
    conn.options.onState = (s) => { (window.__phases || []).push([Date.now(), s.phase]); onState && onState(s); };
    conn.__benchWrapped = true;
  }
}"""
