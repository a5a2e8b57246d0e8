"""R6 (issue 13): `make soak` — an hour of traffic against a demo-agent server on loopback, watching for leaks.

Traffic: idle sockets that only answer pings (some reconnect now and then, replaying what they missed),
and chatters that connect, send one to three messages, wait for each turn to end, and disconnect; the
demo agent's processes come and go with `--agent-idle`. Every `--interval` seconds it samples the
server's RSS, open file descriptors (/proc/<pid>/fd), asyncio tasks (`swe_swe_asyncio_tasks` from
/api/metrics) and agent processes (the server's children). After the warm-up, growth is the median of
the last three samples against the median of the first three; the target is under 5%.

    make soak                                  # 60 minutes
    .venv/bin/python bench/soak.py --minutes 3 # a short run

Not part of `make test`. Prints a table; writes bench/soak-results.json (gitignored) with every sample.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for _p in (REPO / "backend" / "tests", REPO / "backend"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from server_process import ServerProcess  # noqa: E402
from test_metrics import scrape  # noqa: E402
from ws_client import Client  # noqa: E402

TARGET_GROWTH = 0.05
WATCHED = ("rss_mib", "fds", "tasks")


@dataclass
class Sample:
    t: float
    rss_mib: float
    fds: int
    tasks: int
    agents: int
    turns: int
    sockets: int


@dataclass
class Counts:
    turns: int = 0
    sends: int = 0
    reconnects: int = 0
    errors: int = 0


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> int:
    """Processes whose parent is the server: its agent processes."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            raw = Path(f"/proc/{entry}/stat").read_text()
            if int(raw[raw.rindex(")") + 2 :].split()[1]) == pid:
                count += 1
    return count


def sample(server: ServerProcess, started: float) -> Sample:
    assert server.proc is not None
    pid = server.proc.pid
    found = scrape(server)
    turns = sum(v for (name, _labels), v in found.items() if name == "swe_swe_turns_total")
    return Sample(
        t=round(time.monotonic() - started, 1),
        rss_mib=round(rss_mib(pid), 2),
        fds=len(os.listdir(f"/proc/{pid}/fd")),
        tasks=int(found[("swe_swe_asyncio_tasks", ())]),
        agents=children(pid),
        turns=int(turns),
        sockets=int(found[("swe_swe_sockets_open", ())]),
    )


async def idle_socket(server: ServerProcess, stop: asyncio.Event, counts: Counts, reconnect_every: float) -> None:
    """Holds a socket open, answering pings; now and then drops it and comes back with its last seq."""
    conversation_id: str | None = None
    last_seq = 0
    while not stop.is_set():
        try:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(conversation_id, last_seq=last_seq)
            conversation_id = welcome["conversation_id"]
            if last_seq:
                counts.reconnects += 1
            hold = random.uniform(0.5, 1.5) * reconnect_every
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(_answer_pings(client, stop), hold)
            last_seq = max([last_seq, *(e["seq"] for e in client.events)])
            await client.close()
        except Exception:
            counts.errors += 1
            await asyncio.sleep(1)


async def _answer_pings(client: Client, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await client.recv(1.0)  # Client.recv answers a ping with a pong


async def chatter(server: ServerProcess, stop: asyncio.Event, counts: Counts, conversations: int) -> None:
    """Connects to one of its conversations (replaying what it missed), sends 1–3 messages, waits for
    each turn, disconnects, pauses."""
    known: list[tuple[str | None, int]] = [(None, 0)] * conversations
    while not stop.is_set():
        slot = random.randrange(conversations)
        conversation_id, last_seq = known[slot]
        try:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(conversation_id, last_seq=last_seq)
            if conversation_id:
                counts.reconnects += 1
            for _ in range(random.randint(1, 3)):
                counts.sends += 1
                mid = await client.send_message(f"soak message {counts.sends}")
                ack = await client.recv_type("ack", 30)
                assert ack["client_msg_id"] == mid
                await client.wait_event(lambda e, seq=ack["seq"]: e["kind"] == "run_finished" and e["seq"] > seq, 60)
                counts.turns += 1
            known[slot] = (welcome["conversation_id"], max([last_seq, *(e["seq"] for e in client.events)]))
            await client.close()
        except Exception:
            counts.errors += 1
        await asyncio.sleep(random.uniform(0.2, 2.0))


def growth(values: list[float]) -> tuple[float, float, float]:
    """(start, end, growth): medians of the first and last three samples after the warm-up."""
    start = statistics.median(values[:3])
    end = statistics.median(values[-3:])
    return start, end, (end - start) / start if start else 0.0


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="swe-swe-soak-"))
    server = ServerProcess(
        data_dir=data / "data",
        ping_interval=args.ping_interval,
        env={"SWE_SWE_DEMO_DELAY": str(args.demo_delay)},
        extra_args=["--agent-idle", str(args.agent_idle), "--log-level", "warning",
                    "--http-rate-burst", "1000", "--http-rate-per-second", "100"],
    ).start()
    stop = asyncio.Event()
    counts = Counts()
    started = time.monotonic()
    duration = args.minutes * 60
    warmup = args.warmup_minutes * 60 if args.warmup_minutes is not None else min(600.0, duration / 3)
    loop = asyncio.get_running_loop()
    workers = [loop.create_task(idle_socket(server, stop, counts, args.reconnect_every)) for _ in range(args.idle_sockets)]
    workers += [loop.create_task(chatter(server, stop, counts, args.conversations)) for _ in range(args.chatters)]
    taken: list[Sample] = []
    try:
        while time.monotonic() - started < duration:
            await asyncio.sleep(args.interval)
            taken.append(await asyncio.to_thread(sample, server, started))
            s = taken[-1]
            print(f"{s.t:7.0f}s  rss {s.rss_mib:7.1f} MiB  fds {s.fds:4d}  tasks {s.tasks:4d}  agents {s.agents:3d}  "
                  f"sockets {s.sockets:3d}  turns {s.turns}", flush=True)
        stop.set()
        await asyncio.wait(workers, timeout=30)
        await asyncio.sleep(args.agent_idle + 3)  # the agents' idle time: their processes should be gone
        quiet = await asyncio.to_thread(sample, server, started)
    finally:
        stop.set()
        for worker in workers:
            worker.cancel()
        server.terminate()
    log = server.log_text()
    after = [s for s in taken if s.t >= warmup]
    result: dict[str, Any] = {
        "minutes": args.minutes, "warmup_s": warmup, "interval_s": args.interval, "settings": vars(args),
        "counts": asdict(counts), "samples": [asdict(s) for s in taken], "quiet": asdict(quiet),
        "tracebacks": log.count("Traceback"), "growth": {},
    }
    if len(after) >= 6:
        for name in WATCHED:
            start, end, grew = growth([float(getattr(s, name)) for s in after])
            result["growth"][name] = {"start": start, "end": end, "growth": grew, "met": grew < TARGET_GROWTH}
    result["agents_range"] = [min(s.agents for s in taken), max(s.agents for s in taken)] if taken else []
    return result


def report(result: dict[str, Any]) -> None:
    c = result["counts"]
    print(f"\nsoak: {result['minutes']} min, warm-up {result['warmup_s']:.0f} s; {c['turns']} turns, "
          f"{c['sends']} sends, {c['reconnects']} reconnects, {c['errors']} client errors, "
          f"{result['tracebacks']} tracebacks in the server log")
    if not result["growth"]:
        print("too few samples after the warm-up to measure growth (lengthen --minutes or shorten --interval)")
    for name, g in result["growth"].items():
        verdict = "met" if g["met"] else "MISSED"
        print(f"  {name:8s} {g['start']:9.1f} → {g['end']:9.1f}  growth {g['growth'] * 100:+6.1f}%  (target < 5%: {verdict})")
    q = result["quiet"]
    print(f"  agents   {result['agents_range'][0]}–{result['agents_range'][1]} during the run; "
          f"{q['agents']} after the traffic stopped and the idle time passed (tasks {q['tasks']}, fds {q['fds']}, sockets {q['sockets']})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--warmup-minutes", type=float, default=None, help="default: a third of the run, at most 10")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    p.add_argument("--idle-sockets", type=int, default=50)
    p.add_argument("--reconnect-every", type=float, default=60.0, help="seconds an idle socket holds on, ±50%%")
    p.add_argument("--chatters", type=int, default=4)
    p.add_argument("--conversations", type=int, default=4, help="per chatter")
    p.add_argument("--agent-idle", type=float, default=10.0)
    p.add_argument("--ping-interval", type=float, default=5.0)
    p.add_argument("--demo-delay", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "soak-results.json")
    args = p.parse_args()
    random.seed(args.seed)
    result = asyncio.run(soak(args))
    args.out.write_text(json.dumps(result, indent=1, default=str))
    report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
