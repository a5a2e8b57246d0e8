"""Figure 6: scale on one process.

- N idle authenticated sockets (each said `hello` on a conversation of its own and answers the server's
  pings): server RSS and CPU per socket, for N = 1,000 then 5,000.
- Fan-out: one event (a user message sent by one more socket) to 1,000 sockets of one conversation;
  time until the last of them has it, against the same with a single listener.
- The store's append rate: `Store.append_event` (one transaction per event, WAL, synchronous=NORMAL),
  against a bare sqlite3 INSERT + COMMIT per row with the same pragmas and indexes; also with
  synchronous=FULL (an fsync per commit).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from dataclasses import dataclass, field

import orjson
import websockets

from common import Row, Settings, cpu_seconds, median, ms, rss_bytes, summary
from server_process import ServerProcess

PING_INTERVAL = 5.0
CONNECT_CONCURRENCY = 32


@dataclass(eq=False)
class Sock:
    ws: websockets.ClientConnection
    pongs: int = 0
    got_at: float = 0.0
    finished: int = 0
    close_code: int | None = None
    task: asyncio.Task[None] | None = None


@dataclass
class Swarm:
    """Many protocol-v1 sockets read by one lightweight loop each (no JSON parsing on the hot path)."""

    url: str
    socks: list[Sock] = field(default_factory=list)
    pending: int = 0
    all_got: asyncio.Event = field(default_factory=asyncio.Event)
    finished_target: int = 0
    all_finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self, conversation_id: str | None, last_seq: int = 0) -> tuple[Sock, str, int]:
        ws = await websockets.connect(self.url, compression=None, ping_interval=None, max_size=None,
                                      open_timeout=60, close_timeout=2)
        await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "client_id": "bench",
                                    "conversation_id": conversation_id, "last_seq": last_seq}).decode())
        welcome = orjson.loads(await ws.recv())
        while '"replay_done"' not in (await ws.recv())[:32]:
            pass
        sock = Sock(ws)
        sock.task = asyncio.get_running_loop().create_task(self._read(sock))
        self.socks.append(sock)
        return sock, welcome["conversation_id"], welcome["head_seq"]

    async def open_many(self, count: int, conversation_id: str | None = None, last_seq: int = 0) -> None:
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one() -> None:
            async with gate:
                await self.open(conversation_id, last_seq)

        await asyncio.gather(*(one() for _ in range(count)))

    async def _read(self, sock: Sock) -> None:
        try:
            async for raw in sock.ws:
                assert isinstance(raw, str)
                head = raw[:48]
                if head.startswith('{"type":"ping"'):
                    await sock.ws.send(orjson.dumps({"type": "pong", "ts": orjson.loads(raw)["ts"]}).decode())
                    sock.pongs += 1
                elif '"kind":"user_message"' in head:
                    sock.got_at = time.perf_counter()
                    self.pending -= 1
                    if self.pending == 0:
                        self.all_got.set()
                elif '"kind":"run_finished"' in head:
                    sock.finished += 1
                    if self.finished_target and all(s.finished >= self.finished_target for s in self.socks):
                        self.all_finished.set()
        except websockets.ConnectionClosed:
            pass
        sock.close_code = sock.ws.close_code

    def closed(self) -> int:
        return sum(1 for s in self.socks if s.close_code is not None)

    async def close_all(self) -> None:
        gate = asyncio.Semaphore(256)

        async def one(sock: Sock) -> None:
            async with gate:
                await sock.ws.close()
                if sock.task:
                    await sock.task

        await asyncio.gather(*(one(s) for s in self.socks), return_exceptions=True)
        self.socks.clear()


async def _idle(server: ServerProcess, counts: list[int], window: float) -> list[dict[str, float]]:
    assert server.proc is not None
    pid = server.proc.pid
    swarm = Swarm(server.ws_url)
    warm, _, _ = await swarm.open(None)
    await asyncio.sleep(1.0)
    rss0 = rss_bytes(pid)
    out: list[dict[str, float]] = []
    try:
        for count in counts:
            t0 = time.perf_counter()
            await swarm.open_many(count - (len(swarm.socks) - 1))
            connect_s = time.perf_counter() - t0
            await asyncio.sleep(2.0)
            rss = rss_bytes(pid)
            pongs0 = sum(s.pongs for s in swarm.socks)
            cpu0, w0 = cpu_seconds(pid), time.perf_counter()
            await asyncio.sleep(window)
            cpu1, w1 = cpu_seconds(pid), time.perf_counter()
            pongs = sum(s.pongs for s in swarm.socks) - pongs0
            out.append({
                "sockets": count, "connect_s": connect_s, "rss_bytes": rss, "rss_delta_bytes": rss - rss0,
                "rss_per_socket_bytes": (rss - rss0) / count, "cpu_s": cpu1 - cpu0, "window_s": w1 - w0,
                "cpu_core_fraction": (cpu1 - cpu0) / (w1 - w0), "pongs": pongs, "closed_by_server": swarm.closed(),
            })
    finally:
        await swarm.close_all()
    return out


async def _fanout(server: ServerProcess, listeners: int, reps: int) -> tuple[list[float], list[float]]:
    """Per rep: seconds until the last listener has the event, and the server's CPU seconds meanwhile."""
    assert server.proc is not None
    swarm = Swarm(server.ws_url)
    sender, conversation_id, head = await swarm.open(None)
    try:
        await swarm.open_many(listeners, conversation_id, head)
        await asyncio.sleep(1.0)
        times: list[float] = []
        cpus: list[float] = []
        for i in range(reps + 1):
            swarm.pending = len(swarm.socks)
            swarm.all_got.clear()
            swarm.all_finished.clear()
            swarm.finished_target = i + 1
            cpu0 = cpu_seconds(server.proc.pid)
            t0 = time.perf_counter()
            await sender.ws.send(orjson.dumps({"type": "send", "client_msg_id": str(uuid.uuid4()),
                                               "text": f"fan-out {i}"}).decode())
            await asyncio.wait_for(swarm.all_got.wait(), 60)
            cpu = cpu_seconds(server.proc.pid) - cpu0
            if i:  # the first one also starts the demo agent's process: not timed
                times.append(max(s.got_at for s in swarm.socks if s is not sender) - t0)
                cpus.append(cpu)
            await asyncio.wait_for(swarm.all_finished.wait(), 60)  # the demo turn's events are fanned out too
            await asyncio.sleep(0.3)
        return times, cpus
    finally:
        await swarm.close_all()


def _sql_store_class() -> type:
    """The fix suggested in docs/performance.md, measured here without touching the backend: `_append` as
    two prepared statements (`UPDATE … RETURNING head_seq`, then `INSERT`) instead of three peewee queries."""
    from swe_swe.store import LoggedEvent, Store, now_ms

    class SqlStore(Store):
        def _append(self, conversation_id, kind, data, client_msg_id):  # type: ignore[no-untyped-def]
            ts = now_ms()
            data_json = orjson.dumps(data).decode()
            seq = self.db.execute_sql(
                "UPDATE conversation SET head_seq = head_seq + 1, last_active_at = ? WHERE id = ? RETURNING head_seq",
                (ts, conversation_id)).fetchone()[0]
            self.db.execute_sql(
                "INSERT INTO event (conversation_id, seq, kind, ts, data, client_msg_id) VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, seq, kind, ts, data_json, client_msg_id))
            return LoggedEvent(seq=seq, kind=kind, ts=ts, data_json=data_json)

    return SqlStore


def _append_rates(settings: Settings, count: int, chunk: int = 250) -> dict[str, float]:
    """Events/s of each variant, run in interleaved chunks so that load on the machine hits all alike."""
    from swe_swe.store import Store, database

    data = {"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": "x" * 300}]}}
    data_json = orjson.dumps(data).decode()
    variants = {"store_normal": (Store, "normal"), "store_full": (Store, "full"),
                "store_normal_plain_sql": (_sql_store_class(), "normal")}
    stores = {}
    for name, (cls, sync) in variants.items():
        store = cls(settings.tmp / f"fig6-append-{name}.sqlite3")
        store.db.execute_sql(f"PRAGMA synchronous={sync}")
        stores[name] = (store, store.create_conversation("demo").id)

    raw = sqlite3.connect(settings.tmp / "fig6-append-raw.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("PRAGMA synchronous=normal")
    raw.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, conversation_id TEXT, seq INTEGER, kind TEXT, ts INTEGER,"
                " data TEXT, client_msg_id TEXT)")
    raw.execute("CREATE UNIQUE INDEX e1 ON event(conversation_id, seq)")
    raw.execute("CREATE UNIQUE INDEX e2 ON event(conversation_id, client_msg_id)")
    raw_conversation = str(uuid.uuid4())
    raw_seq = 0

    spent = dict.fromkeys([*variants, "raw_normal"], 0.0)
    for _ in range(max(1, count // chunk)):
        for name, (store, conversation_id) in stores.items():
            database.initialize(store.db)  # the models follow one database at a time
            t0 = time.perf_counter()
            for _ in range(chunk):
                store.append_event(conversation_id, "agent", data)
            spent[name] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(chunk):
            raw_seq += 1
            raw.execute("BEGIN")
            raw.execute("INSERT INTO event (conversation_id, seq, kind, ts, data) VALUES (?, ?, ?, ?, ?)",
                        (raw_conversation, raw_seq, "agent", int(time.time() * 1000), data_json))
            raw.execute("COMMIT")
        spent["raw_normal"] += time.perf_counter() - t0
    for store, _ in stores.values():
        store.close()
    raw.close()
    done = max(1, count // chunk) * chunk
    return {name: done / seconds for name, seconds in spent.items()}


def run(settings: Settings) -> list[Row]:
    counts = [1000, 5000]
    window = PING_INTERVAL * settings.runs(3, 2)
    server = ServerProcess(data_dir=settings.tmp / "fig6-data", agent="demo", ping_interval=PING_INTERVAL,
                           env={"SWE_SWE_DEMO_DELAY": "0"}).start()
    try:
        idle = asyncio.run(_idle(server, counts, window))
    finally:
        server.terminate()
    reps = settings.runs(7, 3)
    server = ServerProcess(data_dir=settings.tmp / "fig6-fanout", agent="demo", ping_interval=30,
                           env={"SWE_SWE_DEMO_DELAY": "0"}).start()
    try:
        one, _ = asyncio.run(_fanout(server, 1, reps))
        many, many_cpu = asyncio.run(_fanout(server, 1000, reps))
    finally:
        server.terminate()
    rates = _append_rates(settings, settings.runs(3000, 1000))

    rows: list[Row] = []
    for step in idle:
        n = int(step["sockets"])
        per_1000 = step["cpu_core_fraction"] / n * 1000 * 100
        rows.append(Row(
            "6", f"{n:,} idle sockets: server RSS per socket", round(step["rss_per_socket_bytes"] / 1024, 1), "KiB",
            note=(f"RSS {step['rss_bytes'] / 2**20:.0f} MiB; CPU {per_1000:.2f}% of a core per 1,000 sockets at one "
                  f"ping/{PING_INTERVAL:.0f} s (≈{per_1000 * PING_INTERVAL / 30:.2f}% at the default 30 s); "
                  f"{int(step['pongs'])} pongs, {int(step['closed_by_server'])} closed; connected in "
                  f"{step['connect_s']:.1f} s"),
            target="(reported)", details=step,
        ))
    ratio = median(many) / median(one)
    rows.append(Row(
        "6b", "fan-out of one event to 1,000 sockets (last one)", ms(median(many)), "ms", ms(median(one)),
        "the same to 1 socket", round(ratio, 1), "(reported)", None,
        note=(f"{median(many) * 1e6 / 1000:.0f} µs per socket; server CPU meanwhile {ms(median(many_cpu)):.0f} ms "
              "(10 ms clock ticks); the 1,000 clients run in one Python process on the same 2 cores"),
        details={"fanout_1000_s": summary(many), "fanout_1_s": summary(one), "server_cpu_1000_s": summary(many_cpu, 3)},
    ))
    rows.append(Row(
        "6c", "store append rate (commit per event, WAL, synchronous=NORMAL)", round(rates["store_normal"]), "events/s",
        round(rates["raw_normal"]), "bare sqlite3 INSERT+COMMIT, same pragmas", round(rates["store_normal"] / rates["raw_normal"], 3),
        "(reported)", None,
        note=(f"synchronous=FULL (fsync per commit): {rates['store_full']:,.0f} events/s; with _append as plain "
              f"SQL: {rates['store_normal_plain_sql']:,.0f} events/s"),
        details={k: round(v) for k, v in rates.items()},
    ))
    return rows
