"""Process plumbing for agent CLIs: spawn, line I/O on stdin/stdout, bounded stderr, stop, reap."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson

from swe_swe.agents.leftovers import RunningAgents

log = logging.getLogger("swe_swe.agents")

STDOUT_LINE_LIMIT = 4 * 1024 * 1024  # Claude's own tools cut their output far below this
STDOUT_READ_LIMIT = 64 * 1024  # what asyncio buffers ahead of us (it pauses the pipe past twice this)
TRUNCATED_HEAD_BYTES = 16 * 1024
STDERR_KEEP_LINES = 200


class AgentProcess:
    """One child process. It runs in its own session so a stop reaches the tools it started too."""

    def __init__(self, proc: asyncio.subprocess.Process, argv: Sequence[str], running: RunningAgents) -> None:
        self._proc = proc
        self._running = running
        self.argv = list(argv)
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_KEEP_LINES)
        self._stderr_task = asyncio.get_running_loop().create_task(self._drain_stderr())

    @classmethod
    async def spawn(cls, argv: Sequence[str], cwd: Path, env: Mapping[str, str], running: RunningAgents) -> AgentProcess:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(cwd),
            env=dict(env),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=STDOUT_READ_LIMIT,
            start_new_session=True,
        )
        log.info("agent process %s started: %s", proc.pid, " ".join(argv[:3]))
        running.note(proc.pid)
        return cls(proc, argv, running)

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode

    @property
    def alive(self) -> bool:
        return self._proc.returncode is None

    def stderr_text(self) -> str:
        return "\n".join(self.stderr_tail)

    async def write_line(self, line: str) -> bool:
        """False when the process no longer reads its stdin."""
        stdin = self._proc.stdin
        if stdin is None or stdin.is_closing():
            return False
        try:
            stdin.write(line.encode() + b"\n")
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    async def read_line(self) -> bytes | None:
        """The next stdout line without its newline; None at end of output.

        Read in pieces, keeping at most STDOUT_LINE_LIMIT bytes: a longer line (agent output comes
        from files and pages the agent read) becomes a marker holding its head and its size."""
        stdout = self._proc.stdout
        assert stdout is not None
        kept = bytearray()
        size = 0
        while True:
            try:
                part, done = await stdout.readuntil(b"\n"), True
            except asyncio.IncompleteReadError as error:
                part, done = error.partial, True
            except asyncio.LimitOverrunError as error:
                part, done = await stdout.read(max(error.consumed, 1)), False
            size += len(part)
            kept += part[: max(0, STDOUT_LINE_LIMIT - len(kept))]
            if done:
                break
        if size == 0:
            return None
        line = bytes(kept).rstrip(b"\r\n")
        line_size = size - _newline_length(part)
        if line_size <= STDOUT_LINE_LIMIT:
            return line
        log.warning("agent process %s printed a line of %d bytes; kept as a truncated marker", self.pid, line_size)
        return truncated_marker(line[:TRUNCATED_HEAD_BYTES], line_size)

    async def _drain_stderr(self) -> None:
        stderr = self._proc.stderr
        assert stderr is not None
        while True:
            try:
                line = await stderr.readline()
            except (ValueError, asyncio.LimitOverrunError):
                continue
            if not line:
                return
            text = line.decode(errors="replace").rstrip()
            self.stderr_tail.append(text)
            log.info("agent %s stderr: %s", self.pid, text)

    async def close_stdin(self) -> None:
        stdin = self._proc.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await stdin.wait_closed()

    def _signal(self, signum: int) -> None:
        if not self.alive:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signum)

    async def wait(self, timeout: float | None = None) -> int | None:
        """Reap the process; None if it is still running after `timeout` seconds."""
        try:
            code = await asyncio.wait_for(self._proc.wait(), timeout)
        except TimeoutError:
            return None
        self._running.forget(self._proc.pid)
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._stderr_task), 1.0)
        return code

    async def stop(self, grace: float) -> int:
        """SIGINT, then SIGKILL after `grace` seconds; always reaps."""
        self._signal(signal.SIGINT)
        code = await self.wait(grace)
        if code is not None:
            return code
        log.warning("agent process %s ignored SIGINT for %.1fs; killing", self.pid, grace)
        self._signal(signal.SIGKILL)
        code = await self.wait(None)
        return code if code is not None else -signal.SIGKILL

    async def close(self, grace: float) -> int:
        """End of a session: close stdin (the CLI exits 0 on EOF), then stop if it lingers."""
        await self.close_stdin()
        code = await self.wait(grace)
        if code is not None:
            return code
        return await self.stop(grace)


def _newline_length(last_part: bytes) -> int:
    return len(last_part) - len(last_part.rstrip(b"\r\n"))


def truncated_marker(head: bytes, size: int) -> bytes:
    """A stream-json `system` line in place of an over-long one: what it began with, and its size."""
    return orjson.dumps(
        {"type": "system", "subtype": "output_truncated", "bytes": size, "head": head.decode(errors="replace")}
    )
