"""Claude's existing sessions of a project, read from its transcript folder without running the CLI.

A project may hold hundreds of transcripts, some large: each file's summary is cached by its identity
(inode, size, mtime), so listing again reads only files that changed. Callers run `list` in a worker
thread. Only files that the CLI would resume are listed (a `user`/`assistant` line with a timestamp).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from swe_swe.agents import claude_home
from swe_swe.agents.claude_transcript import is_message_line
from swe_swe.ids import is_uuid
from swe_swe.transcripts import FileIdentity

TITLE_CHARS = 80
MAX_LINE_BYTES = 4 * 1024 * 1024
CACHE_ENTRIES = 4096
# the CLI wraps what it injects in the user's turn in tags like these: they are not the user's words
_NOT_A_PROMPT = ("<command-", "<local-command", "<system-reminder>", "Caveat:", "[Request interrupted")


@dataclass(frozen=True)
class SessionSummary:
    agent_session_id: str
    title: str
    updated_at: int  # ms: the file's mtime
    message_count: int  # user prompts and assistant messages (several lines of one reply count once)


def prompt_text(message: Any) -> str:
    """The user's own words in a `user` line, or "" for a tool result or injected text."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        texts = [content]
    elif isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return ""
        texts = [str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text"]
    else:
        return ""
    text = " ".join(t for t in texts if not t.lstrip().startswith(_NOT_A_PROMPT))
    return " ".join(text.split())


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def transcript_records(handle: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The JSON object lines of a transcript, read one at a time; over-long and broken lines are skipped."""
    for raw in handle:
        if len(raw) > MAX_LINE_BYTES:
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record


def summarize(path: Path, mtime_ms: int) -> SessionSummary | None:
    """None when the CLI would not resume the file."""
    title = ""
    count = 0
    resumable = False
    seen_replies: set[str] = set()
    with path.open("rb") as handle:
        for record in transcript_records(handle):
            if not is_message_line(record):
                continue
            if record.get("isSidechain") or record.get("isMeta"):
                continue
            resumable = True
            message = record["message"]
            if record["type"] == "user":
                prompt = prompt_text(message)
                if prompt:
                    count += 1
                    title = title or prompt
            else:
                reply_id = str(message.get("id") or record.get("uuid") or "")
                if reply_id not in seen_replies:
                    seen_replies.add(reply_id)
                    count += 1
    if not resumable:
        return None
    return SessionSummary(path.stem, shorten(title) or "(no prompt)", mtime_ms, count)


class SessionLister:
    """Summaries of a folder's transcripts, newest first, cached per file by identity."""

    def __init__(self, cache_entries: int = CACHE_ENTRIES) -> None:
        self._cache: OrderedDict[str, tuple[FileIdentity, SessionSummary | None]] = OrderedDict()
        self._limit = cache_entries
        self._lock = threading.Lock()

    def for_project(self, project: Path) -> list[SessionSummary]:
        """The transcripts Claude keeps for a project folder (where `claude --resume` run there looks)."""
        return self.list(claude_home.project_dir(claude_home.config_dir(os.environ), project))

    def list(self, folder: Path) -> list[SessionSummary]:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return []
        found: list[SessionSummary] = []
        for entry in entries:
            if not entry.name.endswith(".jsonl") or not is_uuid(entry.name[: -len(".jsonl")]):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue
            summary = self._summary(Path(entry.path), FileIdentity.of(st), st.st_mtime_ns // 1_000_000)
            if summary is not None:
                found.append(summary)
        found.sort(key=lambda s: s.updated_at, reverse=True)
        return found

    def _summary(self, path: Path, identity: FileIdentity, mtime_ms: int) -> SessionSummary | None:
        key = str(path)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == identity:
                self._cache.move_to_end(key)
                return cached[1]
        try:
            summary = summarize(path, mtime_ms)
        except OSError:
            return None
        with self._lock:
            self._cache[key] = (identity, summary)
            self._cache.move_to_end(key)
            while len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        return summary
