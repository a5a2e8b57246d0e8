"""The `codex` adapter: OpenAI's Codex CLI over `codex app-server`, with the claude adapter's guarantees.

One long-lived app-server per active conversation (closed when idle, resumed with `thread/resume`).
Before every turn the thread's rollout is checked where codex will look (a cached stat). A missing one
is put back from the vault at that very path (`session_lost {recovery: restored}`); if the vault has
none, a new thread answers the message with a recap of the conversation as developer instructions
(`session_lost {recovery: new_session}` + `session_started {fallback: true}`). Codex's own "no rollout
found" / "thread not found" trigger the same recovery, so no race leaves a client stuck (I4). Only a
validated UUID is ever passed to `thread/resume` (codex-cli.md: anything else may start a new thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swe_swe.agents import codex_approvals
from swe_swe.agents.base import Agent, ConversationRef, RunOutcome, Turn, TurnResult, TurnSink
from swe_swe.agents.codex_rollouts import Rollouts, codex_home, rollout_validator, wait_for_turn
from swe_swe.agents.codex_session import CodexSession, ThreadMissing, TurnEnd
from swe_swe.agents.jsonrpc import JsonRpcError, ProcessEnded
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.process import AgentProcess
from swe_swe.agents.session_recovery import (
    LOST_REASON,
    RECAP_CHARS,
    Resumable,
    SessionStep,
    VaultSaves,
    answer_recover,
    check_resumable,
)
from swe_swe.config import Config
from swe_swe.ids import is_uuid
from swe_swe.recap import RecapTurn, build_recap, shorten
from swe_swe.transcripts import TranscriptState
from swe_swe.vault import Vault

log = logging.getLogger("swe_swe.agents.codex")

VAULT_WAIT_SECONDS = 3.0
RECAP_TOOL_CHARS = 80


@dataclass(frozen=True)
class Launch:
    """How the next process opens its thread: resume `thread_id`, or start a new one (with a recap)."""

    thread_id: str | None
    recap: str = ""

    @property
    def resume(self) -> bool:
        return self.thread_id is not None


def read_codex_event(turn: RecapTurn, data: Mapping[str, Any]) -> None:
    """The recap's reader of codex's logged notifications (swe_swe/recap.py knows no agent's events)."""
    turn.answer_parts.extend(recap_parts(data))


def recap_parts(data: Mapping[str, Any]) -> list[str]:
    """What a logged codex notification adds to a recap: the agent's messages and the commands it ran."""
    if data.get("method") != "item/completed":
        return []
    params = data.get("params")
    item = params.get("item") if isinstance(params, Mapping) else None
    if not isinstance(item, Mapping):
        return []
    if item.get("type") == "agentMessage" and str(item.get("text", "")).strip():
        return [str(item["text"]).strip()]
    if item.get("type") == "commandExecution":
        command = codex_approvals.unwrap_shell(str(item.get("command", "")))
        return [f"(ran command: {shorten(' '.join(command.split()), RECAP_TOOL_CHARS)})"]
    if item.get("type") == "fileChange":
        paths = [str(c.get("path", "")) for c in item.get("changes") or [] if isinstance(c, Mapping)]
        return [f"(changed files: {', '.join(paths)})"]
    return []


class CodexAgent(Agent):
    name = "codex"
    title = "Codex"

    def __init__(self, config: Config, codex_bin: str, running: RunningAgents, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.codex_bin = codex_bin
        self.running = running
        self.env = dict(os.environ if env is None else env)
        self.validator = rollout_validator()
        self.vault = Vault(config.vault_dir / "codex", rollout_validator())
        self.rollouts = Rollouts(codex_home(self.env), self.vault)
        self._sessions: dict[str, CodexSession] = {}
        self._vault_saves = VaultSaves()

    # validation and recovery

    async def ensure_resumable(self, conversation_id: str, thread_id: str, sink: TurnSink) -> Resumable:
        """Is the thread's rollout where codex looks, as is or put back from the vault?"""
        path = self.rollouts.path(thread_id) if is_uuid(thread_id) else None
        return await check_resumable(thread_id, path, self.validator.check, lambda: self._restore(thread_id, path), sink)

    def _restore(self, thread_id: str, path: Path | None) -> bool:
        return self.rollouts.restore(thread_id) and path is not None and self.validator.check(path) is TranscriptState.RESUMABLE

    def fallback_launch(self, conversation: ConversationRef, thread_id: str | None, turn: Turn, sink: TurnSink) -> Launch:
        recap = build_recap(sink.history(before_seq=turn.message_seq), read_codex_event, RECAP_CHARS)
        sink.recovery(thread_id, SessionStep.FALLBACK, "new_session", f"recap {len(recap)} chars")
        sink.lost_agent_session(thread_id)
        sink.agent_session_changed(None)
        sink.log("session_lost", {"reason": LOST_REASON, "recovery": "new_session"})
        sink.log("session_started", {"fallback": True})
        return Launch(None, recap=recap)

    async def plan_launch(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> Launch | None:
        """None: the live process goes on with its thread. Otherwise how to open the next one."""
        await self._finish_vault_save(conversation.id)
        thread_id = conversation.agent_session_id
        if thread_id is None:
            sink.log("session_started", {"fallback": False})
            return Launch(None)
        found = await self.ensure_resumable(conversation.id, thread_id, sink)
        if found is Resumable.AS_IS:
            return None if self._live(conversation.id) is not None else Launch(thread_id)
        await self.close(conversation.id)  # a live process would write on into a file without the context
        if found is Resumable.RESTORED:
            sink.log("session_lost", {"reason": LOST_REASON, "recovery": "restored"})
            return Launch(thread_id)
        return self.fallback_launch(conversation, thread_id, turn, sink)

    # turns

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        launch = await self.plan_launch(conversation, turn, sink)
        try:
            end = await self._exchange(conversation, launch, turn, sink)
        except ThreadMissing:
            end = await self._guard(conversation, launch, turn, sink)
        self._report(end, sink)
        session = self._live(conversation.id)
        if session is not None and session.thread_id and end.turn_id:
            self._start_vault_save(conversation.id, session.thread_id, end.turn_id)
        return end.result

    async def _exchange(self, conversation: ConversationRef, launch: Launch | None, turn: Turn, sink: TurnSink) -> TurnEnd:
        policy = codex_approvals.policy_for(conversation.permission_mode)
        session = self._live(conversation.id)
        if launch is not None or session is None:
            launch = launch or Launch(conversation.agent_session_id)
            try:
                session = await self._open(conversation, launch, sink)
            except (JsonRpcError, ProcessEnded) as error:
                log.warning("conversation %s: codex app-server did not open the thread: %s", conversation.id, error)
                return TurnEnd(TurnResult(RunOutcome.ERROR, await self._close_failed(conversation.id)))
        sink.run_started(resumed=launch is None or launch.resume, fallback=bool(launch and launch.recap))
        self._cancel_idle(session)
        try:
            end = await session.run(turn.plain_text(), policy, sink, self.config.stop_grace_seconds)
        except ThreadMissing:
            await self.close(conversation.id)
            raise
        except JsonRpcError as error:
            log.warning("conversation %s: turn/start refused: %s", conversation.id, error)
            end = TurnEnd(TurnResult(RunOutcome.ERROR, None), failed=True)
        if session.process.alive:
            self._arm_idle(conversation.id, session)
        else:
            self._sessions.pop(conversation.id, None)
        return end

    async def _open(self, conversation: ConversationRef, launch: Launch, sink: TurnSink) -> CodexSession:
        """Spawn app-server, initialize, and start or resume the thread (ThreadMissing when it is gone)."""
        await self.close(conversation.id)
        workdir = conversation.workdir or self.config.workdir
        process = await AgentProcess.spawn([self.codex_bin, "app-server"], workdir, self.env, self.running)
        session = CodexSession(process, str(workdir))
        self._sessions[conversation.id] = session
        sink.process_started(process.pid)
        policy = codex_approvals.policy_for(conversation.permission_mode)
        params: dict[str, Any] = {"cwd": str(workdir), "approvalPolicy": policy.approval_policy, "sandbox": policy.sandbox}
        if launch.recap:
            params["developerInstructions"] = launch.recap
        try:
            await session.initialize()
            thread = await session.open_thread(launch.thread_id, params)
        except ThreadMissing:
            await self.close(conversation.id)
            raise
        if session.thread_id and is_uuid(session.thread_id):
            self.rollouts.remember(session.thread_id, thread.get("path"))
            if session.thread_id != conversation.agent_session_id:
                sink.agent_session_changed(session.thread_id)
        return session

    async def _guard(self, conversation: ConversationRef, launch: Launch | None, turn: Turn, sink: TurnSink) -> TurnEnd:
        """Codex refused the thread although it looked fine: restore or fall back, once."""
        thread_id = launch.thread_id if launch else conversation.agent_session_id
        sink.recovery(thread_id, SessionStep.RUNTIME_GUARD, "session_missing")
        log.warning("conversation %s: codex could not find thread %s", conversation.id, thread_id)
        if thread_id and is_uuid(thread_id):
            path = self.rollouts.path(thread_id)
            if path is not None:
                self.validator.forget(path)
            if self.vault.has(thread_id) and self.rollouts.restore(thread_id, force=True):
                sink.recovery(thread_id, SessionStep.RESTORE, "restored")
                sink.log("session_lost", {"reason": LOST_REASON, "recovery": "restored"})
                with contextlib.suppress(ThreadMissing):
                    return await self._exchange(conversation, Launch(thread_id), turn, sink)
        fallback = self.fallback_launch(conversation, thread_id, turn, sink)
        return await self._exchange(conversation, fallback, turn, sink)

    def _report(self, end: TurnEnd, sink: TurnSink) -> None:
        if end.result.outcome is not RunOutcome.ERROR:
            return
        if end.failed:
            sink.log("notice", {"level": "error", "text": "The agent reported an error for this turn (shown above). You can send your message again."})
        else:
            sink.log("notice", {"level": "error", "text": (
                f"The agent stopped unexpectedly (exit code {end.result.exit_code}). Your next message starts it again.")})

    # processes

    def _live(self, conversation_id: str) -> CodexSession | None:
        session = self._sessions.get(conversation_id)
        if session is None or (session.process.alive and not session.rpc.ended.is_set()):
            return session
        self._sessions.pop(conversation_id, None)
        self._cancel_idle(session)
        self.running.forget(session.process.pid)
        return None

    async def _close_failed(self, conversation_id: str) -> int | None:
        session = self._sessions.pop(conversation_id, None)
        if session is None:
            return None
        return await session.process.stop(self.config.stop_grace_seconds)

    @staticmethod
    def _cancel_idle(session: CodexSession) -> None:
        if session.idle_timer is not None:
            session.idle_timer.cancel()
            session.idle_timer = None

    def _arm_idle(self, conversation_id: str, session: CodexSession) -> None:
        loop = asyncio.get_running_loop()

        def close_if_idle() -> None:
            if self._sessions.get(conversation_id) is session and session.turn is None:
                loop.create_task(self.close(conversation_id))

        session.idle_timer = loop.call_later(self.config.agent_idle_seconds, close_if_idle)

    # vault

    def _start_vault_save(self, conversation_id: str, thread_id: str, turn_id: str) -> None:
        self._vault_saves.start(conversation_id, self._save_when_written(thread_id, turn_id))

    async def _save_when_written(self, thread_id: str, turn_id: str) -> None:
        path = self.rollouts.path(thread_id)
        if path is None:
            return
        await wait_for_turn(path, turn_id, VAULT_WAIT_SECONDS)
        saved = self.rollouts.save(thread_id)
        log.info("vault copy of codex thread %s %s", thread_id, "updated" if saved else "kept")

    async def _finish_vault_save(self, conversation_id: str) -> None:
        await self._vault_saves.finish(conversation_id)

    # user actions and lifecycle

    async def recover(self, conversation: ConversationRef, action: str, sink: TurnSink) -> None:
        await answer_recover(conversation, action, sink, self.ensure_resumable, self.close)

    async def stop_turn(self, conversation_id: str) -> None:
        session = self._sessions.get(conversation_id)
        if session is None:
            return
        if not await session.interrupt(self.config.stop_grace_seconds):
            log.warning("codex process %s did not end its turn on interrupt; stopping it", session.process.pid)
            await session.process.stop(self.config.stop_grace_seconds)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        """Nothing to tell now: every `turn/start` carries the conversation's mode as policy and sandbox."""

    async def close(self, conversation_id: str) -> None:
        await self._finish_vault_save(conversation_id)
        session = self._sessions.pop(conversation_id, None)
        if session is None:
            return
        self._cancel_idle(session)
        code = await session.close(self.config.stop_grace_seconds)
        log.info("codex process %s closed with %s", session.process.pid, code)

    def forget(self, conversation: ConversationRef) -> None:
        for thread_id in (conversation.agent_session_id, conversation.lost_agent_session_id):
            if thread_id:
                self.rollouts.delete(thread_id)

    async def shutdown(self) -> None:
        await self._vault_saves.finish_all()
        for conversation_id in list(self._sessions):
            with contextlib.suppress(Exception):
                await self.close(conversation_id)
