"""Agent processes that a dead server left running, stopped when a server starts on the same data dir.

A server killed with kill -9 cannot stop its agents. Each one lives on in its own session until its
turn ends, still running tools that nobody watches, while the restarted server tells the user the
turn was cut off and offers to ask it again: two agents could then work on the same files. So every
agent process is noted on disk while it runs, under a directory named after the server that started
it, and a starting server stops the agents of every server that is no longer alive. Servers that
share a data dir and are both alive leave each other's agents alone.

Processes are told apart by pid, boot id and start time (Linux's /proc), because a pid is reused.
Where /proc is missing nothing is noted and nothing is stopped.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("swe_swe.agents")

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@dataclass(frozen=True)
class ProcessIdentity:
    """One process, told apart from a later process that gets the same pid."""

    pid: int
    start_ticks: int
    boot_id: str

    @property
    def name(self) -> str:
        return f"{self.pid}-{self.start_ticks}-{self.boot_id}"

    @classmethod
    def parse(cls, name: str) -> ProcessIdentity | None:
        parts = name.split("-", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2])

    def alive(self) -> bool:
        return identify(self.pid) == self


def identify(pid: int) -> ProcessIdentity | None:
    """The identity of the running process `pid`, or None when there is none (or no /proc)."""
    boot_id = _boot_id()
    if boot_id is None:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (2nd field) may hold spaces and ")": the fields after it follow the last ")"
    after_name = stat.rsplit(")", 1)[-1].split()
    if len(after_name) < 20 or after_name[0] == "Z":
        return None
    return ProcessIdentity(pid, int(after_name[19]), boot_id)


class RunningAgents:
    """The note, on disk, of the agent processes this server started and has not yet reaped."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "running-agents"
        server = identify(os.getpid())
        self.own_dir = self.root / server.name if server else None
        self._notes: dict[int, Path] = {}

    def note(self, pid: int) -> None:
        agent = identify(pid)
        if self.own_dir is None or agent is None:
            return
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.own_dir.mkdir(mode=0o700, exist_ok=True)
        path = self.own_dir / agent.name
        path.touch(mode=0o600)
        self._notes[pid] = path

    def forget(self, pid: int) -> None:
        path = self._notes.pop(pid, None)
        if path is not None:
            path.unlink(missing_ok=True)

    def stop_leftovers(self) -> int:
        """Kill the process group of every agent noted by a server that is gone; returns how many."""
        if not self.root.is_dir():
            return 0
        stopped = 0
        for server_dir in self.root.iterdir():
            server = ProcessIdentity.parse(server_dir.name)
            if server is not None and server.alive():
                continue
            stopped += sum(_kill_group(ProcessIdentity.parse(note.name)) for note in server_dir.iterdir())
            shutil.rmtree(server_dir, ignore_errors=True)
        if stopped:
            log.warning("stopped %d agent process(es) left running by a server that did not shut down", stopped)
        return stopped


def _kill_group(agent: ProcessIdentity | None) -> bool:
    """SIGKILL to the agent's process group (agents start in their own session, so each leads one).
    With the leader gone, a group that still exists is the agent's own tools: its number stays taken
    while the group lives, so it cannot name another group."""
    if agent is None or _boot_id() != agent.boot_id:
        return False
    current = identify(agent.pid)
    if current is not None and current != agent:
        return False  # the pid now belongs to another process
    try:
        os.killpg(agent.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


@functools.cache
def _boot_id() -> str | None:
    """Fixed for the life of this process; read once."""
    try:
        return BOOT_ID.read_text().strip()
    except OSError:
        return None
