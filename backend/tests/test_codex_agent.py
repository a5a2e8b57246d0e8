"""The codex adapter end to end: real server, real `codex app-server`, loopback fake Responses API."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from codex_harness import codex_server, rollouts
from http_client import call
from server_process import ServerProcess
from ws_client import Client, run_finished


def answers(client: Client) -> list[str]:
    texts = []
    for event in client.events:
        data = event["data"]
        if event["kind"] == "agent" and data.get("method") == "item/completed" and data["params"]["item"]["type"] == "agentMessage":
            texts.append(data["params"]["item"]["text"])
    return texts


def kinds(client: Client, kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in client.events if e["kind"] == kind]


async def turn(client: Client, text: str) -> dict[str, Any]:
    last = client.events[-1]["seq"] if client.events else 0
    await client.send_message(text)
    return await client.wait_event(lambda e: run_finished(e) and e["seq"] > last, timeout=60)


def details(server: ServerProcess, conversation_id: str) -> dict[str, Any]:
    return call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]


def wait_for_vault(server: ServerProcess, thread_id: str, timeout: float = 10) -> Path:
    path = server.data_dir / "vault" / "codex" / f"{thread_id}.jsonl"
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), "the vault never got a copy"
    return path


def test_a_new_conversation_is_answered_and_a_follow_up_uses_the_live_process(tmp_path: Path) -> None:
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            assert welcome["agent"] == "codex" and "codex" in welcome["agents"]
            assert (await turn(client, "alpha"))["data"]["outcome"] == "ok"
            assert (await turn(client, "beta"))["data"]["outcome"] == "ok"
            assert answers(client) == ["echo: alpha [turns=1] [recap=no]", "echo: beta [turns=2] [recap=no]"]
            assert kinds(client, "session_started") == [{"fallback": False}]
            assert [d["resumed"] for d in kinds(client, "run_started")] == [False, True]
            info = details(server, welcome["conversation_id"])
            assert info["agent"] == "codex"
            assert server.log_text().count(" started: ") == 1, "one process for both turns"
            assert len(rollouts(home)) == 1 and rollouts(home)[0].stem.endswith(info["agent_session_id"])
            methods = {e["data"].get("method") for e in client.events if e["kind"] == "agent"}
            assert "turn/completed" in methods and not any(m and m.endswith("/delta") for m in methods)
            assert any(f["type"] == "partial" for f in client.frames), "deltas are sent live as partial frames"
            await client.close()

        asyncio.run(scenario())


def test_a_restart_of_the_server_resumes_the_thread(tmp_path: Path) -> None:
    with codex_server(tmp_path) as (server, api, home):
        async def first() -> str:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "before the restart")
            await client.close()
            return welcome["conversation_id"]

        conversation_id = asyncio.run(first())
        thread_id = details(server, conversation_id)["agent_session_id"]
        server.terminate()
        server.start()

        async def second() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello(conversation_id)
            finished = await turn(client, "after the restart")
            assert finished["data"]["outcome"] == "ok"
            assert answers(client)[-1] == "echo: after the restart [turns=2] [recap=no]"
            assert kinds(client, "session_lost") == []
            assert kinds(client, "run_started")[-1] == {"resumed": True}
            await client.close()

        asyncio.run(second())
        assert details(server, conversation_id)["agent_session_id"] == thread_id


def test_a_deleted_rollout_is_restored_with_its_context(tmp_path: Path) -> None:
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "remember me")
            thread_id = details(server, welcome["conversation_id"])["agent_session_id"]
            wait_for_vault(server, thread_id)
            for path in rollouts(home):
                path.unlink()
            finished = await turn(client, "still there?")
            assert finished["data"]["outcome"] == "ok"
            assert [d["recovery"] for d in kinds(client, "session_lost")] == ["restored"]
            assert answers(client)[-1] == "echo: still there? [turns=2] [recap=no]", "the restored thread keeps its context"
            info = details(server, welcome["conversation_id"])
            assert info["agent_session_id"] == thread_id
            assert [s["step"] for s in info["recovery"]][:2] == ["validate", "restore"]
            await client.close()

        asyncio.run(scenario())


def test_a_thread_gone_everywhere_falls_back_to_a_new_thread_with_a_recap(tmp_path: Path) -> None:
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "the secret word is pelican")
            old_id = details(server, welcome["conversation_id"])["agent_session_id"]
            wait_for_vault(server, old_id).unlink()
            for path in rollouts(home):
                path.unlink()
            finished = await turn(client, "what was the word?")
            assert finished["data"]["outcome"] == "ok"
            lost = kinds(client, "session_lost")
            assert [d["recovery"] for d in lost] == ["new_session"] and old_id not in lost[0]["reason"]
            assert kinds(client, "session_started")[-1] == {"fallback": True}
            assert answers(client)[-1] == "echo: what was the word? [turns=1] [recap=yes]"
            assert any("pelican" in str(r) for r in api.requests[-1]["input"]), "the recap carries the earlier turn"
            info = details(server, welcome["conversation_id"])
            assert info["agent_session_id"] not in (None, old_id)
            await client.close()

        asyncio.run(scenario())


def test_a_stale_thread_id_is_caught_at_run_time_and_falls_back(tmp_path: Path) -> None:
    """A thread id codex does not know (adopted from elsewhere): its own "no rollout found" triggers the
    recovery, and the user gets one answer from a new thread with the recap."""
    stale = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    with codex_server(tmp_path) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(agent_session_id=stale)
            finished = await turn(client, "hello again")
            assert finished["data"]["outcome"] == "ok"
            assert [d["recovery"] for d in kinds(client, "session_lost")] == ["new_session"]
            assert answers(client) == ["echo: hello again [turns=1] [recap=no]"]
            info = details(server, welcome["conversation_id"])
            assert info["agent_session_id"] not in (None, stale)
            assert not [e for e in client.events if e["kind"] == "notice"]
            await client.close()

        asyncio.run(scenario())


def test_codex_refusing_a_thread_that_looked_fine_triggers_the_runtime_guard(tmp_path: Path) -> None:
    """The rollout is where codex looks and valid, yet codex says "no rollout found" (a stand-in app-server,
    since the real one cannot be made to disagree on demand): the user still gets one answer, from a new
    thread with the recap, and no error."""
    fake_codex = str(Path(__file__).with_name("fake_codex_app_server.py"))
    home = tmp_path / "codex-home"
    work = tmp_path / "work"
    work.mkdir()
    thread_id = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    rollout = home / "sessions/2026/01/01" / f"rollout-2026-01-01T00-00-00-{thread_id}.jsonl"
    rollout.parent.mkdir(parents=True)
    rollout.write_text(json.dumps({"type": "session_meta", "payload": {"id": thread_id}}) + "\n")
    server = ServerProcess(data_dir=tmp_path / "data", agent="codex", env={"CODEX_HOME": str(home)},
                    extra_args=["--codex-bin", fake_codex, "--workdir", str(work)]).start()
    try:
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(agent_session_id=thread_id)
            await turn(client, "first")
            assert answers(client) == ["echo: first [recap=no]"]
            assert [d["recovery"] for d in kinds(client, "session_lost")] == ["new_session"]
            info = details(server, welcome["conversation_id"])
            assert [s["step"] for s in info["recovery"]] == ["runtime_guard", "fallback"]
            assert info["agent_session_id"] not in (None, thread_id)
            assert not [e for e in client.events if e["kind"] == "notice"]
            await client.close()

        asyncio.run(scenario())
    finally:
        server.terminate()
