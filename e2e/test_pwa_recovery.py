"""The recovery UI, against a scripted server on the socket (page.route_web_socket): a lost agent
session replaced by a fresh one, an interrupted turn, Retry / Start new / Ask again, refusals, and
the client's side of exactly-once (a message stored but not acked before a drop is not sent again).
The page's static files still come from the real server; the socket and the list are scripted."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from conftest import PHONE, Server, app_state, open_app, wait_for

CID = "6f1c2a4e-8d3b-4c59-9e21-0a7b5c3d2e10"
T0 = 1_760_000_000_000


def agent(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return ("agent", data)


def text(message_id: str, body: str) -> tuple[str, dict[str, Any]]:
    return agent({"type": "assistant", "message": {"id": message_id, "role": "assistant", "content": [{"type": "text", "text": body}]}})


SCRIPT: list[tuple[str, dict[str, Any]]] = [
    ("user_message", {"client_msg_id": str(uuid.uuid4()), "text": "are you there?"}),
    ("session_started", {"fallback": False}),
    ("run_started", {"resumed": False}),
    agent({"type": "system", "subtype": "init", "session_id": "11111111-1111-4111-8111-111111111111", "model": "claude-sonnet-4", "cwd": "/home/dev/project"}),
    text("m1", "Yes. What should we work on?\n\n```python\nprint('hello')\n```"),
    agent({"type": "result", "subtype": "success", "is_error": False, "duration_ms": 4200, "total_cost_usd": 0.0123, "permission_denials": []}),
    ("run_finished", {"outcome": "ok", "exit_code": None}),
    ("user_message", {"client_msg_id": str(uuid.uuid4()), "text": "please refactor the parser"}),
    ("session_lost", {"reason": "The agent's saved session could not be found.", "recovery": "new_session"}),
    ("session_started", {"fallback": True}),
    ("run_started", {"resumed": False}),
    agent({"type": "system", "subtype": "init", "session_id": "22222222-2222-4222-8222-222222222222", "model": "claude-sonnet-4", "cwd": "/home/dev/project"}),
    text("m2", "Looking at the parser."),
    agent({"type": "assistant", "message": {"id": "m2", "content": [{"type": "tool_use", "id": "tu1", "name": "Read", "input": {"file_path": "/home/dev/project/src/parser.py"}}]}}),
    ("run_finished", {"outcome": "interrupted", "exit_code": None}),
]


class ScriptedServer:
    """Speaks protocol v1 from a list of events; records what the client sends."""

    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = [
            {"seq": i + 1, "kind": kind, "ts": T0 + i * 1000, "data": data} for i, (kind, data) in enumerate(SCRIPT)
        ]
        self.received: list[dict[str, Any]] = []
        self.hellos: list[dict[str, Any]] = []
        self.sockets: list[Any] = []
        self.ack = True          # answer `send` with ack
        self.refuse_next: str | None = None  # refuse the next send, without naming it (an older server)
        self.refuse_text: str | None = None  # refuse the send of this text, naming it as the real server does
        self.silent = False      # take sends but answer none (a slow server)
        self.status = "interrupted"

    def handle(self, ws: Any) -> None:
        self.sockets.append(ws)
        ws.on_message(lambda raw: self.on_frame(ws, raw))

    def frame(self, ws: Any, obj: dict[str, Any]) -> None:
        ws.send(json.dumps(obj))

    def on_frame(self, ws: Any, raw: str | bytes) -> None:
        msg = json.loads(raw)
        self.received.append(msg)
        kind = msg.get("type")
        if kind == "hello":
            self.hellos.append(msg)
            after = msg["last_seq"]
            self.frame(ws, {"type": "welcome", "protocol": 1, "conversation_id": CID, "head_seq": len(self.log),
                            "status": self.status, "agent": "claude", "ping_interval_ms": 1000, "reset": False})
            for e in self.log[after:]:
                self.frame(ws, {"type": "event", **e})
            self.frame(ws, {"type": "replay_done", "head_seq": len(self.log)})
        elif kind == "ping":
            self.frame(ws, {"type": "pong", "ts": msg["ts"]})
        elif kind == "send":
            if self.refuse_next:
                self.frame(ws, {"type": "error", "code": "too_large", "message": self.refuse_next})
                self.refuse_next = None
                return
            if msg["text"] == self.refuse_text:
                self.frame(ws, {"type": "error", "code": "too_large", "message": "Too long.", "client_msg_id": msg["client_msg_id"]})
                return
            if self.silent:
                return
            known = [e for e in self.log if e["kind"] == "user_message" and e["data"]["client_msg_id"] == msg["client_msg_id"]]
            if known:
                self.frame(ws, {"type": "ack", "client_msg_id": msg["client_msg_id"], "seq": known[0]["seq"], "duplicate": True})
                return
            event = self.append("user_message", {"client_msg_id": msg["client_msg_id"], "text": msg["text"]})
            if self.ack:
                self.frame(ws, {"type": "ack", "client_msg_id": msg["client_msg_id"], "seq": event["seq"], "duplicate": False})
            self.frame(ws, {"type": "event", **event})

    def append(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        event = {"seq": len(self.log) + 1, "kind": kind, "ts": T0 + len(self.log) * 1000, "data": data}
        self.log.append(event)
        return event

    def sent(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("type") == kind]


def scripted_page(page: Any, server: Server, extra: list[tuple[str, dict[str, Any]]] = ()) -> ScriptedServer:
    fake = ScriptedServer()
    for kind, data in extra:
        fake.append(kind, data)
    summary = {"id": CID, "title": "are you there?", "status": "interrupted", "head_seq": len(fake.log), "created_at": T0, "last_active_at": T0}
    page.route(re.compile(r".*/api/conversations$"), lambda route: route.fulfill(json={"conversations": [summary]}))
    page.route(re.compile(rf".*/api/conversations/{CID}$"), lambda route: route.fulfill(json={
        **summary, "agent": "claude", "agent_session_id": "22222222-2222-4222-8222-222222222222", "workdir": "/home/dev/project", "runs": [], "recovery": []}))
    page.route_web_socket(re.compile(r".*/ws$"), fake.handle)
    open_app(page, server, route=f"#/c/{CID}")
    page.wait_for_function("(n) => window.sweSwe.state.phase === 'connected' && window.sweSwe.state.last_seq === n", arg=len(fake.log))
    return fake


def test_lost_session_and_interrupted_turn_in_plain_words(page, server: Server, artifacts: Path) -> None:
    page.set_viewport_size(PHONE)
    fake = scripted_page(page, server)
    hello = fake.hellos[0]
    assert hello["protocol"] == 1 and hello["conversation_id"] == CID and hello["last_seq"] == 0 and hello["client_id"]

    banner = page.locator("#log li.session.variant-new_session")
    assert banner.locator(".session-title").inner_text() == \
        "Previous session not found. Started a fresh session with a summary of this conversation."
    assert banner.locator(".session-detail").inner_text() == "The agent's saved session could not be found."
    assert page.locator("#log li.run-end.outcome-interrupted .run-end-title").inner_text().startswith("Interrupted")
    assert page.inner_text("#log li.tool .tool-status") == "interrupted"
    assert page.inner_text("#log li.tool .tool-sum") == "…/project/src/parser.py"
    assert page.inner_text("#log li.result .result-line span") == "Done in 4.2 s · $0.01"
    assert page.locator("#log li.msg.agent pre code").inner_text() == "print('hello')"
    assert "Last turn interrupted" in page.inner_text("#conv-sub")
    page.screenshot(path=str(artifacts / "phone-recovery.png"))

    page.click("#log li.session button[data-action=recover-retry]")
    wait_for(page, lambda: fake.sent("recover"))
    assert fake.sent("recover")[-1] == {"type": "recover", "action": "retry"}
    page.click("#log li.session button[data-action=recover-new]")
    wait_for(page, lambda: len(fake.sent("recover")) == 2)
    assert fake.sent("recover")[-1] == {"type": "recover", "action": "new"}

    # the server answers "Start new" with a clean session: the old banner's buttons go away
    for ws in fake.sockets[-1:]:
        fake.frame(ws, {"type": "event", **fake.append("session_started", {"fallback": False})})
    page.wait_for_selector("#log li.session.variant-clean")
    assert page.inner_text("#log li.session.variant-clean") == "Started a new session."
    assert page.locator("#log li.session.variant-new_session button").count() == 0

    # details show the agent's current session
    page.click("#open-details")
    page.wait_for_selector("#details[open]")
    page.wait_for_function("() => document.getElementById('details-body').textContent.includes('22222222-2222-4222-8222-222222222222')")
    page.screenshot(path=str(artifacts / "phone-details.png"))
    page.click("#close-details")

    # Ask again re-sends the interrupted turn's text as a new message, once
    page.click("#log li.run-end button[data-action=ask-again]")
    wait_for(page, lambda: fake.sent("send"))
    sent = fake.sent("send")
    assert len(sent) == 1 and sent[0]["text"] == "please refactor the parser"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", sent[0]["client_msg_id"])
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0")
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 3")


def test_a_message_stored_but_not_acked_before_a_drop_is_not_sent_again(page, server: Server) -> None:
    fake = scripted_page(page, server)
    fake.ack = False  # the server stores and logs it, then the connection drops before the ack
    page.fill("#input", "stored, never acked")
    page.click("#send")
    wait_for(page, lambda: fake.sent("send"))
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 3")
    fake.sockets[-1].close(code=4000, reason="drop")
    wait_for(page, lambda: len(fake.hellos) == 2)
    page.wait_for_function("() => window.sweSwe.state.phase === 'connected'")
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0")
    page.wait_for_timeout(300)
    assert fake.hellos[1]["last_seq"] == len(fake.log)  # it had applied the logged message
    assert len(fake.sent("send")) == 1, "the log already holds it: no resend"
    assert page.locator("#log li.msg.user").count() == 3


def test_a_message_the_server_refuses_is_shown_with_a_choice(page, server: Server) -> None:
    fake = scripted_page(page, server)
    fake.refuse_next = "The message is longer than the server accepts."
    page.fill("#input", "a refused message")
    page.click("#send")
    page.wait_for_selector("#pending li.state-refused")
    assert "Not accepted: The message is longer than the server accepts." in page.inner_text("#pending li.state-refused")
    assert "1 message refused by the server" in page.inner_text("#queue-note")
    page.click("#pending button[data-action=send-anyway]")  # "Try again"
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 0")
    assert [m["text"] for m in fake.sent("send")] == ["a refused message", "a refused message"]
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 3")
    page.wait_for_function("() => document.querySelectorAll('#pending li').length === 0")


def test_a_refusal_that_names_its_message_marks_that_one(page, server: Server) -> None:
    """Two sends wait for an answer; the server refuses the second by name. Blaming the oldest one
    waiting would mark the wrong message and leave the refused one "sending" for ever."""
    fake = scripted_page(page, server)
    fake.silent = True
    fake.refuse_text = "the second, too long"
    page.fill("#input", "the first")
    page.click("#send")
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 1")
    page.fill("#input", "the second, too long")
    page.click("#send")
    page.wait_for_selector("#pending li.state-refused")
    assert "the second, too long" in page.inner_text("#pending li.state-refused")
    assert page.locator("#pending li.state-refused").count() == 1
    # the first is answered after a reconnect; the refused one stays for the user to decide
    fake.silent = False
    fake.sockets[-1].close(code=4000, reason="cut by the test")
    page.wait_for_function("() => document.querySelectorAll('#log li.msg.user').length === 3")
    assert [e["data"]["text"] for e in fake.log if e["kind"] == "user_message"][-1] == "the first"
    page.wait_for_function("() => window.sweSwe.state.outbox.length === 1")
    assert "the second, too long" in page.inner_text("#pending li.state-refused")


def test_a_replaced_server_log_resets_the_local_copy(page, server: Server) -> None:
    fake = scripted_page(page, server)
    assert page.locator("#log li.msg.user").count() == 2
    # the server's data is replaced (restored from an older backup): head is now 2
    fake.log = fake.log[:1] + [{"seq": 2, "kind": "notice", "ts": T0, "data": {"level": "info", "text": "restored from a backup"}}]
    original = fake.on_frame

    def on_frame(ws: Any, raw: str | bytes) -> None:
        msg = json.loads(raw)
        if msg.get("type") == "hello":
            fake.hellos.append(msg)
            fake.frame(ws, {"type": "welcome", "protocol": 1, "conversation_id": CID, "head_seq": 2, "status": "idle",
                            "agent": "claude", "ping_interval_ms": 1000, "reset": msg["last_seq"] > 2})
            for e in fake.log[0 if msg["last_seq"] > 2 else msg["last_seq"]:]:
                fake.frame(ws, {"type": "event", **e})
            fake.frame(ws, {"type": "replay_done", "head_seq": 2})
            return
        original(ws, raw)

    fake.on_frame = on_frame
    fake.sockets[-1].close(code=4000, reason="server replaced")
    wait_for(page, lambda: len(fake.hellos) == 2)
    assert fake.hellos[1]["last_seq"] == len(SCRIPT)
    page.wait_for_function("() => window.sweSwe.state.phase === 'connected' && window.sweSwe.state.last_seq === 2")
    page.wait_for_function("() => document.querySelectorAll('#log > li').length === 2")
    assert page.inner_text("#log li.notice") == "restored from a backup"
    # and a reload shows the same (the device's copy was replaced too)
    page.reload()
    page.wait_for_function("() => window.sweSwe && window.sweSwe.state.phase === 'connected'")
    assert page.locator("#log > li").count() == 2


def test_a_conversation_gone_from_the_server_keeps_unsent_messages(page, server: Server) -> None:
    fake = scripted_page(page, server)

    def gone(ws: Any, raw: str | bytes) -> None:
        """The conversation was deleted (by another device): sends go unanswered, hellos are refused."""
        msg = json.loads(raw)
        fake.received.append(msg)
        if msg.get("type") == "hello":
            fake.frame(ws, {"type": "error", "code": "not_found", "message": "This conversation does not exist on this server."})
        elif msg.get("type") == "ping":
            fake.frame(ws, {"type": "pong", "ts": msg["ts"]})

    fake.on_frame = gone
    page.fill("#input", "do not lose me")
    page.click("#send")
    wait_for(page, lambda: fake.sent("send"))
    fake.sockets[-1].close(code=4000, reason="drop")
    page.wait_for_selector("#gone-banner:not([hidden])", timeout=15000)
    assert "no longer exists on the server" in page.inner_text("#gone-banner")
    assert page.locator("#pending li.pending").count() == 1
    assert app_state(page)["phase"] == "idle", "no reconnect loop for a conversation that is gone"
    # from now on the socket goes to the real server
    page.unroute_all(behavior="ignoreErrors")
    page.route_web_socket(re.compile(r".*/ws$"), lambda ws: ws.connect_to_server())
    page.click("#gone-new")  # the unsent message moves to a new conversation
    page.wait_for_function("() => window.sweSwe.state.pending_new === false && window.sweSwe.state.outbox.length === 0", timeout=20000)
    cid = app_state(page)["conversation_id"]
    assert cid != CID
    assert server.user_texts(cid) == ["do not lose me"]


HOSTILE = (
    "Here is <img src=x onerror=\"window.pwned=1\"> and <script>window.pwned=2</script>.\n\n"
    "[click me](javascript:window.pwned=3) · [docs](https://example.com/docs) · ![pic](https://example.com/p.png)\n\n"
    "| a | b |\n|---|---|\n| <b>x</b> | `y` |\n\n- one\n- **two**\n\n> quoted"
)


def test_agent_markdown_is_rendered_safely(page, server: Server) -> None:
    scripted_page(page, server, extra=[text("m3", HOSTILE)])
    bubble = page.locator("#log li.msg.agent").last
    assert bubble.locator("img, script, b, iframe").count() == 0
    assert "<img src=x" in bubble.inner_text()
    hrefs = bubble.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert hrefs == ["https://example.com/docs", "https://example.com/p.png"]
    assert all(a == "noopener noreferrer nofollow" for a in bubble.locator("a").evaluate_all("(l) => l.map((a) => a.rel)"))
    assert bubble.locator("table td").count() == 2
    assert bubble.locator("ul li").count() == 2 and bubble.locator("ul li strong").inner_text() == "two"
    assert bubble.locator("blockquote").inner_text() == "quoted"
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.pwned === undefined")
