"""Protocol v1 over a real server and a real WebSocket client (I1, I2, I3, I5 and bad input)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
import websockets

from server_process import ServerProcess
from ws_client import Client, run_finished


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def finished_conversation(server: ServerProcess, text: str = "hello world") -> tuple[str, list[dict[str, Any]]]:
    client = await Client.connect(server.ws_url)
    welcome = await client.hello()
    await client.send_message(text)
    await client.wait_event(run_finished)
    await client.close()
    return welcome["conversation_id"], client.events


def test_new_conversation_turn_produces_gap_free_log(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        assert welcome["head_seq"] == 0 and welcome["agent"] == "demo" and welcome["reset"] is False
        mid = await client.send_message("count my words please")
        ack = await client.recv_type("ack")
        assert ack == {"type": "ack", "client_msg_id": mid, "seq": 1, "duplicate": False}
        await client.wait_event(run_finished)
        kinds = [e["kind"] for e in client.events]
        assert [e["seq"] for e in client.events] == list(range(1, len(client.events) + 1))
        assert kinds[0] == "user_message" and "run_started" in kinds and kinds[-1] == "run_finished"
        agent_types = [e["data"]["type"] for e in client.events if e["kind"] == "agent"]
        assert {"system", "assistant", "user", "result"} <= set(agent_types)
        assert client.events[-1]["data"] == {"outcome": "ok", "exit_code": None}
        await client.close()

    run(scenario())


def test_reconnect_at_every_point_replays_exactly_the_rest(server: ServerProcess) -> None:
    async def scenario() -> None:
        conversation_id, events = await finished_conversation(server)
        head = events[-1]["seq"]
        for last_seq in range(0, head + 1):
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(conversation_id, last_seq)
            assert welcome["head_seq"] == head and welcome["reset"] is False
            assert [e["seq"] for e in client.events] == list(range(last_seq + 1, head + 1))
            assert client.events == [e for e in events if e["seq"] > last_seq]
            await client.close()

    run(scenario())


def test_events_produced_while_away_arrive_once_in_order(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        await client.send_message("first message goes out")
        await client.wait_event(lambda e: e["kind"] == "run_started")
        seen = [e["seq"] for e in client.events]
        await client.ws.close()  # drop mid-turn: the turn must go on (I3)
        await asyncio.sleep(2.0)
        again = await Client.connect(server.ws_url)
        await again.hello(welcome["conversation_id"], seen[-1])
        await again.wait_event(run_finished)
        assert [e["seq"] for e in again.events] == list(range(seen[-1] + 1, seen[-1] + 1 + len(again.events)))
        assert again.events[-1]["data"]["outcome"] == "ok"
        await again.close()

    run(scenario())


def test_duplicate_sends_are_applied_once(server: ServerProcess) -> None:
    async def scenario() -> None:
        a = await Client.connect(server.ws_url)
        welcome = await a.hello()
        mid = str(uuid.uuid4())
        await a.send_message("only once", mid)
        await a.send_message("only once, retried", mid)
        b = await Client.connect(server.ws_url)
        await b.hello(welcome["conversation_id"], 0)
        await b.send_message("from another tab", mid)
        acks = [await a.recv_type("ack"), await a.recv_type("ack"), await b.recv_type("ack")]
        assert [(x["seq"], x["duplicate"]) for x in acks] == [(1, False), (1, True), (1, True)]
        await a.wait_event(run_finished)
        messages = [e for e in a.events if e["kind"] == "user_message"]
        assert len(messages) == 1 and messages[0]["data"]["text"] == "only once"
        assert len([e for e in a.events if e["kind"] == "run_started"]) == 1
        await a.close()
        await b.close()

    run(scenario())


def test_two_sockets_see_the_same_events(server: ServerProcess) -> None:
    async def scenario() -> None:
        a = await Client.connect(server.ws_url)
        welcome = await a.hello()
        b = await Client.connect(server.ws_url)
        await b.hello(welcome["conversation_id"], 0)
        await b.send_message("from b")
        await a.wait_event(run_finished)
        await b.wait_event(run_finished)
        assert a.events == b.events and len(a.events) > 5
        await a.close()
        await b.close()

    run(scenario())


def test_messages_queue_and_run_in_order_then_stop(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        await client.send_message("one")
        await client.send_message("two")
        await client.wait_event(lambda e: e["kind"] == "run_started")
        await client.send_json({"type": "stop"})
        stopped = await client.wait_event(run_finished)
        assert stopped["data"]["outcome"] == "stopped"
        second = await client.wait_event(lambda e: run_finished(e) and e["seq"] > stopped["seq"])
        assert second["data"]["outcome"] == "ok"
        texts = [e["data"]["text"] for e in client.events if e["kind"] == "user_message"]
        assert texts == ["one", "two"]
        await client.send_json({"type": "stop"})  # nothing running: changes nothing
        await client.send_json({"type": "ping", "ts": 7})
        assert (await client.recv_type("pong"))["ts"] == 7
        await client.close()

    run(scenario())


def test_last_seq_beyond_head_resets(server: ServerProcess) -> None:
    async def scenario() -> None:
        conversation_id, events = await finished_conversation(server)
        client = await Client.connect(server.ws_url)
        welcome = await client.hello(conversation_id, 10_000)
        assert welcome["reset"] is True
        assert client.events == events
        await client.close()

    run(scenario())


def test_adopting_an_agent_session_id(server: ServerProcess) -> None:
    async def scenario() -> None:
        session_id = str(uuid.uuid4())
        client = await Client.connect(server.ws_url)
        await client.hello(None, 0, agent_session_id=session_id)
        await client.send_message("hi")
        await client.wait_event(run_finished)
        init = next(e for e in client.events if e["kind"] == "agent" and e["data"]["type"] == "system")
        assert init["data"]["session_id"] == session_id
        started = next(e for e in client.events if e["kind"] == "run_started")
        assert started["data"]["resumed"] is True
        await client.close()

    run(scenario())


def test_a_repeated_create_key_opens_the_same_conversation(server: ServerProcess) -> None:
    """A page reloaded (or cut off) after its `hello` created a conversation but before it stored the
    id says `hello` again: the same key must not make an empty twin."""

    async def scenario() -> None:
        key = str(uuid.uuid4())
        first = await Client.connect(server.ws_url)
        created = await first.hello(None, 0, create_key=key)
        await first.close()
        again = await Client.connect(server.ws_url)
        reopened = await again.hello(None, 0, create_key=key)
        await again.send_message("the first message, sent after the reload")
        await again.wait_event(run_finished)
        await again.close()
        other = await Client.connect(server.ws_url)
        fresh = await other.hello(None, 0, create_key=str(uuid.uuid4()))
        await other.close()
        assert reopened["conversation_id"] == created["conversation_id"]
        assert reopened["head_seq"] == 0
        assert fresh["conversation_id"] != created["conversation_id"]
        bad = await Client.connect(server.ws_url)
        frame = await expect_error(bad, json.dumps({"type": "hello", "protocol": 1, "client_id": "t", "conversation_id": None,
                                                    "last_seq": 0, "create_key": "not-a-uuid"}), "bad_frame")
        assert "create_key" in frame["message"]
        await bad.close()

    run(scenario())


async def expect_error(client: Client, raw: str | bytes, code: str) -> dict[str, Any]:
    await client.ws.send(raw)
    frame = await client.recv_type("error")
    assert frame["code"] == code, frame
    assert "/" not in frame["message"]
    return frame


def test_bad_input_gets_error_frames_and_connection_stays_usable(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await expect_error(client, json.dumps({"type": "send", "client_msg_id": str(uuid.uuid4()), "text": "x"}), "protocol")
        await expect_error(client, json.dumps({"type": "hello", "protocol": 1, "client_id": "t", "conversation_id": str(uuid.uuid4()), "last_seq": 0}), "not_found")
        await client.hello()
        await expect_error(client, "{not json", "bad_json")
        await expect_error(client, json.dumps({"type": "teleport"}), "unknown_type")
        await expect_error(client, json.dumps({"type": "send", "client_msg_id": "nope", "text": "x"}), "bad_frame")
        empty_id, long_id = str(uuid.uuid4()), str(uuid.uuid4())
        refused = await expect_error(client, json.dumps({"type": "send", "client_msg_id": empty_id, "text": ""}), "bad_frame")
        assert refused["client_msg_id"] == empty_id, "the client must know which message was refused"
        refused = await expect_error(client, json.dumps({"type": "send", "client_msg_id": long_id, "text": "x" * 100_001}), "too_large")
        assert refused["client_msg_id"] == long_id
        await expect_error(client, "x" * (1024 * 1024 + 1), "too_large")
        await expect_error(client, json.dumps({"type": "hello", "protocol": 1, "client_id": "t", "conversation_id": None, "last_seq": 0}), "protocol")
        await client.send_json({"type": "ping", "ts": 1})
        assert (await client.recv_type("pong"))["ts"] == 1
        assert client.events == []  # nothing was logged by the bad frames
        await client.close()

    run(scenario())


def test_floods_are_rate_limited_without_closing(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        for i in range(150):
            await client.send_json({"type": "ping", "ts": i})
        mid = await client.send_message("sent into the flood")
        codes = []
        for _ in range(151):
            frame = await client.recv()
            codes.append(frame.get("code") or frame["type"])
        assert "rate_limited" in codes and codes.count("pong") >= 99  # the hello took one token
        assert client.frames[-1] == {"type": "error", "code": "rate_limited", "message": client.frames[-1]["message"], "client_msg_id": mid}
        await asyncio.sleep(1.0)
        await client.send_json({"type": "ping", "ts": 999})
        assert (await client.recv_type("pong"))["ts"] == 999
        await client.close()

    run(scenario())


@pytest.mark.parametrize(
    "url_suffix, headers, status",
    [
        ("", {}, 401),
        ("?token=wrong", {}, 401),
        ("?token=test-token", {"Origin": "http://evil.example"}, 403),
    ],
)
def test_refusals_happen_before_the_upgrade(server: ServerProcess, url_suffix: str, headers: dict[str, str], status: int) -> None:
    async def scenario() -> None:
        url = f"ws://127.0.0.1:{server.port}/ws{url_suffix}"
        with pytest.raises(websockets.InvalidStatus) as info:
            await websockets.connect(url, additional_headers=headers)
        assert info.value.response.status_code == status

    run(scenario())


def raw_upgrade_status(port: int, host: str) -> int:
    """websockets sets Host itself, so a rebinding-style Host is sent by hand."""
    import socket

    request = (
        f"GET /ws?token=test-token HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request.encode())
        return int(sock.recv(4096).split(b" ")[1])


def test_unexpected_host_is_refused_before_the_upgrade(server: ServerProcess) -> None:
    assert raw_upgrade_status(server.port, "evil.example") == 403
    assert raw_upgrade_status(server.port, f"evil.example:{server.port}") == 403
    assert raw_upgrade_status(server.port, f"localhost:{server.port}") == 101


def test_token_as_bearer_and_same_origin_are_accepted(server: ServerProcess) -> None:
    async def scenario() -> None:
        url = f"ws://127.0.0.1:{server.port}/ws"
        headers = {"Authorization": "Bearer test-token", "Origin": f"http://127.0.0.1:{server.port}"}
        client = Client(await websockets.connect(url, additional_headers=headers))
        assert (await client.hello())["type"] == "welcome"
        await client.close()

    run(scenario())


def test_silent_socket_is_closed_after_two_ping_intervals(tmp_path: Any) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", ping_interval=0.5).start()
    try:
        async def scenario() -> None:
            ws = await websockets.connect(server.ws_url)
            await ws.send(json.dumps({"type": "hello", "protocol": 1, "client_id": "t", "conversation_id": None, "last_seq": 0}))
            loop = asyncio.get_running_loop()
            started = loop.time()
            pings = 0
            with pytest.raises(websockets.ConnectionClosed) as info:
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    pings += frame["type"] == "ping"
            assert info.value.rcvd.code == 4002
            assert pings >= 1 and loop.time() - started < 2.5

        asyncio.run(scenario())
    finally:
        server.terminate()
