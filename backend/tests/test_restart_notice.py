"""A turn cut off by a stop of the server says why, whichever way the server stopped: the graceful stop
(SIGTERM, e.g. a deploy) logs the same `notice` after `run_finished {interrupted}` as the start after a
crash does (docs/protocol.md, Turns: "ends `interrupted` (plus a `notice`)")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from swe_swe.agents.base import Agent, ConversationRef, Turn, TurnResult, TurnSink
from swe_swe.approvals import Approvals
from swe_swe.hub import Hub
from swe_swe.store import Store
from swe_swe.turns import INTERRUPTED_NOTICE, TurnRunner

CUT_OFF = [
    ("run_finished", {"outcome": "interrupted", "exit_code": None}),
    ("notice", {"level": "warning", "text": INTERRUPTED_NOTICE}),
]


class BusyAgent(Agent):
    """Starts every turn and never finishes it: only a stop of the server ends it."""

    name = "busy"

    def __init__(self) -> None:
        self.working = asyncio.Event()

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        sink.run_started(resumed=False)
        self.working.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def stop_turn(self, conversation_id: str) -> None:
        """Not asked for here."""

    async def close(self, conversation_id: str) -> None:
        """Nothing to close."""

    async def shutdown(self) -> None:
        """Nothing to stop."""


def logged(store: Store, conversation_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.kind, e.as_dict()["data"]) for e in store.events_after(conversation_id, 0, 100)]


def test_a_graceful_stop_mid_turn_says_why_like_a_crash_does(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    conversation_id = store.create_conversation("busy").id
    store.add_user_message(conversation_id, "0b7c5d1e-3f2a-4c6b-9d8e-1a2b3c4d5e6f", "long work")

    async def stop_mid_turn() -> None:
        agent = BusyAgent()
        runner = TurnRunner(store, hub := Hub(store), agent, Approvals(store, hub))
        runner.kick(conversation_id)
        await asyncio.wait_for(agent.working.wait(), 5)
        await runner.shutdown()  # what the server does on SIGTERM

    asyncio.run(stop_mid_turn())
    events = logged(store, conversation_id)
    assert [kind for kind, _ in events] == ["user_message", "run_started", "run_finished", "notice"]
    assert events[2:] == CUT_OFF
    assert store.get_conversation(conversation_id).status == "interrupted"

    # the next start finds nothing unfinished: the cut turn is told once, not twice
    TurnRunner(store, hub := Hub(store), BusyAgent(), Approvals(store, hub)).mark_interrupted_runs()
    assert logged(store, conversation_id)[2:] == CUT_OFF
