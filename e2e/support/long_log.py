"""Long conversations written straight into a server's store, for figure 12 and the long-conversation
browser test: each turn as Claude's stream-json logs it (a user message, the run, an init, a reply in
two pieces of one message, five tool calls each with its result, two more replies, the result, the
end of the run), 20 events a turn, a few hundred bytes each. Seeded before the server starts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

TURN_EVENTS = 20
LOREM = ("The quick brown fox jumps over the lazy dog while the agent reads the repository and edits "
         "a few files, then runs the tests again. ")
TOOLS = (("Bash", {"command": "pytest -q tests/test_app.py", "description": "run the tests"}),
         ("Read", {"file_path": "/work/app/src/app.py"}),
         ("Edit", {"file_path": "/work/app/src/app.py", "old_string": "x = 1", "new_string": "x = 2"}),
         ("Grep", {"pattern": "def handler", "path": "/work/app/src"}),
         ("Bash", {"command": "git diff --stat", "description": "what changed"}))


def first_text(turn: int) -> str:
    """The user's message of turn `turn` (from 1): the test looks for turn 1's."""
    return f"Message {turn}: please look at the failing test and fix it."


def turn_events(turn: int, session_id: str) -> list[tuple[str, dict[str, Any]]]:
    def assistant(message_id: str, content: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        return ("agent", {"type": "assistant", "session_id": session_id, "uuid": str(uuid.uuid4()),
                          "message": {"id": message_id, "role": "assistant", "model": "claude-fake-1", "content": content}})

    reply = "msg_" + uuid.uuid4().hex[:24]
    events: list[tuple[str, dict[str, Any]]] = [
        ("user_message", {"client_msg_id": str(uuid.uuid4()), "text": first_text(turn)}),
        ("run_started", {"resumed": turn > 1}),
        ("agent", {"type": "system", "subtype": "init", "session_id": session_id, "model": "claude-fake-1",
                   "cwd": "/work/app", "permissionMode": "default"}),
        assistant(reply, [{"type": "text", "text": f"Turn {turn}. " + LOREM}]),
        assistant(reply, [{"type": "text", "text": LOREM * 2}]),
    ]
    for index, (name, tool_input) in enumerate(TOOLS):
        tool_id = "toolu_" + uuid.uuid4().hex[:20]
        events.append(assistant("msg_" + uuid.uuid4().hex[:24], [{"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}]))
        events.append(("agent", {"type": "user", "session_id": session_id, "uuid": str(uuid.uuid4()),
                                 "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_id,
                                                                          "content": "3 passed in 0.12s\n" + LOREM}]}}))
        if index in (1, 3):
            events.append(assistant("msg_" + uuid.uuid4().hex[:24], [{"type": "text", "text": "Almost there. " + LOREM}]))
    events += [
        assistant("msg_" + uuid.uuid4().hex[:24], [{"type": "text", "text": f"Done with turn {turn}. " + LOREM}]),
        ("agent", {"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1234, "num_turns": 6,
                   "result": LOREM, "session_id": session_id, "total_cost_usd": 0.01,
                   "usage": {"input_tokens": 10, "output_tokens": 50}}),
        ("run_finished", {"outcome": "ok", "exit_code": 0}),
    ]
    assert len(events) == TURN_EVENTS
    return events


def write_log(store: Any, events: Iterable[tuple[str, dict[str, Any]]], title: str = "") -> str:
    """A new demo conversation holding `events` (every user message answered, as the log ends after a
    run), written with `insert_many`: the fast way to a log the server then serves as if it had written
    it. Returns its id."""
    from swe_swe.store import AgentRun, Conversation, Event

    conversation = store.create_conversation("demo")
    rows: list[dict[str, Any]] = []
    last_message_seq = seq = 0
    ts = int(time.time() * 1000) - 1_000_000
    with store.db.atomic():
        for kind, data in events:
            seq += 1
            client_msg_id = data.get("client_msg_id") if kind == "user_message" else None
            if client_msg_id:
                last_message_seq = seq
            rows.append({"conversation_id": conversation.id, "seq": seq, "kind": kind, "ts": ts + seq,
                         "data": orjson.dumps(data).decode(), "client_msg_id": client_msg_id})
            if len(rows) >= 1000:
                Event.insert_many(rows).execute()
                rows.clear()
        if rows:
            Event.insert_many(rows).execute()
        # every message was answered: mark the last one taken, or the server would run it at start
        AgentRun.create(conversation_id=conversation.id, message_seq=last_message_seq, started_at=ts,
                        ended_at=ts, exit_code=0, outcome="ok")
        Conversation.update(head_seq=seq, last_active_at=ts + seq, title=title).where(
            Conversation.id == conversation.id).execute()
    return str(conversation.id)


def seed(db_path: Path, sizes: tuple[int, ...], title: str = "") -> dict[int, str]:
    """One conversation per size (a multiple of TURN_EVENTS) of turns as turn_events() makes them."""
    from swe_swe.store import Store

    store = Store(db_path)
    try:
        ids: dict[int, str] = {}
        for size in sizes:
            assert size % TURN_EVENTS == 0, size
            session_id = str(uuid.uuid4())
            turns = (e for turn in range(1, size // TURN_EVENTS + 1) for e in turn_events(turn, session_id))
            ids[size] = write_log(store, turns, title or f"{size:,} events")
        return ids
    finally:
        store.close()
