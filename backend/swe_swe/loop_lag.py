"""The server watches its own event loop: how late a timer fires is how long everyone else waited.

One process serves every socket, replay and turn from one asyncio loop, so any callback that holds the
loop (a file read, a big JSON dump) freezes them all (issue 15). `LoopLagMonitor` measures that:

- a timer on the loop sleeps `interval_s` and notes how late it wakes (the lag): worst since start and
  p99 over a recent window are plain getters, for metrics;
- a watchdog thread looks at the loop's heartbeat; while the loop is stuck it samples the loop thread's
  stack (`sys._current_frames`), so the warning logged for a stall over `warn_after_s` names the code
  that held the loop.

Why not asyncio's debug mode and `slow_callback_duration`: debug mode extracts a stack for every
callback scheduled and checks threads on every call, too dear for production, and the loop here is
uvloop's, whose handles are not Python objects to time. The watchdog costs one wake-up of a sleeping
thread per interval and touches the loop thread's frames only while the loop is stuck.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("swe_swe.loop_lag")

DEFAULT_INTERVAL_S = 0.05
DEFAULT_WARN_AFTER_S = 0.1
DEBUG_AFTER_S = 0.005  # lags above this are logged at debug level (off by default), with their time
DEFAULT_WINDOW = 1200  # samples: one minute at the default interval
DEFAULT_STALLS_KEPT = 20
STACK_FRAMES = 4


# Another thread's stack is read while that thread runs: a frame may end (and its memory be reused)
# mid-walk. Seen once in an hour's soak: the watchdog thread died and no later stall was located.
UNREADABLE_STACK = "(the stack changed while it was read)"


@dataclass(frozen=True)
class Stall:
    """One stall over the warning threshold: how long, when (monotonic), and where the loop was stuck."""

    lag_s: float
    at: float
    where: str


def describe_stack(frame: object | None, limit: int = STACK_FRAMES) -> str:
    """The innermost frames of a stack, innermost first: `file:line function` joined by `←`."""
    if frame is None:
        return "(not sampled)"
    entries = traceback.extract_stack(frame, limit=None)[-limit:]  # type: ignore[arg-type]
    parts = [f"{_short(e.filename)}:{e.lineno} {e.name}" for e in reversed(entries)]
    return " ← ".join(parts) or "(empty stack)"


def _short(filename: str) -> str:
    """`swe_swe/vault.py` rather than the full path: enough to find it, nothing about the machine."""
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class LoopLagMonitor:
    """Start it on the running loop (`start`), stop it before the loop closes (`stop`)."""

    def __init__(self, interval_s: float = DEFAULT_INTERVAL_S, warn_after_s: float = DEFAULT_WARN_AFTER_S,
                 window: int = DEFAULT_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.warn_after_s = warn_after_s
        self._clock = clock
        self._recent: deque[float] = deque(maxlen=window)
        self._stalls: deque[Stall] = deque(maxlen=DEFAULT_STALLS_KEPT)
        self._worst_s = 0.0
        self._beat = clock()
        self._sampled: tuple[float, str] | None = None  # (beat it belongs to, where the loop was)
        self._loop_thread: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._watchdog: threading.Thread | None = None
        self._stopping = threading.Event()

    # metrics: plain getters

    def worst_s(self) -> float:
        """The longest lag seen since start, in seconds."""
        return self._worst_s

    def p99_s(self) -> float:
        """The 99th percentile of the lag over the recent window, in seconds."""
        return percentile(list(self._recent), 0.99)

    def samples(self) -> int:
        return len(self._recent)

    def stalls(self) -> list[Stall]:
        """The last stalls over the warning threshold, oldest first (bounded)."""
        return list(self._stalls)

    # life cycle

    def start(self) -> None:
        """Call on the loop's thread, with the loop running."""
        loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._beat = self._clock()
        self._stopping.clear()
        self._task = loop.create_task(self._tick())
        self._watchdog = threading.Thread(target=self._watch, name="loop-lag-watchdog", daemon=True)
        self._watchdog.start()

    async def stop(self) -> None:
        self._stopping.set()
        log.info("event loop lag over the last %d samples: worst %.1f ms since start, p99 %.1f ms",
                 self.samples(), self.worst_s() * 1000, self.p99_s() * 1000)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._watchdog is not None:
            await asyncio.to_thread(self._watchdog.join, 1.0)
            self._watchdog = None

    # the timer, on the loop

    async def _tick(self) -> None:
        while True:
            expected = self._clock() + self.interval_s
            self._beat = expected - self.interval_s
            await asyncio.sleep(self.interval_s)
            self.record(max(0.0, self._clock() - expected))

    def record(self, lag_s: float) -> None:
        """Note one lag; warn when it is over the threshold. Public so tests can feed it."""
        self._recent.append(lag_s)
        self._worst_s = max(self._worst_s, lag_s)
        if lag_s <= self.warn_after_s:
            if lag_s > DEBUG_AFTER_S:
                log.debug("event loop late %.1f ms", lag_s * 1000)
            return
        sampled = self._sampled
        where = sampled[1] if sampled is not None and sampled[0] == self._beat else "(not sampled)"
        self._stalls.append(Stall(lag_s, self._clock(), where))
        log.warning("event loop stalled %.0f ms; it was in: %s", lag_s * 1000, where)

    # the watchdog, on its own thread

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval_s):
            beat = self._beat
            if self._clock() - beat - self.interval_s > self.warn_after_s / 2:
                self._sample(beat)

    def _sample(self, beat: float) -> None:
        if self._loop_thread is None:
            return
        frame = sys._current_frames().get(self._loop_thread)
        try:
            where = describe_stack(frame)
        except Exception:  # noqa: BLE001 - the loop's stack changes under us; the watchdog must live on
            where = UNREADABLE_STACK
        self._sampled = (beat, where)
