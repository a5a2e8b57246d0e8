"""Cheap, repeatable answers to "will the agent resume from this session file?", for any agent.

An agent's CLI keeps each session in a JSON-lines file (Claude's transcripts, codex's rollouts) and
resumes from it only when it holds a line of a certain kind; the adapter says which, as a
`LinePredicate` (agents/claude_transcript.py, agents/codex_rollouts.py). The server asks before every
turn, so a repeated answer must cost one `stat`: results are cached by path and invalidated by the
file's identity (inode, size, mtime). Session files can be large, so reading streams line by line and
stops at the first line that makes the file resumable.
"""

from __future__ import annotations

import enum
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

DEFAULT_CACHE_ENTRIES = 4096
DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024


class TranscriptState(enum.StrEnum):
    """What the agent's CLI would make of the file (observed: claude-cli.md "Where sessions live", codex-cli.md)."""

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


def _skip_rest_of_line(handle: BinaryIO) -> None:
    """Read past an over-long line without holding it in memory."""
    while True:
        chunk = handle.readline(READ_CHUNK_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


# Says whether one parsed line makes a file resumable (Claude: a message line; codex: a rollout's
# `session_meta` line).
LinePredicate = Callable[[Any], bool]


def _line_qualifies(line: bytes, qualifies: LinePredicate) -> bool:
    try:
        return qualifies(json.loads(line))
    except ValueError:
        return False


def scan_transcript(path: Path, qualifies: LinePredicate, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> TranscriptState:
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
        qualifies: LinePredicate,
        max_entries: int = DEFAULT_CACHE_ENTRIES,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
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
        state = scan_transcript(path, self._qualifies, self._max_line_bytes)
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
