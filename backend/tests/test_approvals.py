"""Tool approvals end to end with the demo agent (real server, real sockets): I6, I7 and I8 of docs/protocol.md.

The demo agent asks through the same control protocol as claude (a message with the word "approve");
test_approvals_claude.py runs the same paths with the real CLI.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from http_client import call
from server_process import ServerProcess
from ws_client import Client, answer_approval, is_kind, run_finished


def tool_results(client: Client) -> list[dict[str, Any]]:
    blocks = []
    for event in client.events:
        data = event["data"]
        if event["kind"] == "agent" and data.get("type") == "user":
            blocks += [b for b in data["message"]["content"] if b.get("type") == "tool_result"]
    return blocks


def endings(events: list[dict[str, Any]], approval_id: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] in ("approval_resolved", "approval_cancelled") and e["data"]["approval_id"] == approval_id]


async def ask(client: Client, text: str = "please approve this") -> dict[str, Any]:
    await client.send_message(text)
    before = {e["seq"] for e in client.events if e["kind"] == "approval_requested"}
    return await client.wait_event(lambda e: e["kind"] == "approval_requested" and e["seq"] not in before)


def details(server: ServerProcess, conversation_id: str) -> dict[str, Any]:
    return call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]


def events(server: ServerProcess, conversation_id: str) -> list[dict[str, Any]]:
    return call("GET", f"{server.base_url}/api/conversations/{conversation_id}/events")[1]["events"]


def test_allow_runs_the_tool_and_acks_the_answer(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        assert welcome["permission_mode"] == "default" and "acceptEdits" in welcome["permission_modes"]
        requested = await ask(client)
        data = requested["data"]
        assert data["tool"] == "Bash" and data["kind"] == "tool" and data["input"]["command"] == "wc -w"
        assert data["can_always"] is True and "wc -w" in data["always_label"]
        assert details(server, welcome["conversation_id"])["pending_approvals"] == [data["approval_id"]]
        ack = await answer_approval(client, data["approval_id"], "allow")
        resolved = await client.wait_event(is_kind("approval_resolved"))
        assert ack["type"] == "ack" and ack["seq"] == resolved["seq"] and ack["duplicate"] is False
        assert resolved["data"]["decision"] == "allow" and resolved["data"]["by"] == "user" and resolved["data"]["client_id"] == "test"
        finished = await client.wait_event(run_finished)
        assert finished["data"]["outcome"] == "ok"
        assert tool_results(client)[-1] == {"type": "tool_result", "tool_use_id": data["tool_use_id"], "content": "3", "is_error": False}
        assert details(server, welcome["conversation_id"])["pending_approvals"] == []
        await client.close()

    asyncio.run(scenario())


def test_deny_tells_the_agent_why(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        requested = await ask(client)
        await answer_approval(client, requested["data"]["approval_id"], "deny", message="not now, the build is running")
        await client.wait_event(run_finished)
        result = tool_results(client)[-1]
        assert result["is_error"] is True and result["content"] == "not now, the build is running"
        resolved = [e["data"] for e in client.events if e["kind"] == "approval_resolved"]
        assert resolved == [{"approval_id": requested["data"]["approval_id"], "decision": "deny", "client_id": "test", "by": "user", "message": "not now, the build is running"}]
        await client.close()

    asyncio.run(scenario())


def test_I7_a_repeated_or_late_answer_changes_nothing(server: ServerProcess) -> None:
    async def scenario() -> None:
        phone = await Client.connect(server.ws_url)
        welcome = await phone.hello()
        desk = await Client.connect(server.ws_url)
        await desk.hello(welcome["conversation_id"])
        approval_id = (await ask(phone))["data"]["approval_id"]
        first = await answer_approval(phone, approval_id, "deny", message="no")
        again = await answer_approval(phone, approval_id, "deny", client_msg_id=None, message="no")
        repeat = await answer_approval(phone, approval_id, "allow", client_msg_id=None)
        late = await answer_approval(desk, approval_id, "allow")
        assert first["duplicate"] is False
        assert [again["duplicate"], repeat["duplicate"], late["duplicate"]] == [True, True, True]
        assert again["seq"] == repeat["seq"] == late["seq"] == first["seq"]
        await phone.wait_event(run_finished)
        log = events(server, welcome["conversation_id"])
        assert [e["data"]["decision"] for e in endings(log, approval_id)] == ["deny"]
        assert tool_results(phone)[-1]["is_error"] is True
        await phone.close()
        await desk.close()

    asyncio.run(scenario())


def test_I7_the_same_client_msg_id_is_acked_with_the_first_answer(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        approval_id = (await ask(client))["data"]["approval_id"]
        client_msg_id = str(uuid.uuid4())
        first = await answer_approval(client, approval_id, "allow", client_msg_id)
        second = await answer_approval(client, approval_id, "deny", client_msg_id)
        assert (first["duplicate"], second["duplicate"], second["seq"]) == (False, True, first["seq"])
        await client.close()

    asyncio.run(scenario())


def test_I6_two_answers_at_once_one_wins(server: ServerProcess) -> None:
    async def scenario() -> None:
        phone = await Client.connect(server.ws_url)
        welcome = await phone.hello()
        desk = await Client.connect(server.ws_url)
        await desk.hello(welcome["conversation_id"])
        approval_id = (await ask(phone))["data"]["approval_id"]
        await desk.wait_event(lambda e: e["kind"] == "approval_requested")
        acks = await asyncio.gather(answer_approval(phone, approval_id, "allow"), answer_approval(desk, approval_id, "deny", message="no"))
        assert sorted(a["duplicate"] for a in acks) == [False, True]
        assert acks[0]["seq"] == acks[1]["seq"]
        await phone.wait_event(run_finished)
        await desk.wait_event(run_finished)
        log = events(server, welcome["conversation_id"])
        assert len(endings(log, approval_id)) == 1
        assert len(tool_results(phone)) == 1, "the agent got exactly one answer"
        await phone.close()
        await desk.close()

    asyncio.run(scenario())


def test_an_answer_after_a_dropped_socket_and_over_http(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        conversation_id = welcome["conversation_id"]
        requested = await ask(client)
        client.ws.transport.abort()  # a dropped link, not a clean close
        back = await Client.connect(server.ws_url)
        await back.hello(conversation_id, last_seq=requested["seq"] - 1)
        assert [e["data"]["approval_id"] for e in back.events if e["kind"] == "approval_requested"] == [requested["data"]["approval_id"]]
        status, body = call("POST", f"{server.base_url}/api/conversations/{conversation_id}/approvals/{requested['data']['approval_id']}",
                            body={"client_msg_id": str(uuid.uuid4()), "decision": "allow"})
        assert status == 200 and body["duplicate"] is False
        resolved = await back.wait_event(is_kind("approval_resolved"))
        assert resolved["seq"] == body["seq"] and resolved["data"]["client_id"] == "http"
        assert (await back.wait_event(run_finished))["data"]["outcome"] == "ok"
        await back.close()

    asyncio.run(scenario())


def test_unknown_or_malformed_answers_are_refused_plainly(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        unknown = await answer_approval(client, str(uuid.uuid4()), "allow")
        assert unknown["type"] == "error" and unknown["code"] == "not_found"
        approval_id = (await ask(client))["data"]["approval_id"]
        bad = await answer_approval(client, approval_id, "maybe")
        assert bad["type"] == "error" and bad["code"] == "bad_frame"
        too_long = await answer_approval(client, approval_id, "deny", message="x" * 2001)
        assert too_long["code"] == "bad_frame"
        status, body = call("POST", f"{server.base_url}/api/conversations/{welcome['conversation_id']}/approvals/not-an-id",
                            body={"client_msg_id": str(uuid.uuid4()), "decision": "allow"})
        assert status == 404 and body["error"]["code"] == "not_found"
        await answer_approval(client, approval_id, "allow")
        await client.wait_event(run_finished)
        await client.close()

    asyncio.run(scenario())


def test_I8_stop_while_pending_cancels_and_a_late_allow_runs_nothing(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        approval_id = (await ask(client))["data"]["approval_id"]
        await client.send_json({"type": "stop"})
        cancelled = await client.wait_event(is_kind("approval_cancelled"))
        assert cancelled["data"] == {"approval_id": approval_id, "reason": "stopped"}
        finished = await client.wait_event(run_finished)
        assert finished["data"] == {"outcome": "stopped", "exit_code": None}, "the interrupt keeps the process"
        late = await answer_approval(client, approval_id, "allow")
        assert late["duplicate"] is True and late["seq"] == cancelled["seq"]
        assert tool_results(client) == [], "the tool never ran"
        await client.send_message("are you still there")
        assert (await client.wait_event(lambda e: run_finished(e) and e["seq"] > finished["seq"]))["data"]["outcome"] == "ok"
        runs = details(server, welcome["conversation_id"])["runs"]
        assert [r["resumed"] for r in runs] == [False, True], "the same process answered the next turn"
        await client.close()

    asyncio.run(scenario())


def test_I8_a_crash_while_pending_cancels_it_after_the_restart(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data").start()
    try:
        async def before() -> tuple[str, str]:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            requested = await ask(client)
            await client.close()
            return welcome["conversation_id"], requested["data"]["approval_id"]

        conversation_id, approval_id = asyncio.run(before())
        server.kill()
        server.start()

        async def after() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello(conversation_id)
            cancelled = endings(client.events, approval_id)
            assert [e["data"]["reason"] for e in cancelled] == ["interrupted"]
            finished = [e for e in client.events if run_finished(e)]
            assert finished[-1]["data"]["outcome"] == "interrupted" and finished[-1]["seq"] > cancelled[0]["seq"]
            late = await answer_approval(client, approval_id, "allow")
            assert late["duplicate"] is True and late["seq"] == cancelled[0]["seq"]
            assert details(server, conversation_id)["pending_approvals"] == []
            await client.close()

        asyncio.run(after())
    finally:
        server.terminate()


def test_allow_always_holds_after_the_process_was_closed_and_resumed_and_can_be_revoked(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--agent-idle", "0.5"]).start()
    try:
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            conversation_id = welcome["conversation_id"]
            approval_id = (await ask(client))["data"]["approval_id"]
            await answer_approval(client, approval_id, "allow_always")
            first = await client.wait_event(run_finished)
            rules = details(server, conversation_id)["allow_always"]
            assert [r["label"] for r in rules] == ["Bash commands starting with: wc -w"]
            await asyncio.sleep(1.5)  # the idle process is closed; the next turn starts (resumes) a new one
            await client.send_message("approve it again")
            second = await client.wait_event(lambda e: run_finished(e) and e["seq"] > first["seq"])
            assert second["data"]["outcome"] == "ok"
            auto = [e["data"] for e in client.events if e["kind"] == "approval_resolved" and e["seq"] > first["seq"]]
            assert [(a["decision"], a["by"]) for a in auto] == [("allow", "rule")]
            runs = details(server, conversation_id)["runs"]
            assert len(runs) == 2
            status, body = call("DELETE", f"{server.base_url}/api/conversations/{conversation_id}/allow-always/{rules[0]['id']}")
            assert (status, body) == (200, {"deleted": True})
            assert details(server, conversation_id)["allow_always"] == []
            third = await ask(client, "approve once more")
            assert third["data"]["approval_id"] not in [a["approval_id"] for a in auto]
            await answer_approval(client, third["data"]["approval_id"], "deny")
            await client.wait_event(lambda e: run_finished(e) and e["seq"] > third["seq"])
            await client.close()

        asyncio.run(scenario())
    finally:
        server.terminate()


def test_set_mode_is_stored_acked_and_applied_to_the_live_process(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        conversation_id = welcome["conversation_id"]
        await client.send_message("hello")
        await client.wait_event(run_finished)  # a live process now exists
        client_msg_id = str(uuid.uuid4())
        await client.send_json({"type": "set_mode", "client_msg_id": client_msg_id, "mode": "acceptEdits"})
        ack = await client.recv_type("ack")
        changed = await client.wait_event(is_kind("mode_changed"))
        assert (ack["seq"], ack["duplicate"], changed["data"]) == (changed["seq"], False, {"mode": "acceptEdits"})
        await client.send_json({"type": "set_mode", "client_msg_id": client_msg_id, "mode": "acceptEdits"})
        assert (await client.recv_type("ack"))["duplicate"] is True
        await client.send_message("approve this edit")
        second = await client.wait_event(lambda e: run_finished(e) and e["seq"] > changed["seq"])
        assert second["data"]["outcome"] == "ok"
        assert [e for e in client.events if e["kind"] == "approval_requested"] == [], "edits are accepted in acceptEdits"
        assert details(server, conversation_id)["permission_mode"] == "acceptEdits"
        await client.send_json({"type": "set_mode", "client_msg_id": str(uuid.uuid4()), "mode": "bypassPermissions"})
        refused = await client.recv_type("error")
        assert refused["code"] == "bad_frame" and "bypass" in refused["message"].lower()
        await client.close()
        again = await Client.connect(server.ws_url)
        assert (await again.hello(conversation_id))["permission_mode"] == "acceptEdits"
        await again.close()

    asyncio.run(scenario())


def test_a_question_is_answered_with_the_chosen_labels(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        requested = await ask(client, "approve a question")
        assert requested["data"]["kind"] == "question" and requested["data"]["can_always"] is False
        answers = {"Which colour should the button be?": "Blue", "Which platforms should it support?": ["iOS", "Android"]}
        await answer_approval(client, requested["data"]["approval_id"], "allow", answers=answers)
        await client.wait_event(run_finished)
        content = tool_results(client)[-1]["content"]
        assert '"Which colour should the button be?"="Blue"' in content and "iOS, Android" in content
        await client.close()

    asyncio.run(scenario())


def test_an_approved_plan_leaves_plan_mode(server: ServerProcess) -> None:
    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        await client.hello()
        await client.send_json({"type": "set_mode", "client_msg_id": str(uuid.uuid4()), "mode": "plan"})
        requested = await ask(client, "approve the plan")
        assert requested["data"]["kind"] == "plan" and "## Plan" in requested["data"]["input"]["plan"]
        await answer_approval(client, requested["data"]["approval_id"], "allow")
        changed = await client.wait_event(lambda e: e["kind"] == "mode_changed" and e["seq"] > requested["seq"])
        assert changed["data"] == {"mode": "default"}
        await client.wait_event(run_finished)
        await client.close()

    asyncio.run(scenario())


def test_approval_timeout_denies_and_tells_the_agent_why(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--approval-timeout", "1"]).start()
    try:
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            requested = await ask(client)
            resolved = await client.wait_event(is_kind("approval_resolved"))
            assert resolved["data"]["by"] == "timeout" and resolved["data"]["decision"] == "deny"
            assert resolved["data"]["approval_id"] == requested["data"]["approval_id"]
            await client.wait_event(run_finished)
            assert "No answer came from the user within 1 seconds" in tool_results(client)[-1]["content"]
            await client.close()

        asyncio.run(scenario())
    finally:
        server.terminate()
