"""What Claude's transcripts hold that the server relies on: the line that makes a session resumable,
and whether a turn's own line has been written yet (observed: claude-cli.md "Where sessions live")."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swe_swe.transcripts import READ_CHUNK_BYTES, TranscriptValidator

MESSAGE_TYPES = frozenset({"user", "assistant"})
DEFAULT_TAIL_BYTES = 8 * 1024 * 1024


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


def transcript_validator() -> TranscriptValidator:
    """A cached "will `claude --resume` accept this transcript?"."""
    return TranscriptValidator(is_message_line)


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
