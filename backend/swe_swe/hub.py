"""Per conversation: append an event to the log, commit, then fan it out to every attached socket."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from swe_swe.metrics import Metrics
from swe_swe.store import LoggedEvent, Store

log = logging.getLogger("swe_swe")


class Subscriber(Protocol):
    """A socket attached to a conversation. Offers never block: a slow subscriber drops itself."""

    def offer_event(self, event: LoggedEvent) -> None: ...

    def offer_frame(self, frame: str) -> None: ...

    def offer_close(self, code: int, reason: str) -> None: ...


class Hub:
    def __init__(self, store: Store, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics or Metrics()
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        # Called with every published event after the sockets (push notifications): must not block.
        self.listeners: list[Callable[[str, LoggedEvent], None]] = []

    def attach(self, conversation_id: str, subscriber: Subscriber) -> None:
        self._subscribers[conversation_id].add(subscriber)

    def detach(self, conversation_id: str, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(conversation_id)
        if subscribers is None:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self._subscribers[conversation_id]

    def subscribers(self, conversation_id: str) -> list[Subscriber]:
        return list(self._subscribers.get(conversation_id, ()))

    def append(self, conversation_id: str, kind: str, data: dict[str, Any]) -> LoggedEvent:
        """Commit first (I2), then send."""
        event = self.store.append_event(conversation_id, kind, data)
        self.publish(conversation_id, event)
        return event

    def publish(self, conversation_id: str, event: LoggedEvent) -> None:
        self.metrics.observe_event(conversation_id, event)
        for subscriber in self.subscribers(conversation_id):
            subscriber.offer_event(event)
        for listener in self.listeners:
            try:
                listener(conversation_id, event)
            except Exception:  # a listener's bug must not undo a committed event's fan-out
                log.exception("an event listener failed")

    def publish_frame(self, conversation_id: str, frame: str) -> None:
        for subscriber in self.subscribers(conversation_id):
            subscriber.offer_frame(frame)

