"""Several agents on one server: each conversation keeps the agent it was created with.

`AgentRegistry` is itself an `Agent`, so the runner and the conversation service keep talking to one
object. Turns and recovery go to the conversation's own adapter (`ConversationRef.agent`); requests that
name only a conversation id (stop, set_mode, close) go to every adapter, and each ignores a
conversation it holds nothing for. The first adapter is the default for new conversations.
"""

from __future__ import annotations

from pathlib import Path

from swe_swe.agents.base import Agent, ConversationRef, RunOutcome, Turn, TurnResult, TurnSink
from swe_swe.agents.claude_import import SessionHistory

UNAVAILABLE = "This conversation's agent ({agent}) is not available on this server. Start a new conversation to go on."


class AgentRegistry(Agent):
    def __init__(self, agents: list[Agent]) -> None:
        if not agents:
            raise ValueError("at least one agent")
        self._agents = {agent.name: agent for agent in agents}
        self.default = agents[0]
        self.name = self.default.name

    @property
    def names(self) -> list[str]:
        return list(self._agents)

    def get(self, name: str | None) -> Agent | None:
        return self._agents.get(name or self.default.name)

    def _for(self, conversation: ConversationRef) -> Agent | None:
        return self.get(conversation.agent)

    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        agent = self._for(conversation)
        if agent is None:
            sink.log("notice", {"level": "error", "text": UNAVAILABLE.format(agent=conversation.agent)})
            return TurnResult(RunOutcome.ERROR, None)
        return await agent.run_turn(conversation, turn, sink)

    async def recover(self, conversation: ConversationRef, action: str, sink: TurnSink) -> None:
        agent = self._for(conversation)
        if agent is not None:
            await agent.recover(conversation, action, sink)

    def forget(self, conversation: ConversationRef) -> None:
        agent = self._for(conversation)
        if agent is not None:
            agent.forget(conversation)

    async def find_session(self, asked: str, workdir: Path | None, agent_session_id: str) -> tuple[str, SessionHistory] | None:
        """Which adapter holds this existing session, and its history: the agent the device asked for
        first, then the others. A device whose last pick was codex may still continue a Claude session
        from the list; the conversation must then be Claude's, or its first turn would find nothing."""
        names = [asked, *(name for name in self._agents if name != asked)]
        for name in names:
            adapter = self.get(name)
            history = await adapter.import_session(workdir, agent_session_id) if adapter is not None else None
            if history is not None:
                return name, history
        return None

    async def stop_turn(self, conversation_id: str) -> None:
        for agent in self._agents.values():
            await agent.stop_turn(conversation_id)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        for agent in self._agents.values():
            await agent.set_mode(conversation_id, mode)

    async def close(self, conversation_id: str) -> None:
        for agent in self._agents.values():
            await agent.close(conversation_id)

    async def shutdown(self) -> None:
        for agent in self._agents.values():
            await agent.shutdown()
