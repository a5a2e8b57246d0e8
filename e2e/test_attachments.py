"""Attachments on a phone (issue 14 item 3): a screenshot attached offline waits in IndexedDB with its
message, survives a reload, and is delivered exactly once with its image when the network returns;
files the server would refuse are refused before they are queued, in plain words."""

from __future__ import annotations

import base64
import hashlib
import urllib.request
from pathlib import Path
from typing import Any

from conftest import READY, Server, conversation_id, converse, eventually, go_to_new_conversation, open_app, wait_phase

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SHA = hashlib.sha256(PNG).hexdigest()


def user_messages(server: Server, cid: str) -> list[dict[str, Any]]:
    return [e["data"] for e in server.events(cid) if e["kind"] == "user_message"]


def test_a_screenshot_attached_offline_is_delivered_once_with_its_image_after_a_reload(phone: Any, server: Server, artifacts: Path) -> None:
    page = phone.new_page()
    open_app(page, server)
    converse(page, "hello")
    cid = conversation_id(page)
    phone.set_offline(True)
    wait_phase(page, "offline")

    page.set_input_files("#attach-input", files=[{"name": "bug.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#attach-tray li img")
    page.fill("#input", "what is wrong in this screenshot?")
    page.click("#send")
    page.wait_for_selector("#pending li.pending .attachments img.thumb")
    assert page.locator("#attach-tray").is_hidden(), "the tray empties once the message is queued"

    page.reload()
    page.wait_for_function(READY)
    page.wait_for_selector("#pending li.pending .attachments img.thumb")
    assert page.locator("#pending li.pending img.thumb").evaluate("img => img.src.startsWith('blob:')"), "shown from this device's copy"
    page.screenshot(path=str(artifacts / "phone-attachment-queued-offline.png"))
    assert len(user_messages(server, cid)) == 1

    phone.set_offline(False)
    sent = eventually(lambda: [m for m in user_messages(server, cid) if m.get("attachments")], timeout=30)
    assert sent == [{"client_msg_id": sent[0]["client_msg_id"], "text": "what is wrong in this screenshot?",
                     "attachments": [{"sha256": SHA, "name": "bug.png", "media_type": "image/png"}]}]
    page.wait_for_selector("#log li.msg.user .attachments img.thumb")
    page.wait_for_function("() => window.sweSwe.state.status === 'idle'", timeout=20000)
    page.wait_for_function("() => [...document.querySelectorAll('#log img.thumb')].every((img) => img.complete && img.naturalWidth > 0)")
    page.screenshot(path=str(artifacts / "phone-attachment-delivered.png"))
    assert len(user_messages(server, cid)) == 2, "delivered exactly once"
    request = urllib.request.Request(f"{server.base_url}/api/blobs/{SHA}", headers={"Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.read() == PNG
    page.reload()
    page.wait_for_function(READY)
    page.wait_for_selector("#log li.msg.user .attachments img.thumb")
    assert page.locator("#log img.thumb").evaluate("img => img.src.endsWith('/api/blobs/' + arguments[0])".replace("arguments[0]", f"'{SHA}'"))


def test_files_the_server_would_refuse_are_refused_before_queueing(phone: Any, server: Server) -> None:
    page = phone.new_page()
    open_app(page, server)
    page.set_input_files("#attach-input", files=[
        {"name": "app.zip", "mimeType": "application/zip", "buffer": b"PK\x03\x04"},
        {"name": "notes.md", "mimeType": "text/markdown", "buffer": b"# notes\n"},
    ])
    error = page.locator("#input-error")
    error.wait_for()
    assert error.inner_text() == "“app.zip” cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files can."
    assert page.locator("#attach-tray li").all_inner_texts() == ["notes.md"]
    page.click("#attach-tray li button")
    assert page.locator("#attach-tray").is_hidden()


def test_files_in_the_tray_stay_with_their_conversation_through_a_switch_and_a_reload(phone: Any, server: Server) -> None:
    """The tray is part of the draft: kept in IndexedDB, shown again after a reload, and never sent
    with another conversation's message (it once followed the user into the next conversation)."""
    page = phone.new_page()
    open_app(page, server)
    converse(page, "the first conversation")
    first = conversation_id(page)
    page.set_input_files("#attach-input", files=[{"name": "bug.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#attach-tray li img")

    go_to_new_conversation(page)
    assert page.locator("#attach-tray").is_hidden(), "a new conversation starts with an empty tray"
    converse(page, "the second conversation")
    second = conversation_id(page)
    assert [m.get("attachments") for m in user_messages(server, second)] == [None], "the file stayed where it was picked"

    page.goto(f"{server.base_url}/#/c/{first}")
    page.wait_for_selector("#attach-tray li img")
    page.reload()
    page.wait_for_function(READY)
    page.wait_for_selector("#attach-tray li img")
    assert page.locator("#attach-tray li").all_inner_texts() == ["bug.png"]
    converse(page, "now with the screenshot")
    sent = [m["attachments"] for m in user_messages(server, first) if m.get("attachments")]
    assert sent == [[{"sha256": SHA, "name": "bug.png", "media_type": "image/png"}]]
    assert page.locator("#attach-tray").is_hidden()
    page.reload()
    page.wait_for_function(READY)
    page.wait_for_selector("#log li.msg.user .attachments img.thumb")
    assert page.locator("#attach-tray").is_hidden(), "a file sent is not found in the tray again"
