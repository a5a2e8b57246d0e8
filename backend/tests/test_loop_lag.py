"""The loop-lag guard notices a stalled event loop, says where it was stuck, and keeps bounded figures."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from swe_swe.loop_lag import LoopLagMonitor, percentile


def hold_the_loop(seconds: float) -> None:
    time.sleep(seconds)  # what a file read on the loop does to everyone else


def test_a_stall_is_measured_and_logged_with_where_the_loop_was(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LoopLagMonitor(interval_s=0.02, warn_after_s=0.1)

    async def scenario() -> None:
        monitor.start()
        await asyncio.sleep(0.1)
        hold_the_loop(0.3)
        await asyncio.sleep(0.1)
        await monitor.stop()

    with caplog.at_level(logging.WARNING, logger="swe_swe.loop_lag"):
        asyncio.run(scenario())
    assert monitor.worst_s() >= 0.2
    # a loaded machine may add a stall of its own (the scheduler's): only ours must be there once, named
    ours = [s for s in monitor.stalls() if "hold_the_loop" in s.where]
    assert len(ours) == 1 and "test_loop_lag.py" in ours[0].where
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == len(monitor.stalls()) and all("event loop stalled" in w for w in warnings)
    assert sum("hold_the_loop" in w for w in warnings) == 1
    assert monitor.samples() > 5


def test_small_lags_are_counted_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LoopLagMonitor(window=4)
    with caplog.at_level(logging.WARNING, logger="swe_swe.loop_lag"):
        for lag in (0.05, 0.001, 0.002, 0.003, 0.004, 0.002):
            monitor.record(lag)
    assert caplog.records == []
    assert monitor.samples() == 4  # bounded window
    assert monitor.worst_s() == 0.05  # since start, beyond the window
    assert monitor.p99_s() == 0.004
    assert monitor.stalls() == []


def test_percentile() -> None:
    assert percentile([], 0.99) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 0.99) == 99.0
    assert percentile([5.0], 0.99) == 5.0


def test_a_stack_that_changes_while_it_is_read_does_not_end_the_watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in an hour's soak: the frame walked was freed and reused mid-walk ('ModelSelect' object has
    no attribute 'f_lineno'); the watchdog thread died, and later stalls were never located."""
    import swe_swe.loop_lag as loop_lag

    monitor = LoopLagMonitor()
    monitor._loop_thread = 1234
    monkeypatch.setattr(loop_lag.sys, "_current_frames", lambda: {1234: object()})
    monitor._sample(5.0)
    assert monitor._sampled == (5.0, loop_lag.UNREADABLE_STACK)
