"""The floor for figure 2: read the rows from SQLite and write the same frames to a WebSocket, nothing else.

No token, no validation, no outbox, no hub: on the first frame (a `hello`) it sends a welcome, every event
after `last_seq` as `LoggedEvent.frame()` would format it, then `replay_done`. Run as a subprocess:
`floor_server.py DB_PATH` prints `PORT <n>`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import orjson
from websockets.asyncio.server import ServerConnection, serve

BATCH = 500


def _rows(db: sqlite3.Connection, conversation_id: str, after: int) -> list[tuple[int, str, int, str]]:
    return db.execute(
        "SELECT seq, kind, ts, data FROM event WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (conversation_id, after, BATCH),
    ).fetchall()


async def handler(ws: ServerConnection, db: sqlite3.Connection) -> None:
    hello = orjson.loads(await ws.recv())
    conversation_id = hello["conversation_id"]
    last = int(hello.get("last_seq", 0))
    await ws.send(orjson.dumps({"type": "welcome", "protocol": 1, "conversation_id": conversation_id}).decode())
    while True:
        rows = _rows(db, conversation_id, last)
        if not rows:
            break
        for seq, kind, ts, data in rows:
            await ws.send(f'{{"type":"event","seq":{seq},"kind":"{kind}","ts":{ts},"data":{data}}}')
        last = rows[-1][0]
    await ws.send(orjson.dumps({"type": "replay_done", "head_seq": last}).decode())
    async for _ in ws:  # stay open until the client leaves
        pass


async def main(db_path: str) -> None:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=wal")
    async with serve(lambda ws: handler(ws, db), "127.0.0.1", 0, compression=None, max_size=None,
                     ping_interval=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
