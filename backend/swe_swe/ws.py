"""One WebSocket connection: handshake, replay, live fan-out, keep-alive, and bad-input handling.

A single sender task writes every frame, so replayed and live events can never interleave out of
order: live events that arrive during the replay wait in the bounded outbox and are skipped if the
replay already sent them (dedupe by seq). A socket whose outbox fills is dropped (I5); it catches
up by replay when it comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from sanic import Websocket
from websockets.exceptions import ConnectionClosed

from swe_swe import protocol
from swe_swe.config import Config
from swe_swe.conversations import Conversations
from swe_swe.errors import CloseCode, ErrorCode, ProtocolError
from swe_swe.hub import Hub
from swe_swe.log_events import log_event
from swe_swe.rate_limit import TokenBucket
from swe_swe.store import LoggedEvent, Store, now_ms

log = logging.getLogger("swe_swe.ws")

OUTBOX_LIMIT = 4096
REPLAY_BATCH = 500
CLOSE_SLOW_CONSUMER = CloseCode.SLOW_CONSUMER
CLOSE_PING_TIMEOUT = CloseCode.PING_TIMEOUT
CLOSE_SERVER_STOPPING = CloseCode.SERVER_STOPPING


@dataclass(frozen=True)
class _Frame:
    text: str


@dataclass(frozen=True)
class _Replay:
    after: int


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


OutboxItem = LoggedEvent | _Frame | _Replay | _Close


def frame_size(raw: str | bytes) -> int:
    if isinstance(raw, bytes) or len(raw) * 4 <= 1024:
        return len(raw)
    return len(raw.encode())


class Connection:
    def __init__(self, ws: Websocket, config: Config, store: Store, hub: Hub, conversations: Conversations) -> None:
        self.ws = ws
        self.config = config
        self.store = store
        self.hub = hub
        self.conversations = conversations
        self.conversation_id: str | None = None
        self.client_id = ""
        self.last_sent_seq = 0
        self.outbox: asyncio.Queue[OutboxItem] = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        self.bucket = TokenBucket(config.rate_burst, config.rate_per_second)
        self.last_heard = time.monotonic()
        self.closing = False
        self.visible: bool | None = None  # the last `presence`: push_notifier.py reads it

    # Subscriber

    def offer_event(self, event: LoggedEvent) -> None:
        self._offer(event)

    def offer_frame(self, frame: str) -> None:
        self._offer(_Frame(frame))

    def offer_close(self, code: int, reason: str) -> None:
        self.closing = True
        with contextlib.suppress(asyncio.QueueFull):
            self.outbox.put_nowait(_Close(code, reason))
        if self.outbox.full():
            asyncio.get_running_loop().create_task(self.ws.close(code, reason))

    def _offer(self, item: OutboxItem) -> None:
        if self.closing:
            return
        try:
            self.outbox.put_nowait(item)
        except asyncio.QueueFull:
            log.info("dropping a socket that cannot keep up (conversation %s)", self.conversation_id)
            self.closing = True
            asyncio.get_running_loop().create_task(self.ws.close(CLOSE_SLOW_CONSUMER, "too slow; reconnect to catch up"))

    def _send(self, frame: dict[str, Any]) -> None:
        self._offer(_Frame(protocol.encode(frame)))

    def _error(self, error: ProtocolError) -> None:
        self._offer(_Frame(protocol.error_frame(error)))

    # lifecycle

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        sender = loop.create_task(self._sender())
        keepalive = loop.create_task(self._keepalive())
        try:
            with contextlib.suppress(ConnectionClosed):
                await self._reader()
        finally:
            if self.conversation_id:
                self.hub.detach(self.conversation_id, self)
            keepalive.cancel()
            sender.cancel()
            for task in (keepalive, sender):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _reader(self) -> None:
        while not self.closing:
            raw = await self.ws.recv()
            if raw is None:
                return
            self.last_heard = time.monotonic()
            try:
                await self._handle(raw)
            except ProtocolError as error:
                if error.code is ErrorCode.STORAGE_UNAVAILABLE and not error.client_msg_id:
                    error.client_msg_id = protocol.peek_client_msg_id(raw)  # which frame to send again
                log_event(log, "frame_refused", self.conversation_id, code=error.code.value)
                self._error(error)

    async def _handle(self, raw: str | bytes) -> None:
        if frame_size(raw) > self.config.max_frame_bytes:
            raise ProtocolError(ErrorCode.TOO_LARGE, f"frames are limited to {self.config.max_frame_bytes} bytes")
        if not self.bucket.take():
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "too many frames; slow down and resend", protocol.peek_client_msg_id(raw)
            )
        frame = protocol.parse_client_frame(raw, self.config.max_text_chars)
        if isinstance(frame, protocol.Ping):
            self._send({"type": "pong", "ts": frame.ts})
            return
        if isinstance(frame, protocol.Pong):
            return
        if isinstance(frame, protocol.Hello):
            await self._hello(frame)
            return
        if isinstance(frame, protocol.Presence):
            self.visible = frame.visible
            return
        if self.conversation_id is None:
            raise ProtocolError(ErrorCode.PROTOCOL, "send 'hello' first")
        if isinstance(frame, protocol.Send):
            stored = self.conversations.submit(self.conversation_id, frame.client_msg_id, frame.text, frame.attachments)
            self._ack(frame.client_msg_id, stored.seq, stored.duplicate)
        elif isinstance(frame, protocol.Approve):
            ended = await self.conversations.approve(self.conversation_id, frame, self.client_id)
            self._ack(frame.client_msg_id, ended.seq, ended.duplicate)
        elif isinstance(frame, protocol.SetMode):
            stored = await self.conversations.set_mode(self.conversation_id, frame.client_msg_id, frame.mode)
            self._ack(frame.client_msg_id, stored.seq, stored.duplicate)
        elif isinstance(frame, protocol.Stop):
            await self.conversations.stop(self.conversation_id)
        elif isinstance(frame, protocol.Recover):
            if frame.action == "retry":
                self.hub.metrics.recoveries.labels(kind="retry").inc()
            await self.conversations.recover(self.conversation_id, frame.action)

    def _ack(self, client_msg_id: str, seq: int, duplicate: bool) -> None:
        self._send({"type": "ack", "client_msg_id": client_msg_id, "seq": seq, "duplicate": duplicate})
        if duplicate:
            self.hub.metrics.duplicates_refused.labels(via="ws").inc()

    async def _hello(self, hello: protocol.Hello) -> None:
        if self.conversation_id is not None:
            raise ProtocolError(ErrorCode.PROTOCOL, "'hello' was already accepted on this connection")
        conversation = await self.conversations.open(
            hello.conversation_id, hello.agent_session_id, hello.create_key, hello.agent, hello.project_id
        )
        reset = hello.last_seq > conversation.head_seq
        self.conversation_id = conversation.id
        self.client_id = hello.client_id
        self.last_sent_seq = 0 if reset else hello.last_seq
        self.hub.attach(conversation.id, self)
        self._send(
            {
                "type": "welcome",
                "protocol": protocol.PROTOCOL_VERSION,
                "conversation_id": conversation.id,
                "head_seq": conversation.head_seq,
                "status": conversation.status,
                "agent": conversation.agent,
                "project_id": self.conversations.project_of(conversation),
                "agents": self.conversations.agent.names,
                "ping_interval_ms": int(self.config.ping_interval * 1000),
                "reset": reset,
                "permission_mode": conversation.permission_mode,
                "permission_modes": list(self.conversations.modes.allowed),
            }
        )
        self._offer(_Replay(self.last_sent_seq))

    async def _sender(self) -> None:
        while True:
            item = await self.outbox.get()
            if isinstance(item, LoggedEvent):
                await self._send_event(item)
            elif isinstance(item, _Frame):
                await self.ws.send(item.text)
            elif isinstance(item, _Replay):
                await self._replay()
            else:
                await self.ws.close(item.code, item.reason)
                return

    async def _replay(self) -> None:
        assert self.conversation_id is not None
        start = self.last_sent_seq
        await self._send_logged_through(None)
        self.hub.metrics.replayed(reconnect=start > 0, events=self.last_sent_seq - start)
        await self.ws.send(protocol.encode({"type": "replay_done", "head_seq": self.last_sent_seq}))

    async def _send_event(self, event: LoggedEvent) -> None:
        if event.seq <= self.last_sent_seq:
            return
        if event.seq > self.last_sent_seq + 1:
            await self._send_logged_through(event.seq - 1)
        await self.ws.send(event.frame())
        self.last_sent_seq = event.seq

    async def _send_logged_through(self, upto: int | None) -> None:
        """Send logged events after last_sent_seq (up to `upto`, or to the head), in batches."""
        assert self.conversation_id is not None
        while upto is None or self.last_sent_seq < upto:
            batch = self.store.events_after(self.conversation_id, self.last_sent_seq, REPLAY_BATCH)
            if upto is not None:
                batch = [e for e in batch if e.seq <= upto]
            if not batch:
                return
            for event in batch:
                await self.ws.send(event.frame())
                self.last_sent_seq = event.seq

    async def _keepalive(self) -> None:
        interval = self.config.ping_interval
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - self.last_heard > 2 * interval:
                log.info("closing a socket silent for two ping intervals")
                self.closing = True
                await self.ws.close(CLOSE_PING_TIMEOUT, "no answer to ping")
                return
            self._send({"type": "ping", "ts": now_ms()})
