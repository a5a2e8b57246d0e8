"""Byte copies of agent transcripts kept in our own data dir, so a vanished transcript can be put back.

Transcripts disappear under us (the CLI's own cleanup, a wiped HOME). Worse, when a transcript is
deleted under a live process the CLI recreates the file holding only what it writes next: such a file
may look resumable yet has lost the context. So a copy is only ever extended by a file that EXTENDS it
(the copy's bytes are a prefix of the new file).

A save runs after every turn, and transcripts reach hundreds of megabytes, so a save must cost what
the turn added, not what the session holds (issue 15). Beside each copy a small state file
(`<id>.jsonl.state`, 0600) records how long the copy is and a hash of its first and last block. A
transcript whose same two blocks hash alike, at the same offsets, extends the copy; only its new
complete lines are then appended to the copy and fsynced, and the state file is replaced. The state
file is the commit record: bytes past the size it names were appended by a save that a crash cut
short, and are cut off before the next append or a restore. A copy without a state file we trust
(made before this scheme, or changed by hand) is compared in full once, as it used to be.

Restore and the first save write a whole file atomically (temp file + os.replace): they are rare.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from .ids import is_uuid
from .transcripts import TranscriptState, TranscriptValidator

CHUNK_BYTES = 1024 * 1024
FINGERPRINT_BLOCK_BYTES = 64 * 1024
TEMP_SUFFIX = ".tmp"
STATE_SUFFIX = ".state"


def _require_session_id(session_id: str) -> None:
    if not is_uuid(session_id):
        raise ValueError("not a session id")


@dataclass(frozen=True)
class CopyState:
    """What a save needs to know of a copy without reading it: its committed length and two hashes.

    `head` and `tail` hash the first and the last `FINGERPRINT_BLOCK_BYTES` of the copy's first `size`
    bytes. `inode` and `mtime_ns` tell whether the copy is still the file this state was written for.
    """

    size: int
    head: str
    tail: str
    inode: int
    mtime_ns: int

    @classmethod
    def load(cls, path: Path) -> CopyState | None:
        try:
            raw = json.loads(path.read_bytes())
            return cls(int(raw["size"]), str(raw["head"]), str(raw["tail"]), int(raw["inode"]), int(raw["mtime_ns"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, path: Path) -> None:
        data = json.dumps(asdict(self)).encode()
        _replace_atomically(path, lambda target: target.write(data))

    def fingerprints(self) -> tuple[str, str]:
        return self.head, self.tail


def _read_range_hash(handle: BinaryIO, start: int, end: int) -> str:
    handle.seek(start)
    data = handle.read(end - start)
    if len(data) != end - start:
        return ""  # the file is shorter than asked: matches no stored hash
    return hashlib.sha256(data).hexdigest()


def fingerprints(handle: BinaryIO, size: int) -> tuple[str, str]:
    """Hashes of the first and the last block of the first `size` bytes: two small reads, whatever the size."""
    head = _read_range_hash(handle, 0, min(size, FINGERPRINT_BLOCK_BYTES))
    tail = _read_range_hash(handle, max(0, size - FINGERPRINT_BLOCK_BYTES), size)
    return head, tail


def _complete_length(handle: BinaryIO, size: int, floor: int = 0) -> int:
    """Length up to the last newline after `floor`: the CLI may be mid-way through appending a line.

    `floor` is a length known to end a line (the copy's), so the search never reads below it.
    """
    position = size
    while position > floor:
        start = max(floor, position - CHUNK_BYTES)
        handle.seek(start)
        chunk = handle.read(position - start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        position = start
    return min(floor, size)


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


def _copy_range(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    source.seek(start)
    remaining = end - start
    while remaining > 0:
        chunk = source.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            raise OSError("the file shrank while it was copied")
        target.write(chunk)
        remaining -= len(chunk)


def _replace_atomically(dest: Path, write: Callable[[BinaryIO], object]) -> None:
    """Readers see the old file or the whole new one, never a half-written one, even after a crash.

    The temp file is made by mkstemp, so it (and the file it becomes) is readable by its owner only.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=TEMP_SUFFIX, dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as target:
            write(target)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temp_name, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _write_atomically(source: BinaryIO, length: int, dest: Path) -> None:
    _replace_atomically(dest, lambda target: _copy_range(source, target, 0, length))


def _state_of(copy: Path, size: int) -> CopyState:
    """The state of a copy just written and fsynced (read back: it is in the page cache)."""
    with open(copy, "rb") as handle:
        head, tail = fingerprints(handle, size)
        st = os.fstat(handle.fileno())
    return CopyState(size, head, tail, st.st_ino, st.st_mtime_ns)


class Vault:
    """`<root>/<session_id>.jsonl` per agent session (+ its `.state`); ids are checked before they touch a path.

    Thread-safe: the server calls it from worker threads; one lock orders saves, restores and deletes.
    """

    def __init__(self, root: Path, validator: TranscriptValidator) -> None:
        """`validator` is the agent's "will it resume from this file?" (only a resumable file is kept)."""
        self.root = Path(root)
        self._validator = validator
        self._lock = threading.Lock()

    def path_for(self, session_id: str) -> Path:
        _require_session_id(session_id)
        return self.root / f"{session_id}.jsonl"

    def state_path_for(self, session_id: str) -> Path:
        return self.path_for(session_id).with_name(f"{session_id}.jsonl{STATE_SUFFIX}")

    def has(self, session_id: str) -> bool:
        return self.path_for(session_id).is_file()

    def held_size(self, session_id: str) -> int:
        """How many bytes of the transcript the copy holds (0 without a copy): the turn's new lines start there."""
        with self._lock:
            state = self._trusted_state(session_id)
        return state.size if state else 0

    def delete(self, session_id: str) -> bool:
        with self._lock:
            with contextlib.suppress(FileNotFoundError):
                self.state_path_for(session_id).unlink()
            try:
                self.path_for(session_id).unlink()
            except FileNotFoundError:
                return False
        return True

    def save(self, session_id: str, transcript: Path) -> bool:
        """Copy the transcript's new complete lines in; True when the vault now holds them.

        Refused (False) when the transcript is not resumable, or does not extend the copy already held.
        """
        self.path_for(session_id)
        if self._validator.check(transcript) is not TranscriptState.RESUMABLE:
            return False
        with self._lock:
            try:
                with open(transcript, "rb") as source:
                    return self._save_from(session_id, source, os.fstat(source.fileno()).st_size)
            except FileNotFoundError:
                return False

    def _save_from(self, session_id: str, source: BinaryIO, size: int) -> bool:
        copy = self.path_for(session_id)
        state = self._trusted_state(session_id)
        if state is None:
            return self._save_whole(session_id, source, size)
        length = _complete_length(source, size, floor=state.size)
        if length < state.size or fingerprints(source, state.size) != state.fingerprints():
            return False
        if length > state.size:
            self._append(session_id, source, state.size, length, copy)
        return True

    def _append(self, session_id: str, source: BinaryIO, start: int, end: int, copy: Path) -> None:
        """Append the new lines, fsync them (only they are dirty), then commit the new length."""
        with open(copy, "r+b") as target:
            target.seek(start)
            _copy_range(source, target, start, end)
            target.flush()
            os.fsync(target.fileno())
        _state_of(copy, end).store(self.state_path_for(session_id))

    def _save_whole(self, session_id: str, source: BinaryIO, size: int) -> bool:
        """No copy, or one without a state we trust: compare it in full (as before), then write it whole."""
        copy = self.path_for(session_id)
        length = _complete_length(source, size)
        if length == 0:
            return False
        try:
            with open(copy, "rb") as held:
                held_size = os.fstat(held.fileno()).st_size
                if length < held_size or not _is_prefix(held, source, held_size):
                    return False
        except FileNotFoundError:
            pass
        _write_atomically(source, length, copy)
        _state_of(copy, length).store(self.state_path_for(session_id))
        return True

    def _trusted_state(self, session_id: str) -> CopyState | None:
        """The copy's state, when it still describes the copy; None when there is no copy or it can't be trusted.

        A copy longer than its state, or touched since, kept bytes of a save a crash cut short: when its
        committed part still has the recorded hashes, the rest is cut off.
        """
        state = CopyState.load(self.state_path_for(session_id))
        if state is None:
            return None
        copy = self.path_for(session_id)
        try:
            st = os.stat(copy)
        except FileNotFoundError:
            return None
        if st.st_ino != state.inode or st.st_size < state.size:
            return None
        if st.st_size == state.size and st.st_mtime_ns == state.mtime_ns:
            return state
        with open(copy, "r+b") as handle:
            if fingerprints(handle, state.size) != state.fingerprints():
                return None
            handle.truncate(state.size)
            os.fsync(handle.fileno())
        return state

    def restore(self, session_id: str, dest: Path, force: bool = False) -> bool:
        """Put the copy back at `dest`; True when `dest` now holds at least the copy's content.

        A `dest` that is resumable and extends the copy is newer than the copy and is left alone; any
        other `dest` (missing, invalid, or recreated by the CLI with only new lines) is replaced.
        `force` replaces it in every case: for when the CLI has refused a file that looked fine.
        """
        copy = self.path_for(session_id)
        with self._lock:
            if not copy.is_file():
                return False
            self._trusted_state(session_id)  # cuts off what a crashed save left past the committed length
            if not force and self._validator.check(dest) is TranscriptState.RESUMABLE and extends(dest, copy):
                return True
            with open(copy, "rb") as source:
                _write_atomically(source, os.fstat(source.fileno()).st_size, dest)
        self._validator.forget(dest)
        return True

    def remove_leftovers(self) -> int:
        """Delete temp files a crash left mid-write; call once at start-up, before any save."""
        removed = 0
        for leftover in self.root.glob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed += 1
        return removed
