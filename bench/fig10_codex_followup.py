"""Figure 10: the codex twin of figure 1, a follow-up turn on codex, `send` → first `agent` event.

swe-swe keeps one `codex app-server` process per conversation, so a follow-up is one `turn/start` line on
its stdin. The obvious other way spawns `codex exec --json resume <thread id> "<text>"` per message (it
reloads the thread's rollout and starts the whole CLI each time). Both run the real codex CLI against the
loopback fake Responses API (backend/tests/fake_responses_api.py, answering at once), alternately so
machine noise hits both alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

from common import Row, Settings, median, ms, summary
from fake_responses_api import FakeResponsesAPI, config_toml
from server_process import REPO, ServerProcess
from ws_client import Client


def codex_bin() -> Path:
    return Path(os.environ.get("SWE_SWE_CODEX_BIN", REPO / "node_modules/.bin/codex")).resolve()


class CodexLab:
    """A fake Responses API, a CODEX_HOME naming it as the provider, and a workdir."""

    def __init__(self, root: Path) -> None:
        self.api = FakeResponsesAPI(port=0).start()
        self.home = root / "codex-home"
        self.workdir = root / "work"
        self.home.mkdir(parents=True, exist_ok=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.home / "config.toml").write_text(config_toml(self.api.port))
        self.env = {"CODEX_HOME": str(self.home), "FAKE_API_KEY": "dummy-key-for-the-fake-api"}

    def stop(self) -> None:
        self.api.stop()


def _answer_of(frame: dict[str, Any]) -> bool:
    data = frame["data"]
    return data.get("method") == "item/completed" and data.get("params", {}).get("item", {}).get("type") == "agentMessage"


async def _swe_swe_turn(client: Client, text: str) -> tuple[float, float, str]:
    """Seconds to the first `agent` event and to the complete answer (`item/completed` agentMessage)."""
    t0 = time.perf_counter()
    await client.send_message(text)
    first = answer = None
    first_method = ""
    while True:
        frame = await client.recv(60)
        if frame.get("type") != "event":
            continue
        now = time.perf_counter()
        if frame["kind"] == "agent":
            if first is None:
                first = now - t0
                first_method = str(frame["data"].get("method"))
            if answer is None and _answer_of(frame):
                answer = now - t0
        if frame["kind"] == "run_finished":
            if frame["data"].get("outcome") != "ok":
                raise RuntimeError(f"swe-swe turn failed: {frame}")
            break
    assert first is not None and answer is not None
    return first, answer, first_method


async def _exec(lab: CodexLab, args: list[str]) -> tuple[float, float, float, str]:
    """One `codex exec --json …` process: seconds to its first JSONL event, to the answer
    (`item.completed` agent_message), to its exit; and the thread id it printed."""
    argv = [str(codex_bin()), "exec", "--json", "--skip-git-repo-check", *args]
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=str(lab.workdir), env={**os.environ, **lab.env},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    first = answer = None
    thread_id = ""
    while True:
        line = await proc.stdout.readline()
        if not line:
            break
        now = time.perf_counter()
        if not line.strip().startswith(b"{"):
            continue
        event = json.loads(line)
        if first is None:
            first = now - t0
        if event.get("type") == "thread.started":
            thread_id = str(event.get("thread_id", ""))
        if answer is None and event.get("type") == "item.completed" and event.get("item", {}).get("type") == "agent_message":
            answer = now - t0
    code = await proc.wait()
    if code != 0 or first is None or answer is None:
        raise RuntimeError(f"codex exec failed with exit code {code}")
    return first, answer, time.perf_counter() - t0, thread_id


async def _measure(settings: Settings, lab: CodexLab) -> dict[str, Any]:
    runs = settings.runs(7, 3)
    server = ServerProcess(
        data_dir=settings.tmp / "fig10-data",
        agent="codex",
        extra_args=["--codex-bin", str(codex_bin()), "--workdir", str(lab.workdir), "--agent-idle", "600"],
        env=lab.env,
    ).start()
    try:
        client = await Client.connect(server.ws_url)
        await client.hello(None, 0)
        await _swe_swe_turn(client, "first message: starts the agent process")  # not a follow-up
        *_, thread_id = await _exec(lab, ["hello"])  # the baseline's own thread
        if not thread_id:
            raise RuntimeError("codex exec printed no thread id")
        await _exec(lab, ["resume", thread_id, "warm-up"])  # warm the page cache for the baseline too
        ours: list[tuple[float, float, str]] = []
        execs: list[tuple[float, float, float, str]] = []
        for i in range(runs):
            ours.append(await _swe_swe_turn(client, f"follow-up {i}"))
            execs.append(await _exec(lab, ["resume", thread_id, f"follow-up {i}"]))
        await client.close()
    finally:
        server.terminate()
    return {"ours": ours, "exec": execs}


def run(settings: Settings) -> list[Row]:
    lab = CodexLab(settings.tmp / "codex-lab")
    try:
        data = asyncio.run(_measure(settings, lab))
    finally:
        lab.stop()
    ours_first = [o[0] for o in data["ours"]]
    ours_answer = [o[1] for o in data["ours"]]
    exec_first = [e[0] for e in data["exec"]]
    exec_answer = [e[1] for e in data["exec"]]
    exec_exit = [e[2] for e in data["exec"]]
    methods = sorted({o[2] for o in data["ours"]})
    ratio = median(ours_first) / median(exec_first)
    ratio_answer = median(ours_answer) / median(exec_answer)
    return [
        Row(
            "10", "codex follow-up: send → first agent event", ms(median(ours_first)), "ms",
            ms(median(exec_first)), "codex exec resume per message", round(ratio, 4), "≤ 0.2", ratio <= 0.2,
            note=f"first event is `{'/'.join(methods)}`; the baseline's is `thread.started`",
            details={"swe_swe_s": summary(ours_first), "exec_s": summary(exec_first)},
        ),
        Row(
            "10b", "codex follow-up: send → complete answer", ms(median(ours_answer)), "ms",
            ms(median(exec_answer)), "same, first agent_message", round(ratio_answer, 4), "(info)", None,
            details={"swe_swe_s": summary(ours_answer), "exec_s": summary(exec_answer),
                     "exec_process_exit_s": summary(exec_exit)},
        ),
    ]
