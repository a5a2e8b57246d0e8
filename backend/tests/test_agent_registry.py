"""Several agents per server: each conversation's turns go to its own agent."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from codex_harness import codex_server
from server_process import REPO, ServerProcess
from swe_swe.agents.base import Agent, ConversationRef, RunOutcome, Turn, TurnResult
from swe_swe.agents.claude_import import SessionHistory
from swe_swe.agents.registry import AgentRegistry
from ws_client import Client, run_finished


class Stub(Agent):
    def __init__(self, name: str) -> None:
        self.name = name
        self.turns: list[str] = []
        self.closed: list[str] = []

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: Any) -> TurnResult:
        self.turns.append(conversation.id)
        return TurnResult(RunOutcome.OK, None)

    async def stop_turn(self, conversation_id: str) -> None:
        pass

    async def close(self, conversation_id: str) -> None:
        self.closed.append(conversation_id)

    async def shutdown(self) -> None:
        pass


class WithSessions(Stub):
    """An agent that holds some existing sessions (as claude holds its desk transcripts)."""

    def __init__(self, name: str, sessions: dict[str, SessionHistory]) -> None:
        super().__init__(name)
        self.sessions = sessions

    async def import_session(self, workdir: Path | None, agent_session_id: str) -> SessionHistory | None:
        return self.sessions.get(agent_session_id)


class Notes:
    def __init__(self) -> None:
        self.logged: list[tuple[str, dict[str, Any]]] = []

    def log(self, kind: str, data: dict[str, Any]) -> None:
        self.logged.append((kind, data))


def test_turns_go_to_the_conversations_own_agent() -> None:
    claude, codex = Stub("claude"), Stub("codex")
    registry = AgentRegistry([claude, codex])
    assert registry.name == "claude" and registry.names == ["claude", "codex"]

    async def scenario() -> None:
        await registry.run_turn(ConversationRef("a", None, agent="codex"), Turn(1, "hi"), Notes())  # type: ignore[arg-type]
        await registry.run_turn(ConversationRef("b", None), Turn(1, "hi"), Notes())  # type: ignore[arg-type]
        notes = Notes()
        result = await registry.run_turn(ConversationRef("c", None, agent="gone"), Turn(1, "hi"), notes)  # type: ignore[arg-type]
        assert result.outcome is RunOutcome.ERROR and "(gone) is not available" in notes.logged[0][1]["text"]
        await registry.close("a")

    asyncio.run(scenario())
    assert codex.turns == ["a"] and claude.turns == ["b"]
    assert claude.closed == codex.closed == ["a"]


def test_hello_picks_an_installed_agent_for_a_new_conversation(tmp_path: Path) -> None:
    claude = REPO / "node_modules/.bin/claude"
    with codex_server(tmp_path, ["--claude-bin", str(claude)]) as (server, api, home):
        async def scenario() -> None:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(agent="claude")
            assert welcome["agent"] == "claude" and welcome["agents"] == ["codex", "claude"]
            await client.close()
            client = await Client.connect(server.ws_url)
            assert (await client.hello())["agent"] == "codex", "the default"
            await client.close()
            client = await Client.connect(server.ws_url)
            assert (await client.hello(agent="nope"))["agent"] == "codex", "an agent not offered: the default"
            await client.close()

        asyncio.run(scenario())


def test_an_agent_no_longer_offered_gets_the_default_with_a_notice(server: ServerProcess) -> None:
    """A device that remembers an agent from an older offer, and sends before it learns the new one,
    is never stuck: its new conversation runs with the server's default, and the log says why."""
    key = str(uuid.uuid4())

    async def scenario() -> None:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello(agent="codex", create_key=key)
        assert welcome["agent"] == "demo" and welcome["agents"] == ["demo"] and welcome["head_seq"] == 1
        notice = client.events[0]
        assert notice["kind"] == "notice" and notice["data"]["level"] == "warning"
        assert notice["data"]["text"] == (
            "The agent picked on this device (codex) is not available on this server, so this conversation uses Demo."
        )
        await client.send_message("hello")
        finished = await client.wait_event(run_finished)
        assert finished["data"]["outcome"] == "ok"
        await client.close()
        again = await Client.connect(server.ws_url)
        repeated = await again.hello(agent="codex", create_key=key)
        assert repeated["conversation_id"] == welcome["conversation_id"], "the same conversation, not a twin"
        assert [e["kind"] for e in again.events].count("notice") == 1, "said once"
        await again.close()

    asyncio.run(scenario())


def test_a_session_is_continued_by_the_agent_that_holds_it_whatever_the_device_asked_for() -> None:
    """A device whose last pick was codex taps "Continue here" on a Claude session from the list: the
    new conversation must be Claude's (codex would find no such thread and start afresh)."""
    desk = SessionHistory(title="fix the tests")
    claude, codex = WithSessions("claude", {"s-1": desk}), WithSessions("codex", {})
    registry = AgentRegistry([claude, codex])

    async def scenario() -> None:
        assert await registry.find_session("codex", None, "s-1") == ("claude", desk)
        assert await registry.find_session("claude", None, "s-1") == ("claude", desk)
        assert await registry.find_session("codex", None, "unknown") is None

    asyncio.run(scenario())
