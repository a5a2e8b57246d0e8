"""Agents a dead server left running are stopped at the next start; nothing else is (Linux /proc)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from swe_swe.agents.leftovers import ProcessIdentity, RunningAgents, identify


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _agent(processes: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """A stand-in agent leading its own process group, with a tool of its own running in that group."""
    proc = subprocess.Popen(["sh", "-c", "sleep 60 & wait"], start_new_session=True)
    processes.append(proc)
    return proc


def _dead_server() -> ProcessIdentity:
    proc = subprocess.Popen(["sleep", "60"])
    identity = identify(proc.pid)
    proc.kill()
    proc.wait()
    assert identity is not None and not identity.alive()
    return identity


def _note(data: Path, server: ProcessIdentity, agent: ProcessIdentity) -> None:
    (data / "running-agents" / server.name).mkdir(parents=True, exist_ok=True)
    (data / "running-agents" / server.name / agent.name).touch()


def _group_running(pgid: int) -> bool:
    """Whether a process of the group still runs (a killed one may stay a zombie until it is reaped)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[-1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == pgid and state != "Z":
            return True
    return False


def test_a_dead_servers_agents_are_killed_with_their_tools(tmp_path: Path, processes: list) -> None:
    agent = _agent(processes)
    identity = identify(agent.pid)
    assert identity is not None
    _note(tmp_path, _dead_server(), identity)
    assert RunningAgents(tmp_path).stop_leftovers() == 1
    assert agent.wait(5) == -9
    deadline = time.monotonic() + 5
    while _group_running(agent.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_running(agent.pid), "the agent's tools are gone too"
    assert list((tmp_path / "running-agents").iterdir()) == []


def test_a_live_servers_agents_are_left_alone(tmp_path: Path, processes: list) -> None:
    agent = _agent(processes)
    live_server = RunningAgents(tmp_path)
    live_server.note(agent.pid)
    assert RunningAgents(tmp_path).stop_leftovers() == 0, "another server on this data dir is still running"
    assert agent.poll() is None
    live_server.forget(agent.pid)
    assert [list(d.iterdir()) for d in (tmp_path / "running-agents").iterdir()] == [[]]


def test_a_reused_pid_is_not_killed(tmp_path: Path, processes: list) -> None:
    stranger = _agent(processes)
    identity = identify(stranger.pid)
    assert identity is not None
    earlier = ProcessIdentity(identity.pid, identity.start_ticks - 1, identity.boot_id)
    _note(tmp_path, _dead_server(), earlier)
    assert RunningAgents(tmp_path).stop_leftovers() == 0
    assert stranger.poll() is None


def test_notes_from_before_a_reboot_are_dropped(tmp_path: Path, processes: list) -> None:
    agent = _agent(processes)
    identity = identify(agent.pid)
    assert identity is not None
    _note(tmp_path, _dead_server(), ProcessIdentity(identity.pid, identity.start_ticks, "another-boot"))
    assert RunningAgents(tmp_path).stop_leftovers() == 0
    assert agent.poll() is None
    assert list((tmp_path / "running-agents").iterdir()) == []
