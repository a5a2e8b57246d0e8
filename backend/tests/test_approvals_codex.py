"""Tool approvals with the REAL codex CLI (`codex app-server`, approval policy `untrusted`) against the
loopback fake Responses API: the user's answer decides whether the command runs (I6-I8)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from codex_harness import codex_server
from http_client import call
from ws_client import Client, answer_approval, run_finished


async def requested_after(client: Client, seq: int) -> dict[str, Any]:
    return await client.wait_event(lambda e: e["kind"] == "approval_requested" and e["seq"] > seq, timeout=60)


async def finished_after(client: Client, seq: int) -> dict[str, Any]:
    return await client.wait_event(lambda e: run_finished(e) and e["seq"] > seq, timeout=60)


def last_answer(client: Client) -> str:
    texts = [e["data"]["params"]["item"]["text"] for e in client.events if e["kind"] == "agent"
             and e["data"].get("method") == "item/completed" and e["data"]["params"]["item"]["type"] == "agentMessage"]
    return texts[-1]


def test_a_command_allowed_runs_and_one_denied_does_not(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message("SHELL:echo hi > allowed.txt")
            asked = await requested_after(client, 0)
            assert asked["data"]["tool"] == "Bash" and asked["data"]["input"]["command"] == "echo hi > allowed.txt"
            assert asked["data"]["input"]["cwd"] == str(work)
            assert not (work / "allowed.txt").exists(), "nothing happens before the answer"
            await answer_approval(client, asked["data"]["approval_id"], "allow")
            first = await finished_after(client, asked["seq"])
            assert first["data"]["outcome"] == "ok"
            assert (work / "allowed.txt").read_text() == "hi\n"

            await client.send_message("SHELL:echo no > denied.txt")
            denied = await requested_after(client, first["seq"])
            await answer_approval(client, denied["data"]["approval_id"], "deny", message="not today")
            second = await finished_after(client, denied["seq"])
            assert second["data"]["outcome"] == "ok", "codex goes on after a decline"
            assert not (work / "denied.txt").exists()
            assert last_answer(client).startswith("done: ")
            ends = [e["data"]["decision"] for e in client.events if e["kind"] == "approval_resolved"]
            assert ends == ["allow", "deny"]
            await client.close()

        asyncio.run(scenario())


def test_an_approval_is_answered_after_the_socket_dropped(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await client.send_message("SHELL:echo later > later.txt")
            asked = await requested_after(client, 0)
            client.ws.transport.abort()  # the phone lost its network: no close frame
            await asyncio.sleep(0.5)
            again = await Client.connect(server.ws_url)
            await again.hello(welcome["conversation_id"], last_seq=asked["seq"])
            info = call("GET", f"{server.base_url}/api/conversations/{welcome['conversation_id']}")[1]
            assert info["pending_approvals"] == [asked["data"]["approval_id"]]
            ack = await answer_approval(again, asked["data"]["approval_id"], "allow")
            assert ack["type"] == "ack" and not ack["duplicate"]
            finished = await finished_after(again, asked["seq"])
            assert finished["data"]["outcome"] == "ok"
            assert (work / "later.txt").read_text() == "later\n"
            await again.close()

        asyncio.run(scenario())


def test_stop_while_pending_cancels_it_and_the_next_turn_goes_on(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message("SHELL:echo stop > stopped.txt")
            asked = await requested_after(client, 0)
            await client.send_json({"type": "stop"})
            cancelled = await client.wait_event(lambda e: e["kind"] == "approval_cancelled", timeout=30)
            assert cancelled["data"] == {"approval_id": asked["data"]["approval_id"], "reason": "stopped"}
            finished = await finished_after(client, asked["seq"])
            assert finished["data"]["outcome"] == "stopped"
            ack = await answer_approval(client, asked["data"]["approval_id"], "allow")
            assert ack["duplicate"], "a late answer changes nothing (I7)"
            assert not (work / "stopped.txt").exists()
            await client.send_message("and now?")
            done = await finished_after(client, finished["seq"])
            assert done["data"]["outcome"] == "ok" and last_answer(client).startswith("echo: and now?")
            await client.close()

        asyncio.run(scenario())


def test_allow_always_answers_the_same_command_prefix_without_asking(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message("SHELL:touch one.txt")
            asked = await requested_after(client, 0)
            assert asked["data"]["can_always"]
            await answer_approval(client, asked["data"]["approval_id"], "allow_always")
            first = await finished_after(client, asked["seq"])
            await client.send_message("SHELL:touch two.txt")
            second = await finished_after(client, first["seq"])
            assert second["data"]["outcome"] == "ok"
            resolved = [e["data"]["by"] for e in client.events if e["kind"] == "approval_resolved"]
            assert resolved == ["user", "rule"], "codex asked again and the conversation's rule answered"
            assert (work / "one.txt").exists() and (work / "two.txt").exists()
            assert not (home / "rules").exists(), "nothing is written into codex's global rules"
            await client.close()

        asyncio.run(scenario())
