"""Cheap, repeatable answers to "will `claude --resume` accept this transcript?" and "is this turn on disk yet?".

The server asks before every turn, so a repeated answer must cost one `stat`: results are cached by
path and invalidated by the file's identity (inode, size, mtime). Transcripts can be large, so reading
streams line by line and stops at the first line that makes the file resumable.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

MESSAGE_TYPES = frozenset({"user", "assistant"})
DEFAULT_CACHE_ENTRIES = 4096
DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
DEFAULT_TAIL_BYTES = 8 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024


class TranscriptState(enum.StrEnum):
    """What the CLI would make of the file (observed: see claude-cli.md "Where sessions live")."""

    RESUMABLE = "resumable"
    MISSING = "missing"
    EMPTY_OR_INVALID = "empty_or_invalid"


@dataclass(frozen=True)
class FileIdentity:
    """Enough of a `stat` to notice that a file changed (rewritten, appended to, or replaced)."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileIdentity:
        return cls(inode=st.st_ino, size=st.st_size, mtime_ns=st.st_mtime_ns)


@dataclass(frozen=True)
class _CacheEntry:
    identity: FileIdentity
    state: TranscriptState


def is_message_line(record: Any) -> bool:
    """The CLI resumes only from a `user`/`assistant` line with a non-empty timestamp and a message object.

    Observed: a missing or empty timestamp gives "No conversation found"; a missing message makes the CLI
    fail with a JavaScript error; a numeric timestamp is accepted.
    """
    if not isinstance(record, dict):
        return False
    if record.get("type") not in MESSAGE_TYPES:
        return False
    if not record.get("timestamp"):
        return False
    return isinstance(record.get("message"), dict)


def _skip_rest_of_line(handle: BinaryIO) -> None:
    """Read past an over-long line without holding it in memory."""
    while True:
        chunk = handle.readline(READ_CHUNK_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


# Says whether one parsed line makes a file resumable: Claude's message lines by default; other agents
# pass their own (codex: a rollout's `session_meta` line).
LinePredicate = Callable[[Any], bool]


def _line_qualifies(line: bytes, qualifies: LinePredicate = is_message_line) -> bool:
    try:
        return qualifies(json.loads(line))
    except ValueError:
        return False


def scan_transcript(
    path: Path, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, qualifies: LinePredicate = is_message_line
) -> TranscriptState:
    """Read the file (uncached) until the first resumable line; lines beyond `max_line_bytes` are skipped."""
    try:
        with open(path, "rb") as handle:
            while True:
                line = handle.readline(max_line_bytes)
                if not line:
                    return TranscriptState.EMPTY_OR_INVALID
                if not line.endswith(b"\n") and len(line) >= max_line_bytes:
                    _skip_rest_of_line(handle)
                    continue
                if _line_qualifies(line, qualifies):
                    return TranscriptState.RESUMABLE
    except FileNotFoundError:
        return TranscriptState.MISSING
    except (IsADirectoryError, PermissionError):
        return TranscriptState.EMPTY_OR_INVALID


class TranscriptValidator:
    """Cached `scan_transcript`: a repeated check of an unchanged file costs one `stat`."""

    def __init__(
        self,
        max_entries: int = DEFAULT_CACHE_ENTRIES,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        qualifies: LinePredicate = is_message_line,
    ) -> None:
        self._max_entries = max_entries
        self._max_line_bytes = max_line_bytes
        self._qualifies = qualifies
        self._cache: OrderedDict[str, _CacheEntry] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, path: Path) -> TranscriptState:
        key = str(path)
        try:
            identity = FileIdentity.of(os.stat(path))
        except FileNotFoundError:
            self.forget(path)
            return TranscriptState.MISSING
        cached = self._cached(key, identity)
        if cached is not None:
            return cached
        state = scan_transcript(path, self._max_line_bytes, self._qualifies)
        if state is not TranscriptState.MISSING:
            self._remember(key, _CacheEntry(identity, state))
        return state

    def forget(self, path: Path) -> None:
        with self._lock:
            self._cache.pop(str(path), None)

    def __len__(self) -> int:
        return len(self._cache)

    def _cached(self, key: str, identity: FileIdentity) -> TranscriptState | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry.identity != identity:
                return None
            self._cache.move_to_end(key)
            return entry.state

    def _remember(self, key: str, entry: _CacheEntry) -> None:
        """Bounded (invariant I5): the least recently checked paths are forgotten first."""
        with self._lock:
            self._cache[key] = entry
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)


def _uuid_needles(uuid: str) -> tuple[bytes, ...]:
    """The CLI writes compact JSON; `"uuid":"<id>"` never matches the `"parentUuid":"<id>"` of a child line."""
    return (f'"uuid":"{uuid}"'.encode(), f'"uuid": "{uuid}"'.encode())


def contains_uuid(path: Path, uuid: str, tail_bytes: int = DEFAULT_TAIL_BYTES) -> bool:
    """Whether the line of the stdout event with this `uuid` is in the transcript yet.

    Searched backwards from the end, because the line sought is one the CLI has just appended; only the
    last `tail_bytes` are read, so waiting on a large transcript stays cheap.
    """
    needles = _uuid_needles(uuid)
    overlap = max(len(n) for n in needles) - 1
    try:
        with open(path, "rb") as handle:
            end = os.fstat(handle.fileno()).st_size
            floor = max(0, end - tail_bytes)
            carry = b""
            while end > floor:
                start = max(floor, end - READ_CHUNK_BYTES)
                handle.seek(start)
                window = handle.read(end - start) + carry
                if any(n in window for n in needles):
                    return True
                carry = window[:overlap]
                end = start
            return False
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return False


@dataclass
class UuidSearch:
    """Looks for a line's `uuid` in what a transcript gained since the last look.

    Each `poll` reads only the bytes appended since the previous one (keeping a needle's length of
    overlap), so waiting for a turn costs what the turn wrote, however long the session is.
    """

    path: Path
    uuid: str
    offset: int | None = None  # None: start `DEFAULT_TAIL_BYTES` before the end, as `contains_uuid` does
    _carry: bytes = b""

    def poll(self) -> bool:
        needles = _uuid_needles(self.uuid)
        overlap = max(len(n) for n in needles) - 1
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if self.offset is None:
                    self.offset = max(0, size - DEFAULT_TAIL_BYTES)
                if size < self.offset:  # replaced by a shorter file: look at all of it
                    self.offset, self._carry = 0, b""
                handle.seek(self.offset)
                while self.offset < size:
                    chunk = handle.read(min(READ_CHUNK_BYTES, size - self.offset))
                    if not chunk:
                        break
                    window = self._carry + chunk
                    if any(n in window for n in needles):
                        return True
                    self._carry = window[-overlap:]
                    self.offset += len(chunk)
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            return False
        return False


async def wait_for_uuid(path: Path, uuid: str, timeout_s: float = 3.0, interval_s: float = 0.02,
                        start_offset: int | None = None) -> bool:
    """Poll until the CLI has written the line (observed 40–100 ms after the `result` line); False on timeout.

    Each look runs in a worker thread and reads only what is new since `start_offset` (e.g. how much
    the vault already holds: the turn's lines come after it), so the event loop never waits on the file.
    """
    search = UuidSearch(path, uuid, start_offset)
    deadline = time.monotonic() + timeout_s
    while True:
        if await asyncio.to_thread(search.poll):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval_s)
