"""Web Push end to end against a loopback push service that decrypts every push and checks its VAPID
JWT (push_service.py): pushes with nobody looking, none while a visible app shows the conversation,
410 pruning; and the pieces (contact check, keys, subscriptions, words) on their own."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from http_client import call
from push_service import Browser, PushService, verify_vapid
from server_process import ServerProcess
from swe_swe import push
from swe_swe.push_contact import PushContactError, check_push_contact
from swe_swe.push_message import message_for
from swe_swe.store import LoggedEvent
from ws_client import Client, answer_approval, is_kind, run_finished

CONTACT = "mailto:ops@swe-swe.dev"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService(CONTACT).start()
    yield service
    service.stop()


@pytest.fixture
def push_server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(data_dir=tmp_path / "data", extra_args=["--push-contact", CONTACT]).start()
    yield proc
    proc.terminate()


def subscribe(server: ServerProcess, browser: Browser) -> None:
    status, body = call("POST", server.base_url + "/api/push/subscriptions", body=browser.subscription())
    assert (status, body) == (201, {"ok": True})


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


async def open_conversation(server: ServerProcess, visible: bool | None) -> tuple[Client, str]:
    client = await Client.connect(server.ws_url)
    welcome = await client.hello()
    if visible is not None:
        await client.send_json({"type": "presence", "visible": visible})
    return client, welcome["conversation_id"]


# -- the contract, end to end ------------------------------------------------------------------


def test_approval_and_finished_are_pushed_when_nobody_looks(push_server: ServerProcess, push_service: PushService) -> None:
    phone = push_service.browser("phone")
    subscribe(push_server, phone)
    subscribe(push_server, phone)  # the same endpoint twice is one subscription
    key = call("GET", push_server.base_url + "/api/push/key")[1]
    assert key["enabled"] is True and len(push.b64url_decode(key["public_key"])) == 65

    async def scenario() -> str:
        client, conversation_id = await open_conversation(push_server, visible=False)  # the app went to the background
        await client.send_message("please approve this")
        requested = await client.wait_event(is_kind("approval_requested"))
        await asyncio.to_thread(wait_for, lambda: len(phone.pushes) == 1)
        await answer_approval(client, requested["data"]["approval_id"], "allow")
        await client.wait_event(run_finished)
        await client.close()
        return conversation_id

    conversation_id = asyncio.run(scenario())
    wait_for(lambda: len(phone.pushes) == 2)
    assert push_service.errors == []
    approval, finished = phone.pushes
    assert approval.payload["kind"] == "approval" and approval.payload["conversation_id"] == conversation_id
    assert approval.headers["urgency"] == "high" and int(approval.headers["ttl"]) > 0
    assert finished.payload["kind"] == "finished" and finished.payload["seq"] > approval.payload["seq"]
    assert finished.headers["urgency"] == "normal"
    assert set(approval.payload) == {"conversation_id", "kind", "title", "body", "seq"}
    assert approval.vapid_key == key["public_key"] and approval.claims["sub"] == CONTACT


def test_no_push_while_a_visible_app_shows_the_conversation(push_server: ServerProcess, push_service: PushService) -> None:
    phone = push_service.browser("phone")
    subscribe(push_server, phone)

    async def scenario() -> None:
        watcher, conversation_id = await open_conversation(push_server, visible=True)
        hidden = await Client.connect(push_server.ws_url)  # a second tab in the background does not matter
        await hidden.hello(conversation_id)
        await hidden.send_json({"type": "presence", "visible": False})
        await watcher.send_message("please approve this")
        requested = await watcher.wait_event(is_kind("approval_requested"))
        await answer_approval(watcher, requested["data"]["approval_id"], "allow")
        await watcher.wait_event(run_finished)
        await asyncio.sleep(0.5)
        assert phone.pushes == []
        # the user switches away: the next turn's ending is pushed
        await watcher.send_json({"type": "presence", "visible": False})
        await watcher.send_message("hello again")
        await watcher.wait_event(lambda e: run_finished(e) and e["seq"] > requested["seq"] + 3)
        await asyncio.to_thread(wait_for, lambda: len(phone.pushes) == 1)
        await watcher.close()
        await hidden.close()

    asyncio.run(scenario())
    assert phone.pushes[0].payload["kind"] == "finished"
    assert push_service.errors == []


def test_a_gone_endpoint_is_forgotten_and_others_still_get_theirs(push_server: ServerProcess, push_service: PushService) -> None:
    old, new = push_service.browser("old"), push_service.browser("new")
    old.gone = True
    subscribe(push_server, old)
    subscribe(push_server, new)

    async def scenario() -> None:
        client, _ = await open_conversation(push_server, visible=None)
        await client.close()  # no socket at all: always pushed
        client, _ = await open_conversation(push_server, visible=False)
        await client.send_message("first")
        await client.wait_event(run_finished)
        await asyncio.to_thread(wait_for, lambda: len(new.pushes) == 1 and old.refused == 1)
        await client.send_message("second")
        await client.wait_event(lambda e: run_finished(e) and e["seq"] > 3)
        await asyncio.to_thread(wait_for, lambda: len(new.pushes) == 2)
        await client.close()

    asyncio.run(scenario())
    assert old.refused == 1  # not pushed to again
    status, body = call("DELETE", push_server.base_url + "/api/push/subscriptions", body={"endpoint": old.endpoint})
    assert (status, body) == (200, {"deleted": False})
    status, body = call("DELETE", push_server.base_url + "/api/push/subscriptions", body={"endpoint": new.endpoint})
    assert (status, body) == (200, {"deleted": True})
    request = urllib.request.Request(push_server.base_url + "/api/metrics", headers={"Authorization": "Bearer test-token"})
    with urllib.request.urlopen(request, timeout=5) as response:
        metrics = response.read().decode()
    assert 'swe_swe_pushes_total{result="sent"} 2.0' in metrics
    assert 'swe_swe_pushes_total{result="failed"} 1.0' in metrics


def test_push_is_off_without_a_contact_and_says_why(server: ServerProcess, push_service: PushService) -> None:
    status, body = call("GET", server.base_url + "/api/push/key")
    assert status == 200 and body["enabled"] is False and body["public_key"] is None
    assert body["reason"] == "no_push_contact" and "--push-contact" in body["hint"]
    status, body = call("POST", server.base_url + "/api/push/subscriptions", body=push_service.browser("x").subscription())
    assert status == 404 and "--push-contact" in body["error"]["message"]
    assert not (server.data_dir / push.KEY_FILE).exists()


def test_bad_subscriptions_are_refused(push_server: ServerProcess) -> None:
    for bad in ({}, {"endpoint": "file:///etc/passwd", "keys": {"p256dh": "AA", "auth": "AA"}},
                {"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}):
        status, body = call("POST", push_server.base_url + "/api/push/subscriptions", body=bad)
        assert status == 400, bad


# -- the pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize("contact", [
    "mailto:x@localhost", "mailto:me@example.com", "mailto:a@mail.example.org", "mailto:", "mailto:nobody",
    "https://example.com/contact", "https://localhost", "x@real.dev", "",
])
def test_placeholder_contacts_are_refused(contact: str) -> None:
    with pytest.raises(PushContactError, match="push-contact"):
        check_push_contact(contact)


def test_real_contacts_are_kept() -> None:
    assert check_push_contact(" mailto:ops@swe-swe.dev ") == "mailto:ops@swe-swe.dev"
    assert check_push_contact("https://swe-swe.dev/contact") == "https://swe-swe.dev/contact"


def test_a_placeholder_contact_stops_the_server_with_a_plain_message(tmp_path: Path) -> None:
    proc = ServerProcess(data_dir=tmp_path / "data", extra_args=["--push-contact", "mailto:x@localhost"])
    with pytest.raises(RuntimeError, match="Apple refuses placeholders"):
        proc.start(timeout=20)


def test_vapid_keys_are_made_once_and_private(tmp_path: Path) -> None:
    first = push.load_or_create_vapid(tmp_path)
    assert (tmp_path / push.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert push.public_key_b64(push.load_or_create_vapid(tmp_path)) == push.public_key_b64(first)


def test_the_vapid_header_is_what_the_push_service_checks(tmp_path: Path) -> None:
    vapid = push.load_or_create_vapid(tmp_path)
    header = push.vapid_authorization(vapid, "https://web.push.apple.com/abc?x=1", CONTACT)
    claims, key = verify_vapid(header, "https://web.push.apple.com", CONTACT)
    assert key == push.public_key_b64(vapid) and claims["exp"] <= time.time() + 24 * 3600


class _Event:
    """What message_for reads of a LoggedEvent."""

    def __init__(self, kind: str, data: dict[str, Any], seq: int = 7) -> None:
        self.kind, self.seq, self._data = kind, seq, data

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "data": self._data}


def _event(kind: str, data: dict[str, Any]) -> LoggedEvent:
    return _Event(kind, data)  # type: ignore[return-value]


def test_messages_say_what_happened_and_nothing_more() -> None:
    secret = {"command": "cat /home/me/.ssh/id_rsa"}
    approval = message_for("c1", _event("approval_requested", {"tool": "Bash", "input": secret, "kind": "tool"}), "Fix the build")
    assert approval is not None and approval.kind == "approval" and approval.urgency == "high"
    assert "Bash" in approval.body and "ssh" not in str(approval.payload()) and approval.title == "Fix the build"
    assert message_for("c1", _event("approval_requested", {"tool": "AskUserQuestion", "kind": "question"}), "").body.startswith("The agent has a question")  # type: ignore[union-attr]
    assert message_for("c1", _event("run_finished", {"outcome": "ok"}), "").kind == "finished"  # type: ignore[union-attr]
    assert message_for("c1", _event("run_finished", {"outcome": "error"}), "").kind == "attention"  # type: ignore[union-attr]
    assert message_for("c1", _event("run_finished", {"outcome": "stopped"}), "") is None
    assert message_for("c1", _event("session_lost", {"recovery": "new_session"}), "").kind == "attention"  # type: ignore[union-attr]
    assert message_for("c1", _event("session_lost", {"recovery": "restored"}), "") is None
    assert message_for("c1", _event("agent", {}), "") is None
    assert len(message_for("c1", _event("run_finished", {"outcome": "ok"}), "x" * 500).title) <= 60  # type: ignore[union-attr]
