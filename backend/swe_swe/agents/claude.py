"""The `claude` adapter: the real Claude Code CLI, with session validation, vault restore and fallback.

Before every turn the transcript the CLI will resume is checked (a cached stat). A missing one is
put back from the vault (`session_lost {recovery: restored}`); if the vault has none, a new agent
session answers the message with a recap of the conversation in its system prompt
(`session_lost {recovery: new_session}` + `session_started {fallback: true}`). The same recovery
runs when the CLI itself says "No conversation found", so no race can leave a client stuck (I4).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swe_swe.agents import claude_home
from swe_swe.agents.base import Agent, ConversationRef, RunOutcome, Turn, TurnResult, TurnSink
from swe_swe.agents.claude_import import SessionHistory, read_history
from swe_swe.agents.claude_recap import read_claude_event
from swe_swe.agents.claude_transcript import transcript_validator, wait_for_uuid
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.session_recovery import (
    LOST_REASON,
    RECAP_CHARS,
    Resumable,
    SessionStep,
    VaultSaves,
    answer_recover,
    check_resumable,
)
from swe_swe.agents.stream_json import Exchange, StreamJsonPool, turn_content
from swe_swe.config import Config
from swe_swe.ids import is_uuid
from swe_swe.recap import build_recap
from swe_swe.transcripts import TranscriptState
from swe_swe.vault import Vault

log = logging.getLogger("swe_swe.agents.claude")

SESSION_MISSING = "No conversation found with session ID"
VAULT_WAIT_SECONDS = 3.0


@dataclass(frozen=True)
class Launch:
    """How the next process starts: which session, resumed or new, and an optional recap."""

    session_id: str
    resume: bool
    recap: str = ""
    fork: bool = False  # with resume: the CLI writes to a new session id (reported in its `init`)


def is_session_missing(exchange: Exchange) -> bool:
    if any(SESSION_MISSING in e for e in exchange.errors):
        return True
    return exchange.result_event is None and SESSION_MISSING in exchange.stderr


def _hide_session_missing(event: dict[str, Any]) -> bool:
    errors = event.get("errors")
    return event.get("type") == "result" and isinstance(errors, list) and any(SESSION_MISSING in str(e) for e in errors)


class ClaudeAgent(Agent):
    name = "claude"
    title = "Claude"

    def __init__(self, config: Config, claude_bin: str, running: RunningAgents, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.claude_bin = claude_bin
        self.pool = StreamJsonPool(config.agent_idle_seconds, config.stop_grace_seconds, running)
        self.validator = transcript_validator()
        self.vault = Vault(config.vault_dir, transcript_validator())
        self.vault.remove_leftovers()  # at start-up, before any save: what a crash left mid-write
        self.env = dict(os.environ if env is None else env)
        self._vault_saves = VaultSaves()
        # Computed once per project: realpath + encoding cost ten times the cached transcript check (make bench).
        self._config_dir = claude_home.config_dir(self.env)
        self._project_dirs: dict[Path, Path] = {}
        self.project_dir = self.project_dir_of(None)

    # where things are

    def workdir_of(self, conversation: ConversationRef) -> Path:
        return conversation.workdir or self.config.workdir

    def project_dir_of(self, workdir: Path | None) -> Path:
        """Where the CLI started in `workdir` (the default project when None) keeps its transcripts."""
        cwd = workdir or self.config.workdir
        found = self._project_dirs.get(cwd)
        if found is None:
            found = self._project_dirs[cwd] = claude_home.project_dir(self._config_dir, cwd)
        return found

    def transcript(self, session_id: str, workdir: Path | None = None) -> Path:
        if not is_uuid(session_id):
            raise ValueError("not a session id")
        return self.project_dir_of(workdir) / f"{session_id}.jsonl"

    def argv(self, launch: Launch, permission_mode: str) -> list[str]:
        """Tool approvals come to us over stdio (`--permission-prompt-tool stdio`), in the
        conversation's own permission mode."""
        argv = [
            self.claude_bin, "-p",
            "--input-format", "stream-json", "--output-format", "stream-json",
            "--verbose", "--replay-user-messages",
            "--permission-prompt-tool", "stdio",
            f"--permission-mode={permission_mode}",
        ]
        argv += ["--resume", launch.session_id] if launch.resume else ["--session-id", launch.session_id]
        if launch.resume and launch.fork:
            argv.append("--fork-session")
        if launch.recap:
            argv += ["--append-system-prompt", launch.recap]
        return argv

    # validation and recovery

    async def ensure_resumable(self, conversation_id: str, session_id: str, sink: TurnSink, workdir: Path | None = None) -> Resumable:
        """Can the CLI resume `session_id` now, as is or from the vault? (`conversation_id` keeps the
        shape every adapter's check has: see session_recovery.EnsureResumable.)"""
        path = self.transcript(session_id, workdir) if is_uuid(session_id) else None
        return await check_resumable(session_id, path, self.validator.check, lambda: path is not None and self._restore(session_id, path), sink)

    def _restore(self, session_id: str, path: Path) -> bool:
        return self.vault.restore(session_id, path) and self.validator.check(path) is TranscriptState.RESUMABLE

    async def fallback_launch(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> Launch:
        recap = await asyncio.to_thread(build_recap, sink.history(before_seq=turn.message_seq), read_claude_event, RECAP_CHARS)
        new_id = str(uuid.uuid4())
        sink.recovery(conversation.agent_session_id, SessionStep.FALLBACK, "new_session", f"recap {len(recap)} chars")
        sink.lost_agent_session(conversation.agent_session_id)
        sink.agent_session_changed(new_id)
        sink.log("session_lost", {"reason": LOST_REASON, "recovery": "new_session"})
        sink.log("session_started", {"fallback": True})
        return Launch(new_id, resume=False, recap=recap)

    async def plan_launch(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> Launch | None:
        """None: the live process goes on. Otherwise how to start the next one."""
        await self._finish_vault_save(conversation.id)
        session_id = conversation.agent_session_id
        live = self.pool.get(conversation.id)
        if session_id is None:
            new_id = str(uuid.uuid4())
            sink.agent_session_changed(new_id)
            sink.log("session_started", {"fallback": False})
            return Launch(new_id, resume=False)
        found = await self.ensure_resumable(conversation.id, session_id, sink, conversation.workdir)
        if found.can_resume:
            if found is Resumable.RESTORED:
                sink.log("session_lost", {"reason": LOST_REASON, "recovery": "restored"})
            return None if live is not None else Launch(session_id, resume=True, fork=conversation.fork_session)
        await self.pool.close(conversation.id)
        return await self.fallback_launch(conversation, turn, sink)

    # turns

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        launch = await self.plan_launch(conversation, turn, sink)
        exchange = await self._exchange(conversation, launch, turn, sink)
        if is_session_missing(exchange):
            await self.pool.close(conversation.id)
            exchange = await self._guard(conversation, launch, turn, sink)
        self._report(exchange, sink)
        live = self.pool.get(conversation.id)
        if live is not None:  # also after an interrupt: the next turn waits until the CLI has written this one
            self._start_vault_save(conversation.id, live.agent_session_id, exchange.last_uuid, conversation.workdir)
        return exchange.result

    async def _exchange(self, conversation: ConversationRef, launch: Launch | None, turn: Turn, sink: TurnSink) -> Exchange:
        if launch is not None:
            argv = self.argv(launch, conversation.permission_mode)
            live = await self.pool.spawn(conversation.id, argv, self.workdir_of(conversation), self.env, launch.session_id)
            sink.process_started(live.process.pid)
        resumed = launch is None or launch.resume
        sink.run_started(resumed=resumed, fallback=bool(launch and launch.recap))
        return await self.pool.exchange(conversation.id, turn_content(turn), sink, hide=_hide_session_missing)

    async def _guard(self, conversation: ConversationRef, launch: Launch | None, turn: Turn, sink: TurnSink) -> Exchange:
        """The CLI refused the session although it looked fine: restore or fall back, once."""
        session_id = launch.session_id if launch else conversation.agent_session_id
        sink.recovery(session_id, SessionStep.RUNTIME_GUARD, "session_missing")
        log.warning("conversation %s: the CLI could not find session %s", conversation.id, session_id)
        if session_id:
            self.validator.forget(self.transcript(session_id, conversation.workdir))
        if session_id and await asyncio.to_thread(self.vault.restore, session_id, self.transcript(session_id, conversation.workdir), True):
            sink.recovery(session_id, SessionStep.RESTORE, "restored")
            sink.log("session_lost", {"reason": LOST_REASON, "recovery": "restored"})
            retry = await self._exchange(conversation, Launch(session_id, resume=True), turn, sink)
            if not is_session_missing(retry):
                return retry
        fallback = await self.fallback_launch(ConversationRef(conversation.id, session_id, workdir=conversation.workdir), turn, sink)
        return await self._exchange(conversation, fallback, turn, sink)

    def _report(self, exchange: Exchange, sink: TurnSink) -> None:
        """Tell the user plainly what went wrong; details go to the server log only. (Denied tools
        need no notice: every denial is the user's own answer, already in the log.)"""
        if exchange.result.outcome is not RunOutcome.ERROR:
            return
        if exchange.result_event is None:
            log.warning("claude exited with %s; stderr tail: %s", exchange.result.exit_code, exchange.stderr[-2000:])
            sink.log("notice", {"level": "error", "text": (
                f"The agent stopped unexpectedly (exit code {exchange.result.exit_code}). "
                "Your next message starts it again.")})
        else:
            sink.log("notice", {"level": "error", "text": "The agent reported an error for this turn (shown above). You can send your message again."})

    # vault

    def _start_vault_save(self, conversation_id: str, session_id: str | None, last_uuid: str | None, workdir: Path | None) -> None:
        if not session_id or not is_uuid(session_id):
            return
        self._vault_saves.start(conversation_id, self._save_when_written(session_id, last_uuid, workdir))

    async def _save_when_written(self, session_id: str, last_uuid: str | None, workdir: Path | None = None) -> None:
        """The CLI writes the turn a moment after `result`: wait for its last line, then copy the new lines
        (in worker threads, reading only what the turn added: issue 15)."""
        path = self.transcript(session_id, workdir)
        if last_uuid:
            held = await asyncio.to_thread(self.vault.held_size, session_id)
            await wait_for_uuid(path, last_uuid, VAULT_WAIT_SECONDS, start_offset=held or None)
        if await asyncio.to_thread(self.validator.check, path) is TranscriptState.RESUMABLE:
            saved = await asyncio.to_thread(self.vault.save, session_id, path)
            log.info("vault copy of %s %s", session_id, "updated" if saved else "kept")

    async def _finish_vault_save(self, conversation_id: str) -> None:
        await self._vault_saves.finish(conversation_id)

    # user actions and lifecycle

    async def recover(self, conversation: ConversationRef, action: str, sink: TurnSink) -> None:
        async def ensure(conversation_id: str, session_id: str, sink_: TurnSink) -> Resumable:
            return await self.ensure_resumable(conversation_id, session_id, sink_, conversation.workdir)

        await answer_recover(conversation, action, sink, ensure, self.pool.close)

    async def stop_turn(self, conversation_id: str) -> None:
        await self.pool.stop_turn(conversation_id)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        await self.pool.set_mode(conversation_id, mode)

    async def close(self, conversation_id: str) -> None:
        await self._finish_vault_save(conversation_id)
        await self.pool.close(conversation_id)

    async def import_session(self, workdir: Path | None, agent_session_id: str) -> SessionHistory | None:
        """A resumable transcript of the project, read (bounded) and copied into the vault, in a worker thread."""
        if not is_uuid(agent_session_id):
            return None
        return await asyncio.to_thread(self._import, self.transcript(agent_session_id, workdir), agent_session_id)

    def _import(self, path: Path, agent_session_id: str) -> SessionHistory | None:
        if self.validator.check(path) is not TranscriptState.RESUMABLE:
            return None
        try:
            history = read_history(path, agent_session_id)
        except OSError:
            return None
        saved = self.vault.save(agent_session_id, path)
        log.info("imported %s: %d events (%d left out), vault copy %s", agent_session_id, len(history.events), history.left_out, "taken" if saved else "refused")
        return history

    def forget(self, conversation: ConversationRef) -> None:
        for session_id in (conversation.agent_session_id, conversation.lost_agent_session_id):
            if session_id and is_uuid(session_id):
                self.vault.delete(session_id)

    async def shutdown(self) -> None:
        await self._vault_saves.finish_all()
        await self.pool.shutdown()
