"""Figure 8: tool approvals, with the real claude CLI (against the loopback fake API) and the app in Chromium.

- Ask → card: from the server logging the CLI's `can_use_tool` control request (the `approval_requested`
  event's `ts`, taken the moment its stdout line is read) to the approval card's Allow button being in the
  page (a MutationObserver on the dock, then the next animation frame: what a person can see).
- Tap → tool: from the click on Allow (`Date.now()` in the page) to the tool starting (the Bash command is
  `date +%s%N > file`, so the tool writes its own start time).
- Baseline: the turn time of a plain message on the same live process (send → `run_finished`), because
  both figures are parts of a turn the user waits through.

All three read the same system clock (page, server and tool run on one machine), in milliseconds.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from browser import TOKEN, api, chromium, new_page, open_app
from common import ClaudeLab, Row, Settings, claude_bin, median, summary, wait_until
from server_process import ServerProcess

WATCH_CARD = """() => {
  window.__card = null;
  const dock = document.getElementById('approval-dock');
  const seen = () => {
    if (window.__card === null && dock.querySelector('button[data-action="approval-allow"]')) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__card = Date.now(); });
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(dock, { childList: true, subtree: true, attributes: true });
  seen();
}"""

TAP_ALLOW = """() => {
  const button = document.querySelector('#approval-dock button[data-action="approval-allow"]');
  const t = Date.now();
  button.click();
  return t;
}"""


def claude_server(lab: ClaudeLab, data_dir: Any) -> ServerProcess:
    return ServerProcess(data_dir=data_dir, token=TOKEN, agent="claude", env=lab.env,
                         extra_args=["--claude-bin", str(claude_bin()), "--workdir", str(lab.workdir)])


def _events(server: ServerProcess, conversation_id: str) -> list[dict[str, Any]]:
    return api(server.base_url, "GET", f"/api/conversations/{conversation_id}/events")["events"]


def _wait_kind(server: ServerProcess, conversation_id: str, kind: str, after: int) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    def seen() -> bool:
        found[:] = [e for e in _events(server, conversation_id) if e["kind"] == kind and e["seq"] > after]
        return bool(found)

    if not wait_until(seen, 60):
        raise RuntimeError(f"no {kind} after seq {after}")
    return found[0]


def _send(page: Any, text: str) -> None:
    page.fill("#input", text)
    page.click("#send")


def _head(server: ServerProcess, conversation_id: str) -> int:
    events = _events(server, conversation_id)
    return events[-1]["seq"] if events else 0


def _one_approval(page: Any, server: ServerProcess, lab: ClaudeLab, conversation_id: str, n: int) -> tuple[float, float]:
    marker = lab.workdir / f"tool-started-{n}-{uuid.uuid4().hex[:6]}.txt"
    head = _head(server, conversation_id)
    page.evaluate(WATCH_CARD)
    _send(page, f"BASH:date +%s%N > {marker.name}")
    requested = _wait_kind(server, conversation_id, "approval_requested", head)
    page.wait_for_function("() => window.__card !== null", timeout=30000)
    card_ms = float(page.evaluate("() => window.__card")) - requested["ts"]
    tapped = float(page.evaluate(TAP_ALLOW))
    if not wait_until(lambda: marker.exists() and marker.read_text().strip() != "", 30):
        raise RuntimeError("the tool never ran")
    tool_ms = int(marker.read_text().strip()) / 1e6 - tapped
    _wait_kind(server, conversation_id, "run_finished", requested["seq"])
    return card_ms, tool_ms


def _plain_turn(page: Any, server: ServerProcess, conversation_id: str) -> float:
    head = _head(server, conversation_id)
    started = time.time() * 1000
    _send(page, "hello")
    finished = _wait_kind(server, conversation_id, "run_finished", head)
    return finished["ts"] - started


def run(settings: Settings, lab: ClaudeLab) -> list[Row]:
    data_dir = settings.tmp / "fig8-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = claude_server(lab, data_dir).start()
    runs = settings.runs(7, 3)
    cards: list[float] = []
    tools: list[float] = []
    turns: list[float] = []
    try:
        with chromium() as browser:
            context, page = new_page(browser)
            open_app(page, server.base_url, "#/new")
            _send(page, "warm up")  # the first turn starts the process; the figures are on the live one
            page.wait_for_function("() => location.hash.startsWith('#/c/')", timeout=30000)  # the server made it
            conversation_id = page.evaluate("() => location.hash.slice(4)")
            _wait_kind(server, conversation_id, "run_finished", 0)
            for n in range(runs):
                card_ms, tool_ms = _one_approval(page, server, lab, conversation_id, n)
                cards.append(card_ms)
                tools.append(tool_ms)
                turns.append(_plain_turn(page, server, conversation_id))
            context.close()
    finally:
        server.terminate()
    turn = median(turns)
    return [
        Row("8", "approval: agent asks → card on screen", round(median(cards), 1), "ms", round(turn, 1),
            "a plain turn on the live process", round(median(cards) / turn, 3), "(reported)", None,
            note="from the server logging the CLI's can_use_tool to the Allow button painted, real claude CLI",
            details={"card_ms": summary(cards, 1), "turn_ms": summary(turns, 1)}),
        Row("8b", "approval: tap Allow → tool starts", round(median(tools), 1), "ms", round(turn, 1),
            "a plain turn on the live process", round(median(tools) / turn, 3), "(reported)", None,
            note="from the click to the Bash tool's own start time (date +%s%N)",
            details={"tool_ms": summary(tools, 1)}),
    ]
