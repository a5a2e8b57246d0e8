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

from swe_swe.agents.leftovers import RunningAgents

log = logging.getLogger("swe_swe.agents")

STDOUT_LINE_LIMIT = 64 * 1024 * 1024
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
            limit=STDOUT_LINE_LIMIT,
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
        """The next stdout line without its newline; None at end of output."""
        stdout = self._proc.stdout
        assert stdout is not None
        try:
            line = await stdout.readline()
        except (ValueError, asyncio.LimitOverrunError):
            log.warning("agent process %s printed an over-long line; dropped", self.pid)
            return b""
        if not line:
            return None
        return line.rstrip(b"\r\n")

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
