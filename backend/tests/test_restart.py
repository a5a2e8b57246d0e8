"""kill -9 and restart: nothing acknowledged is lost, the cut turn says so, queued turns run (I1, I3)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

from server_process import ServerProcess
from swe_swe.agents.leftovers import identify
from ws_client import Client, run_finished


def test_kill_9_mid_turn_then_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data_dir=data).start()
    port = server.port

    async def before() -> tuple[str, list[str]]:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        ids = [await client.send_message("first"), await client.send_message("second")]
        acks = [await client.recv_type("ack"), await client.recv_type("ack")]
        assert [a["client_msg_id"] for a in acks] == ids
        await client.wait_event(lambda e: e["kind"] == "run_started")
        server.kill()
        return welcome["conversation_id"], ids

    conversation_id, ids = asyncio.run(before())
    server = ServerProcess(data_dir=data, port=port).start()
    try:
        async def after() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(conversation_id, 0)
            finished = await client.wait_event(run_finished)
            assert finished["data"] == {"outcome": "interrupted", "exit_code": None}
            messages = [e["data"]["client_msg_id"] for e in client.events if e["kind"] == "user_message"]
            assert messages == ids
            # the second message never started before the crash: it runs now, by itself
            second = await client.wait_event(lambda e: run_finished(e) and e["seq"] > finished["seq"])
            assert second["data"]["outcome"] == "ok"
            assert welcome["status"] in ("interrupted", "running")
            assert any(e["kind"] == "notice" and "cut off" in e["data"]["text"] for e in client.events)
            await client.send_message("third")
            third = await client.wait_event(lambda e: run_finished(e) and e["seq"] > second["seq"])
            assert third["data"]["outcome"] == "ok"
            assert [e["seq"] for e in client.events] == list(range(1, len(client.events) + 1))
            await client.close()

        asyncio.run(after())
    finally:
        server.terminate()


def test_sigterm_mid_turn_marks_it_interrupted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data_dir=data).start()
    port = server.port

    async def before() -> str:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        await client.send_message("long work")
        await client.wait_event(lambda e: e["kind"] == "run_started")
        server.terminate()
        return welcome["conversation_id"]

    conversation_id = asyncio.run(before())
    server = ServerProcess(data_dir=data, port=port).start()
    try:
        async def after() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(conversation_id, 0)
            assert welcome["status"] == "interrupted"
            finished = [e for e in client.events if run_finished(e)]
            assert [e["data"]["outcome"] for e in finished] == ["interrupted"]
            await client.close()

        asyncio.run(after())
    finally:
        server.terminate()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _listening(port: int) -> bool:
    """Whether any process still has a socket listening on this loopback port (Linux's table)."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return any(row[3] == "0A" and int(row[1].split(":")[1], 16) == port for row in rows)


def test_an_agent_outliving_a_crash_is_stopped_by_the_restart(tmp_path: Path) -> None:
    """After kill -9 the agent process lives on, running its turn for nobody. It must not hold the
    server's listening socket (uvloop hands inheritable descriptors to children): the restart could
    not bind, and the agent could accept the server's connections. The restart stops it: that turn
    is reported cut off, and asking again must not put a second agent to the same work."""
    data = tmp_path / "data"
    server = ServerProcess(data_dir=data, env={"SWE_SWE_DEMO_DELAY": "30"}).start()
    assert server.proc is not None

    async def crash_mid_turn() -> list[int]:
        client = await Client.connect(server.ws_url)
        await client.hello()
        await client.send_message("a long turn")
        await client.wait_event(lambda e: e["kind"] == "run_started")
        agents = _children(server.proc.pid)
        server.kill()
        return agents

    agents = asyncio.run(crash_mid_turn())
    try:
        assert agents and all(Path(f"/proc/{pid}").exists() for pid in agents), "an agent outlives the crash"
        assert not _listening(server.port), "the port is still held after the server died"
        restarted = ServerProcess(data_dir=data, port=server.port).start()
        restarted.terminate()
        deadline = time.monotonic() + 2  # SIGKILL is quick; the demo agent would die by itself much later
        while any(identify(pid) for pid in agents) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(identify(pid) for pid in agents), "the restart stopped the agent"
        assert "stopped 1 agent process(es) left running" in restarted.log_text()
    finally:
        for pid in agents:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
