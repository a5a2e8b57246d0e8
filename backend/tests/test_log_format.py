"""`--log-format json` (issue 13, item 10): one JSON object per line, and a structured event with every
recovery and every refused frame or request, naming the conversation and holding no content."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any

from claude_harness import claude_server
from http_client import call
from server_process import ServerProcess
from swe_swe.log_events import JsonFormatter, log_event
from ws_client import Client

SECRET = "sk-do-not-log-me-" + uuid.uuid4().hex


def json_lines(server: ServerProcess) -> list[dict[str, Any]]:
    """Every line of the log parsed as JSON (a line that is not one fails the test), start line aside."""
    lines = [line for line in server.log_text().splitlines() if line.strip() and not line.startswith("swe-swe ")]
    return [json.loads(line) for line in lines]


def wait_for(server: ServerProcess, event: str, timeout: float = 10) -> list[dict[str, Any]]:
    async def poll() -> list[dict[str, Any]]:
        for _ in range(int(timeout * 20)):
            found = [line for line in json_lines(server) if line.get("event") == event]
            if found:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {event} in {server.log_text()[-2000:]}")

    return asyncio.run(poll())


def test_json_log_lines_carry_refused_frames_and_requests_without_content(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--log-format", "json"]).start()
    try:
        async def scenario() -> str:
            client = await Client.connect(server.ws_url)
            cid = (await client.hello())["conversation_id"]
            await client.send_json({"type": "send", "client_msg_id": "not-an-id", "text": SECRET})
            assert (await client.recv_type("error"))["code"] == "bad_frame"
            await client.ws.send("{" + SECRET)
            assert (await client.recv_type("error"))["code"] == "bad_json"
            await client.close()
            return cid

        cid = asyncio.run(scenario())
        status, _ = call("POST", f"{server.base_url}/api/conversations/{cid}/messages", body={"text": SECRET})
        assert status == 400
        wait_for(server, "request_refused")
        frames = wait_for(server, "frame_refused")
    finally:
        server.terminate()
    lines = json_lines(server)
    assert {line["code"] for line in frames} == {"bad_frame", "bad_json"}
    for line in frames:
        assert line["conversation_id"] == cid and line["level"] == "info" and line["logger"] == "swe_swe.ws"
        assert line["ts"].endswith("+00:00")
    [request] = [line for line in lines if line["event"] == "request_refused"]
    assert request == {**request, "conversation_id": cid, "status": 400, "code": "bad_frame", "method": "POST"}
    assert SECRET not in server.log_text()
    assert str(tmp_path) not in server.log_text()


def test_json_log_lines_carry_every_recovery(tmp_path: Path) -> None:
    with claude_server(tmp_path, ["--log-format", "json"]) as (server, _api, _config):
        async def scenario() -> str:
            client = await Client.connect(server.ws_url)
            cid = (await client.hello())["conversation_id"]
            await client.send_json({"type": "recover", "action": "new"})
            await client.wait_event(lambda e: e["kind"] == "notice")
            await client.close()
            return cid

        cid = asyncio.run(scenario())
        [recovery] = wait_for(server, "recovery")
        assert recovery == {**recovery, "event": "recovery", "conversation_id": cid, "step": "new",
                            "outcome": "clean_session", "logger": "swe_swe.turns", "level": "info"}
        assert str(tmp_path) not in server.log_text()


def test_the_default_log_format_stays_text(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data").start()
    try:
        status, _ = call("GET", f"{server.base_url}/api/conversations/{uuid.uuid4()}/events?after=0")
        assert status == 404
    finally:
        server.terminate()
    line = next(line for line in server.log_text().splitlines() if "request_refused" in line)
    assert " INFO swe_swe: request_refused " in line and "status=404 code=not_found" in line


def test_a_plain_record_keeps_its_wording_and_an_exception_only_its_type() -> None:
    formatter = JsonFormatter()
    logger = logging.getLogger("swe_swe.test")
    try:
        raise ValueError(SECRET)
    except ValueError:
        record = logger.makeRecord("swe_swe.test", logging.ERROR, __file__, 1, "turn of %s failed", ("c1",),
                                   exc_info=__import__("sys").exc_info())
    line = json.loads(formatter.format(record))
    assert line == {**line, "event": "log", "message": "turn of c1 failed", "exception": "ValueError", "level": "error"}
    assert SECRET not in formatter.format(record) and __file__ not in formatter.format(record)


def test_an_event_below_the_level_costs_nothing(caplog: Any) -> None:
    logger = logging.getLogger("swe_swe.test.quiet")
    with caplog.at_level(logging.WARNING, logger="swe_swe.test.quiet"):
        log_event(logger, "recovery", "c1", step="new")
    assert caplog.records == []
