"""A loopback TCP proxy for figure 5: it can hold the bytes of the links open now (a half-open link:
nothing flows, nothing closes) while new links pass. Runs its own event loop in a thread, so synchronous
Playwright code can steer it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    held: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            if writer.transport is not None:
                writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class HoldingProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._links: set[_Link] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bench-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> HoldingProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        self.cut()
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def hold_open_links(self) -> int:
        """From now on, bytes of the links open now go nowhere (in either direction); returns how many."""
        return self._call(self._hold())

    def cut(self) -> int:
        """Abort every link (the browser sees close 1006 at once); returns how many."""
        return self._call(self._cut())

    def cut_held(self) -> int:
        """Abort the held links only (clean-up after a measurement)."""
        return self._call(self._cut(held_only=True))

    @property
    def open_links(self) -> int:
        return len(self._links)

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _hold(self) -> int:
        for link in self._links:
            link.held = True
        return len(self._links)

    async def _cut(self, held_only: bool = False) -> int:
        links = [link for link in self._links if link.held or not held_only]
        for link in links:
            link.abort()
            self._links.discard(link)
        return len(links)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        link.tasks = [asyncio.ensure_future(self._pump(link, reader, up_writer)),
                      asyncio.ensure_future(self._pump(link, up_reader, writer))]
        await asyncio.gather(*link.tasks, return_exceptions=True)
        if not link.held:
            self._links.discard(link)
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.close()

    @staticmethod
    async def _pump(link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if link.held:
                    if not data:  # the other side closed: a half-open link never tells
                        await asyncio.Future()
                    continue  # swallowed
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            if link.held:
                await asyncio.Future()
