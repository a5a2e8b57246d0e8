"""R5 (issue 13): a full disk and a database locked by another process. The client gets a clear
`storage_unavailable` error naming its message, nothing is acked that was not stored, reads and
replays keep working, and writes work again by themselves when space or the lock comes back."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from http_client import call
from server_process import ServerProcess
from test_metrics import scrape
from ws_client import Client, run_finished


@contextlib.contextmanager
def small_disk(where: Path, size: str = "32m") -> Iterator[Path]:
    """A size-limited file system (tmpfs) mounted at `where`; skips where mounting is not allowed."""
    where.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of `disk`; return the file that holds them."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC
            chunk = b"\0"  # the last few bytes
            with contextlib.suppress(OSError):
                while True:
                    f.write(chunk)
    return filler


async def refused(client: Client, client_msg_id: str) -> dict[str, Any]:
    """The answer to a send: must be a storage_unavailable error for it, never an ack."""
    while True:
        frame = await client.recv(10)
        assert not (frame["type"] == "ack" and frame["client_msg_id"] == client_msg_id), f"acked but not stored: {frame}"
        if frame["type"] == "error":
            return frame


async def acked(client: Client, client_msg_id: str) -> dict[str, Any]:
    while True:
        frame = await client.recv(10)
        assert frame["type"] != "error", frame
        if frame["type"] == "ack" and frame["client_msg_id"] == client_msg_id:
            return frame


def check_log(server: ServerProcess, db: Path, conversation_id: str, texts: list[str]) -> None:
    """Every seq once and gap-free, each message stored once, and the database whole."""
    status, body = call("GET", f"{server.base_url}/api/conversations/{conversation_id}/events?after=0")
    assert status == 200, body
    events = body["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    sent = [e["data"]["text"] for e in events if e["kind"] == "user_message"]
    assert sent == texts
    assert db.is_file()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def the_storage_fault(server: ServerProcess, break_it: Any, mend_it: Any) -> str:
    client = await Client.connect(server.ws_url)
    welcome = await client.hello()
    cid = welcome["conversation_id"]
    first = await client.send_message("before the fault")
    await acked(client, first)
    await client.wait_event(run_finished)
    last_seq = client.events[-1]["seq"]

    break_it()
    second = await client.send_message("during the fault")
    error = await refused(client, second)
    assert error["code"] == "storage_unavailable"
    assert error["client_msg_id"] == second
    assert "send it again" in error["message"]
    # over HTTP too: 503, nothing stored
    status, body = call("POST", f"{server.base_url}/api/conversations/{cid}/messages",
                        body={"client_msg_id": str(uuid.uuid4()), "text": "by http, during the fault"})
    assert (status, body["error"]["code"]) == (503, "storage_unavailable"), body
    # reads keep working: the list, a replay on a new socket, the events route
    status, body = call("GET", f"{server.base_url}/api/conversations")
    assert status == 200 and [c["id"] for c in body["conversations"]] == [cid]
    reader = await Client.connect(server.ws_url)
    await reader.hello(cid, last_seq=0)
    assert [e["seq"] for e in reader.events] == list(range(1, last_seq + 1))
    await reader.close()
    assert scrape(server)[("swe_swe_storage_errors_total", ())] >= 2

    mend_it()  # and no restart: the same server, the same socket; the client sends the refused frame again
    await client.send_message("during the fault", client_msg_id=second)
    ack = await acked(client, second)
    assert ack["duplicate"] is False and ack["seq"] == last_seq + 1
    await client.wait_event(lambda e: run_finished(e) and e["seq"] > ack["seq"])
    await client.close()
    return cid


def test_a_full_disk_refuses_writes_clearly_and_recovers_when_space_returns(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        server = ServerProcess(data_dir=disk / "data", log_dir=tmp_path).start()
        filler: list[Path] = []
        try:
            cid = asyncio.run(the_storage_fault(server, lambda: filler.append(fill(disk)), lambda: filler[0].unlink()))
            check_log(server, disk / "data" / "swe-swe.sqlite3", cid, ["before the fault", "during the fault"])
        finally:
            server.terminate()
        log = server.log_path.read_text() if server.log_path else ""
        assert "Traceback" not in log, log[-3000:]


def test_a_database_locked_by_another_process_refuses_writes_and_recovers(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data").start()
    db = tmp_path / "data" / "swe-swe.sqlite3"
    holder: list[subprocess.Popen[str]] = []

    def lock() -> None:
        # another process takes the write lock and keeps it (in WAL mode readers still read)
        code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.read()")
        p = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert p.stdout and p.stdout.readline().strip() == "locked"
        holder.append(p)

    def unlock() -> None:
        p = holder[0]
        assert p.stdin
        p.stdin.close()
        p.wait(10)

    try:
        cid = asyncio.run(the_storage_fault(server, lock, unlock))
        check_log(server, db, cid, ["before the fault", "during the fault"])
    finally:
        for p in holder:
            if p.poll() is None:
                p.kill()
        server.terminate()
    log = server.log_path.read_text() if server.log_path else ""
    assert "Traceback" not in log, log[-3000:]


def test_only_storage_failures_become_storage_unavailable(tmp_path: Path) -> None:
    from peewee import OperationalError

    from swe_swe.errors import StorageUnavailable
    from swe_swe.store import Store

    store = Store(tmp_path / "s.db", busy_timeout_ms=50)
    counted: list[int] = []
    store.db.on_storage_error = lambda: counted.append(1)
    with pytest.raises(OperationalError):
        store.db.execute_sql("SELECT * FROM no_such_table")  # a bug stays a bug, loud
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageUnavailable):
        store.create_conversation("demo")
    other.execute("ROLLBACK")
    store.create_conversation("demo")
    assert counted == [1]


def test_a_disk_filling_mid_turn_ends_the_turn_cleanly_and_says_so_when_space_returns(tmp_path: Path) -> None:
    """The turn's events cannot be stored while the disk is full: they are dropped (never sent unstored),
    the turn still ends (`run_finished`, no run left open, nothing stuck pending), and once space
    returns a notice says what was lost. No traceback."""
    with small_disk(tmp_path / "disk") as disk:
        server = ServerProcess(data_dir=disk / "data", log_dir=tmp_path, env={"SWE_SWE_DEMO_DELAY": "1.5"}).start()
        db = disk / "data" / "swe-swe.sqlite3"

        async def scenario() -> str:
            client = await Client.connect(server.ws_url)
            cid = (await client.hello())["conversation_id"]
            first = await client.send_message("a turn the disk fills under")
            await acked(client, first)
            await client.wait_event(lambda e: e["kind"] == "run_started")
            filler = fill(disk)
            await asyncio.sleep(4)  # the agent finishes its turn meanwhile; nothing of it can be stored
            filler.unlink()
            finished = await client.wait_event(run_finished, timeout=15)
            assert finished["data"]["outcome"] == "ok"
            notice = await client.wait_event(lambda e: e["kind"] == "notice" and "disk" in e["data"]["text"], timeout=5)
            assert notice["data"]["level"] == "warning"
            second = await client.send_message("after the disk is back")
            await acked(client, second)
            await client.wait_event(lambda e: run_finished(e) and e["seq"] > finished["seq"])
            await client.close()
            return cid

        try:
            cid = asyncio.run(scenario())
            check_log(server, db, cid, ["a turn the disk fills under", "after the disk is back"])
            with sqlite3.connect(db) as con:
                assert con.execute("SELECT COUNT(*) FROM agentrun WHERE ended_at IS NULL").fetchone()[0] == 0
        finally:
            server.terminate()
        log = server.log_path.read_text() if server.log_path else ""
        assert "Traceback" not in log, log[-3000:]


def test_a_disk_filling_mid_turn_keeps_the_run_and_session_writes_for_when_space_returns(tmp_path: Path, caplog: Any) -> None:
    """Not only the turn's events: the run's pid and start, the agent session ids and the recovery history
    are written mid-turn too. With the disk full none of them raises out of the turn (no traceback, the
    turn ends `ok`); the run's and conversation's fields are written once space returns, before the run
    is closed, and a recovery row that could not be kept is counted in the notice."""
    from swe_swe.agents.base import Agent, ConversationRef, RunOutcome, Turn, TurnResult, TurnSink
    from swe_swe.approvals import Approvals
    from swe_swe.hub import Hub
    from swe_swe.store import AgentRun, Store
    from swe_swe.turns import TurnRunner

    old_session, new_session = str(uuid.uuid4()), str(uuid.uuid4())

    class FillingAgent(Agent):
        name = "demo"

        def __init__(self, disk: Path) -> None:
            self.disk = disk

        async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
            filler = fill(self.disk)
            sink.recovery(old_session, "fallback", "new_session", "recap 10 chars")
            sink.lost_agent_session(old_session)
            sink.process_started(4242)
            sink.agent_session_changed(new_session)
            sink.run_started(resumed=False, fallback=True)
            sink.log("assistant_text", {"text": "lost with the disk"})
            asyncio.get_running_loop().call_later(1.5, filler.unlink)
            return TurnResult(RunOutcome.OK, 0)

        async def stop_turn(self, conversation_id: str) -> None:
            """Not asked for here."""

        async def close(self, conversation_id: str) -> None:
            """Nothing to close."""

        async def shutdown(self) -> None:
            """Nothing to stop."""

    with small_disk(tmp_path / "disk") as disk:
        store = Store(disk / "db.sqlite3", busy_timeout_ms=50)
        refusals: list[int] = []
        store.db.on_storage_error = lambda: refusals.append(1)
        conversation_id = store.create_conversation("demo", agent_session_id=old_session).id
        store.add_user_message(conversation_id, str(uuid.uuid4()), "a turn the disk fills under")

        async def one_turn() -> None:
            runner = TurnRunner(store, hub := Hub(store), FillingAgent(disk), Approvals(store, hub))
            runner.kick(conversation_id)
            for _ in range(200):
                if not runner.is_busy(conversation_id):
                    return
                await asyncio.sleep(0.05)
            raise AssertionError("the turn never ended")

        with caplog.at_level("INFO"):
            asyncio.run(one_turn())
        try:
            assert len(refusals) >= 5  # every write of the turn met the full disk
            [run] = list(AgentRun.select())
            assert run.ended_at is not None and run.outcome == "ok"
            assert (run.pid, run.fallback) == (4242, True)
            conversation = store.get_conversation(conversation_id)
            assert (conversation.agent_session_id, conversation.lost_agent_session_id) == (new_session, old_session)
            assert store.recovery_history(conversation_id) == []  # dropped, and counted below
            events = [(e.kind, e.as_dict()["data"]) for e in store.events_after(conversation_id, 0, 100)]
            assert [kind for kind, _ in events] == ["user_message", "notice", "run_finished"]
            assert "3 of the agent's updates" in events[1][1]["text"]  # the recovery row, run_started, the assistant text
            assert events[2][1]["outcome"] == "ok"
            assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"], caplog.text
        finally:
            store.close()
