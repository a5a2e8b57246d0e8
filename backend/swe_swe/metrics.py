"""Every metric the server keeps, in one place, served as Prometheus text at `GET /api/metrics`.

One registry per app (not prometheus_client's global one): tests create several apps in a process,
and two apps must not count into each other. Most counts are read off the event log as the hub
publishes it, so the code that runs turns, recoveries and approvals needs no metrics calls of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from swe_swe.store import LoggedEvent

PREFIX = "swe_swe"
TURN_SECONDS_BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.sockets_open = Gauge(f"{PREFIX}_sockets_open", "WebSocket connections open now", registry=r)
        self.reconnects = Counter(f"{PREFIX}_reconnects", "hellos from a client that already held events (last_seq > 0)", registry=r)
        self.replays = Counter(f"{PREFIX}_replays", "replays sent after a hello", registry=r)
        self.events_replayed = Counter(f"{PREFIX}_events_replayed", "logged events sent by replays", registry=r)
        self.duplicates_refused = Counter(
            f"{PREFIX}_duplicates_refused", "messages and answers already stored, acked as duplicates", ["via"], registry=r
        )
        self.recoveries = Counter(f"{PREFIX}_recoveries", "agent session recoveries", ["kind"], registry=r)
        self.turns = Counter(f"{PREFIX}_turns", "agent turns finished", ["outcome"], registry=r)
        self.turn_seconds = Histogram(
            f"{PREFIX}_turn_seconds", "agent turn duration, run_started to run_finished", buckets=TURN_SECONDS_BUCKETS, registry=r
        )
        self.approvals = Counter(f"{PREFIX}_approvals", "approvals ended, by decision or cancellation", ["outcome"], registry=r)
        self.pushes = Counter(f"{PREFIX}_pushes", "push notifications", ["result"], registry=r)
        self.storage_errors = Counter(f"{PREFIX}_storage_errors", "writes the database refused (disk full, locked)", registry=r)
        self._turn_started_ms: dict[str, int] = {}
        for counter, label, values in self._known_labels():
            for value in values:
                counter.labels(**{label: value})  # shown at 0 from the start, so a rate() has a base

    def watch_loop_lag(self, worst_s: Callable[[], float], p99_s: Callable[[], float]) -> None:
        """The event loop's lag (loop_lag.py), read when scraped: a stalled loop stalls every socket."""
        worst = Gauge(f"{PREFIX}_loop_lag_worst_seconds", "longest event-loop lag since start", registry=self.registry)
        p99 = Gauge(f"{PREFIX}_loop_lag_p99_seconds", "99th percentile of the event-loop lag, last minute", registry=self.registry)
        worst.set_function(worst_s)
        p99.set_function(p99_s)

    def watch_tasks(self, count: Callable[[], int]) -> None:
        """asyncio tasks alive, read when scraped: a count that only grows is a leak (`make soak`)."""
        tasks = Gauge(f"{PREFIX}_asyncio_tasks", "asyncio tasks not yet done on the server's loop", registry=self.registry)
        tasks.set_function(count)

    def _known_labels(self) -> list[tuple[Counter, str, tuple[str, ...]]]:
        return [
            (self.duplicates_refused, "via", ("ws", "http")),
            (self.recoveries, "kind", ("restored", "new_session", "retry")),
            (self.turns, "outcome", ("ok", "error", "stopped", "interrupted")),
            (self.approvals, "outcome", ("allow", "allow_always", "deny", "cancelled")),
            (self.pushes, "result", ("sent", "failed")),
        ]

    def observe_event(self, conversation_id: str, event: LoggedEvent) -> None:
        """Count what one logged event says happened (called for every event the hub publishes)."""
        if event.kind == "run_started":
            self._turn_started_ms[conversation_id] = event.ts
        elif event.kind == "run_finished":
            self._turn_finished(conversation_id, event)
        elif event.kind == "session_lost":
            self.recoveries.labels(kind=str(event.as_dict()["data"].get("recovery", "unknown"))).inc()
        elif event.kind == "approval_resolved":
            self.approvals.labels(outcome=str(event.as_dict()["data"].get("decision", "unknown"))).inc()
        elif event.kind == "approval_cancelled":
            self.approvals.labels(outcome="cancelled").inc()

    def _turn_finished(self, conversation_id: str, event: LoggedEvent) -> None:
        self.turns.labels(outcome=str(event.as_dict()["data"].get("outcome", "unknown"))).inc()
        started = self._turn_started_ms.pop(conversation_id, None)
        if started is not None:
            self.turn_seconds.observe(max(0, event.ts - started) / 1000)

    def replayed(self, reconnect: bool, events: int) -> None:
        if reconnect:
            self.reconnects.inc()
        self.replays.inc()
        self.events_replayed.inc(events)

    def render(self) -> bytes:
        return generate_latest(self.registry)
