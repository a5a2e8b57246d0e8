"""A Claude transcript read into ordinary log events, so a session started at the desk continues here.

The PWA already renders the CLI's stream-json `assistant`/`user` events; a transcript's message lines
carry the same `message` objects, so each becomes an `agent` event of that shape (one per content
block, as the CLI prints them). The user's own prompts become `user_message` events with
`imported: true` and `client_msg_id: null`: the runner takes only messages with a client_msg_id, so
history is never run again. Text the CLI injects (command wrappers, reminders) and side chains are
left out, as in the sessions list.

A transcript can hold tens of thousands of lines: only the newest `limit` events are kept (the rest is
counted and said in a notice), and the file is read line by line in a worker thread.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from swe_swe.agents.claude_sessions import prompt_text, shorten, transcript_records
from swe_swe.agents.claude_transcript import is_message_line

IMPORT_EVENTS = 2000
# "probably still open in a terminal": written to this recently → the first turn forks
FRESH_SECONDS = 60.0
FORK_NOTICE = (
    "This session was active in the last minute, so it is probably still open in a terminal. "
    "To keep the two apart, your next message continues it as a copy (a fork): "
    "the terminal's session is left as it is."
)
LEFT_OUT_NOTICE = "This session is long: its {count} oldest events are not shown here. The agent still has all of them."


def import_key(project_id: str, agent_session_id: str) -> str:
    """The ConversationKey of the conversation continuing a session: one per (project, session)."""
    return f"import:{project_id}:{agent_session_id}"


@dataclass(frozen=True)
class ImportedEvent:
    kind: str
    data: dict[str, Any]
    ts: int  # ms, from the transcript line (0 when it has none readable)


@dataclass(frozen=True)
class SessionHistory:
    events: list[ImportedEvent] = field(default_factory=list)
    left_out: int = 0
    title: str = ""
    mtime_ms: int = 0

    def fresh(self, now_ms: int | None = None, seconds: float = FRESH_SECONDS) -> bool:
        now = int(time.time() * 1000) if now_ms is None else now_ms
        return now - self.mtime_ms < seconds * 1000


def _timestamp_ms(value: Any) -> int:
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return 0
    return 0


def _is_tool_result(message: dict[str, Any]) -> bool:
    content = message.get("content")
    return isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)


def event_of(record: dict[str, Any], session_id: str) -> ImportedEvent | None:
    """One transcript line → one event, or None for a line that is not part of the conversation shown."""
    if not is_message_line(record) or record.get("isSidechain") or record.get("isMeta"):
        return None
    message = record["message"]
    ts = _timestamp_ms(record.get("timestamp"))
    if record["type"] == "user" and not _is_tool_result(message):
        text = prompt_text(message)
        if not text:
            return None
        return ImportedEvent("user_message", {"client_msg_id": None, "text": text, "imported": True}, ts)
    data = {
        "type": record["type"],
        "message": message,
        "parent_tool_use_id": None,
        "session_id": session_id,
        "uuid": record.get("uuid"),
        "imported": True,
    }
    return ImportedEvent("agent", data, ts)


def read_history(path: Path, session_id: str, limit: int = IMPORT_EVENTS) -> SessionHistory:
    """The newest `limit` events of the transcript, how many older ones were left out, and its title."""
    kept: deque[ImportedEvent] = deque(maxlen=limit)
    total = 0
    title = ""
    with path.open("rb") as handle:
        mtime_ms = int(path.stat().st_mtime * 1000)
        for record in transcript_records(handle):
            event = event_of(record, session_id)
            if event is None:
                continue
            if not title and event.kind == "user_message":
                title = str(event.data["text"])
            total += 1
            kept.append(event)
    return SessionHistory(list(kept), total - len(kept), shorten(title), mtime_ms)
