"""A loopback TCP proxy that tests steer to make networks misbehave.

Between the browser and the server it can cut every connection (the browser sees close 1006 at
once), hold bytes without closing (a half-open link that only a ping watchdog notices: either every
link, paused until released, or only the links open now, whose bytes are then swallowed while new
links pass), delay each chunk (per-frame latency; CDP throttling only delays the handshake), or
refuse new connections.
It runs its own event loop in a thread so synchronous Playwright tests can drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    swallowing: bool = False

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            transport = writer.transport
            if transport is not None:
                transport.abort()
        for task in self.tasks:
            task.cancel()


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.delay_s = 0.0
        self.bytes_forwarded = 0
        self._holding = threading.Event()
        self._refusing = False
        self._links: set[_Link] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None

    # control, from the test's thread

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        self.cut()
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def cut(self) -> int:
        """Abort every open connection; returns how many there were."""
        return self._call(self._cut())

    def hold(self, holding: bool = True) -> None:
        """Stop (or resume) forwarding bytes; connections stay open."""
        if holding:
            self._holding.set()
        else:
            self._holding.clear()

    def hold_open_links(self) -> int:
        """From now on the links open now swallow their bytes and never report a close, while new
        links pass: a half-open link the page can only notice by its ping watchdog. Returns how many."""
        return self._call(self._swallow())

    def cut_held(self) -> int:
        """Abort the links `hold_open_links` took (clean-up after a measurement); returns how many."""
        return self._call(self._cut(swallowing_only=True))

    def refuse(self, refusing: bool = True) -> None:
        """New connections are closed at once (a server that is down, as seen through the proxy)."""
        self._refusing = refusing

    def retarget(self, port: int) -> None:
        self.target_port = port

    @property
    def open_connections(self) -> int:
        return len(self._links)

    def _call(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    # the proxy itself, on its own loop

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        # a pipe whose partner ended, one that swallows a half-open link, or an accept still connecting
        # upstream may still wait: end them all
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _swallow(self) -> int:
        for link in self._links:
            link.swallowing = True
        return len(self._links)

    async def _cut(self, swallowing_only: bool = False) -> int:
        links = [link for link in self._links if link.swallowing or not swallowing_only]
        for link in links:
            link.abort()
            self._links.discard(link)
        return len(links)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._track(asyncio.current_task())  # stop() may come while it still connects upstream
        if self._refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        link.tasks = [
            asyncio.create_task(self._pipe(reader, up_writer, link)),
            asyncio.create_task(self._pipe(up_reader, writer, link)),
        ]
        for task in link.tasks:
            self._track(task)

    def _track(self, task: asyncio.Task[None] | None) -> None:
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link) -> None:
        try:
            while True:
                chunk = await reader.read(65536)
                if link.swallowing:
                    if not chunk:  # a half-open link never tells that the other side closed
                        await asyncio.Future()
                    continue
                if not chunk:
                    break
                while self._holding.is_set():
                    await asyncio.sleep(0.02)
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
                writer.write(chunk)
                await writer.drain()
                self.bytes_forwarded += len(chunk)
        except (ConnectionError, OSError):
            if link.swallowing:
                await asyncio.Future()
        except asyncio.CancelledError:
            pass
        finally:
            if not link.swallowing:
                self._links.discard(link)
            with contextlib.suppress(Exception):
                writer.close()
