"""Token buckets: one per WebSocket connection (frames), one per client address (HTTP API requests).
Bursts up to `burst`, `per_second` sustained."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    burst: int
    per_second: float
    tokens: float = field(init=False)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


MAX_TRACKED_CLIENTS = 4096


class ClientBuckets:
    """A bucket per client address, the least recently seen forgotten past `MAX_TRACKED_CLIENTS`
    (I5: a scan from many addresses cannot grow memory; a forgotten client starts with a full bucket)."""

    def __init__(self, burst: int, per_second: float, max_clients: int = MAX_TRACKED_CLIENTS) -> None:
        self.burst = burst
        self.per_second = per_second
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, client: str) -> bool:
        bucket = self._buckets.pop(client, None) or TokenBucket(self.burst, self.per_second)
        self._buckets[client] = bucket
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return bucket.take()
