"""Where codex keeps a thread (its "rollout" file), and how swe-swe checks, saves and puts one back.

Observed with codex 0.171.0 (codex-cli.md): a thread is saved as
`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<local time>-<thread id>.jsonl` and indexed in SQLite files in
CODEX_HOME. `thread/resume` looks the thread up in that index: a rollout put back at ANOTHER path is
"no rollout found"; put back at the path the index holds, it resumes with its context. With no index
(a wiped CODEX_HOME) codex scans the file names instead. So the path codex gave (`thread.path`) is
remembered, in memory and next to the vault copy, and a restore always goes back there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from swe_swe.ids import is_uuid
from swe_swe.transcripts import TranscriptValidator
from swe_swe.vault import Vault

WHERE_SUFFIX = ".where"
TAIL_BYTES = 64 * 1024
TURN_END_MARKERS = (b'"task_complete"', b'"turn_aborted"')


def codex_home(env: dict[str, str]) -> Path:
    return Path(env.get("CODEX_HOME") or Path(env.get("HOME", str(Path.home()))) / ".codex")


def is_rollout_line(record: Any) -> bool:
    """A rollout codex can resume starts with its `session_meta` line."""
    return isinstance(record, dict) and record.get("type") == "session_meta" and isinstance(record.get("payload"), dict)


def rollout_validator() -> TranscriptValidator:
    return TranscriptValidator(is_rollout_line)


class Rollouts:
    """The rollout path of each thread: from codex's own answer, else the vault's note, else a search."""

    def __init__(self, home: Path, vault: Vault) -> None:
        self.home = home
        self.vault = vault
        self._paths: dict[str, Path] = {}

    def remember(self, thread_id: str, path: Any) -> None:
        if is_uuid(thread_id) and isinstance(path, str) and path:
            self._paths[thread_id] = Path(path)

    def path(self, thread_id: str) -> Path | None:
        """Where codex will look for this thread; None when nobody knows (never saved, never seen)."""
        if not is_uuid(thread_id):
            raise ValueError("not a thread id")
        known = self._paths.get(thread_id)
        if known is not None:
            return known
        found = self._noted(thread_id) or self._search(thread_id)
        if found is not None:
            self._paths[thread_id] = found
        return found

    def _where_file(self, thread_id: str) -> Path:
        return self.vault.path_for(thread_id).with_suffix(WHERE_SUFFIX)

    def _noted(self, thread_id: str) -> Path | None:
        try:
            relative = self._where_file(thread_id).read_text().strip()
        except FileNotFoundError:
            return None
        path = (self.home / relative).resolve()
        return path if path.is_relative_to(self.home.resolve()) else None

    def _search(self, thread_id: str) -> Path | None:
        """Only when nothing was noted (a thread adopted from elsewhere): one glob, then remembered."""
        matches = sorted((self.home / "sessions").glob(f"*/*/*/rollout-*-{thread_id}.jsonl"))
        return matches[-1] if matches else None

    def save(self, thread_id: str) -> bool:
        """Copy the rollout into the vault (only if it extends the copy), and note where it lives."""
        path = self.path(thread_id)
        if path is None or not self.vault.save(thread_id, path):
            return False
        with contextlib.suppress(ValueError):
            where = self._where_file(thread_id)
            if not where.exists():
                where.write_text(str(path.resolve().relative_to(self.home.resolve())))
        return True

    def restore(self, thread_id: str, force: bool = False) -> bool:
        path = self.path(thread_id)
        return path is not None and self.vault.restore(thread_id, path, force=force)

    def delete(self, thread_id: str) -> None:
        if is_uuid(thread_id):
            self.vault.delete(thread_id)
            with contextlib.suppress(FileNotFoundError):
                self._where_file(thread_id).unlink()


def _last_line(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - TAIL_BYTES))
            lines = handle.read().rstrip(b"\n").rsplit(b"\n", 1)
            return lines[-1]
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return b""


def turn_written(path: Path, turn_id: str) -> bool:
    """Whether the rollout's last line is the end of this turn (codex writes it after `turn/completed`)."""
    line = _last_line(path)
    return turn_id.encode() in line and any(marker in line for marker in TURN_END_MARKERS)


async def wait_for_turn(path: Path, turn_id: str, timeout_s: float = 3.0, interval_s: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout_s
    while not turn_written(path, turn_id):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval_s)
    return True
