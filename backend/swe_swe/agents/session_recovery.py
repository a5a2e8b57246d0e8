"""What every adapter with resumable agent sessions shares: the recovery steps' names, the user's
Retry / Start new answer, and the background vault copies a next turn waits for."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from swe_swe.agents.base import ConversationRef, TurnSink

LOST_REASON = "The agent's saved session could not be found on this machine."
RECAP_CHARS = 8000


class SessionStep:
    """Names of the recovery history's steps and outcomes (see docs/sessions.md)."""

    VALIDATE = "validate"
    RESTORE = "restore"
    FALLBACK = "fallback"
    RUNTIME_GUARD = "runtime_guard"
    RETRY = "retry"
    NEW = "new"


# (conversation id, session id, sink) → False: resumable; True: just restored; None: gone everywhere
EnsureResumable = Callable[[str, str, TurnSink], Awaitable["bool | None"]]


async def answer_recover(
    conversation: ConversationRef,
    action: str,
    sink: TurnSink,
    ensure_resumable: EnsureResumable,
    close: Callable[[str], Awaitable[None]],
) -> None:
    """The user's answer to a lost session: "new" drops it; "retry" goes back to the one a fallback
    replaced, if it can be resumed (or restored) now."""
    if action == "new":
        await close(conversation.id)
        sink.recovery(conversation.agent_session_id, SessionStep.NEW, "clean_session")
        sink.lost_agent_session(conversation.agent_session_id)
        sink.agent_session_changed(None)
        sink.log("notice", {"level": "info", "text": "The next message starts a new agent session, without the earlier context."})
        return
    old = conversation.lost_agent_session_id
    if old and await ensure_resumable(conversation.id, old, sink) is not None:
        await close(conversation.id)
        sink.recovery(old, SessionStep.RETRY, "back")
        sink.agent_session_changed(old)
        sink.lost_agent_session(None)
        sink.log("notice", {"level": "info", "text": "The earlier agent session is back; the conversation continues with it."})
        return
    sink.recovery(old, SessionStep.RETRY, "still_missing")
    sink.log("notice", {"level": "warning", "text": "The earlier agent session is still not available; the conversation goes on with the current one."})


class VaultSaves:
    """One background vault copy per conversation; the next turn (or a close) waits for it first."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, conversation_id: str, save: Coroutine[Any, Any, None]) -> None:
        self._tasks[conversation_id] = asyncio.get_running_loop().create_task(save)

    async def finish(self, conversation_id: str) -> None:
        task = self._tasks.pop(conversation_id, None)
        if task is not None:
            with contextlib.suppress(Exception):
                await task

    async def finish_all(self) -> None:
        for conversation_id in list(self._tasks):
            await self.finish(conversation_id)
