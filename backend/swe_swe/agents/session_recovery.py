"""What every adapter with resumable agent sessions shares: the recovery steps' names, the user's
Retry / Start new answer, and the background vault copies a next turn waits for."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from pathlib import Path
from typing import Any

from swe_swe.agents.base import ConversationRef, TurnSink
from swe_swe.ids import is_uuid
from swe_swe.transcripts import TranscriptState

log = logging.getLogger("swe_swe.agents.session_recovery")

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


class Resumable(Enum):
    """What the check before a turn found of the agent's saved session (docs/sessions.md)."""

    AS_IS = "as_is"  # the file is where the CLI looks: resume it
    RESTORED = "restored"  # it had gone and was just put back from the vault: resume it, say so
    GONE = "gone"  # nowhere, or not a valid id: fall back to a new session seeded with a recap

    @property
    def can_resume(self) -> bool:
        return self is not Resumable.GONE


# (conversation id, session id, sink) → what the check found
EnsureResumable = Callable[[str, str, TurnSink], Awaitable[Resumable]]


async def check_resumable(
    session_id: str,
    path: Path | None,
    check: Callable[[Path], TranscriptState],
    restore: Callable[[], bool],
    sink: TurnSink,
) -> Resumable:
    """The one check both adapters run before a turn: a valid id, a resumable file at `path`, else a
    vault copy put back. `check` and `restore` do file work, so they run in a worker thread (issue 15)."""
    if not is_uuid(session_id):
        sink.recovery(None, SessionStep.VALIDATE, "invalid_id")
        return Resumable.GONE
    state = await asyncio.to_thread(check, path) if path is not None else TranscriptState.MISSING
    if state is TranscriptState.RESUMABLE:
        return Resumable.AS_IS
    sink.recovery(session_id, SessionStep.VALIDATE, state.value)
    if await asyncio.to_thread(restore):
        sink.recovery(session_id, SessionStep.RESTORE, "restored")
        log.warning("the saved session %s was %s; restored from the vault", session_id, state.value)
        return Resumable.RESTORED
    sink.recovery(session_id, SessionStep.RESTORE, "no_copy")
    return Resumable.GONE


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
    if old and (await ensure_resumable(conversation.id, old, sink)).can_resume:
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
