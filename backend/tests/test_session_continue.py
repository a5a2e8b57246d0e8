"""Continuing a Claude session started at the desk: `hello {conversation_id: null, project_id, agent_session_id}`.

The desk session is made by the REAL claude CLI run in the project folder (as a user would in a
terminal), against the fake Messages API; swe-swe then continues it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from claude_harness import claude_server, desk_session
from fake_messages_api import FakeMessagesAPI
from http_client import call
from server_process import ServerProcess
from swe_swe.agents import claude_home
from swe_swe.agents.claude_import import FORK_NOTICE, import_key, read_history
from swe_swe.store import ImportDraft, Store
from ws_client import Client, run_finished


async def turn(client: Client, text: str) -> dict[str, Any]:
    last = client.events[-1]["seq"] if client.events else 0
    await client.send_message(text)
    await client.wait_event(lambda e: run_finished(e) and e["seq"] > last, timeout=60)
    return next(e["data"] for e in reversed(client.events) if e["kind"] == "agent" and e["data"].get("type") == "result")


def user_texts_sent(api: FakeMessagesAPI) -> list[str]:
    """The user texts of the last streamed request to the API: the context the agent was given."""
    body = [r for r in api.requests if r.get("stream")][-1]
    texts = []
    for message in body["messages"]:
        content = message["content"]
        if message["role"] == "user":
            blocks = [content] if isinstance(content, str) else [b.get("text", "") for b in content if b.get("type") == "text"]
            texts += [t for t in blocks if not t.lstrip().startswith("<system-reminder>")]
    return texts


def test_a_desk_session_is_listed_continued_with_its_context_and_resumed_in_place(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        transcript = desk_session(tmp_path / "work", api, config_dir, "remember the word pelican", age_seconds=600)
        session_id = transcript.stem
        project = call("GET", f"{server.base_url}/api/projects")[1]["projects"][0]
        sessions = call("GET", f"{server.base_url}/api/projects/{project['id']}/sessions")[1]["sessions"]
        assert [(s["agent_session_id"], s["title"], s["conversation_id"]) for s in sessions] == [
            (session_id, "remember the word pelican", None)]
        size_at_import = transcript.stat().st_size

        async def scenario() -> str:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(project_id=project["id"], agent_session_id=session_id)
            history = [(e["kind"], e["data"]) for e in client.events]
            prompt = next(d for k, d in history if k == "user_message")
            assert prompt == {"client_msg_id": None, "text": "remember the word pelican", "imported": True}
            replies = [d for k, d in history if k == "agent" and d["type"] == "assistant"]
            assert replies and replies[0]["message"]["content"][0]["text"].startswith("echo: remember the word pelican")
            assert not any(k == "notice" for k, _ in history), "an old session is resumed, not forked"
            assert not any(k in ("run_started", "run_finished") for k, _ in history), "history is not run again"
            result = await turn(client, "what was the word?")
            assert "[turns=2]" in result["result"], "the next turn had the desk turn in its context"
            assert user_texts_sent(api)[:2] == ["remember the word pelican", "what was the word?"]
            assert result["session_id"] == session_id
            await client.close()
            return str(welcome["conversation_id"])

        conversation_id = asyncio.run(scenario())
        # the CLI writes the turn into its transcript a moment after the result line (claude-cli.md)
        deadline = time.monotonic() + 10
        while transcript.stat().st_size <= size_at_import and time.monotonic() < deadline:
            time.sleep(0.05)
        assert transcript.stat().st_size > size_at_import, "the same transcript grew: resumed in place"
        details = call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]
        assert details["agent_session_id"] == session_id and details["title"] == "remember the word pelican"
        assert (tmp_path / "data" / "vault" / f"{session_id}.jsonl").exists() or any(
            (tmp_path / "data").rglob(f"{session_id}.jsonl")), "the vault copy was taken"
        sessions = call("GET", f"{server.base_url}/api/projects/{project['id']}/sessions")[1]["sessions"]
        assert [s["conversation_id"] for s in sessions] == [conversation_id]

        async def again() -> str:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(project_id=project["id"], agent_session_id=session_id)
            await client.close()
            return str(welcome["conversation_id"])

        assert asyncio.run(again()) == conversation_id, "continuing again opens the same conversation"
        listed = call("GET", f"{server.base_url}/api/conversations")[1]["conversations"]
        assert len(listed) == 1


def test_a_fresh_desk_session_is_forked_and_the_app_says_so(tmp_path: Path) -> None:
    with claude_server(tmp_path) as (server, api, config_dir):
        transcript = desk_session(tmp_path / "work", api, config_dir, "still open at the desk", age_seconds=0)
        session_id = transcript.stem
        project = call("GET", f"{server.base_url}/api/projects")[1]["projects"][0]
        size_at_import = transcript.stat().st_size

        async def scenario() -> str:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(project_id=project["id"], agent_session_id=session_id)
            notices = [e["data"] for e in client.events if e["kind"] == "notice"]
            assert notices == [{"level": "info", "text": FORK_NOTICE}]
            result = await turn(client, "go on from the phone")
            assert "[turns=2]" in result["result"], "the fork keeps the context"
            assert result["session_id"] != session_id
            result = await turn(client, "and again")
            assert "[turns=3]" in result["result"], "the next turn resumes the fork"
            await client.close()
            return str(welcome["conversation_id"])

        conversation_id = asyncio.run(scenario())
        assert transcript.stat().st_size == size_at_import, "the terminal's transcript is left as it was"
        details = call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]
        forked = details["agent_session_id"]
        assert forked != session_id
        assert (claude_home.project_dir(config_dir, tmp_path / "work") / f"{forked}.jsonl").exists()
        sessions = call("GET", f"{server.base_url}/api/projects/{project['id']}/sessions")[1]["sessions"]
        assert {s["agent_session_id"]: s["conversation_id"] for s in sessions} == {
            session_id: conversation_id, forked: conversation_id}, "both lead to the conversation: no twin"


def _line(kind: str, content: object, **extra: object) -> str:
    return json.dumps({"type": kind, "uuid": str(uuid.uuid4()), "timestamp": "2025-01-01T00:00:00.000Z",
                       "message": {"role": kind, "content": content, **extra}})


def test_a_long_transcript_keeps_its_newest_events_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / f"{uuid.uuid4()}.jsonl"
    lines = [_line("user", "<command-name>/clear</command-name>")]
    for i in range(30):
        lines += [_line("user", f"prompt {i}"), _line("assistant", [{"type": "text", "text": f"reply {i}"}], id=f"m{i}")]
    lines += [json.dumps({"type": "summary"}), "not json", _line("user", [{"type": "tool_result", "tool_use_id": "t", "content": "ok"}])]
    path.write_text("\n".join(lines) + "\n")
    history = read_history(path, path.stem, limit=5)
    assert history.left_out == 56 and len(history.events) == 5
    assert history.title == "prompt 0", "the title is the first prompt, even when it is left out"
    assert [e.kind for e in history.events] == ["user_message", "agent", "user_message", "agent", "agent"]
    assert history.events[-1].data["type"] == "user" and history.events[-1].data["imported"] is True
    assert history.events[0].ts == 1735689600000


def test_imported_messages_are_never_run_and_an_import_is_made_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    events = [("user_message", {"client_msg_id": None, "text": "old", "imported": True}, 5)]
    session_id = str(uuid.uuid4())
    draft = ImportDraft(import_key("p", session_id), "claude", session_id, "p", "default", "old", True, events)
    first = store.import_conversation(draft)
    assert store.import_conversation(draft).id == first.id
    assert first.head_seq == 1 and first.fork_session
    assert store.next_pending_message(first.id) is None
    assert store.imported_session(first.id) == draft.agent_session_id
    store.set_agent_session(first.id, str(uuid.uuid4()))
    conversation = store.get_conversation(first.id)
    assert conversation is not None and not conversation.fork_session, "the fork's new id ends the pending fork"


def test_adopting_an_unknown_session_id_still_works_without_a_project(tmp_path: Path) -> None:
    """No transcript by that id: the id is adopted as before (the demo agent resumes it)."""
    server = ServerProcess(data_dir=tmp_path / "data").start()
    try:
        async def scenario() -> tuple[str, str]:
            session_id = str(uuid.uuid4())
            first = await Client.connect(server.ws_url)
            a = (await first.hello(agent_session_id=session_id))["conversation_id"]
            await first.close()
            second = await Client.connect(server.ws_url)
            b = (await second.hello(agent_session_id=session_id))["conversation_id"]
            await second.close()
            return a, b

        a, b = asyncio.run(scenario())
        assert a == b, "the session's conversation again, not a twin"
    finally:
        server.terminate()
