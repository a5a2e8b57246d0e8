"""What clients can do to a conversation, shared by the WebSocket and the HTTP API."""

from __future__ import annotations

import logging

from swe_swe.agents.base import Agent
from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.hub import Hub
from swe_swe.store import Conversation, Store, StoredMessage, now_ms
from swe_swe.turns import TurnRunner, conversation_ref

log = logging.getLogger("swe_swe.conversations")


class Conversations:
    def __init__(self, store: Store, hub: Hub, runner: TurnRunner, agent: Agent, session_timeout_hours: float) -> None:
        self.store = store
        self.hub = hub
        self.runner = runner
        self.agent = agent
        self.session_timeout_ms = int(session_timeout_hours * 3600 * 1000)

    def open(self, conversation_id: str | None, agent_session_id: str | None, create_key: str | None = None) -> Conversation:
        """`hello`: an existing conversation, or a new one (adopting an agent session if given). A new
        one asked for again with the same `create_key` is the same one: no empty twin after a reload."""
        if conversation_id is None:
            known = self.store.conversation_for_key(create_key) if create_key else None
            if known is not None:
                return known
            conversation = self.store.create_conversation(self.agent.name, agent_session_id, create_key)
            log.info("conversation %s created", conversation.id)
            return conversation
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
        return conversation

    def require(self, conversation_id: str) -> Conversation:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
        return conversation

    def submit(self, conversation_id: str, client_msg_id: str, text: str) -> StoredMessage:
        """Store (idempotently), publish, and queue the turn. Stored before anyone is told (I1)."""
        self.require(conversation_id)
        stored = self.store.add_user_message(conversation_id, client_msg_id, text)
        if stored.event is not None:
            self.hub.publish(conversation_id, stored.event)
            self.runner.kick(conversation_id)
        return stored

    async def stop(self, conversation_id: str) -> None:
        await self.runner.stop(conversation_id)

    async def recover(self, conversation_id: str, action: str) -> None:
        await self.runner.recover(conversation_id, action)

    async def delete(self, conversation_id: str) -> None:
        conversation = self.require(conversation_id)
        await self.runner.stop(conversation_id)
        await self.agent.close(conversation_id)
        self.agent.forget(conversation_ref(conversation))
        for subscriber in self.hub.subscribers(conversation_id):
            subscriber.offer_close(4004, "conversation deleted")
        self.store.delete_conversation(conversation_id)
        log.info("conversation %s deleted", conversation_id)

    async def expire_inactive(self) -> list[str]:
        """Close the agent processes of conversations inactive past the session timeout."""
        cutoff = now_ms() - self.session_timeout_ms
        expired = [cid for cid in self.store.expire_inactive(cutoff) if not self.runner.is_busy(cid)]
        for conversation_id in expired:
            await self.agent.close(conversation_id)
        return expired
