"""Attachments: blobs uploaded by content hash (`PUT /api/blobs/{sha256}`), sent with a message, handed
to the agent as content blocks, and deleted with their conversation."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import socket
import stat
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from claude_harness import claude_server
from http_client import call
from server_process import ServerProcess
from swe_swe import protocol
from swe_swe.agents.base import Attachment, Turn
from swe_swe.agents.stream_json import turn_content
from swe_swe.blobs import MAX_BLOB_BYTES, UNREFERENCED_GRACE_SECONDS, Blobs
from swe_swe.errors import ProtocolError
from swe_swe.store import Store
from ws_client import Client, run_finished

# a 1×1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(server: ServerProcess, data: bytes, name: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    return call("PUT", f"{server.base_url}/api/blobs/{name or sha(data)}", raw=data,
                headers={"Content-Type": "application/octet-stream", **(headers or {})})


def store_blob(blobs: Blobs, data: bytes, name: str | None = None) -> Any:
    writer = blobs.writer(name or sha(data))
    writer.write(data)
    return writer.finish()


# the blob store


def test_blobs_are_private_typed_and_idempotent(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path / "data")
    info = store_blob(blobs, PNG)
    assert (info.sha256, info.size, info.media_type) == (sha(PNG), len(PNG), "image/png")
    assert store_blob(blobs, PNG) == info, "the same bytes again are the same blob"
    assert stat.S_IMODE(blobs.dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(blobs.path(info.sha256).stat().st_mode) == 0o600
    assert blobs.read(info.sha256) == PNG and blobs.media_type(info.sha256) == "image/png"
    assert store_blob(blobs, "héllo\n".encode()).media_type == "text/plain"
    assert [p.name for p in blobs.dir.iterdir() if p.name.startswith(".")] == [], "no upload left behind"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x00\x01binary", None),  # neither an image nor text
        ("café".encode("latin-1"), None),  # not UTF-8
        (b"", None),
        (PNG, "0" * 64),  # not the body's hash
    ],
)
def test_blobs_refuse_bad_bodies(tmp_path: Path, data: bytes, name: str | None) -> None:
    blobs = Blobs(tmp_path / "data")
    with pytest.raises(ProtocolError) as refused:
        store_blob(blobs, data, name)
    assert refused.value.code == "bad_frame"
    assert list(blobs.dir.iterdir()) == [], "nothing kept"


def test_blob_sweep_keeps_referenced_and_recent(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path / "data")
    kept, old, recent = (store_blob(blobs, f"file {n}\n".encode()).sha256 for n in range(3))
    past = time.time() - UNREFERENCED_GRACE_SECONDS - 10
    for name in (kept, old):
        os.utime(blobs.path(name), (past, past))
    assert blobs.sweep({kept}) == [old]
    assert blobs.exists(kept) and blobs.exists(recent) and not blobs.exists(old)


def test_store_links_blobs_and_frees_them_with_the_last_conversation(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    a, b = store.create_conversation("demo"), store.create_conversation("demo")
    shared, own = "a" * 64, "b" * 64
    attach = [{"sha256": shared, "name": "x.png", "media_type": "image/png"}]
    store.add_user_message(a.id, str(uuid.uuid4()), "", [*attach, {"sha256": own, "name": "y.txt", "media_type": "text/plain"}])
    store.add_user_message(b.id, str(uuid.uuid4()), "look", attach)
    assert store.get_conversation(a.id).title == "x.png, y.txt", "a message without text is titled by its files"
    assert store.next_pending_message(b.id).attachments == tuple(attach)
    assert store.delete_conversation(a.id) == [own], "the shared blob is still b's"
    assert store.referenced_blobs() == {shared}
    assert store.delete_conversation(b.id) == [shared]


# the send frame and what the agent gets


def test_send_parses_attachments() -> None:
    msg = str(uuid.uuid4())
    att = {"sha256": "A" * 64, "name": "shot.png", "media_type": "image/png"}
    send = protocol.parse_message_fields({"client_msg_id": msg, "attachments": [att]}, 100)
    assert send.text == "" and send.attachments == ({**att, "sha256": "a" * 64},), "text may be left out with attachments"
    assert protocol.parse_message_fields({"client_msg_id": msg, "text": "hi"}, 100).attachments == ()
    refusals = [
        ({"client_msg_id": msg, "text": "hi", "attachments": [att] * 11}, "too_large"),
        ({"client_msg_id": msg, "text": "hi", "attachments": [{**att, "sha256": "../etc"}]}, "bad_frame"),
        ({"client_msg_id": msg, "text": "hi", "attachments": [{**att, "name": ""}]}, "bad_frame"),
        ({"client_msg_id": msg, "text": "hi", "attachments": "x"}, "bad_frame"),
        ({"client_msg_id": msg, "text": " ", "attachments": []}, "bad_frame"),
    ]
    for frame, code in refusals:
        with pytest.raises(ProtocolError) as refused:
            protocol.parse_message_fields(frame, 100)
        assert (refused.value.code, refused.value.client_msg_id) == (code, msg)


def test_turn_content_gives_images_as_blocks_and_text_inline() -> None:
    assert turn_content(Turn(1, "plain")) == "plain"
    blocks = turn_content(Turn(1, "what is this?", (Attachment("a.png", "image/png", PNG), Attachment("n.md", "text/markdown", b"# notes"))))
    assert blocks == [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()}},
        {"type": "text", "text": '<attached_file name="n.md">\n# notes\n</attached_file>'},
        {"type": "text", "text": "what is this?"},
    ]


def test_plain_text_for_agents_without_content_blocks() -> None:
    assert Turn(1, "plain").plain_text() == "plain"
    turn = Turn(1, "look", (Attachment("a.png", "image/png", PNG), Attachment("n.md", "text/markdown", b"# notes")))
    assert turn.plain_text() == (
        "[The user attached an image, a.png, which this agent cannot see.]\n\n"
        '<attached_file name="n.md">\n# notes\n</attached_file>\n\nlook'
    )


# the server


def test_blob_route(server: ServerProcess) -> None:
    assert put_blob(server, PNG) == (200, {"sha256": sha(PNG), "size": len(PNG)})
    assert put_blob(server, PNG) == (200, {"sha256": sha(PNG), "size": len(PNG)}), "idempotent"
    status, body = put_blob(server, PNG, "1" * 64)
    assert (status, body["error"]["code"]) == (400, "bad_frame")
    status, body = put_blob(server, b"\x00\xffbinary")
    assert (status, body["error"]["code"]) == (400, "bad_frame")
    assert put_blob(server, PNG, "not-a-hash")[0] == 400
    status, body = put_blob(server, PNG, headers={"Origin": "https://evil.example"})
    assert (status, body["error"]["code"]) == (403, "forbidden"), "another site cannot upload"
    same_site = {"Sec-Fetch-Site": "same-origin"}
    assert call("PUT", f"{server.base_url}/api/blobs/{sha(PNG)}", token=None, raw=PNG, headers=same_site)[0] == 401
    text = ("line\n" * 400_000).encode()  # 2 MB: over the 1 MiB limit of other requests
    assert put_blob(server, text) == (200, {"sha256": sha(text), "size": len(text)})
    blobs = sorted(p.name for p in (server.data_dir / "blobs").iterdir())
    assert blobs == sorted([sha(PNG), sha(text)])
    request = urllib.request.Request(f"{server.base_url}/api/blobs/{sha(PNG)}", headers={"Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert (response.read(), response.headers["Content-Type"]) == (PNG, "image/png"), "the timeline's thumbnails"
    assert call("GET", f"{server.base_url}/api/blobs/{'d' * 64}")[0] == 404
    assert call("GET", f"{server.base_url}/api/blobs/{sha(PNG)}", token=None)[0] == 401


def test_blob_over_the_limit_is_413(server: ServerProcess) -> None:
    head = (
        f"PUT /api/blobs/{'a' * 64} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {server.token}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {MAX_BLOB_BYTES + 1}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b"x" * 65536)
        answer = sock.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "too_large" in answer and "10 MiB" in answer
    assert [p for p in (server.data_dir / "blobs").iterdir()] == []


def test_send_with_attachments(server: ServerProcess) -> None:
    put_blob(server, PNG)
    notes = b"TODO: fix the header\n"
    put_blob(server, notes)

    async def scenario() -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        conversation_id = welcome["conversation_id"]
        missing = str(uuid.uuid4())
        await client.send_json({"type": "send", "client_msg_id": missing, "text": "see",
                                "attachments": [{"sha256": "c" * 64, "name": "gone.png", "media_type": "image/png"}]})
        error = await client.recv_type("error")
        assert (error["code"], error["client_msg_id"]) == ("not_found", missing)
        status, body = call("POST", f"{server.base_url}/api/conversations/{conversation_id}/messages", body={
            "client_msg_id": missing, "text": "see", "attachments": [{"sha256": "c" * 64, "name": "g.png", "media_type": "image/png"}]})
        assert (status, body["error"]["code"], body["error"]["client_msg_id"]) == (404, "not_found", missing)
        attachments = [
            {"sha256": sha(PNG), "name": "shot.png", "media_type": "image/jpeg"},  # the bytes say PNG
            {"sha256": sha(notes), "name": "notes.md", "media_type": "text/markdown"},
        ]
        sent = str(uuid.uuid4())
        await client.send_json({"type": "send", "client_msg_id": sent, "text": "what is wrong here?", "attachments": attachments})
        message = await client.wait_event(lambda e: e["kind"] == "user_message")
        await client.wait_event(run_finished, timeout=30)
        agent_texts = [e["data"] for e in client.events if e["kind"] == "agent"]
        await client.close()
        return conversation_id, message["data"], agent_texts

    conversation_id, message, agent_events = asyncio.run(scenario())
    assert message["attachments"] == [
        {"sha256": sha(PNG), "name": "shot.png", "media_type": "image/png"},
        {"sha256": sha(notes), "name": "notes.md", "media_type": "text/markdown"},
    ]
    assert agent_events, "the demo agent answered a turn with content blocks"
    status, body = call("POST", f"{server.base_url}/api/conversations/{conversation_id}/messages", body={
        "client_msg_id": str(uuid.uuid4()), "attachments": [{"sha256": sha(PNG), "name": "again.png", "media_type": "image/png"}]})
    assert status == 200 and not body["duplicate"], "an attachment alone is a message"
    assert call("DELETE", f"{server.base_url}/api/conversations/{conversation_id}")[0] == 200
    assert list((server.data_dir / "blobs").iterdir()) == [], "the conversation's blobs went with it"


def test_claude_gets_an_image_as_an_image_block(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, _config_dir):
        assert put_blob(server, PNG)[0] == 200

        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_json({"type": "send", "client_msg_id": str(uuid.uuid4()), "text": "what is in this picture?",
                                    "attachments": [{"sha256": sha(PNG), "name": "shot.png", "media_type": "image/png"}]})
            await client.wait_event(run_finished, timeout=60)
            await client.close()

        asyncio.run(scenario())
        images = [
            block
            for request in api.requests
            for message in request.get("messages", [])
            if message.get("role") == "user" and isinstance(message.get("content"), list)
            for block in message["content"]
            if isinstance(block, dict) and block.get("type") == "image"
        ]
        assert images, "the image reached the Messages API"
        assert images[0]["source"] == {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()}
