"""Scenario 7 of issue 5, the chaos run: one seeded random run of hundreds of messages on one
conversation, typed into several tabs of one browser while the network is cut, tabs reload, go
offline, open and close, and the server is stopped (SIGTERM) or killed (kill -9) and started again on
the same port and data dir. The browser reaches the server through a TCP proxy, so the page's origin
(and its IndexedDB and service worker) stays the same across restarts.

At the end, once everything has settled (every outbox empty, every tab connected and caught up with
the server's head, no turn running), the server's log must hold every message a tab accepted exactly
once, each tab's messages in the order it sent them, and every open tab must show exactly the
transcript a fresh browser builds from that log.

Seed: SWE_SWE_CHAOS_SEED, else random; always printed and saved with the counts in
e2e/artifacts/chaos.json (with a screenshot of each tab, chaos-tab<N>.png). Profile:
SWE_SWE_CHAOS_PROFILE=default (200 messages, a few minutes at most) or long (`make chaos`).
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import ARTIFACTS, READY, Server, open_app
from support.chaos import (
    CLOSE_TAB,
    CUT,
    OFFLINE,
    OPEN_TAB,
    RELOAD,
    RESTART_KILL,
    RESTART_TERM,
    SEND,
    Profile,
    Tally,
    log_problems,
    make_plan,
    message_text,
    profile_from_env,
    seed_from_env,
    tab_problems,
)
from support.tcp_proxy import TcpProxy

# A message is accepted once the outbox entry holding it is committed to IndexedDB (the app writes it
# there before it shows the message as pending or sends it); from then on it must reach the log
# exactly once, whatever happens to the tab. The commit is seen by watching IndexedDB itself, not the
# app's memory, so that an app that later loses the entry cannot hide that it had accepted it.
WATCH_OUTBOX_WRITES = """(() => {
  const stored = new Set();
  Object.defineProperty(window, '__chaosStored', { value: stored });
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    const request = put.apply(this, arguments);
    if (this.name === 'outbox' && value && typeof value.text === 'string') {
      const text = value.text;
      this.transaction.addEventListener('complete', () => stored.add(text));
    }
    return request;
  };
})();"""
ACCEPTED = """(t) => window.__chaosStored.has(t)
  || [...document.querySelectorAll('#log > li.msg.user .bubble')].some((b) => b.textContent === t)"""

# Whether a tab has settled: what the quiescence check needs, cheap enough to poll.
QUIET = """async () => {
  const db = await import('/js/db.js');
  const s = window.sweSwe.state;
  return { phase: s.phase, last_seq: s.last_seq, outbox: s.outbox.length, stored_outbox: (await db.allEntries()).length,
           conversation_id: s.conversation_id };
}"""

# Everything the final comparison looks at. The outbox is read from IndexedDB (shared by every tab
# of the origin), not only from the tab's memory: a message left there by a closed tab counts too.
VIEW = """async () => {
  const db = await import('/js/db.js');
  const s = window.sweSwe.state;
  const users = [...document.querySelectorAll('#log > li.msg.user')];
  return {
    phase: s.phase, status: s.status, last_seq: s.last_seq, conversation_id: s.conversation_id,
    items: s.items.map((i) => [i.kind, i.key]),
    dom_keys: [...document.querySelectorAll('#log > li')].map((li) => li.dataset.key),
    user_keys: users.map((li) => li.dataset.key),
    user_texts: users.map((li) => li.querySelector('.bubble').textContent),
    outbox: [...s.outbox.map((e) => e.text), ...(await db.allEntries()).map((e) => 'stored: ' + e.text)],
  };
}"""


@dataclass
class Tab:
    """One page of the browser context. `n` names it in its messages' tags and keeps counting across
    reloads (a reload is the same tab to the user), so per-tab send order can be checked in the log."""

    n: int
    page: Page
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"tab {self.n}"


class ChaosRun:
    """Drives one run: the tabs, the proxy, the server, the tally. Every step waits for events (a
    message accepted, a page ready), never for time; the few sleeps are chaos (how long a spell or an
    outage lasts), drawn from the seeded random generator."""

    def __init__(self, browser: Browser, context: BrowserContext, context_args: dict[str, Any], server: Server,
                 proxy: TcpProxy, profile: Profile, rng: random.Random, tally: Tally) -> None:
        self.browser = browser
        self.context = context
        self.context_args = context_args
        self.server = server
        self.proxy = proxy
        self.profile = profile
        self.rng = rng
        self.tally = tally
        self.base = f"http://127.0.0.1:{proxy.port}"
        self.tabs: list[Tab] = []
        self.closed: list[Tab] = []
        self.next_tab = 1
        self.sent: list[str] = []  # every accepted message, in the order the test typed them
        self.cid = ""
        self.wait_ms = profile.settle_timeout_s * 1000

    # ---- tabs

    def _watch(self, tab: Tab) -> None:
        """Uncaught errors, and the app's own complaints, are kept for the report."""
        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error" and msg.text.startswith("swe-swe:"):
                tab.errors.append(msg.text)
        tab.page.on("pageerror", lambda err: tab.errors.append(f"uncaught: {err}"))
        tab.page.on("console", on_console)

    def open_first_tab(self) -> Tab:
        tab = Tab(self.next_tab, self.context.new_page())
        self.next_tab += 1
        self._watch(tab)
        open_app(tab.page, self.server, "#/new", base=self.base)
        self.tabs.append(tab)
        self.tally.max_open_tabs = 1
        return tab

    def open_tab(self) -> None:
        tab = Tab(self.next_tab, self.context.new_page())
        self.next_tab += 1
        self._watch(tab)
        tab.page.goto(f"{self.base}/#/c/{self.cid}")
        tab.page.wait_for_function(READY, timeout=self.wait_ms)
        self.tabs.append(tab)
        self.tally.tab_opens += 1
        self.tally.max_open_tabs = max(self.tally.max_open_tabs, len(self.tabs))

    def close_tab(self, mid_send: bool) -> None:
        """Close a tab (never the last one). Mid-send: right after it accepted a message, so the
        message may still wait in IndexedDB's outbox for another tab to send."""
        tab = self.rng.choice(self.tabs)
        if mid_send:
            self.send(tab)
            self.tally.tab_closes_mid_send += 1
        self.tabs.remove(tab)
        self.closed.append(tab)
        tab.page.close()
        self.tally.tab_closes += 1

    def reload(self, tab: Tab, mid_send: bool) -> None:
        if mid_send:
            self.send(tab)
            self.tally.reloads_mid_send += 1
        tab.page.reload()
        tab.page.wait_for_function(READY, timeout=self.wait_ms)
        self.tally.reloads += 1

    # ---- messages

    def send(self, tab: Tab, mid_chaos: bool = False) -> None:
        """Type a message into a tab and wait until the tab has accepted it (stored on the device)."""
        tab.sent += 1
        text = message_text(tab.n, tab.sent)
        tab.page.fill("#input", text)
        tab.page.click("#send")
        try:
            tab.page.wait_for_function(ACCEPTED, arg=text, timeout=self.wait_ms)
        except PlaywrightTimeoutError:
            raise AssertionError(f"{tab.name} did not accept {text!r} (not stored on the device)") from None
        self.sent.append(text)
        self.tally.messages += 1
        if mid_chaos:
            self.tally.messages_mid_chaos += 1

    def send_some(self, most: int) -> None:
        for _ in range(self.rng.randint(0, most)):
            self.send(self.rng.choice(self.tabs), mid_chaos=True)

    # ---- trouble

    def cut(self, mid_send: bool) -> None:
        if mid_send:
            self.send(self.rng.choice(self.tabs))
            self.tally.cuts_mid_send += 1
        self.proxy.cut()
        self.tally.cuts += 1

    def offline_spell(self) -> None:
        """The whole browser loses the network: an open socket is not closed by that (only the app's
        ping notices), messages typed meanwhile wait in the outbox, and a tab may reload from the
        service worker's cache."""
        self.context.set_offline(True)
        self.tally.offline_spells += 1
        try:
            time.sleep(self.rng.uniform(0, 2.5))
            self.while_away()
            if self.rng.random() < 0.2:  # and the server restarts meanwhile
                self.restart(hard=self.rng.random() < 0.5)
            time.sleep(self.rng.uniform(0, 1.0))
        finally:
            self.context.set_offline(False)

    def while_away(self) -> None:
        """What a user does while the server cannot be reached: types, reloads (the page comes from
        the service worker's cache), opens another tab."""
        self.send_some(3)
        if self.rng.random() < 0.3:
            self.reload(self.rng.choice(self.tabs), mid_send=self.rng.random() < 0.5)
        if self.rng.random() < 0.15 and len(self.tabs) < self.profile.max_tabs:
            self.open_tab()

    def restart(self, hard: bool) -> None:
        """Stop the server (SIGTERM, or kill -9 without a chance to clean up), type a few messages
        while it is down, start it again on the same port and data dir."""
        if hard:
            self.server.kill()
            self.tally.restarts_sigkill += 1
        else:
            self.server.stop()
            self.tally.restarts_sigterm += 1
        time.sleep(self.rng.uniform(0, 1.0))
        self.while_away()
        self.server.start()

    def events(self) -> list[dict[str, Any]]:
        """The server's whole log, page by page (the API gives at most 1,000 events a page;
        Server.events reads only the first)."""
        out: list[dict[str, Any]] = []
        while True:
            after = out[-1]["seq"] if out else 0
            page = self.server.api("GET", f"/api/conversations/{self.cid}/events?after={after}&limit=1000")
            out.extend(page["events"])
            if not page["events"] or out[-1]["seq"] >= page["head_seq"]:
                return out

    # ---- the run

    def start(self) -> None:
        """The first tab creates the conversation with the first message."""
        tab = self.open_first_tab()
        self.send(tab)
        tab.page.wait_for_function("() => window.sweSwe.state.conversation_id && !window.sweSwe.state.pending_new",
                                   timeout=self.wait_ms)
        self.cid = tab.page.evaluate("() => window.sweSwe.state.conversation_id")

    def step(self, action: str) -> None:
        rng = self.rng
        mid_send = rng.random() < 0.5
        if action == SEND:
            self.send(rng.choice(self.tabs))
        elif action == CUT:
            self.cut(mid_send)
        elif action == RELOAD:
            self.reload(rng.choice(self.tabs), mid_send)
        elif action == OFFLINE:
            self.offline_spell()
        elif action in (RESTART_TERM, RESTART_KILL):
            self.restart(hard=action == RESTART_KILL)
        elif action == OPEN_TAB:
            if len(self.tabs) < self.profile.max_tabs:
                self.open_tab()
            else:  # full: close one instead, and open another in its place
                self.close_tab(mid_send)
                self.open_tab()
        elif action == CLOSE_TAB:
            if len(self.tabs) > 1:
                self.close_tab(mid_send)
            else:  # the last tab stays: open a second one, then close one of the two
                self.open_tab()
                self.close_tab(mid_send)

    def settle(self) -> None:
        """Wait for quiescence: every turn finished on the server, every outbox (memory and
        IndexedDB) empty, every tab connected and caught up with the server's head. Then nothing
        more can reach the log (an entry leaves the outbox only once the log holds it), so this does
        not wait for the log to hold every message sent: a lost one is reported, not waited for."""
        deadline = time.monotonic() + self.profile.settle_timeout_s
        last: Any = None
        while True:
            events = self.events()
            users = sum(1 for e in events if e["kind"] == "user_message")
            finished = sum(1 for e in events if e["kind"] == "run_finished")
            head = events[-1]["seq"] if events else 0
            status = self.server.api("GET", f"/api/conversations/{self.cid}")["status"]
            tabs = [tab.page.evaluate(QUIET) for tab in self.tabs]
            last = {"head": head, "users": users, "sent": len(self.sent), "finished": finished, "status": status,
                    "tabs": tabs}
            if (finished == users and status != "running"
                    and all(t["phase"] == "connected" and t["last_seq"] == head and not t["outbox"]
                            and not t["stored_outbox"] for t in tabs)):
                # caught up with a head that no longer moves
                if self.events()[-1]["seq"] == head:
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"no quiescence within {self.profile.settle_timeout_s} s: {last}")
            time.sleep(0.25)

    def reference_items(self) -> list[list[str]]:
        """The transcript a browser with nothing on the device builds from the log alone."""
        fresh = self.browser.new_context(**self.context_args)
        try:
            page = fresh.new_page()
            open_app(page, self.server, f"#/c/{self.cid}")
            head = self.events()[-1]["seq"]
            page.wait_for_function("(h) => window.sweSwe.state.last_seq === h", arg=head, timeout=self.wait_ms)
            return page.evaluate(VIEW)["items"]
        finally:
            fresh.close()


@pytest.fixture()
def chaos_artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("chaos-tab*.png"):
        old.unlink()
    return ARTIFACTS


def test_chaos(browser: Browser, context: BrowserContext, browser_context_args: dict[str, Any], make_server: Any,
               chaos_artifacts: Path) -> None:
    profile = profile_from_env()
    seed = seed_from_env()
    rng = random.Random(seed)
    tally = Tally(seed=seed, profile=profile.name)
    print(f"\nchaos seed={seed} profile={profile.name} (replay with SWE_SWE_CHAOS_SEED={seed})", flush=True)

    server: Server = make_server(demo_delay=profile.demo_delay)
    proxy = TcpProxy(server.port).start()
    context.add_init_script(WATCH_OUTBOX_WRITES)
    run = ChaosRun(browser, context, browser_context_args, server, proxy, profile, rng, tally)
    started = time.monotonic()
    try:
        run.start()
        for action in make_plan(profile, rng)[1:]:
            run.step(action)
        settle_from = time.monotonic()
        run.settle()
        tally.settle_seconds = time.monotonic() - settle_from

        events = run.events()
        tally.events_in_log = len(events)
        tally.open_tabs_at_end = len(run.tabs)
        problems = log_problems(events, run.sent)
        if not problems:
            reference = run.reference_items()
            for tab in run.tabs:
                problems += tab_problems(tab.name, tab.page.evaluate(VIEW), events, reference)
        for tab in run.tabs + run.closed:
            problems += [f"{tab.name}: {e}" for e in tab.errors if "uncaught" in e or "frame handling failed" in e]
        tally.problems = problems
        assert not problems, "\n".join(problems)
        tally.outcome = "passed"
    except BaseException as err:
        tally.outcome = f"failed: {type(err).__name__}: {str(err)[:2000]}"
        raise
    finally:
        tally.seconds = time.monotonic() - started
        if run.cid and not tally.events_in_log:
            with contextlib.suppress(Exception):  # the server may be the thing that failed
                tally.events_in_log = len(run.events())
        for tab in run.tabs:
            try:
                tab.page.screenshot(path=str(chaos_artifacts / f"chaos-tab{tab.n}.png"))
            except Exception as err:  # a screenshot must not hide the run's own failure
                tally.problems.append(f"{tab.name}: no screenshot ({err})")
        report = {**tally.as_dict(), "app_errors": {t.name: t.errors for t in run.tabs + run.closed if t.errors}}
        (chaos_artifacts / "chaos.json").write_text(json.dumps(report, indent=2))
        print(tally.line(), flush=True)
        proxy.stop()
