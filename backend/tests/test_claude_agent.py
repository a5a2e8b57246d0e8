"""The claude adapter end to end: real server, real `claude` binary, loopback fake Messages API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from claude_harness import claude_server, transcripts
from http_client import call
from server_process import ServerProcess
from ws_client import Client, run_finished


def answers(client: Client) -> list[str]:
    return [e["data"]["result"] for e in client.events if e["kind"] == "agent" and e["data"].get("type") == "result"]


def kinds(client: Client, kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in client.events if e["kind"] == kind]


async def turn(client: Client, text: str) -> dict[str, Any]:
    last = client.events[-1]["seq"] if client.events else 0
    await client.send_message(text)
    return await client.wait_event(lambda e: run_finished(e) and e["seq"] > last, timeout=60)


def wait_for_vault(server: ServerProcess, session_id: str, timeout: float = 10) -> Path:
    path = server.data_dir / "vault" / f"{session_id}.jsonl"
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), "the vault never got a copy"
    return path


def details(server: ServerProcess, conversation_id: str) -> dict[str, Any]:
    return call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]


def test_turns_share_one_session_and_process(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            assert welcome["agent"] == "claude"
            assert (await turn(client, "alpha"))["data"]["outcome"] == "ok"
            assert (await turn(client, "beta"))["data"]["outcome"] == "ok"
            assert answers(client)[0].startswith("echo: alpha") and "[turns=1]" in answers(client)[0]
            assert "[turns=2]" in answers(client)[1]
            assert kinds(client, "session_started") == [{"fallback": False}]
            assert [d["resumed"] for d in kinds(client, "run_started")] == [False, True]
            info = details(server, welcome["conversation_id"])
            runs = info["runs"]
            assert len(transcripts(config_dir)) == 1 and transcripts(config_dir)[0].stem == info["agent_session_id"]
            assert runs[0]["outcome"] == runs[1]["outcome"] == "ok"
            assert not any(e["data"].get("isReplay") for e in client.events if e["kind"] == "agent")
            await client.close()

        asyncio.run(scenario())


def test_idle_process_is_closed_and_next_turn_resumes(tmp_path: Path) -> None:
    with claude_server(tmp_path, ["--agent-idle", "0.5"]) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await turn(client, "one")
            await asyncio.sleep(2.0)
            await turn(client, "two")
            assert "[turns=2]" in answers(client)[1]
            assert [d["resumed"] for d in kinds(client, "run_started")] == [False, True]
            assert kinds(client, "session_lost") == []
            await client.close()

        asyncio.run(scenario())


def test_deleted_transcript_is_restored_from_the_vault(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "remember me")
            session_id = details(server, welcome["conversation_id"])["agent_session_id"]
            wait_for_vault(server, session_id)
            for path in transcripts(config_dir):
                path.unlink()
            finished = await turn(client, "still there?")
            assert finished["data"]["outcome"] == "ok"
            assert kinds(client, "session_lost") == [{"reason": kinds(client, "session_lost")[0]["reason"], "recovery": "restored"}]
            assert "[turns=2]" in answers(client)[-1], "the restored session must keep its context"
            info = details(server, welcome["conversation_id"])
            assert info["agent_session_id"] == session_id
            assert [s["step"] for s in info["recovery"]][:2] == ["validate", "restore"]
            await client.close()

        asyncio.run(scenario())


def test_session_gone_everywhere_falls_back_with_a_recap(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "the secret word is pelican")
            old_id = details(server, welcome["conversation_id"])["agent_session_id"]
            wait_for_vault(server, old_id).unlink()
            for path in transcripts(config_dir):
                path.unlink()
            finished = await turn(client, "what was the word?")
            assert finished["data"]["outcome"] == "ok"
            lost = kinds(client, "session_lost")
            assert [d["recovery"] for d in lost] == ["new_session"]
            assert old_id not in lost[0]["reason"] and "/" not in lost[0]["reason"]
            assert kinds(client, "session_started")[-1] == {"fallback": True}
            reply = answers(client)[-1]
            assert "echo: what was the word?" in reply and "[recap=yes]" in reply and "[turns=1]" in reply
            system = str(api.requests[-1].get("system"))
            assert "pelican" in system, "the recap goes into the system prompt"
            info = details(server, welcome["conversation_id"])
            assert info["agent_session_id"] != old_id
            assert "fallback" in [s["step"] for s in info["recovery"]]
            await client.close()

        asyncio.run(scenario())


def test_the_production_failure_an_unknown_adopted_session_id(tmp_path: Path) -> None:
    stale = "81407d78-753d-45ec-9783-bb3c0a8ade0a"
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello(None, 0, agent_session_id=stale)
            finished = await turn(client, "hello after a long time")
            assert finished["data"]["outcome"] == "ok"
            assert [d["recovery"] for d in kinds(client, "session_lost")] == ["new_session"]
            assert answers(client)[-1].startswith("echo: hello after a long time")
            await client.close()

        asyncio.run(scenario())


def test_recover_new_and_retry(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "first")
            cid = welcome["conversation_id"]
            first_id = details(server, cid)["agent_session_id"]
            vault_copy = wait_for_vault(server, first_id)
            saved = vault_copy.read_bytes()
            vault_copy.unlink()
            originals = {p: p.read_bytes() for p in transcripts(config_dir)}
            for path in originals:
                path.unlink()
            await turn(client, "second")  # falls back to a new session
            second_id = details(server, cid)["agent_session_id"]
            assert second_id != first_id
            vault_copy.write_bytes(saved)  # the old session comes back (e.g. a disk remounted)
            await client.send_json({"type": "recover", "action": "retry"})
            await client.wait_event(lambda e: e["kind"] == "notice" and "is back" in e["data"]["text"])
            assert details(server, cid)["agent_session_id"] == first_id
            await turn(client, "third")
            assert "[turns=2]" in answers(client)[-1]
            await client.send_json({"type": "recover", "action": "new"})
            await client.wait_event(lambda e: e["kind"] == "notice" and "new agent session" in e["data"]["text"])
            await turn(client, "fourth")
            reply = answers(client)[-1]
            assert "[turns=1]" in reply and "[recap=no]" in reply
            assert details(server, cid)["agent_session_id"] not in (first_id, second_id)
            await client.close()

        asyncio.run(scenario())


def test_runtime_guard_when_the_transcript_vanishes_between_check_and_spawn(tmp_path: Path) -> None:
    """A wrapper deletes the transcript right before exec'ing the real CLI, once: the race of I4."""
    from claude_harness import claude_bin

    flag = tmp_path / "delete-once"
    wrapper = tmp_path / "claude-racing"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ -e "{flag}" ]; then rm -f "{flag}"; find "$CLAUDE_CONFIG_DIR/projects" -name "*.jsonl" -delete; fi\n'
        f'exec "{claude_bin()}" "$@"\n'
    )
    wrapper.chmod(0o755)
    with claude_server(tmp_path, ["--agent-idle", "0.3"], claude=wrapper) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello()
            await turn(client, "before the race")
            wait_for_vault(server, details(server, welcome["conversation_id"])["agent_session_id"])
            await asyncio.sleep(1.0)  # the idle process closes; the next turn spawns `--resume`
            flag.write_text("")
            finished = await turn(client, "after the race")
            assert finished["data"]["outcome"] == "ok"
            assert [d["recovery"] for d in kinds(client, "session_lost")] == ["restored"]
            assert "[turns=2]" in answers(client)[-1]
            results = [e for e in client.events if e["kind"] == "agent" and e["data"].get("type") == "result"]
            assert all(not r["data"].get("is_error") for r in results), "the CLI's refusal is not shown as an error"
            steps = [s["step"] for s in details(server, welcome["conversation_id"])["recovery"]]
            assert "runtime_guard" in steps
            await client.close()

        asyncio.run(scenario())


def test_stop_interrupts_a_streaming_turn(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await client.send_message("SLOW please take your time")
            await client.wait_event(lambda e: e["kind"] == "run_started")
            await asyncio.sleep(0.8)
            await client.send_json({"type": "stop"})
            finished = await client.wait_event(run_finished, timeout=30)
            assert finished["data"]["outcome"] == "stopped"
            after = await turn(client, "are you still there")
            assert after["data"]["outcome"] == "ok"
            await client.close()

        asyncio.run(scenario())


def test_agent_failure_is_reported_plainly_and_next_message_works(tmp_path: Path) -> None:
    missing_bin = tmp_path / "claude-that-crashes"
    from claude_harness import claude_bin

    missing_bin.write_text(f'#!/bin/sh\nif [ -e "{tmp_path}/crash" ]; then echo "boom at /secret/path" >&2; exit 3; fi\nexec "{claude_bin()}" "$@"\n')
    missing_bin.chmod(0o755)
    (tmp_path / "crash").write_text("")
    with claude_server(tmp_path, claude=missing_bin) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            finished = await turn(client, "hello")
            assert finished["data"] == {"outcome": "error", "exit_code": 3}
            notice = kinds(client, "notice")[-1]
            assert notice["level"] == "error" and "exit code 3" in notice["text"] and "/secret" not in notice["text"]
            (tmp_path / "crash").unlink()
            assert (await turn(client, "again"))["data"]["outcome"] == "ok"
            await client.close()

        asyncio.run(scenario())


def test_accept_edits_mode_lets_the_agent_work(tmp_path: Path) -> None:
    with claude_server(tmp_path, ["--permission-mode", "acceptEdits"]) as (server, api, config_dir):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            await client.hello()
            await turn(client, "BASH:touch created-by-agent.txt")
            assert (tmp_path / "work" / "created-by-agent.txt").exists()
            assert kinds(client, "notice") == []
            await client.close()

        asyncio.run(scenario())
