"""Long-lived agent processes that speak Claude's stream-json: turns on stdin, events on stdout.

One process per active conversation, so a follow-up message does not pay for a new process; it is
closed after an idle time and the next turn starts a fresh one (which resumes the agent session).

Besides turns, the same pipes carry control messages (claude-cli.md, "Tool approvals over stdio"):
the agent's `can_use_tool` requests, which wait for a `control_response`; its `control_cancel_request`
when it withdraws one; and our own `interrupt` and `set_permission_mode` requests. Control lines are
protocol, not output: they are never logged as `agent` events.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from swe_swe.agents.base import CancelReason, RunOutcome, ToolRequest, Turn, TurnResult, TurnSink
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.process import AgentProcess

log = logging.getLogger("swe_swe.agents")


_request_numbers = itertools.count(1)


def user_turn_line(content: str | list[dict[str, Any]]) -> str:
    """A user turn: plain text, or content blocks (see `turn_content`)."""
    return orjson.dumps({"type": "user", "message": {"role": "user", "content": content}}).decode()


def turn_content(turn: Turn) -> str | list[dict[str, Any]]:
    """The turn as Claude takes it: its text alone, or with attachments, content blocks: each image as an
    image block (base64 source), each text file inline in a text block, then the message's own text."""
    if not turn.attachments:
        return turn.text
    blocks: list[dict[str, Any]] = []
    for attachment in turn.attachments:
        if attachment.is_image:
            data = base64.b64encode(attachment.data).decode()
            blocks.append({"type": "image", "source": {"type": "base64", "media_type": attachment.media_type, "data": data}})
        else:
            text = attachment.data.decode("utf-8", errors="replace")
            name = attachment.name.replace('"', "'")
            blocks.append({"type": "text", "text": f'<attached_file name="{name}">\n{text}\n</attached_file>'})
    if turn.text.strip():
        blocks.append({"type": "text", "text": turn.text})
    return blocks


def control_request_line(request: dict[str, Any]) -> str:
    request_id = f"swe-swe-{next(_request_numbers)}"
    return orjson.dumps({"type": "control_request", "request_id": request_id, "request": request}).decode()


def control_response_line(request_id: str, response: dict[str, Any]) -> str:
    body = {"subtype": "success", "request_id": request_id, "response": response}
    return orjson.dumps({"type": "control_response", "response": body}).decode()


def control_error_line(request_id: str, message: str) -> str:
    body = {"subtype": "error", "request_id": request_id, "error": message}
    return orjson.dumps({"type": "control_response", "response": body}).decode()


def tool_request(event: dict[str, Any]) -> ToolRequest | None:
    """A `can_use_tool` control request as plain data, or None for any other request."""
    request = event.get("request")
    request_id = event.get("request_id")
    if not isinstance(request, dict) or request.get("subtype") != "can_use_tool" or not isinstance(request_id, str):
        return None
    tool_input = request.get("input")
    suggestions = request.get("permission_suggestions")
    description = request.get("description")
    return ToolRequest(
        request_id=request_id,
        tool=str(request.get("tool_name") or "a tool"),
        input=tool_input if isinstance(tool_input, dict) else {},
        tool_use_id=str(request.get("tool_use_id") or ""),
        description=description if isinstance(description, str) else None,
        suggestions=[s for s in suggestions if isinstance(s, dict)] if isinstance(suggestions, list) else [],
    )


@dataclass
class LiveProcess:
    process: AgentProcess
    agent_session_id: str | None
    stop_requested: bool = False
    idle_timer: asyncio.TimerHandle | None = None
    sink: TurnSink | None = None  # while a turn runs
    turn_over: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Exchange:
    """What one turn produced: the outcome, the final `result` object, and the last event's uuid."""

    result: TurnResult
    result_event: dict[str, Any] | None = None
    last_uuid: str | None = None
    stderr: str = ""
    errors: list[str] = field(default_factory=list)


def _result_errors(event: dict[str, Any]) -> list[str]:
    errors = event.get("errors")
    if isinstance(errors, list):
        return [str(e) for e in errors]
    return []


class StreamJsonPool:
    def __init__(self, idle_seconds: float, stop_grace: float, running: RunningAgents) -> None:
        self.idle_seconds = idle_seconds
        self.stop_grace = stop_grace
        self.running = running
        self._live: dict[str, LiveProcess] = {}

    def get(self, conversation_id: str) -> LiveProcess | None:
        live = self._live.get(conversation_id)
        if live is None or live.process.alive:
            return live
        self.running.forget(live.process.pid)  # it ended between turns and was never waited for
        self._forget(conversation_id)
        return None

    def _forget(self, conversation_id: str) -> LiveProcess | None:
        live = self._live.pop(conversation_id, None)
        if live and live.idle_timer:
            live.idle_timer.cancel()
        return live

    async def spawn(
        self,
        conversation_id: str,
        argv: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        agent_session_id: str | None,
    ) -> LiveProcess:
        await self.close(conversation_id)
        process = await AgentProcess.spawn(argv, cwd, env, self.running)
        live = LiveProcess(process=process, agent_session_id=agent_session_id)
        self._live[conversation_id] = live
        return live

    async def exchange(
        self,
        conversation_id: str,
        content: str | list[dict[str, Any]],
        sink: TurnSink,
        hide: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Exchange:
        """Write one turn and read events until its `result` (or until the process ends).

        `hide` keeps an event out of the log (the claude adapter hides the CLI's own
        "No conversation found" result, which it recovers from).
        """
        live = self._live[conversation_id]
        if live.idle_timer:
            live.idle_timer.cancel()
            live.idle_timer = None
        live.stop_requested = False
        live.sink = sink
        live.turn_over.clear()
        exchange = Exchange(result=TurnResult(RunOutcome.ERROR, None))
        try:
            if await live.process.write_line(user_turn_line(content)):
                await self._read_until_result(live, sink, exchange, hide or _show_all)
        finally:
            live.sink = None
            live.turn_over.set()
            sink.end_asks(self._end_reason(live, exchange))
        if exchange.result_event is None:
            exit_code = await live.process.wait(self.stop_grace)
            if exit_code is None:
                exit_code = await live.process.stop(self.stop_grace)
            outcome = RunOutcome.STOPPED if live.stop_requested else RunOutcome.ERROR
            exchange.result = TurnResult(outcome, exit_code)
            exchange.stderr = live.process.stderr_text()
            self._forget(conversation_id)
        else:
            self._arm_idle_timer(conversation_id, live)
        return exchange

    async def _read_until_result(
        self, live: LiveProcess, sink: TurnSink, exchange: Exchange, hide: Callable[[dict[str, Any]], bool]
    ) -> None:
        while True:
            line = await live.process.read_line()
            if line is None:
                return
            event = _parse_event(line)
            if event is None or event.get("isReplay"):
                continue
            if event.get("type") == "stream_event":
                sink.partial(event)
                continue
            if event.get("type") in CONTROL_TYPES:
                await self._control(live, event, sink)
                continue
            self._note_session_id(live, event, sink)
            if not hide(event):
                sink.log("agent", event)
            if event.get("type") in ("assistant", "user") and isinstance(event.get("uuid"), str):
                exchange.last_uuid = event["uuid"]
            if event.get("type") == "result":
                exchange.result_event = event
                exchange.errors = _result_errors(event)
                outcome = RunOutcome.ERROR if event.get("is_error") else RunOutcome.OK
                if live.stop_requested:
                    outcome = RunOutcome.STOPPED
                exchange.result = TurnResult(outcome, None)
                return

    async def _control(self, live: LiveProcess, event: dict[str, Any], sink: TurnSink) -> None:
        kind = event.get("type")
        if kind == "control_cancel_request":
            if isinstance(event.get("request_id"), str):
                sink.withdraw(event["request_id"])
            return
        if kind != "control_request":
            return  # a control_response to one of our requests: nothing waits on it
        request = tool_request(event)
        if request is None:
            request_id = str(event.get("request_id", ""))
            await live.process.write_line(control_error_line(request_id, "not supported by swe-swe"))
            return
        process = live.process

        async def respond(response: dict[str, Any]) -> bool:
            return await process.write_line(control_response_line(request.request_id, response))

        await sink.ask(request, respond)

    @staticmethod
    def _end_reason(live: LiveProcess, exchange: Exchange) -> CancelReason:
        if live.stop_requested:
            return CancelReason.STOPPED
        if exchange.result_event is None:
            return CancelReason.INTERRUPTED
        return CancelReason.WITHDRAWN

    @staticmethod
    def _note_session_id(live: LiveProcess, event: dict[str, Any], sink: TurnSink) -> None:
        session_id = event.get("session_id")
        if event.get("type") not in ("system", "result") or not isinstance(session_id, str):
            return
        if session_id != live.agent_session_id:
            live.agent_session_id = session_id
            sink.agent_session_changed(session_id)

    def _arm_idle_timer(self, conversation_id: str, live: LiveProcess) -> None:
        loop = asyncio.get_running_loop()
        live.idle_timer = loop.call_later(
            self.idle_seconds, lambda: loop.create_task(self._close_if_idle(conversation_id, live))
        )

    async def _close_if_idle(self, conversation_id: str, live: LiveProcess) -> None:
        if self._live.get(conversation_id) is live:
            await self.close(conversation_id)

    async def stop_turn(self, conversation_id: str) -> None:
        """Pending approvals end `stopped` first, so a late answer finds them over (I7). Then the
        agent's own `interrupt`, which ends the turn and keeps the process; signals only if it does
        not answer within the grace period."""
        live = self._live.get(conversation_id)
        if live is None:
            return
        live.stop_requested = True
        if live.sink is not None:
            live.sink.end_asks(CancelReason.STOPPED)
        if await live.process.write_line(control_request_line({"subtype": "interrupt"})):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(live.turn_over.wait(), self.stop_grace)
                return
        log.warning("agent process %s did not end its turn on interrupt; stopping it", live.process.pid)
        await live.process.stop(self.stop_grace)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        """Tell a live process at once; a later process gets the mode on its command line."""
        live = self.get(conversation_id)
        if live is not None:
            await live.process.write_line(control_request_line({"subtype": "set_permission_mode", "mode": mode}))

    async def close(self, conversation_id: str) -> None:
        live = self._forget(conversation_id)
        if live is None:
            return
        code = await live.process.close(self.stop_grace)
        log.info("agent process %s closed with %s", live.process.pid, code)

    async def shutdown(self) -> None:
        ids = list(self._live)
        for conversation_id in ids:
            with contextlib.suppress(Exception):
                await self.close(conversation_id)


CONTROL_TYPES = ("control_request", "control_response", "control_cancel_request")


def _show_all(event: dict[str, Any]) -> bool:
    return False


def _parse_event(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        log.info("agent printed a non-JSON line: %.200s", line)
        return None
    return event if isinstance(event, dict) else None
