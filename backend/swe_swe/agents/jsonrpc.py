"""JSON-RPC over an agent process's stdio, one JSON object a line (codex `app-server`; no "jsonrpc" field).

Three kinds of lines come back: answers to our requests (matched by id to a waiting future), the
agent's notifications, and the agent's own requests to us (approvals), which wait for our answer.
A single reader task reads them in order, so a notification is never handled after a later one. When
the process ends, every request still waiting fails with `ProcessEnded`, so no caller waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from swe_swe.agents.process import AgentProcess

log = logging.getLogger("swe_swe.agents.jsonrpc")

METHOD_NOT_FOUND = -32601

OnNotification = Callable[[str, dict[str, Any]], None]
# (request id, method, params): the handler answers later with `respond` or `respond_error`
OnRequest = Callable[[int | str, str, dict[str, Any]], Awaitable[None]]


class JsonRpcError(Exception):
    """The agent answered a request with an error object."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message


class ProcessEnded(Exception):
    """The agent process ended (or stopped reading) before it answered."""


class JsonRpcConnection:
    def __init__(self, process: AgentProcess, on_notification: OnNotification, on_request: OnRequest) -> None:
        self.process = process
        self._on_notification = on_notification
        self._on_request = on_request
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.ended = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its result; raises JsonRpcError or ProcessEnded."""
        if self.ended.is_set():
            raise ProcessEnded(method)
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        try:
            if not await self._write({"id": request_id, "method": method, "params": params}):
                raise ProcessEnded(method)
            return await future
        finally:
            self._waiting.pop(request_id, None)

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> bool:
        message: dict[str, Any] = {"method": method}
        if params is not None:
            message["params"] = params
        return await self._write(message)

    async def respond(self, request_id: int | str, result: dict[str, Any]) -> bool:
        return await self._write({"id": request_id, "result": result})

    async def respond_error(self, request_id: int | str, code: int, message: str) -> bool:
        return await self._write({"id": request_id, "error": {"code": code, "message": message}})

    async def _write(self, message: dict[str, Any]) -> bool:
        return await self.process.write_line(orjson.dumps(message).decode())

    async def _read(self) -> None:
        try:
            while True:
                line = await self.process.read_line()
                if line is None:
                    return
                message = _parse(line)
                if message is not None:
                    await self._dispatch(message)
        except Exception:
            log.exception("agent process %s: reading its JSON-RPC failed", self.process.pid)
        finally:
            self.ended.set()
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(ProcessEnded("the agent process ended"))

    async def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        has_id = "id" in message
        if isinstance(method, str) and has_id:
            params = message.get("params") if isinstance(message.get("params"), dict) else {}
            await self._on_request(message["id"], method, params)
        elif isinstance(method, str):
            self._on_notification(method, message.get("params") if isinstance(message.get("params"), dict) else {})
        elif has_id:
            self._answer(message)

    def _answer(self, message: dict[str, Any]) -> None:
        future = self._waiting.get(message["id"]) if isinstance(message["id"], int) else None
        if future is None or future.done():
            return
        error = message.get("error")
        if isinstance(error, dict):
            future.set_exception(JsonRpcError(int(error.get("code", 0)), str(error.get("message", ""))))
        else:
            result = message.get("result")
            future.set_result(result if isinstance(result, dict) else {})

    async def wait_closed(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


def _parse(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        message = orjson.loads(line)
    except orjson.JSONDecodeError:
        log.info("agent printed a non-JSON line: %.200s", line)
        return None
    return message if isinstance(message, dict) else None
