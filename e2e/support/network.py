"""Helpers of the resilience tests (issue 5, scenarios 2, 3 and 5): bad networks and phones made the
way the team's testing notes (design/testing.md) found to work on these machines, and the check that
what a page shows is the server's log, neither more nor less.

- Slow 3G: CDP `Network.emulateNetworkConditions` throttles bandwidth (WebSocket frames included) but
  delays only the handshake, so per-frame latency comes from the TCP proxy's delay on top.
- A phone put in the background: only a real freeze kills the page's WebSocket, and
  `Page.setWebLifecycleState` freezes only a page no Playwright is attached to: a Chromium we start
  ourselves with `--remote-debugging-port`, which Playwright lets go of while the page is frozen
  (attached, even over `connect_over_cdp`, the page's timers ran on and no `freeze` event came).
- Which sockets the page opened and how they ended is watched by wrapping `WebSocket` in an init
  script, so a reconnect is asserted from the browser's side, not inferred from the app's state.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, Playwright
from websockets.sync.client import connect

from conftest import Server, app_state
from server_process import free_port
from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.tcp_proxy import TcpProxy

# Chrome DevTools' "Slow 3G" preset (latency in ms, throughput in bytes/s).
SLOW_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180000, "uploadThroughput": 84375}
# Half the round trip, added to every chunk in each direction by the proxy (per-frame latency).
SLOW_3G_FRAME_DELAY_S = 0.28


def offline_spell_s() -> float:
    """How long an offline spell lasts: a few seconds by default (a train through a tunnel), 30 s with
    SWE_SWE_CHAOS_PROFILE=long (long enough for the server to drop the socket and a turn to end)."""
    return 30.0 if os.environ.get("SWE_SWE_CHAOS_PROFILE") == "long" else 4.0


# The conversation's first reply has begun and not ended: its turn is mid-stream.
STREAMING = "() => document.querySelector('#log li.msg.agent') && !document.querySelector('#log li.result')"


def wait_streaming(page: Page, timeout: float = 15000) -> None:
    page.wait_for_function(STREAMING, timeout=timeout)


# ---- sockets, seen from the page

# Every WebSocket the page opens, with how it ended: when the app gave up on it (`dropped_at`, the
# page's clock) and the close code it saw. Proof of a reconnect that does not depend on the app's own
# idea of its state (a dead link is replaced within milliseconds, too fast to catch by polling).
WATCH_SOCKETS = """(() => {
  const seen = [];
  Object.defineProperty(window, '__sockets', { value: seen });
  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      const entry = { at: Date.now(), opened: false, dropped_at: null, close: null };
      this.entry = entry;
      seen.push(entry);
      this.addEventListener('open', () => { entry.opened = true; });
      this.addEventListener('close', (e) => { entry.close = e.code; });
    }
    close(...args) {
      this.entry.dropped_at = this.entry.dropped_at ?? Date.now();
      return super.close(...args);
    }
  }
  window.WebSocket = Watched;
})();"""


# The page lifecycle events it went through (a frozen page gets `freeze`, then `resume` when thawed).
WATCH_LIFECYCLE = """(() => {
  const seen = [];
  Object.defineProperty(window, '__lifecycle', { value: seen });
  for (const type of ['freeze', 'resume']) document.addEventListener(type, () => seen.push(type));
})();"""


def sockets(page: Page) -> list[dict[str, Any]]:
    """The page's sockets so far, oldest first: `{at, opened, dropped_at, close}`."""
    return page.evaluate("() => window.__sockets.map((s) => ({...s}))")


def wait_new_socket(page: Page, after: int, timeout: float = 30000) -> None:
    """Wait until a socket opened after the first `after` ones is open: the app reconnected."""
    page.wait_for_function("(n) => window.__sockets.slice(n).some((s) => s.opened)", arg=after, timeout=timeout)


# ---- network conditions

@contextlib.contextmanager
def proxy_to(server: Server) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the server for the duration of the block."""
    proxy = TcpProxy(server.port).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def proxy_url(proxy: TcpProxy) -> str:
    return f"http://127.0.0.1:{proxy.port}"


def emulate_network(context: BrowserContext, page: Page, conditions: dict[str, Any]) -> CDPSession:
    """Apply CDP network conditions to one page (kept while the returned session lives)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp


@contextlib.contextmanager
def phone(browser: Browser, playwright: Playwright, name: str) -> Iterator[BrowserContext]:
    """A context that looks like the named phone (viewport, DPR, touch, mobile UA; an iPhone's WebKit
    UA on Chromium) with service workers allowed, closed after the block. Playwright's device list
    names a default browser type, which contexts do not take."""
    device = {k: v for k, v in playwright.devices[name].items() if k != "default_browser_type"}
    context = browser.new_context(**device, service_workers="allow")
    try:
        yield context
    finally:
        context.close()


# ---- a Chromium of our own, for real freezes

def _wait_for_devtools(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited early with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1):
                return
        time.sleep(0.05)
    raise RuntimeError("chromium's DevTools endpoint did not come up")


class OwnChromium:
    """A Chromium we started, with one page, driven by Playwright over CDP except while frozen.

    Playwright keeps every page it is attached to visible and awake (its focus emulation), over
    `connect_over_cdp` too, so `Page.setWebLifecycleState` changes nothing while it is attached: to
    freeze the page, Playwright lets go of the browser (the browser and the page live on), the freeze
    and the thaw go over a bare DevTools socket, and Playwright attaches again afterwards."""

    def __init__(self, playwright: Playwright, port: int) -> None:
        self.playwright = playwright
        self.port = port
        self.browser: Browser | None = None

    def attach(self) -> Page:
        self.browser = self.playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{self.port}")
        context = self.browser.contexts[0]
        return context.pages[0] if context.pages else context.new_page()

    def detach(self) -> None:
        if self.browser is not None:
            self.browser.close()  # over CDP this only disconnects Playwright
            self.browser = None

    def freeze(self) -> None:
        """The page goes to the background as on a phone: hidden, then frozen."""
        self.detach()
        self._lifecycle("frozen")

    def resume(self) -> Page:
        """The page comes back to the foreground; returns it, driven by Playwright again."""
        self._lifecycle("active")
        return self.attach()

    def _lifecycle(self, state: str) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=5) as ws:
            ws.send(json.dumps({"id": 1, "method": "Page.setWebLifecycleState", "params": {"state": state}}))
            reply = json.loads(ws.recv(timeout=5))
        assert "error" not in reply, reply


@contextlib.contextmanager
def own_chromium(playwright: Playwright) -> Iterator[OwnChromium]:
    """Start Chromium (headless, a DevTools port, a fresh profile); kill it and remove the profile in
    any case."""
    port = free_port()
    profile = Path(tempfile.mkdtemp(prefix="swe-swe-e2e-chromium-"))
    argv = [CHROMIUM, *CHROMIUM_ARGS, "--headless", f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}", "about:blank"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chromium = OwnChromium(playwright, port)
    try:
        _wait_for_devtools(port, proc)
        yield chromium
    finally:
        with contextlib.suppress(Exception):
            chromium.detach()
        proc.kill()
        proc.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


# ---- what the page shows, against the server's log

# What the page shows, read from the DOM (and the model's item keys, which the DOM must mirror).
VIEW = """() => {
  const s = window.sweSwe.state;
  const rows = (sel) => [...document.querySelectorAll(sel)];
  return {
    last_seq: s.last_seq, status: s.status, outbox: s.outbox.length,
    keys: s.items.map((i) => i.key),
    dom_keys: rows('#log > li').map((li) => li.dataset.key),
    user_keys: rows('#log > li.msg.user').map((li) => li.dataset.key),
    user_texts: rows('#log > li.msg.user .bubble').map((b) => b.textContent),
    agent_texts: rows('#log > li.msg.agent .bubble').map((b) => b.innerText),
    tools: rows('#log > li.tool').length,
    tools_done: rows('#log > li.tool.status-ok').length,
    results: rows('#log > li.result').length,
    pending: rows('#pending > li').length,
  };
}"""


def _agent(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["kind"] == "agent" and e["data"].get("type") == kind]


def _plain(markdown: str) -> str:
    """The demo agent's reply as the page renders it: no bold or code marks, spaces collapsed."""
    return " ".join(markdown.replace("**", "").replace("`", "").split())


def transcript_problems(view: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """How the page's transcript differs from the log (empty when it shows every logged thing once):
    caught up to the head, every row once and the DOM equal to the model, the user's messages in the
    log's order, one tool row per tool call (each with its result) and one result row per finished
    turn, and every reply shown exactly as often as the agent gave it."""
    problems: list[str] = []
    head = events[-1]["seq"] if events else 0
    users = [e for e in events if e["kind"] == "user_message"]
    tool_calls = sum(1 for d in _agent(events, "assistant") for b in d["message"]["content"] if b.get("type") == "tool_use")
    results = _agent(events, "result")
    doubled = [k for k, n in Counter(view["keys"]).items() if n > 1]
    checks = [
        (view["last_seq"] == head, f"last_seq {view['last_seq']} != head {head}"),
        (not doubled, f"items shown twice: {doubled}"),
        (view["dom_keys"] == view["keys"], f"DOM rows {view['dom_keys']} != model items {view['keys']}"),
        (view["user_keys"] == [f"u{e['seq']}" for e in users], f"user rows {view['user_keys']} are not the log's"),
        (view["user_texts"] == [e["data"]["text"] for e in users], f"user texts {view['user_texts']} are not the log's"),
        (view["tools"] == tool_calls, f"{view['tools']} tool rows for {tool_calls} tool calls"),
        (view["tools_done"] == tool_calls, f"{view['tools_done']} of {tool_calls} tool rows show their result"),
        (view["results"] == len(results), f"{view['results']} result rows for {len(results)} results"),
        (view["pending"] == 0 and view["outbox"] == 0, f"still waiting: {view['pending']} rows, {view['outbox']} in the outbox"),
    ]
    problems += [message for ok, message in checks if not ok]
    shown = " ".join(_plain(t) for t in view["agent_texts"])
    for reply, n in Counter(_plain(r["result"]) for r in results).items():
        if shown.count(reply) != n:
            problems.append(f"reply shown {shown.count(reply)} times, given {n}: {reply!r}")
    return problems


def unsettled(page: Page, server: Server, cid: str) -> str:
    """What still moves ("" once nothing will: every message answered, no turn running, nothing
    queued, the page connected and holding the log up to its head)."""
    events = server.events(cid)
    users = sum(1 for e in events if e["kind"] == "user_message")
    finished = sum(1 for e in events if e["kind"] == "run_finished")
    state = app_state(page)
    head = events[-1]["seq"] if events else 0
    waiting = [
        (users == finished, f"{users - finished} turn(s) unfinished on the server"),
        (not state["outbox"], f"{len(state['outbox'])} message(s) in the page's outbox"),
        (state["phase"] == "connected", f"page {state['phase']}"),
        (state["status"] == "idle", f"page says {state['status']}"),
        (state["last_seq"] == head, f"page at seq {state['last_seq']}, log at {head}"),
    ]
    return "; ".join(why for ok, why in waiting if not ok)


def assert_shows_the_log(page: Page, server: Server, cid: str, timeout: float = 40.0) -> list[dict[str, Any]]:
    """Wait until the conversation has settled, then assert that the page shows exactly the server's
    log (nothing lost, nothing twice). Returns the log."""
    deadline = time.monotonic() + timeout
    while why := unsettled(page, server, cid):
        assert time.monotonic() < deadline, f"not settled within {timeout} s: {why}"
        time.sleep(0.2)
    page.wait_for_function("() => document.querySelectorAll('#pending > li').length === 0")
    events = server.events(cid)
    problems = transcript_problems(page.evaluate(VIEW), events)
    assert not problems, "\n".join(problems)
    return events


def screenshot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"resilience-{name}.png"))
