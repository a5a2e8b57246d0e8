"""Figure 1: follow-up turn latency, `send` → first `agent` event.

swe-swe keeps one `claude -p --input-format stream-json` process per conversation, so a follow-up is one
line on its stdin. The seed started `claude -p --resume <id> --output-format stream-json --verbose "<text>"`
per message. Both use the real CLI against the loopback fake Messages API (which answers at once), and
are run alternately so machine noise hits both alike.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from common import ClaudeLab, Row, Settings, claude_bin, median, ms, summary
from server_process import ServerProcess
from ws_client import Client


async def _swe_swe_turn(client: Client, text: str) -> tuple[float, float, str]:
    """Seconds to the first `agent` event and to the first `assistant` one, and the first one's type."""
    client.events.clear()
    t0 = time.perf_counter()
    await client.send_message(text)
    first = first_assistant = None
    first_type = ""
    while True:
        frame = await client.recv(30)
        if frame.get("type") != "event":
            continue
        now = time.perf_counter()
        if frame["kind"] == "agent":
            if first is None:
                first = now - t0
                first_type = str(frame["data"].get("type"))
            if first_assistant is None and frame["data"].get("type") == "assistant":
                first_assistant = now - t0
        if frame["kind"] == "run_finished":
            if frame["data"].get("outcome") != "ok":
                raise RuntimeError(f"swe-swe turn failed: {frame}")
            break
    assert first is not None and first_assistant is not None
    return first, first_assistant, first_type


async def _direct_turn(lab: ClaudeLab, session_id: str, text: str) -> tuple[float, float, float]:
    """The seed's way: a process per message. Seconds to the first stdout event, the first assistant, exit."""
    argv = [str(claude_bin()), "-p", "--resume", session_id, "--output-format", "stream-json", "--verbose", text]
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=str(lab.workdir), env=lab.full_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    first = first_assistant = None
    while True:
        line = await proc.stdout.readline()
        if not line:
            break
        now = time.perf_counter()
        if not line.strip().startswith(b"{"):
            continue
        if first is None:
            first = now - t0
        if first_assistant is None and b'"type":"assistant"' in line[:40]:
            first_assistant = now - t0
    code = await proc.wait()
    if code != 0 or first is None or first_assistant is None:
        raise RuntimeError(f"direct claude run failed with exit code {code}")
    return first, first_assistant, time.perf_counter() - t0


async def _measure(settings: Settings, lab: ClaudeLab) -> dict[str, Any]:
    runs = settings.runs(7, 3)
    server = ServerProcess(
        data_dir=settings.tmp / "fig1-data",
        agent="claude",
        extra_args=["--claude-bin", str(claude_bin()), "--workdir", str(lab.workdir), "--agent-idle", "600"],
        env=lab.env,
    ).start()
    try:
        client = await Client.connect(server.ws_url)
        await client.hello(None, 0)
        await _swe_swe_turn(client, "first message: starts the agent process")  # not a follow-up
        session_id = lab.direct_session or lab.new_direct_session()
        await _direct_turn(lab, session_id, "warm-up")  # warm the page cache for the baseline too
        ours: list[tuple[float, float, str]] = []
        seeds: list[tuple[float, float, float]] = []
        for i in range(runs):
            ours.append(await _swe_swe_turn(client, f"follow-up {i}"))
            seeds.append(await _direct_turn(lab, session_id, f"follow-up {i}"))
        await client.close()
    finally:
        server.terminate()
    return {"ours": ours, "seed": seeds}


def run(settings: Settings, lab: ClaudeLab) -> list[Row]:
    data = asyncio.run(_measure(settings, lab))
    ours_first = [o[0] for o in data["ours"]]
    ours_assistant = [o[1] for o in data["ours"]]
    seed_first = [s[0] for s in data["seed"]]
    seed_assistant = [s[1] for s in data["seed"]]
    seed_exit = [s[2] for s in data["seed"]]
    first_types = sorted({o[2] for o in data["ours"]})
    ratio = median(ours_first) / median(seed_first)
    ratio_assistant = median(ours_assistant) / median(seed_assistant)
    return [
        Row(
            "1", "follow-up: send → first agent event", ms(median(ours_first)), "ms",
            ms(median(seed_first)), "claude -p --resume per message", round(ratio, 4), "≤ 0.2", ratio <= 0.2,
            note=f"first event is `{'/'.join(first_types)}`",
            details={"swe_swe_s": summary(ours_first), "seed_s": summary(seed_first)},
        ),
        Row(
            "1b", "follow-up: send → first assistant event", ms(median(ours_assistant)), "ms",
            ms(median(seed_assistant)), "same, first assistant line", round(ratio_assistant, 4), "(info)", None,
            details={"swe_swe_s": summary(ours_assistant), "seed_s": summary(seed_assistant),
                     "seed_process_exit_s": summary(seed_exit)},
        ),
    ]
