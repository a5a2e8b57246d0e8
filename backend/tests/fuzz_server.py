"""Item 9 of issue 13: a seeded generator of hostile WebSocket frames and HTTP requests, run against a
real server (demo agent). `make fuzz` runs 10,000 cases or more; test_fuzz.py runs a short seed.

It asserts: the server stays up; every socket is answered (a `pong` to a closing `ping`) or closed
cleanly (a close frame, never 1006 or 1011); every HTTP request gets a status line and no 5xx but
503; nothing outside the shell's files is served; no traceback in the server log; RSS bounded.

    python backend/tests/fuzz_server.py --cases 10000 [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_process import ServerProcess  # noqa: E402

FRAME_TYPES = ("hello", "send", "approve", "set_mode", "stop", "recover", "ping", "pong", "presence", "nope", "", None)
# what a served file must never be: the database, the token, the repository's own files
SECRETS = (b"SQLite format 3", b"[project]", b"#!/usr/bin/env", b"def main(")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "G\x00T", "get", "")
CLEAN_CLOSES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 4001, 4002, 4004}
# the server's memory may grow by this much over a run, after warm-up (the log and caches grow a little)
RSS_GROWTH_LIMIT_KB = 64 * 1024


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Stats:
    cases: int = 0
    sockets: int = 0
    answered: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    closes: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    rss_start_kb: int = 0
    rss_end_kb: int = 0

    def fail(self, what: str) -> None:
        if len(self.failures) < 50:
            self.failures.append(what)


class Generator:
    """Hostile values, all drawn from one seeded Random."""

    def __init__(self, rng: random.Random, conversations: list[str]) -> None:
        self.rng = rng
        self.conversations = conversations

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def uuidish(self) -> Any:
        r = self.rng
        good = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return self.pick(good, good.upper(), good[:-1], good + "\n", "{" + good + "}", good.replace("-", ""),
                         "../" + good, "%2e%2e%2f" + good, good[:8] + "\\" + good[9:], "", None, 0, -1, 2**64, [], {},
                         True, "\u0000" * 36, "ａ" * 36, "a" * r.choice((1, 37, 5000)),
                         self.rng.choice(self.conversations) if self.conversations else good)

    def text(self) -> Any:
        r = self.rng
        return self.pick("hi", "", " \n\t", None, 0, [], {"text": "x"}, "\U0001f600" * r.randint(1, 50),
                         "x" * r.choice((1, 1000, 100_001)), "\u202e\u0000bad", "<script>alert(1)</script>",
                         "http://a" + ")" * 2000, "`" * 500, "*" * 500, "[" * 500)

    def number(self) -> Any:
        return self.pick(0, 1, -1, 2**31, 2**63, -(2**63), 1e308, float("nan"), float("inf"), 0.5, "1", None, True, [], 10**40)

    def frame(self) -> str | bytes:
        r = self.rng
        kind = r.randrange(12)
        if kind == 0:  # not JSON at all
            return self.pick("", "{", "null", "[]", "\"hello\"", "1", "{\"type\":", b"\xff\xfe\x00", b"\x00" * 64,
                             "{" * 5000, "[" * 5000, "{\"a\":" * 1000, b"\xed\xa0\x80", "ＮＵＬＬ")
        if kind == 1:  # JSON, not an object or no type
            return json.dumps(self.pick([], [{"type": "ping"}], {"typ": "ping"}, {"type": ["ping"]}, {"type": 1}))
        obj: dict[str, Any] = {"type": self.pick(*FRAME_TYPES)}
        for name in r.sample(("protocol", "client_id", "conversation_id", "last_seq", "client_msg_id", "text",
                              "approval_id", "decision", "message", "answers", "mode", "action", "ts", "visible",
                              "agent", "project_id", "create_key", "agent_session_id", "__proto__"), r.randint(0, 6)):
            obj[name] = self.value(name)
        if kind == 2:  # a well-formed send into a known conversation (the ack path, a turn)
            obj = {"type": "send", "client_msg_id": str(uuid.UUID(int=r.getrandbits(128), version=4)), "text": "fuzz turn"}
        text = json.dumps(obj, ensure_ascii=r.random() < 0.5)  # big ints, NaN and Infinity included
        if kind == 3:
            text += " \x00"
        return text.encode() if r.random() < 0.3 else text

    def value(self, name: str) -> Any:
        if name in ("conversation_id", "client_msg_id", "approval_id", "agent_session_id", "create_key", "project_id"):
            return self.uuidish()
        if name in ("last_seq", "ts", "protocol"):
            return self.number()
        if name in ("text", "message", "client_id"):
            return self.text()
        if name == "decision":
            return self.pick("allow", "deny", "allow_always", "ALLOW", "", None, 1)
        if name == "mode":
            return self.pick("default", "plan", "acceptEdits", "bypassPermissions", "../../etc", "", None)
        if name == "action":
            return self.pick("retry", "new_session", "restore", "", None, "x" * 1000)
        if name == "answers":
            return self.pick({}, {"q": "a"}, {"q": ["a", 1]}, [], "x", {"q": {"nested": [[[]]]}})
        if name == "visible":
            return self.pick(True, False, "yes", None, 1)
        return self.pick(None, 1, "x", [], {})

    def path(self) -> str:
        r = self.rng
        base = self.pick("/", "/api/health", "/api/conversations", "/ws", "/index.html", "/app.js", "/sw.js",
                         "/api/conversations/" + str(self.uuidish()) + "/events", "/api/conversations/x/messages",
                         "/api/metrics", "/api/sessions", "/manifest.webmanifest", "/icons/icon-192.png",
                         "/api/projects/x/files?q=a&limit=", "/api/projects/0000000000000000/files?q=")
        trick = self.pick("", "/..", "/%2e%2e", "/%2e%2e/%2e%2e/pyproject.toml", "/../../swe-swe.sqlite3",
                          "/..%2f..%2fpackage.json", "/..\\..\\package.json", "//evil.example/", "///", "/%00",
                          "/%ff%fe", "/" + "a" * r.choice((10, 5000, 70_000)), "/icons/make_icons.py", "/package.json",
                          "/%252e%252e/", "/.git/config", "/;/..;/", "/\u00e9", "?after=-1", "?after=x&limit=99999999",
                          "?token=" + "x" * 100, "#frag", "/./././", "/~root")
        return base + trick if r.random() < 0.7 else trick or "/"

    def http_request(self, token: str, port: int) -> bytes:
        r = self.rng
        method = self.pick(*METHODS)
        path = self.path()
        headers = [f"Host: {self.pick(f'127.0.0.1:{port}', 'evil.example', '', 'localhost:1', 'x' * 10000, '127.0.0.1:' + str(port) + ', evil')}"]
        if r.random() < 0.7:
            headers.append(f"Authorization: Bearer {self.pick(token, 'wrong', '', token + 'x', 'x' * 5000)}")
        if r.random() < 0.3:
            headers.append(f"Origin: {self.pick('http://evil.example', 'null', f'http://127.0.0.1:{port}', '', 'file://')}")
        if r.random() < 0.2:
            headers.append("Sec-Fetch-Site: " + self.pick("same-origin", "cross-site", "none"))
        if r.random() < 0.05:
            headers.append("X-Huge: " + "h" * r.choice((8_000, 70_000, 200_000)))
        if r.random() < 0.1:
            headers += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                        "Sec-WebSocket-Key: " + self.pick("dGhlIHNhbXBsZSBub25jZQ==", "", "bad")]
        body = b""
        if method in ("POST", "PUT", "PATCH") or r.random() < 0.1:
            frame = self.frame()
            body = frame if isinstance(frame, bytes) else frame.encode("utf-8", "surrogatepass")
            headers.append("Content-Type: " + self.pick("application/json", "text/plain", "application/json; charset=latin-1",
                                                        "multipart/form-data; boundary=x", ""))
            length = self.pick(len(body), len(body), len(body), 0, len(body) + 10, -1, "abc", 10**12)
            headers.append(f"Content-Length: {length}")
            if r.random() < 0.05:
                headers.append("Transfer-Encoding: chunked")
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(h + "\r\n" for h in headers) + "Connection: close\r\n\r\n"
        return head.encode("utf-8", "surrogatepass") + body


class Fuzzer:
    def __init__(self, server: ServerProcess, seed: int) -> None:
        self.server = server
        self.rng = random.Random(seed)
        self.conversations: list[str] = []
        self.gen = Generator(self.rng, self.conversations)
        self.stats = Stats()

    async def run(self, cases: int) -> Stats:
        assert self.server.proc is not None
        warm = max(1, cases // 10)
        while self.stats.cases < cases:
            if self.stats.rss_start_kb == 0 and self.stats.cases >= warm:
                self.stats.rss_start_kb = rss_kb(self.server.proc.pid)
            if self.rng.random() < 0.5:
                await self.socket()
            else:
                await asyncio.gather(*(self.http() for _ in range(8)))
            if self.server.proc.poll() is not None:
                self.stats.fail(f"the server died after {self.stats.cases} cases")
                break
        self.stats.rss_end_kb = rss_kb(self.server.proc.pid)
        self.stats.rss_start_kb = self.stats.rss_start_kb or self.stats.rss_end_kb
        return self.stats

    async def socket(self) -> None:
        """One socket: a hello (valid or not), a batch of hostile frames, then a ping that must be answered."""
        self.stats.sockets += 1
        ws = await websockets.connect(self.server.ws_url, max_size=None, open_timeout=10)
        try:
            if self.rng.random() < 0.8:
                cid = self.rng.choice(self.conversations) if len(self.conversations) >= 3 else None
                await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "client_id": "fuzz", "conversation_id": cid, "last_seq": 0}).decode())
            for _ in range(self.rng.randint(1, 40)):
                self.stats.cases += 1
                await ws.send(self.gen.frame())
            await ws.send('{"type":"ping","ts":7}')
            while True:
                frame = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
                self.stats.answered[frame["type"]] += 1
                if frame["type"] == "welcome" and frame["conversation_id"] not in self.conversations:
                    self.conversations.append(frame["conversation_id"])
                if frame["type"] == "pong" and frame.get("ts") == 7:
                    break
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else 1006
            self.stats.closes[code] += 1
            if code not in CLEAN_CLOSES:
                self.stats.fail(f"socket closed uncleanly ({code})")
        except TimeoutError:
            self.stats.fail("a socket got neither its pong nor a close in 10 s")
        finally:
            with contextlib.suppress(Exception):
                await ws.close()

    async def http(self) -> None:
        self.stats.cases += 1
        request = self.gen.http_request(self.server.token, self.server.port)
        reader, writer = await asyncio.open_connection("127.0.0.1", self.server.port)
        try:
            writer.write(request)
            with contextlib.suppress(OSError):  # the server may have closed already (ENOTCONN on write_eof)
                await writer.drain()
                # nothing more comes: a body shorter than its Content-Length must not leave the server
                # rightly waiting for the rest (seen as a false "no answer" at 10,000 cases)
                writer.write_eof()
            response = await asyncio.wait_for(reader.read(4 * 1024 * 1024), 10)
        except (ConnectionError, TimeoutError) as error:
            self.stats.fail(f"no answer to {request[:120]!r}: {error!r}")
            return
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        if not response:
            self.stats.statuses[0] += 1  # closed without a word: allowed for bytes that are not HTTP
            return
        try:
            status = int(response.split(b" ", 2)[1])
        except (IndexError, ValueError):
            self.stats.fail(f"not an HTTP answer to {request[:120]!r}: {response[:120]!r}")
            return
        self.stats.statuses[status] += 1
        if status >= 500 and status != 503:
            self.stats.fail(f"{status} for {request[:160]!r}")
        body = response.partition(b"\r\n\r\n")[2]
        if status == 200 and any(secret in body for secret in SECRETS):
            self.stats.fail(f"served something it must not for {request[:160]!r}")


def fuzz(cases: int, seed: int, data_dir: Path) -> Stats:
    server = ServerProcess(
        data_dir=data_dir, env={"SWE_SWE_DEMO_DELAY": "0.01"},
        extra_args=["--http-rate-burst", "1000000", "--http-rate-per-second", "1000000"],
    ).start()
    try:
        stats = asyncio.run(Fuzzer(server, seed).run(cases))
        if server.proc is None or server.proc.poll() is not None:
            stats.fail("the server is down at the end")
    finally:
        server.terminate()
    log = server.log_text()
    if "Traceback" in log:
        at = log.index("Traceback")
        stats.fail("a traceback in the server log:\n" + log[max(0, at - 500): at + 3000])
    if stats.rss_end_kb - stats.rss_start_kb > RSS_GROWTH_LIMIT_KB:
        stats.fail(f"RSS grew from {stats.rss_start_kb} kB to {stats.rss_end_kb} kB")
    return stats


def report(stats: Stats, seed: int, seconds: float) -> str:
    return (f"fuzz seed {seed}: {stats.cases} cases ({stats.sockets} sockets) in {seconds:.1f} s; "
            f"RSS {stats.rss_start_kb // 1024} → {stats.rss_end_kb // 1024} MiB after warm-up; "
            f"HTTP statuses {dict(sorted(stats.statuses.items()))}; closes {dict(stats.closes)}; "
            f"frames answered {dict(stats.answered.most_common())}; {len(stats.failures)} failures")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None, help="default: a new one, printed")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"fuzz seed {seed} (replay with --seed {seed})", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="swe-swe-fuzz-") as tmp:
        stats = fuzz(args.cases, seed, Path(tmp) / "data")
    print(report(stats, seed, time.monotonic() - started))
    for failure in stats.failures:
        print("FAIL:", failure)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
