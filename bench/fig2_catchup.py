"""Figure 2: catch-up. A client N events behind says `hello`; time until `replay_done`.

Baseline (the floor): `floor_server.py` reads the same rows from the same SQLite file and writes the same
frames to a loopback WebSocket with no logic in between. Both servers are separate processes on this
machine; the client is the same code for both, and runs alternate between them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import websockets

from common import REPO, Row, Settings, cpu_seconds, median, ms, summary
from server_process import ServerProcess
from support.long_log import write_log

SIZES = (10_000, 100_000)
LOREM = ("The quick brown fox jumps over the lazy dog while the agent reads the repository and edits "
         "a few files, then runs the tests again. ")


def _event_cycle(session_id: str) -> list[tuple[str, dict[str, Any]]]:
    """One turn as Claude's stream-json logs it; a few hundred bytes per event, like real turns."""
    msg_id = str(uuid.uuid4())
    return [
        ("user_message", {"client_msg_id": msg_id, "text": "Please look at the failing test and fix it."}),
        ("run_started", {"resumed": True}),
        ("agent", {"type": "assistant", "session_id": session_id, "uuid": str(uuid.uuid4()),
                   "message": {"id": "msg_" + uuid.uuid4().hex[:24], "role": "assistant", "model": "claude-fake-1",
                               "content": [{"type": "text", "text": LOREM * 3}]}}),
        ("agent", {"type": "assistant", "session_id": session_id, "uuid": str(uuid.uuid4()),
                   "message": {"id": "msg_" + uuid.uuid4().hex[:24], "role": "assistant", "model": "claude-fake-1",
                               "content": [{"type": "tool_use", "id": "toolu_" + uuid.uuid4().hex[:20], "name": "Bash",
                                            "input": {"command": "pytest -q tests/test_app.py", "description": "run"}}]}}),
        ("agent", {"type": "user", "session_id": session_id, "uuid": str(uuid.uuid4()),
                   "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_x",
                                                            "content": "3 passed in 0.12s\n" + LOREM}]}}),
        ("agent", {"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1234, "num_turns": 2,
                   "result": LOREM, "session_id": session_id, "total_cost_usd": 0.01,
                   "usage": {"input_tokens": 10, "output_tokens": 50}}),
        ("run_finished", {"outcome": "ok", "exit_code": None}),
    ]


def seed(db_path: Path, sizes: tuple[int, ...]) -> dict[int, str]:
    """One conversation per size, filled with `insert_many` (a fast way to an identical log)."""
    from swe_swe.store import Store

    store = Store(db_path)
    try:
        ids: dict[int, str] = {}
        for size in sizes:
            cycle = _event_cycle(str(uuid.uuid4()))
            events = (cycle[i % len(cycle)] for i in range(size))
            ids[size] = write_log(store, ((k, {**d, "client_msg_id": str(uuid.uuid4())} if k == "user_message" else d)
                                         for k, d in events))
        return ids
    finally:
        store.close()


async def catch_up(url: str, conversation_id: str, expected: int) -> tuple[float, int]:
    """Seconds from `hello` to `replay_done`, and the bytes of event frames received."""
    async with websockets.connect(url, compression=None, max_size=None, ping_interval=None) as ws:
        hello = orjson.dumps({"type": "hello", "protocol": 1, "client_id": "bench", "conversation_id": conversation_id,
                              "last_seq": 0}).decode()
        count = 0
        size = 0
        t0 = time.perf_counter()
        await ws.send(hello)
        while True:
            frame = await ws.recv()
            if frame.startswith('{"type":"event"'):
                count += 1
                size += len(frame)
            elif '"replay_done"' in frame[:32]:
                elapsed = time.perf_counter() - t0
                break
    if count != expected:
        raise RuntimeError(f"replay gave {count} events, expected {expected}")
    return elapsed, size


def _start_floor(db_path: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, str(REPO / "bench" / "floor_server.py"), str(db_path)],
                            stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError("the floor server did not start")
    return proc, int(line.split()[1])


async def _measure(urls: dict[str, tuple[str, int]], conversation_id: str, size: int, runs: int) -> dict[str, Any]:
    """Alternate between the servers; per run, wall time and the server's CPU time. `urls`: name → (url, pid)."""
    out: dict[str, Any] = {name: {"wall": [], "cpu": []} for name in urls}
    for url, _ in urls.values():  # one untimed round each: warms SQLite's page cache and both processes
        await catch_up(url, conversation_id, size)
    for _ in range(runs):
        for name, (url, pid) in urls.items():
            cpu = cpu_seconds(pid)
            elapsed, out["frame_bytes"] = await catch_up(url, conversation_id, size)
            out[name]["cpu"].append(cpu_seconds(pid) - cpu)
            out[name]["wall"].append(elapsed)
    return out


def run(settings: Settings) -> list[Row]:
    data_dir = settings.tmp / "fig2-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "swe-swe.sqlite3"
    t_seed = time.perf_counter()
    ids = seed(db_path, SIZES)
    seed_s = time.perf_counter() - t_seed
    server = ServerProcess(data_dir=data_dir, agent="demo").start()
    floor, floor_port = _start_floor(db_path)
    assert server.proc is not None
    urls = {"ours": (server.ws_url, server.proc.pid), "floor": (f"ws://127.0.0.1:{floor_port}/", floor.pid)}
    rows: list[Row] = []
    try:
        for size in SIZES:
            runs = settings.runs(11, 5) if size <= 10_000 else settings.runs(3, 1)
            got = asyncio.run(_measure(urls, ids[size], size, runs))
            ours, base = got["ours"]["wall"], got["floor"]["wall"]
            ours_cpu, base_cpu = got["ours"]["cpu"], got["floor"]["cpu"]
            frame_bytes = got["frame_bytes"]
            ratio = median(ours) / median(base)
            is_target = size == 10_000
            rows.append(Row(
                "2" if is_target else "2b", f"catch-up {size:,} events: hello → replay_done", ms(median(ours)), "ms",
                ms(median(base)), "SQLite rows → loopback WebSocket, no logic", round(ratio, 3),
                "≤ 1.5" if is_target else "(growth)", (ratio <= 1.5) if is_target else None,
                note=(f"{frame_bytes / size:.0f} B/event, {size / median(ours):,.0f} events/s; server CPU "
                      f"{ms(median(ours_cpu)):.0f} ms vs floor {ms(median(base_cpu)):.0f} ms "
                      f"(×{median(ours_cpu) / max(median(base_cpu), 1e-9):.2f})"),
                details={"swe_swe_s": summary(ours), "floor_s": summary(base), "frame_bytes": frame_bytes,
                         "swe_swe_server_cpu_s": summary(ours_cpu, 3), "floor_server_cpu_s": summary(base_cpu, 3),
                         "seed_s": round(seed_s, 2)},
            ))
    finally:
        server.terminate()
        floor.terminate()
        floor.wait(10)
    return rows
