"""One live `codex app-server` process and the thread it holds: turns in, notifications out.

The process stays up between turns (stdin open: codex exits when it closes), so a follow-up costs one
`turn/start`. Notifications become `agent` events, as codex sends them (`{"method", "params"}`), except
pure deltas (sent as `partial` frames, not logged), our own echoed message, and status chatter. Codex's
approval requests go to the sink's `ask`; every one still pending when the turn or process ends is
cancelled there (I8).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from swe_swe import __version__
from swe_swe.agents import codex_approvals
from swe_swe.agents.base import CancelReason, RunOutcome, TurnResult, TurnSink
from swe_swe.agents.jsonrpc import METHOD_NOT_FOUND, JsonRpcConnection, JsonRpcError, ProcessEnded
from swe_swe.agents.process import AgentProcess

log = logging.getLogger("swe_swe.agents.codex")

MISSING_THREAD = ("no rollout found", "thread not found")
# notifications that only say what the app shows otherwise (status, quotas) or say nothing to a user
QUIET = frozenset({
    "thread/status/changed", "account/rateLimits/updated", "remoteControl/status/changed",
    "serverRequest/resolved", "thread/started", "mcpServer/startupStatus/updated",
})


class ThreadMissing(Exception):
    """Codex says the thread does not exist (its rollout is gone): recover, never show the raw error."""


def is_missing_thread(error: JsonRpcError) -> bool:
    return any(text in error.message for text in MISSING_THREAD)


def _is_delta(method: str) -> bool:
    return method.endswith("/delta") or method.endswith("Delta")


def _item(params: dict[str, Any]) -> dict[str, Any]:
    item = params.get("item")
    return item if isinstance(item, dict) else {}


@dataclass
class ActiveTurn:
    sink: TurnSink
    turn_id: str | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    status: str = ""
    stop_requested: bool = False
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # announced items, for a file change's diff


@dataclass
class TurnEnd:
    result: TurnResult
    turn_id: str | None = None
    failed: bool = False  # codex reported the turn failed (its `error` is in the log)


class CodexSession:
    def __init__(self, process: AgentProcess, cwd: str | None = None) -> None:
        self.process = process
        self.cwd = cwd  # the thread's folder: file-change approvals carry it (codex's own request does not)
        self.rpc = JsonRpcConnection(process, self._on_notification, self._on_request)
        self.thread_id: str | None = None
        self.turn: ActiveTurn | None = None
        self.idle_timer: asyncio.TimerHandle | None = None

    # opening

    async def initialize(self) -> None:
        client = {"name": "swe-swe", "title": "swe-swe", "version": __version__}
        await self.rpc.request("initialize", {"clientInfo": client})
        await self.rpc.notify("initialized")

    async def open_thread(self, thread_id: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """`thread/start` (None) or `thread/resume` of a validated id; the `thread` object codex returns."""
        try:
            if thread_id is None:
                result = await self.rpc.request("thread/start", params)
            else:
                result = await self.rpc.request("thread/resume", {**params, "threadId": thread_id, "excludeTurns": True})
        except JsonRpcError as error:
            if is_missing_thread(error):
                raise ThreadMissing(error.message) from None
            raise
        thread = result.get("thread") if isinstance(result.get("thread"), dict) else {}
        self.thread_id = str(thread.get("id") or thread_id or "")
        return thread

    # one turn

    async def run(self, text: str, policy: codex_approvals.CodexPolicy, sink: TurnSink, grace: float) -> TurnEnd:
        turn = ActiveTurn(sink)
        self.turn = turn
        try:
            params = {"threadId": self.thread_id, "input": [{"type": "text", "text": text}],
                      "approvalPolicy": policy.approval_policy, "sandboxPolicy": policy.sandbox_policy}
            try:
                started = await self.rpc.request("turn/start", params)
            except JsonRpcError as error:
                if is_missing_thread(error):
                    raise ThreadMissing(error.message) from None
                raise
            self._note_turn_id(turn, started.get("turn"))
            await self._wait_for_end(turn)
        except ProcessEnded:
            pass
        finally:
            self.turn = None
            sink.end_asks(self._end_reason(turn))
        return await self._turn_end(turn, grace)

    async def _wait_for_end(self, turn: ActiveTurn) -> None:
        done = asyncio.ensure_future(turn.done.wait())
        ended = asyncio.ensure_future(self.rpc.ended.wait())
        try:
            await asyncio.wait({done, ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            done.cancel()
            ended.cancel()

    async def _turn_end(self, turn: ActiveTurn, grace: float) -> TurnEnd:
        if turn.done.is_set():
            if turn.status == "completed":
                return TurnEnd(TurnResult(RunOutcome.OK, None), turn.turn_id)
            if turn.stop_requested or turn.status == "interrupted":
                return TurnEnd(TurnResult(RunOutcome.STOPPED, None), turn.turn_id)
            return TurnEnd(TurnResult(RunOutcome.ERROR, None), turn.turn_id, failed=True)
        exit_code = await self.process.wait(grace)
        if exit_code is None:
            exit_code = await self.process.stop(grace)
        outcome = RunOutcome.STOPPED if turn.stop_requested else RunOutcome.ERROR
        return TurnEnd(TurnResult(outcome, exit_code), turn.turn_id)

    @staticmethod
    def _end_reason(turn: ActiveTurn) -> CancelReason:
        if turn.stop_requested:
            return CancelReason.STOPPED
        return CancelReason.WITHDRAWN if turn.done.is_set() else CancelReason.INTERRUPTED

    @staticmethod
    def _note_turn_id(turn: ActiveTurn, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and turn.turn_id is None:
            turn.turn_id = raw["id"]
            turn.started.set()

    async def interrupt(self, grace: float) -> bool:
        """Cancel pending approvals (stopped), then `turn/interrupt`; False when the turn did not end in time."""
        turn = self.turn
        if turn is None:
            return True
        turn.stop_requested = True
        turn.sink.end_asks(CancelReason.STOPPED)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(turn.started.wait(), grace)
        if turn.turn_id is not None:
            with contextlib.suppress(JsonRpcError, ProcessEnded, TimeoutError):
                await asyncio.wait_for(self.rpc.request("turn/interrupt", {"threadId": self.thread_id, "turnId": turn.turn_id}), grace)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(turn.done.wait(), grace)
            return True
        return False

    # what codex says

    def _on_notification(self, method: str, params: dict[str, Any]) -> None:
        turn = self.turn
        if turn is None:
            return
        if _is_delta(method):
            turn.sink.partial({"method": method, "params": params})
            return
        if method == "turn/started":
            self._note_turn_id(turn, params.get("turn"))
        item = _item(params)
        if method in QUIET or item.get("type") == "userMessage":
            return
        if method == "item/started" and isinstance(item.get("id"), str):
            turn.items[item["id"]] = item
        turn.sink.log("agent", {"method": method, "params": params})
        if method == "turn/completed":
            completed = params.get("turn") if isinstance(params.get("turn"), dict) else {}
            turn.status = str(completed.get("status", ""))
            turn.done.set()

    async def _on_request(self, request_id: int | str, method: str, params: dict[str, Any]) -> None:
        turn = self.turn
        if turn is None or method not in codex_approvals.APPROVAL_METHODS:
            await self.rpc.respond_error(request_id, METHOD_NOT_FOUND, "not supported by swe-swe")
            return
        if method == codex_approvals.COMMAND_APPROVAL:
            request = codex_approvals.command_request(request_id, params)
        else:
            request = codex_approvals.file_change_request(request_id, params, turn.items.get(str(params.get("itemId"))), self.cwd)
        rpc = self.rpc

        async def respond(response: dict[str, Any]) -> bool:
            return await rpc.respond(request_id, {"decision": codex_approvals.decision(method, response)})

        await turn.sink.ask(request, respond)

    # ending

    async def close(self, grace: float) -> int:
        """stdin closed: app-server exits on EOF; signals if it lingers."""
        code = await self.process.close(grace)
        await self.rpc.wait_closed()
        return code
