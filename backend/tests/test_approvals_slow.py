"""An approval answered after ten minutes still runs the tool (the phone was in a pocket). Real claude CLI.

Slow: runs under `make chaos` (SWE_SWE_SLOW=1), not `make test`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from claude_harness import claude_server
from ws_client import Client, answer_approval, run_finished

WAIT_SECONDS = float(os.environ.get("SWE_SWE_APPROVAL_WAIT", "600"))

pytestmark = pytest.mark.skipif(os.environ.get("SWE_SWE_SLOW") != "1", reason="slow: runs under make chaos")


def test_an_approval_answered_after_ten_minutes_runs_the_tool(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with claude_server(tmp_path, ["--ping-interval", "5"]) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message("BASH:echo patient >> pocket.txt")
            requested = await client.wait_event(lambda e: e["kind"] == "approval_requested", timeout=60)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + WAIT_SECONDS
            while loop.time() < deadline:  # keep the socket answering pings while we wait
                try:
                    await client.recv(timeout=min(5.0, max(0.01, deadline - loop.time())))
                except TimeoutError:
                    pass
            assert not [e for e in client.events if e["kind"] in ("approval_resolved", "approval_cancelled")]
            ack = await answer_approval(client, requested["data"]["approval_id"], "allow")
            assert ack["duplicate"] is False
            finished = await client.wait_event(run_finished, timeout=60)
            assert finished["data"]["outcome"] == "ok"
            assert (work / "pocket.txt").read_text() == "patient\n"
            await client.close()

        asyncio.run(scenario())
