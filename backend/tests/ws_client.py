"""A small protocol-v1 client over the `websockets` package, for integration tests."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import orjson
import websockets


class Client:
    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.frames: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def connect(cls, url: str, **kwargs: Any) -> Client:
        return cls(await websockets.connect(url, max_size=None, **kwargs))

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        frame = orjson.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.frames.append(frame)
        if frame["type"] == "event":
            self.events.append(frame)
        if frame["type"] == "ping":
            await self.send_json({"type": "pong", "ts": frame["ts"]})
        return frame

    async def hello(self, conversation_id: str | None = None, last_seq: int = 0, **extra: Any) -> dict[str, Any]:
        await self.send_json({"type": "hello", "protocol": 1, "client_id": "test", "conversation_id": conversation_id, "last_seq": last_seq, **extra})
        self.welcome = await self.recv_type("welcome")
        await self.recv_type("replay_done")
        return self.welcome

    async def recv_type(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind:
                return frame

    async def send_message(self, text: str, client_msg_id: str | None = None) -> str:
        client_msg_id = client_msg_id or str(uuid.uuid4())
        await self.send_json({"type": "send", "client_msg_id": client_msg_id, "text": text})
        return client_msg_id

    async def wait_event(self, predicate: Any, timeout: float = 15.0) -> dict[str, Any]:
        for event in self.events:
            if predicate(event):
                return event
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self.recv(max(0.01, deadline - loop.time()))
            if frame["type"] == "event" and predicate(frame):
                return frame

    async def close(self) -> None:
        await self.ws.close()


def run_finished(event: dict[str, Any]) -> bool:
    return event["kind"] == "run_finished"


async def answer_approval(client: Client, approval_id: str, decision: str, client_msg_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """Send `approve` and return its ack (or the error that refused it)."""
    client_msg_id = client_msg_id or str(uuid.uuid4())
    await client.send_json({"type": "approve", "client_msg_id": client_msg_id, "approval_id": approval_id, "decision": decision, **extra})
    while True:
        frame = await client.recv(15)
        if frame["type"] in ("ack", "error") and frame.get("client_msg_id") == client_msg_id:
            return frame


def is_kind(kind: str) -> Any:
    return lambda event: event["kind"] == kind


def new_conversation(server: Any) -> str:
    """A conversation made by a `hello` on a socket of `server` (a ServerProcess), which is then closed."""
    async def scenario() -> str:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        await client.close()
        return welcome["conversation_id"]

    return asyncio.run(scenario())
