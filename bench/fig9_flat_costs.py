"""Figure 9: costs that stay flat as a session grows (issue 15), at transcripts of 1, 50 and 200 MB.

- 9a–c (work per turn): what the server does with the transcript for one turn, in process: a turn's lines
  (~20 KB) are appended to the transcript, then the vault save that follows a turn
  (`ClaudeAgent._save_when_written`: wait for the turn's last uuid, check, append to the copy) and the
  check before the next turn (`ensure_resumable`) are timed: the value is the process's CPU time (all
  threads), the server's work; wall time, which adds the fsync's wait on a shared disk, is in the note
  and the details. Baseline:
  the save as it was before issue 15 (the whole copy compared with the transcript, then rewritten and
  fsynced: `vault.extends` + `vault._write_atomically`), on the same files.
- 9d–f (event-loop stall): a real server driving the real CLI (loopback fake API); the transcript is grown
  by appending valid lines, one turn lets the vault catch up, then two measured turns. The server's own
  loop-lag monitor (late ticks logged at debug level) gives the worst stall through the measured turns;
  a second client pings ~16 times a second meanwhile (worst round trip in the note). A median over 3
  servers per size (1 with --quick), sizes alternating. Baseline: 1 MB.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from common import Row, Settings, median, ms, summary

SIZES_MB = (1, 50, 200)
TURN_LINES = 6
TURN_LINE_BYTES = 3000
FILLER_LINE_BYTES = 64 * 1024


class _NullSink:
    def recovery(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the transcript should validate")


def _line(session_id: str, size: int, line_uuid: str | None = None) -> bytes:
    record = {"parentUuid": None, "type": "user", "uuid": line_uuid or str(uuid.uuid4()),
              "timestamp": "2025-01-01T00:00:00.000Z", "sessionId": session_id,
              "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_x", "content": "y" * size}]}}
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


def _grow(path: Path, session_id: str, target: int) -> None:
    block = b"".join(_line(session_id, FILLER_LINE_BYTES) for _ in range(16))
    with open(path, "ab") as handle:
        while handle.tell() < target:
            handle.write(block)


def _append_turn(path: Path, session_id: str) -> str:
    last = str(uuid.uuid4())
    lines = [_line(session_id, TURN_LINE_BYTES) for _ in range(TURN_LINES - 1)] + [_line(session_id, TURN_LINE_BYTES, last)]
    with open(path, "ab") as handle:
        handle.write(b"".join(lines))
    return last


def _old_save(transcript: Path, copy: Path) -> None:
    """The save before issue 15: compare the whole copy, then rewrite it whole (temp file, fsync, rename)."""
    from swe_swe import vault

    assert vault.extends(transcript, copy)
    with open(transcript, "rb") as source:
        vault._write_atomically(source, os.fstat(source.fileno()).st_size, copy)


async def _work_per_turn(settings: Settings, megabytes: int, runs: int) -> dict[str, list[float]]:
    from swe_swe.agents.claude import ClaudeAgent
    from swe_swe.agents.leftovers import RunningAgents
    from swe_swe.agents.session_recovery import Resumable
    from swe_swe.config import Config

    root = settings.tmp / f"fig9-work-{megabytes}"
    config_dir, workdir = root / "claude-config", root / "work"
    workdir.mkdir(parents=True)
    config = Config(workdir=workdir, data_dir=root / "data", claude_bin="claude")
    agent = ClaudeAgent(config, "claude", RunningAgents(config.data_dir), env={"CLAUDE_CONFIG_DIR": str(config_dir)})
    session_id = str(uuid.uuid4())
    transcript = agent.transcript(session_id)
    transcript.parent.mkdir(parents=True)
    transcript.write_bytes(_line(session_id, 100))
    _grow(transcript, session_id, megabytes * 1024 * 1024)
    await agent._save_when_written(session_id, None)  # the vault holds the session so far
    old_copy = root / "old-vault-copy.jsonl"
    old_copy.write_bytes(agent.vault.path_for(session_id).read_bytes())
    sink = _NullSink()
    wall: list[float] = []
    cpu: list[float] = []
    old: list[float] = []
    old_cpu: list[float] = []
    for _ in range(runs):
        last = _append_turn(transcript, session_id)
        t0, c0 = time.perf_counter(), time.process_time()
        await agent._save_when_written(session_id, last)
        assert await agent.ensure_resumable("c", session_id, sink) is Resumable.AS_IS  # type: ignore[arg-type]
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert agent.vault.path_for(session_id).read_bytes()[-100_000:] == transcript.read_bytes()[-100_000:]
    for _ in range(max(2, runs // 3)):  # after ours: its 200 MB writes would slow the fsyncs that follow them
        _append_turn(transcript, session_id)
        t0, c0 = time.perf_counter(), time.process_time()
        _old_save(transcript, old_copy)
        old.append(time.perf_counter() - t0)
        old_cpu.append(time.process_time() - c0)
    return {"wall": wall, "cpu": cpu, "old": old, "old_cpu": old_cpu, "bytes": [float(transcript.stat().st_size)]}


def _stall(settings: Settings, megabytes: int, rep: int) -> tuple[float, float]:
    from test_flat_costs import measure

    return measure(settings.tmp / f"fig9-stall-{megabytes}-{rep}", megabytes)


def run(settings: Settings) -> list[Row]:
    runs = settings.runs(15, 6)
    work = {mb: asyncio.run(_work_per_turn(settings, mb, runs)) for mb in SIZES_MB}
    samples: dict[int, list[tuple[float, float]]] = {mb: [] for mb in SIZES_MB}
    for rep in range(settings.runs(3, 1)):  # sizes alternate, so load on the machine hits each alike
        for mb in SIZES_MB:
            samples[mb].append(_stall(settings, mb, rep))
    stalls = {mb: (median(lag for lag, _ in samples[mb]), median(p for _, p in samples[mb])) for mb in SIZES_MB}
    rows: list[Row] = []
    base_work = median(work[SIZES_MB[0]]["cpu"])
    for mb in SIZES_MB:
        value = median(work[mb]["cpu"])
        ratio = value / base_work
        big = mb == SIZES_MB[-1]
        rows.append(Row(
            "9" + "abc"[SIZES_MB.index(mb)], f"server work per turn, {mb} MB transcript", ms(value), "ms",
            ms(median(work[mb]["old_cpu"])), "the save before issue 15 (whole compare + rewrite), same files",
            round(ratio, 3), "≤ 1.2× the 1 MB figure" if big else "(growth)", ratio <= 1.2 if big else None,
            note=f"CPU time; ratio = value / the 1 MB value; wall {median(work[mb]['wall']) * 1000:.2f} ms "
                 f"(before: {median(work[mb]['old']) * 1000:.0f} ms)",
            details={"wall_s": summary(work[mb]["wall"]), "cpu_s": summary(work[mb]["cpu"]),
                     "before_issue_15_wall_s": summary(work[mb]["old"]),
                     "before_issue_15_cpu_s": summary(work[mb]["old_cpu"]), "transcript_bytes": work[mb]["bytes"][0]},
        ))
    base_lag = stalls[SIZES_MB[0]][0]
    for mb in SIZES_MB:
        lag, ping = stalls[mb]
        rows.append(Row(
            "9" + "def"[SIZES_MB.index(mb)], f"worst event-loop stall through a turn, {mb} MB", ms(lag), "ms",
            ms(base_lag), "the same at 1 MB", round(lag / base_lag, 2) if base_lag else None,
            "ping ≤ 50 ms", ping <= 0.05,
            note=f"median of {len(samples[mb])} servers; worst ping round trip {ping * 1000:.1f} ms (median); "
                 "ticks late by under 5 ms are not logged (0 = none)",
            details={"loop_lag_s": [lag for lag, _ in samples[mb]], "worst_ping_s": [p for _, p in samples[mb]]},
        ))
    return rows
