"""Browser tests of the PWA: Debian's Chromium driven by Playwright (sync API), against the real server
with the demo agent. Run on their own: `python -m pytest e2e` (pytest-playwright's sync fixtures and
asyncio tests do not mix in one process).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "backend" / "tests"))
from server_process import ServerProcess, free_port  # noqa: E402
from support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "e2e" / "artifacts"
PHONE = {"width": 390, "height": 844}
# The app has started: its state is exposed and its first screen drawn.
READY = "() => window.sweSwe && document.getElementById('app').dataset.state === 'ready'"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = {**browser_type_launch_args, "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}
    if Path(CHROMIUM).exists():
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "service_workers": "allow"}


@dataclass
class Server(ServerProcess):
    """A real swe-swe server in a subprocess, with the demo agent unless told otherwise; pings every
    second so that dead links are found fast."""

    token: str = "e2e-token-0123456789"
    ping_interval: float = 1.0
    demo_delay: str = "0.4"

    @property
    def login_url(self) -> str:
        return f"{self.base_url}/?token={self.token}"

    def start(self, timeout: float = 20.0) -> Server:
        self.env = {**self.env, "SWE_SWE_DEMO_DELAY": self.demo_delay}
        super().start(timeout)
        return self

    def stop(self) -> None:
        self.terminate()

    # the HTTP API, authorised with the bearer token
    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as r:
            return json.load(r)

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        return self.api("GET", f"/api/conversations/{conversation_id}/events?after=0")["events"]

    def user_texts(self, conversation_id: str) -> list[str]:
        return [e["data"]["text"] for e in self.events(conversation_id) if e["kind"] == "user_message"]


def _make_server(tmp: Path) -> Server:
    server = Server(port=free_port(), data_dir=tmp)
    server.start()
    return server


@pytest.fixture(scope="session")
def server() -> Server:
    """One server for the whole run (tests use their own conversations)."""
    with tempfile.TemporaryDirectory(prefix="swe-swe-e2e-") as tmp:
        s = _make_server(Path(tmp))
        try:
            yield s
        finally:
            s.stop()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / "server.log").write_text(s.log_path.read_text(errors="replace"))


@pytest.fixture()
def make_server() -> Any:
    """Servers of the test's own, for tests that kill or restart them or need a slower agent."""
    made: list[Server] = []
    dirs: list[tempfile.TemporaryDirectory[str]] = []

    def make(demo_delay: str = "0.4") -> Server:
        tmp = tempfile.TemporaryDirectory(prefix="swe-swe-e2e-own-")
        dirs.append(tmp)
        s = Server(port=free_port(), data_dir=Path(tmp.name), demo_delay=demo_delay)
        s.start()
        made.append(s)
        return s

    try:
        yield make
    finally:
        for s in made:
            s.stop()
        for d in dirs:
            d.cleanup()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ---- helpers used by the tests

def open_app(page: Any, server: Server, route: str = "#/new", base: str | None = None) -> None:
    """Sign in with the printed link, then wait until the app runs under its service worker.
    By default in a new conversation of its own (tests share one server). `base` reaches the
    server another way (through a proxy)."""
    page.goto(f"{base or server.base_url}/?token={server.token}{route}")
    page.wait_for_function(READY)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)


def go_to_new_conversation(page: Any) -> None:
    """Open a new conversation in a page already running the app (a same-page #hash change), and wait
    until it is the one shown: the route becomes "" once it is. A message sent before that went into
    the conversation being left (seen under load)."""
    page.goto(page.url.split("#")[0] + "#/new")
    page.wait_for_function("() => location.hash === '' && window.sweSwe.state.pending_new === true")
    page.wait_for_function(READY)


def app_state(page: Any) -> dict[str, Any]:
    return page.evaluate("() => window.sweSwe.state")


def wait_phase(page: Any, phase: str, timeout: float = 15000) -> None:
    page.wait_for_function("(p) => window.sweSwe.state.phase === p", arg=phase, timeout=timeout)


def send_message(page: Any, text: str) -> None:
    page.fill("#input", text)
    page.click("#send")


def wait_results(page: Any, count: int, timeout: float = 20000) -> None:
    """Wait until `count` agent turns have finished (result lines shown)."""
    page.wait_for_function("(n) => document.querySelectorAll('#log li.result').length >= n", arg=count, timeout=timeout)


def converse(page: Any, text: str) -> None:
    """Send a message and wait for the agent's turn to finish."""
    before = page.evaluate("() => document.querySelectorAll('#log li.result').length")
    send_message(page, text)
    wait_results(page, before + 1)
    page.wait_for_function("() => window.sweSwe.state.status === 'idle'")


def eventually(check: Any, timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll `check()` until it returns something truthy (for conditions outside the page)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value: {value!r})")
        time.sleep(interval)


def wait_for(page: Any, check: Any, timeout: float = 10.0) -> Any:
    """Poll `check()` (about something Playwright's own callbacks record, such as routed socket
    frames) while letting the page's event loop run, until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        page.wait_for_timeout(50)  # lets Playwright deliver socket callbacks
    raise AssertionError("condition not met")


def conversation_id(page: Any) -> str:
    cid = app_state(page)["conversation_id"]
    assert cid and not cid.startswith("new-"), cid
    return cid


def phone_context(browser: Any, playwright: Any, name: str = "Pixel 7") -> Any:
    """A phone's browser context (touch, DPR, mobile UA) with service workers; the Pixel 7 at 390×844."""
    device = {**playwright.devices[name]}
    device.pop("default_browser_type", None)
    if name == "Pixel 7":
        device = {**device, "viewport": PHONE, "screen": PHONE}
    return browser.new_context(**device, service_workers="allow")


@pytest.fixture()
def phone(browser: Any, playwright: Any) -> Any:
    context = phone_context(browser, playwright)
    yield context
    context.close()


@pytest.fixture()
def iphone(browser: Any, playwright: Any) -> Any:
    context = phone_context(browser, playwright, "iPhone 13")
    yield context
    context.close()


# ---- what a failed test leaves behind: each open page's app state, for flakes seen only in CI

APP_SNAPSHOT = """() => ({
  url: location.href,
  screen: document.getElementById('app')?.dataset.state ?? null,
  state: window.sweSwe ? {...window.sweSwe.state, items: window.sweSwe.state.items.length} : null,
})"""


def _open_pages(funcargs: dict[str, Any]) -> list[Any]:
    pages = [v for v in funcargs.values() if hasattr(v, "evaluate") and hasattr(v, "goto")]
    for value in funcargs.values():
        pages += getattr(value, "pages", [])  # browser contexts
    return list({id(p): p for p in pages}.values())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for page in _open_pages(getattr(item, "funcargs", {})):
        try:
            snapshot = page.evaluate(APP_SNAPSHOT)
        except Exception as err:  # a closed or crashed page says so instead
            snapshot = repr(err)
        report.sections.append(("app state", json.dumps(snapshot, indent=1, default=str)))
