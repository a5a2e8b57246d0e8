"""The HTTP API of protocol v1 against a real server."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from http_client import call
from server_process import ServerProcess
from ws_client import new_conversation, run_finished


def wait_for_head(server: ServerProcess, conversation_id: str, predicate: Any, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = call("GET", f"{server.base_url}/api/conversations/{conversation_id}/events?after=0")
        if status == 200 and predicate(body["events"]):
            return body
        time.sleep(0.1)
    raise AssertionError("condition not reached")


def test_health_is_public_and_the_rest_needs_the_token(server: ServerProcess) -> None:
    assert call("GET", f"{server.base_url}/api/health", token=None) == (200, {"ok": True, "version": "0.1.0", "agent": "demo", "agents": ["demo"]})
    status, body = call("GET", f"{server.base_url}/api/conversations", token=None)
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert call("GET", f"{server.base_url}/api/conversations", token="nope")[0] == 401
    assert call("GET", f"{server.base_url}/api/conversations")[0] == 200


def test_post_message_is_idempotent_and_runs_a_turn(server: ServerProcess) -> None:
    cid = new_conversation(server)
    mid = str(uuid.uuid4())
    url = f"{server.base_url}/api/conversations/{cid}/messages"
    assert call("POST", url, body={"client_msg_id": mid, "text": "via http"}) == (200, {"seq": 1, "duplicate": False})
    assert call("POST", url, body={"client_msg_id": mid, "text": "again"}) == (200, {"seq": 1, "duplicate": True})
    body = wait_for_head(server, cid, lambda events: any(run_finished(e) for e in events))
    assert [e["seq"] for e in body["events"]] == list(range(1, body["head_seq"] + 1))
    assert sum(e["kind"] == "user_message" for e in body["events"]) == 1


def test_bad_http_input_is_refused_clearly(server: ServerProcess) -> None:
    cid = new_conversation(server)
    url = f"{server.base_url}/api/conversations/{cid}/messages"
    assert call("POST", url, raw=b"{nope")[1]["error"]["code"] == "bad_json"
    assert call("POST", url, body={"client_msg_id": "x", "text": "hi"})[0] == 400
    assert call("POST", url, body={"client_msg_id": str(uuid.uuid4()), "text": "x" * 100_001})[0] == 413
    missing = f"{server.base_url}/api/conversations/{uuid.uuid4()}/messages"
    status, body = call("POST", missing, body={"client_msg_id": str(uuid.uuid4()), "text": "hi"})
    assert status == 404 and body["error"]["code"] == "not_found"
    assert call("GET", f"{server.base_url}/api/conversations/not-a-uuid/events")[0] == 404
    assert call("GET", f"{server.base_url}/api/conversations/{cid}/events?after=x")[0] == 400


def test_events_paging_and_listing(server: ServerProcess) -> None:
    cid = new_conversation(server)
    call("POST", f"{server.base_url}/api/conversations/{cid}/messages", body={"client_msg_id": str(uuid.uuid4()), "text": "page me"})
    full = wait_for_head(server, cid, lambda events: any(run_finished(e) for e in events))
    status, page = call("GET", f"{server.base_url}/api/conversations/{cid}/events?after=2&limit=3")
    assert status == 200 and [e["seq"] for e in page["events"]] == [3, 4, 5] and page["head_seq"] == full["head_seq"]
    status, listing = call("GET", f"{server.base_url}/api/conversations")
    entry = next(c for c in listing["conversations"] if c["id"] == cid)
    assert entry["title"] == "page me" and entry["head_seq"] == full["head_seq"] and entry["status"] == "idle"
    status, details = call("GET", f"{server.base_url}/api/conversations/{cid}")
    assert details["agent_session_id"] and details["runs"][0]["outcome"] == "ok"


def test_newest_conversation_is_listed_first(server: ServerProcess) -> None:
    first = new_conversation(server)
    time.sleep(0.01)
    second = new_conversation(server)
    ids = [c["id"] for c in call("GET", f"{server.base_url}/api/conversations")[1]["conversations"]]
    assert ids.index(second) < ids.index(first)


def test_delete_removes_the_conversation(server: ServerProcess) -> None:
    cid = new_conversation(server)
    assert call("DELETE", f"{server.base_url}/api/conversations/{cid}") == (200, {"deleted": True})
    assert call("GET", f"{server.base_url}/api/conversations/{cid}/events")[0] == 404
    assert call("DELETE", f"{server.base_url}/api/conversations/{cid}")[0] == 404


def test_token_in_url_becomes_a_cookie_and_is_dropped_from_the_url(server: ServerProcess) -> None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{server.base_url}/?token=test-token&x=1")
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 302
        assert error.headers["Location"] == "/?x=1"
        cookie = error.headers["Set-Cookie"]
    assert "swe_swe_token=test-token" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, _ = call("GET", f"{server.base_url}/api/conversations", token=None, headers={"Cookie": "swe_swe_token=test-token"})
    assert status == 200


def test_app_shell_is_public(server: ServerProcess) -> None:
    with urllib.request.urlopen(f"{server.base_url}/sw.js") as response:
        assert response.status == 200 and "javascript" in response.headers["Content-Type"]
    with urllib.request.urlopen(f"{server.base_url}/") as response:
        assert response.status == 200 and b"<html" in response.read().lower()
    assert call("GET", f"{server.base_url}/../pyproject.toml", token=None)[0] == 404

