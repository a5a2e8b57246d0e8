"""Tool approvals with the REAL claude CLI (`--permission-prompt-tool stdio`) against the loopback fake
Messages API: the user's answer decides whether the tool runs, and the agent reads a denial's reason."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

from claude_harness import claude_server
from http_client import call
from ws_client import Client, answer_approval, is_kind, run_finished


def tool_call(name: str, tool_input: dict[str, Any]) -> str:
    return f"TOOL:{name} {json.dumps(tool_input)}"


def results(client: Client) -> list[str]:
    return [e["data"].get("result", "") for e in client.events if e["kind"] == "agent" and e["data"].get("type") == "result"]


async def requested_after(client: Client, seq: int) -> dict[str, Any]:
    return await client.wait_event(lambda e: e["kind"] == "approval_requested" and e["seq"] > seq, timeout=60)


async def finished_after(client: Client, seq: int) -> dict[str, Any]:
    return await client.wait_event(lambda e: run_finished(e) and e["seq"] > seq, timeout=60)


def test_allow_writes_the_file_and_deny_tells_the_agent_why(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message(tool_call("Write", {"file_path": str(work / "hello.txt"), "content": "hi from the phone\n"}))
            write = await requested_after(client, 0)
            assert write["data"]["tool"] == "Write" and write["data"]["input"]["content"] == "hi from the phone\n"
            assert not (work / "hello.txt").exists(), "nothing happens before the answer"
            await answer_approval(client, write["data"]["approval_id"], "allow")
            first = await finished_after(client, write["seq"])
            assert first["data"]["outcome"] == "ok"
            assert (work / "hello.txt").read_text() == "hi from the phone\n"

            await client.send_message("BASH:echo one >> denied.txt")
            bash = await requested_after(client, first["seq"])
            assert bash["data"]["input"]["command"] == "echo one >> denied.txt"
            await answer_approval(client, bash["data"]["approval_id"], "deny", message="not on a Friday")
            second = await finished_after(client, bash["seq"])
            assert second["data"]["outcome"] == "ok"
            assert not (work / "denied.txt").exists()
            assert "not on a Friday" in results(client)[-1], "the model read the reason"
            assert not [e for e in client.events if e["kind"] == "notice"], "a denial is the user's own answer, not a warning"
            await client.close()

        asyncio.run(scenario())


def test_an_edit_and_a_question_and_a_plan(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with claude_server(tmp_path) as (server, api, config_dir):
        (work / "notes.md").write_text("Hello, world.\n")

        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            # the CLI edits only a file it has read; reading inside the working directory is not asked
            await client.send_message(tool_call("Read", {"file_path": str(work / "notes.md")}))
            await client.wait_event(run_finished, timeout=60)
            seq = client.events[-1]["seq"]
            await client.send_message(tool_call("Edit", {"file_path": str(work / "notes.md"), "old_string": "world", "new_string": "phone"}))
            edit = await requested_after(client, seq)
            assert edit["data"]["tool"] == "Edit"
            await answer_approval(client, edit["data"]["approval_id"], "allow")
            seq = (await finished_after(client, edit["seq"]))["seq"]
            assert (work / "notes.md").read_text() == "Hello, phone.\n"

            question = {"questions": [{"question": "Which colour?", "header": "Colour", "multiSelect": False,
                                       "options": [{"label": "Blue", "description": "calm"}, {"label": "Red", "description": "loud"}]}]}
            await client.send_message(tool_call("AskUserQuestion", question))
            asked = await requested_after(client, seq)
            assert asked["data"]["kind"] == "question"
            await answer_approval(client, asked["data"]["approval_id"], "allow", answers={"Which colour?": "Blue"})
            seq = (await finished_after(client, asked["seq"]))["seq"]
            assert '"Which colour?"="Blue"' in results(client)[-1]

            await client.send_json({"type": "set_mode", "client_msg_id": str(uuid.uuid4()), "mode": "plan"})
            await client.wait_event(is_kind("mode_changed"))
            await client.send_message(tool_call("ExitPlanMode", {"plan": "1. change the colour\n2. test it"}))
            plan = await requested_after(client, seq)
            assert plan["data"]["kind"] == "plan"
            await answer_approval(client, plan["data"]["approval_id"], "deny")
            await finished_after(client, plan["seq"])
            assert "keep planning" in results(client)[-1]
            await client.close()

        asyncio.run(scenario())


def test_stop_while_pending_cancels_and_the_process_lives_on(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await client.send_message("BASH:echo late >> late.txt")
            requested = await requested_after(client, 0)
            await client.send_json({"type": "stop"})
            cancelled = await client.wait_event(is_kind("approval_cancelled"), timeout=30)
            assert cancelled["data"]["reason"] == "stopped"
            finished = await finished_after(client, requested["seq"])
            assert finished["data"] == {"outcome": "stopped", "exit_code": None}
            late = await answer_approval(client, requested["data"]["approval_id"], "allow")
            assert late["duplicate"] is True and late["seq"] == cancelled["seq"]
            await client.send_message("still there?")
            after = await finished_after(client, finished["seq"])
            assert after["data"]["outcome"] == "ok"
            assert not (work / "late.txt").exists(), "the late allow ran nothing"
            info = call("GET", f"{server.base_url}/api/conversations/{welcome['conversation_id']}")[1]
            assert [r["resumed"] for r in info["runs"]] == [False, True], "the same session goes on"
            assert not [e for e in client.events if e["kind"] == "session_lost"]
            await client.close()

        asyncio.run(scenario())


def test_allow_always_holds_after_an_idle_close_and_resume(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with claude_server(tmp_path, ["--agent-idle", "0.5"]) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await client.send_message("BASH:echo one >> always.txt")
            first = await requested_after(client, 0)
            assert first["data"]["can_always"] is True
            await answer_approval(client, first["data"]["approval_id"], "allow_always")
            done = await finished_after(client, first["seq"])
            await asyncio.sleep(2.0)  # the process is closed for idleness; the next turn resumes the session
            await client.send_message("BASH:echo one >> always.txt")
            second = await finished_after(client, done["seq"])
            auto = [e["data"] for e in client.events if e["kind"] == "approval_resolved" and e["seq"] > done["seq"]]
            assert [(a["decision"], a["by"]) for a in auto] == [("allow", "rule")]
            assert second["data"]["outcome"] == "ok"
            assert (work / "always.txt").read_text() == "one\none\n"
            assert not (work / ".claude" / "settings.local.json").exists(), "nothing is written into the user's project"
            info = call("GET", f"{server.base_url}/api/conversations/{welcome['conversation_id']}")[1]
            labels = [r["label"] for r in info["allow_always"]]
            assert labels[0] == "Bash commands starting with: echo one"  # then the CLI's folder suggestion
            assert [r["resumed"] for r in info["runs"]] == [False, True]
            await client.close()

        asyncio.run(scenario())
