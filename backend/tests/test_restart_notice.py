"""A turn cut off by a stop of the server says why, whichever way the server stopped: the graceful stop
(SIGTERM, e.g. a deploy) logs the same `notice` after `run_finished {interrupted}` as the start after a
crash does (docs/protocol.md, Turns: "ends `interrupted` (plus a `notice`)")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from server_process import ServerProcess
from swe_swe.turns import INTERRUPTED_NOTICE
from ws_client import Client


def test_sigterm_mid_turn_logs_the_interrupted_notice_once(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data").start()

    async def before() -> str:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        await client.send_message("long work")
        await client.wait_event(lambda e: e["kind"] == "run_started")
        server.terminate()
        return welcome["conversation_id"]

    conversation_id = asyncio.run(before())
    server = ServerProcess(data_dir=tmp_path / "data", port=server.port).start()
    try:
        async def after() -> list[tuple[str, dict[str, Any]]]:
            client = await Client.connect(server.ws_url)
            await client.hello(conversation_id, 0)  # returns once the replay is done
            await client.close()
            return [(e["kind"], e["data"]) for e in client.events]

        events = asyncio.run(after())
        tail = [(kind, data) for kind, data in events if kind in ("run_finished", "notice")]
        assert tail == [
            ("run_finished", {"outcome": "interrupted", "exit_code": None}),
            ("notice", {"level": "warning", "text": INTERRUPTED_NOTICE}),
        ]
    finally:
        server.terminate()
