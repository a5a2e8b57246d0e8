"""Runs turns: one FIFO per conversation, fed from the log, independent of any socket (I3).

A message is "pending" while no AgentRun has taken it; a worker task per conversation takes the
oldest pending message, hands it to the agent, logs `run_started`/`run_finished`, and goes on until
nothing is pending. After a restart the same rule picks up messages that never started.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from swe_swe import protocol
from swe_swe.agents.base import (
    Agent,
    Attachment,
    CancelReason,
    ConversationRef,
    Respond,
    RunOutcome,
    ToolRequest,
    Turn,
    TurnResult,
)
from swe_swe.approvals import Approvals
from swe_swe.blobs import Blobs
from swe_swe.errors import StorageUnavailable
from swe_swe.hub import Hub
from swe_swe.log_events import log_event
from swe_swe.projects import Projects
from swe_swe.store import Conversation, PendingMessage, Store

log = logging.getLogger("swe_swe.turns")
HISTORY_EVENTS = 2000
# said whenever a turn is cut off by a stop of the server, graceful (SIGTERM) or not (a crash, kill -9)
PROJECT_GONE = "This conversation's project folder is no longer served by this server, so the agent cannot work in it. Start the server with that folder, or start a new conversation."
INTERRUPTED_NOTICE = "The server restarted while the agent was working, so that turn was cut off. Send it again to retry."
STORAGE_LOST_NOTICE = "The server's disk was full (or its database busy) during this turn, so {count} of the agent's updates could not be saved and are missing here. The agent's own work is not undone."
STORAGE_RETRY_SECONDS = 1.0


def conversation_ref(conversation: Conversation, projects: Projects | None = None) -> ConversationRef:
    project = projects.get(conversation.project_id) if projects is not None else None
    return ConversationRef(
        conversation.id,
        conversation.agent_session_id,
        conversation.lost_agent_session_id,
        conversation.permission_mode,
        conversation.agent,
        project.path if project is not None else None,
        bool(conversation.fork_session),
    )


class RunSink:
    """The TurnSink of one turn: every report becomes a logged event or a store update."""

    def __init__(self, runner: TurnRunner, conversation_id: str, run_id: int | None) -> None:
        self.runner = runner
        self.conversation_id = conversation_id
        self.run_id = run_id
        self.started = False
        self.during_turn = False  # while the agent works, an update that cannot be stored is dropped, not raised
        self.unsaved = 0
        self.warned = False
        # the run's and conversation's fields a mid-turn write could not store, by field: the latest value
        # of each is written once storage is back (TurnRunner._finish_stored), unless a later write took
        self.deferred: dict[str, Callable[[], None]] = {}

    def log(self, kind: str, data: dict[str, Any]) -> None:
        try:
            self.runner.hub.append(self.conversation_id, kind, data)
        except StorageUnavailable:
            if not self.during_turn:
                raise
            # never sent unstored (I2); counted, and told once storage is back (TurnRunner._finish_stored)
            self._dropped()

    def _dropped(self) -> None:
        self.unsaved += 1
        self._warn()

    def _warn(self) -> None:
        if not self.warned:
            self.warned = True
            log.warning("conversation %s: storage unavailable mid-turn; the turn's updates are dropped", self.conversation_id)

    def _write(self, key: str, write: Callable[[], None]) -> None:
        """A store update of the run or the conversation: mid-turn, one storage refuses is kept for later."""
        try:
            write()
        except StorageUnavailable:
            if not self.during_turn:
                raise
            self.deferred[key] = write
            self._warn()
        else:
            self.deferred.pop(key, None)

    def write_deferred(self) -> None:
        """Raises StorageUnavailable while storage still refuses; what was written is not written again."""
        for key, write in list(self.deferred.items()):
            write()
            del self.deferred[key]

    def partial(self, data: dict[str, Any]) -> None:
        self.runner.hub.publish_frame(self.conversation_id, protocol.encode({"type": "partial", "data": data}))

    def run_started(self, resumed: bool, fallback: bool = False) -> None:
        if self.started:
            return
        self.started = True
        run_id = self.run_id
        if run_id is not None:
            self._write("run_started", lambda: self.runner.store.update_run(run_id, resumed=resumed, fallback=fallback))
        self.log("run_started", {"resumed": resumed})

    def agent_session_changed(self, agent_session_id: str | None) -> None:
        self._write("agent_session", lambda: self.runner.store.set_agent_session(self.conversation_id, agent_session_id))

    def lost_agent_session(self, agent_session_id: str | None) -> None:
        self._write("lost_agent_session", lambda: self.runner.store.set_lost_agent_session(self.conversation_id, agent_session_id))

    def process_started(self, pid: int) -> None:
        run_id = self.run_id
        if run_id is not None:
            self._write("pid", lambda: self.runner.store.update_run(run_id, pid=pid))

    def recovery(self, agent_session_id: str | None, step: str, outcome: str, detail: str = "") -> None:
        log_event(log, "recovery", self.conversation_id, step=step, outcome=outcome)
        try:
            self.runner.store.record_recovery(self.conversation_id, agent_session_id, step, outcome, detail)
        except StorageUnavailable:
            if not self.during_turn:
                raise
            self._dropped()  # a row of the recovery history: the log line above still says it

    def history(self, before_seq: int) -> list[tuple[str, dict[str, Any]]]:
        """The latest events before `before_seq` (bounded), for a recap."""
        after = max(0, before_seq - 1 - HISTORY_EVENTS)
        events = self.runner.store.events_after(self.conversation_id, after, before_seq - 1 - after)
        return [(e.kind, e.as_dict()["data"]) for e in events]

    async def ask(self, request: ToolRequest, respond: Respond) -> None:
        await self.runner.approvals.ask(self.conversation_id, request, respond)

    def withdraw(self, request_id: str) -> None:
        self.runner.approvals.withdraw(self.conversation_id, request_id)

    def end_asks(self, reason: CancelReason) -> None:
        self.runner.approvals.end_all(self.conversation_id, reason)


class TurnRunner:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        agent: Agent,
        approvals: Approvals,
        projects: Projects | None = None,
        blobs: Blobs | None = None,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.projects = projects
        self.hub = hub
        self.agent = agent
        self.approvals = approvals
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._running: set[str] = set()

    def is_busy(self, conversation_id: str) -> bool:
        return conversation_id in self._workers

    def kick(self, conversation_id: str) -> None:
        """Make sure a worker drains this conversation's pending messages."""
        if conversation_id in self._workers:
            return
        task = asyncio.get_running_loop().create_task(self._work(conversation_id))
        self._workers[conversation_id] = task
        task.add_done_callback(lambda _t: self._workers.pop(conversation_id, None))

    async def _work(self, conversation_id: str) -> None:
        try:
            while True:
                message = self.store.next_pending_message(conversation_id)
                conversation = self.store.get_conversation(conversation_id)
                if message is None or conversation is None:
                    break
                await self._run_one(conversation, await self._turn(message))
        finally:
            conversation = self.store.get_conversation(conversation_id)
            if conversation is not None and conversation.status == "running":
                self.store.set_status(conversation_id, "idle")

    async def _turn(self, message: PendingMessage) -> Turn:
        """The message with its attachments' bytes (read off the loop: up to 10 files of 10 MiB)."""
        if not message.attachments or self.blobs is None:
            return Turn(message.seq, message.text)
        blobs = self.blobs
        found = await asyncio.gather(*(asyncio.to_thread(blobs.read, a["sha256"]) for a in message.attachments))
        attachments = tuple(
            Attachment(a["name"], a["media_type"], data) for a, data in zip(message.attachments, found, strict=True) if data is not None
        )
        return Turn(message.seq, message.text, attachments)

    async def _run_one(self, conversation: Conversation, turn: Turn) -> None:
        conversation_id = conversation.id
        run = self.store.start_run(conversation_id, turn.message_seq, resumed=False)
        sink = RunSink(self, conversation_id, run.id)
        self._running.add(conversation_id)
        try:
            ref = conversation_ref(conversation, self.projects)
            if self.projects is not None and ref.workdir is None:
                sink.log("notice", {"level": "error", "text": PROJECT_GONE})
                result = TurnResult(RunOutcome.ERROR, None)
            else:
                sink.during_turn = True
                result = await self.agent.run_turn(ref, turn, sink)
        except asyncio.CancelledError:
            result = TurnResult(RunOutcome.INTERRUPTED, None)
            self._finish(sink, run.id, result)
            raise
        except Exception:
            log.exception("turn of conversation %s failed", conversation_id)
            sink.log("notice", {"level": "error", "text": "The agent failed unexpectedly. Send your message again to retry."})
            result = TurnResult(RunOutcome.ERROR, None)
        finally:
            sink.during_turn = False
            self._running.discard(conversation_id)
        await self._finish_stored(sink, run.id, result)

    async def _finish_stored(self, sink: RunSink, run_id: int, result: TurnResult) -> None:
        """End the run once storage takes writes again, so that it never stays open; then say what was lost."""
        while True:
            try:
                sink.write_deferred()
                self.store.finish_run(run_id, result.outcome.value, result.exit_code)
                break
            except StorageUnavailable:
                await asyncio.sleep(STORAGE_RETRY_SECONDS)
        if sink.unsaved:
            sink.log("notice", {"level": "warning", "text": STORAGE_LOST_NOTICE.format(count=sink.unsaved)})
        self._finish(sink, run_id, result)

    def _finish(self, sink: RunSink, run_id: int, result: TurnResult) -> None:
        sink.run_started(resumed=False)
        self.store.finish_run(run_id, result.outcome.value, result.exit_code)
        sink.log("run_finished", {"outcome": result.outcome.value, "exit_code": result.exit_code})
        if result.outcome is RunOutcome.INTERRUPTED:
            sink.log("notice", {"level": "warning", "text": INTERRUPTED_NOTICE})
            self.store.set_status(sink.conversation_id, "interrupted")

    async def stop(self, conversation_id: str) -> None:
        """`stop`: end the running turn; queued messages still run after it."""
        if conversation_id in self._running:
            await self.agent.stop_turn(conversation_id)

    async def recover(self, conversation_id: str, action: str) -> None:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        sink = RunSink(self, conversation_id, None)
        sink.started = True
        await self.agent.recover(conversation_ref(conversation, self.projects), action, sink)
        self.kick(conversation_id)

    def mark_interrupted_runs(self) -> None:
        """At start-up: runs cut off by a crash or restart end `interrupted`, never retried by themselves;
        the approvals their processes asked for are cancelled first (I8)."""
        self.approvals.cancel_leftovers()
        for run in self.store.unfinished_runs():
            self.store.finish_run(run.id, RunOutcome.INTERRUPTED.value, None)
            self.hub.append(run.conversation_id, "run_finished", {"outcome": "interrupted", "exit_code": None})
            self.hub.append(run.conversation_id, "notice", {"level": "warning", "text": INTERRUPTED_NOTICE})
            self.store.set_status(run.conversation_id, "interrupted")

    def resume_pending(self) -> None:
        for conversation_id in self.store.conversations_with_pending_messages():
            self.kick(conversation_id)

    async def shutdown(self) -> None:
        """Server stop: cut running turns (they end `interrupted`) and stop every process."""
        for task in list(self._workers.values()):
            task.cancel()
        for task in list(self._workers.values()):
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        await self.agent.shutdown()
