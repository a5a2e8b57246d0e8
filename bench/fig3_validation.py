"""Figure 3: session validation before a turn, cached and uncached, against asking the CLI.

- cached: what `ClaudeAgent.ensure_resumable` costs per turn for an unchanged transcript (path computed as
  the CLI does + one `stat` + a cache hit, in a worker thread since issue 15, so the hop to the thread is
  most of it); also `TranscriptValidator.check` alone.
- uncached: the same with the cache emptied first (the file is opened and read to the first message line).
- baseline: spawning `claude -p --resume <stale id>` until it exits with "No conversation found".
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import timeit
import uuid
from pathlib import Path
from typing import Any

from common import ClaudeLab, Row, Settings, claude_bin, median, ms, summary


class _NullSink:
    def recovery(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the transcript should validate")


def _per_call(fn: Any, repeats: int, number: int) -> list[float]:
    """Seconds per call, one value per repeat (each the mean of `number` calls)."""
    return [t / number for t in timeit.repeat(fn, repeat=repeats, number=number)]


def _per_await(make: Any, number: int) -> list[float]:
    """Seconds per awaited call, the mean of `number` calls in one event loop."""
    async def loop() -> float:
        t0 = time.perf_counter()
        for _ in range(number):
            await make()
        return (time.perf_counter() - t0) / number

    return [asyncio.run(loop())]


def _stale_resume(lab: ClaudeLab) -> float:
    argv = [str(claude_bin()), "-p", "--resume", str(uuid.uuid4()), "--output-format", "stream-json", "--verbose", "x"]
    t0 = time.perf_counter()
    done = subprocess.run(argv, cwd=lab.workdir, env=lab.full_env(), capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - t0
    if "No conversation found" not in done.stdout + done.stderr:
        raise RuntimeError(f"the CLI did not refuse the stale id (exit {done.returncode})")
    return elapsed


def run(settings: Settings, lab: ClaudeLab) -> list[Row]:
    from swe_swe.agents import claude_home
    from swe_swe.agents.claude import ClaudeAgent
    from swe_swe.agents.claude_transcript import transcript_validator
    from swe_swe.agents.leftovers import RunningAgents
    from swe_swe.agents.session_recovery import Resumable
    from swe_swe.config import Config

    session_id = lab.direct_session or lab.new_direct_session()
    config = Config(workdir=lab.workdir, data_dir=settings.tmp / "fig3-data", claude_bin=str(claude_bin()))
    agent = ClaudeAgent(config, str(claude_bin()), RunningAgents(config.data_dir), env=lab.full_env())
    path: Path = agent.transcript(session_id)
    assert path.exists(), path
    assert path == claude_home.transcript_path(lab.config_dir, lab.workdir, session_id)
    sink = _NullSink()
    assert asyncio.run(agent.ensure_resumable("c", session_id, sink)) is Resumable.AS_IS  # type: ignore[arg-type]  # resumable as is

    async def uncached_once() -> None:
        agent.validator.forget(path)
        await agent.ensure_resumable("c", session_id, sink)  # type: ignore[arg-type]

    fresh = transcript_validator()

    cached: list[float] = []
    check_only: list[float] = []
    uncached: list[float] = []
    cold_check: list[float] = []
    spawns: list[float] = []
    for _ in range(settings.runs(5, 3)):  # interleaved, so load on the machine hits every series alike
        cached += _per_await(lambda: agent.ensure_resumable("c", session_id, sink), 5_000)  # type: ignore[arg-type]
        check_only += _per_call(lambda: agent.validator.check(path), 1, 20_000)
        uncached += _per_await(uncached_once, 2_000)
        cold_check += _per_call(lambda: (fresh.forget(path), fresh.check(path)), 1, 2_000)
        spawns.append(_stale_resume(lab))

    ratio_cached = median(spawns) / median(cached)
    ratio_uncached = median(spawns) / median(uncached)
    size = path.stat().st_size
    return [
        Row("3", "session check, cached (per turn)", round(median(cached) * 1e6, 2), "µs",
            ms(median(spawns)), "spawn `claude -p --resume <stale id>`", round(ratio_cached, 0),
            "≥ 10,000× cheaper", ratio_cached >= 10_000,
            note=f"ratio = baseline/value; check() alone {median(check_only) * 1e6:.1f} µs",
            baseline_unit="ms",
            details={"ensure_resumable_cached_s": summary(cached, 9), "validator_check_cached_s": summary(check_only, 9),
                     "stale_resume_spawn_s": summary(spawns), "transcript_bytes": size}),
        Row("3b", "session check, uncached", round(median(uncached) * 1e6, 2), "µs",
            ms(median(spawns)), "same", round(ratio_uncached, 0), "(info)", None, baseline_unit="ms",
            note=f"real {size:,} B transcript; scan alone {median(cold_check) * 1e6:.1f} µs",
            details={"ensure_resumable_uncached_s": summary(uncached, 9), "scan_s": summary(cold_check, 9)}),
    ]
