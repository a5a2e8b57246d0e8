"""Byte copies of agent transcripts kept in our own data dir, so a vanished transcript can be put back.

Transcripts disappear under us (the CLI's own cleanup, a wiped HOME). Worse, when a transcript is
deleted under a live process the CLI recreates the file holding only what it writes next: such a file
may look resumable yet has lost the context. So a copy is only ever replaced by a file that EXTENDS it
(the copy's bytes are a prefix of the new file), and every write is atomic (temp file + os.replace).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from .claude_home import is_session_id
from .transcripts import TranscriptState, TranscriptValidator

CHUNK_BYTES = 1024 * 1024
TEMP_SUFFIX = ".tmp"


def _require_session_id(session_id: str) -> None:
    if not is_session_id(session_id):
        raise ValueError("not a session id")


def _complete_length(handle: BinaryIO, size: int) -> int:
    """Length up to the last newline: the CLI may be mid-way through appending a line while we copy."""
    position = size
    while position > 0:
        start = max(0, position - CHUNK_BYTES)
        handle.seek(start)
        chunk = handle.read(position - start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        position = start
    return 0


def _is_prefix(prefix: BinaryIO, whole: BinaryIO, prefix_size: int) -> bool:
    """Whether the first `prefix_size` bytes of both handles are equal (both read from their start)."""
    prefix.seek(0)
    whole.seek(0)
    remaining = prefix_size
    while remaining > 0:
        want = min(CHUNK_BYTES, remaining)
        if prefix.read(want) != whole.read(want):
            return False
        remaining -= want
    return True


def extends(longer: Path, shorter: Path) -> bool:
    """True when `shorter`'s bytes are a prefix of `longer`'s (equal files extend each other)."""
    try:
        with open(shorter, "rb") as small, open(longer, "rb") as big:
            small_size = os.fstat(small.fileno()).st_size
            if os.fstat(big.fileno()).st_size < small_size:
                return False
            return _is_prefix(small, big, small_size)
    except FileNotFoundError:
        return False


def _copy_range(source: BinaryIO, target: BinaryIO, length: int) -> None:
    source.seek(0)
    remaining = length
    while remaining > 0:
        chunk = source.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            raise OSError("the file shrank while it was copied")
        target.write(chunk)
        remaining -= len(chunk)


def _write_atomically(source: BinaryIO, length: int, dest: Path) -> None:
    """Readers see the old file or the whole new one, never a half-written one, even after a crash."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=TEMP_SUFFIX, dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as target:
            _copy_range(source, target, length)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temp_name, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


class Vault:
    """`<root>/<session_id>.jsonl` per agent session; ids are checked before they touch a path."""

    def __init__(self, root: Path, validator: TranscriptValidator | None = None) -> None:
        self.root = Path(root)
        self._validator = validator if validator is not None else TranscriptValidator()  # an empty one is falsy (__len__)

    def path_for(self, session_id: str) -> Path:
        _require_session_id(session_id)
        return self.root / f"{session_id}.jsonl"

    def has(self, session_id: str) -> bool:
        return self.path_for(session_id).is_file()

    def delete(self, session_id: str) -> bool:
        try:
            self.path_for(session_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def save(self, session_id: str, transcript: Path) -> bool:
        """Copy the transcript's complete lines in; True when the vault now holds them.

        Refused (False) when the transcript is not resumable, or does not extend the copy already held.
        """
        copy = self.path_for(session_id)
        if self._validator.check(transcript) is not TranscriptState.RESUMABLE:
            return False
        try:
            with open(transcript, "rb") as source:
                length = _complete_length(source, os.fstat(source.fileno()).st_size)
                if length == 0:
                    return False
                return self._save_from(source, length, copy)
        except FileNotFoundError:
            return False

    def _save_from(self, source: BinaryIO, length: int, copy: Path) -> bool:
        try:
            with open(copy, "rb") as held:
                held_size = os.fstat(held.fileno()).st_size
                if length < held_size or not _is_prefix(held, source, held_size):
                    return False
                if length == held_size:
                    return True
        except FileNotFoundError:
            pass
        _write_atomically(source, length, copy)
        return True

    def restore(self, session_id: str, dest: Path, force: bool = False) -> bool:
        """Put the copy back at `dest`; True when `dest` now holds at least the copy's content.

        A `dest` that is resumable and extends the copy is newer than the copy and is left alone; any
        other `dest` (missing, invalid, or recreated by the CLI with only new lines) is replaced.
        `force` replaces it in every case: for when the CLI has refused a file that looked fine.
        """
        copy = self.path_for(session_id)
        if not copy.is_file():
            return False
        if not force and self._validator.check(dest) is TranscriptState.RESUMABLE and extends(dest, copy):
            return True
        with open(copy, "rb") as source:
            _write_atomically(source, os.fstat(source.fileno()).st_size, dest)
        self._validator.forget(dest)
        return True

    def remove_leftovers(self) -> int:
        """Delete temp files a crash left mid-save; call once at start-up, before any save."""
        removed = 0
        for leftover in self.root.glob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed += 1
        return removed
