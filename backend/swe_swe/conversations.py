"""What clients can do to a conversation, shared by the WebSocket and the HTTP API."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swe_swe import permission_modes, user_texts
from swe_swe.agents.base import ConversationRef
from swe_swe.agents.claude_import import FORK_NOTICE, LEFT_OUT_NOTICE, import_key
from swe_swe.agents.registry import AgentRegistry
from swe_swe.approvals import Approvals, ModeChange
from swe_swe.errors import CloseCode, ErrorCode, ProtocolError
from swe_swe.hub import Hub
from swe_swe.protocol import Approve
from swe_swe.store import ApprovalEnd, Conversation, ImportDraft, Store, StoredMessage, now_ms
from swe_swe.turns import TurnRunner, conversation_ref

log = logging.getLogger("swe_swe.conversations")
_TEXT_TYPE = re.compile(r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")


@dataclass(frozen=True)
class ModeSettings:
    """The mode new conversations start in, and the modes the app may switch to."""

    default: str = "default"
    allowed: tuple[str, ...] = permission_modes.BASE_MODES


class Conversations:
    def __init__(
        self,
        store: Store,
        hub: Hub,
        runner: TurnRunner,
        agent: AgentRegistry,
        session_timeout_hours: float,
        modes: ModeSettings | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.runner = runner
        self.agent = agent
        self.approvals: Approvals = runner.approvals
        self.approvals.on_mode_change = self._mode_implied
        self.modes = modes or ModeSettings()
        self.session_timeout_ms = int(session_timeout_hours * 3600 * 1000)

    async def open(
        self,
        conversation_id: str | None,
        agent_session_id: str | None,
        create_key: str | None = None,
        agent: str | None = None,
        project_id: str | None = None,
    ) -> Conversation:
        """`hello`: an existing conversation, or a new one (continuing an agent session if given) with the
        agent asked for, else the server's default. A new one asked for again with the same `create_key`
        is the same one: no empty twin after a reload. The project is checked against the server's own
        list (the default when none is named).

        An agent this server does not offer (a device that remembers one from an older offer and sent
        before it learnt the new one) gets the default agent and a warning notice saying so, rather than
        a refusal: refusing would strand the message the user already wrote, and every device sees why."""
        if conversation_id is None:
            known = self.store.conversation_for_key(create_key) if create_key else None
            if known is not None:
                return known
            unavailable = agent is not None and self.agent.get(agent) is None
            name = self.agent.name if unavailable or agent is None else agent
            project = self._project(project_id)
            if agent_session_id is not None:
                continued = await self._continue(name, project, agent_session_id)
                if continued is not None:
                    return continued
            conversation = self.store.create_conversation(name, agent_session_id, create_key, self.modes.default, project)
            log.info("conversation %s created", conversation.id)
            if unavailable:
                assert agent is not None
                text = user_texts.agent_fallback(agent, self.agent.default.title or self.agent.name)
                self.hub.append(conversation.id, "notice", {"level": "warning", "text": text})
                conversation = self.require(conversation.id)
            return conversation
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
        return conversation

    async def _continue(self, agent: str, project_id: str, agent_session_id: str) -> Conversation | None:
        """The conversation continuing an existing session of the project: the one made before (imported,
        or one of ours whose session it is), else a new one whose log starts with the session's history,
        run by the agent whose session it is (`agent`, the one asked for, is only tried first).
        None when the agent has no such session: the id is then adopted as it is (the older behaviour)."""
        key = import_key(project_id, agent_session_id)
        known = self.store.conversation_for_key(key) or self._owner_of(agent_session_id, project_id)
        if known is not None:
            return known
        found = await self.agent.find_session(agent, self._workdir(project_id), agent_session_id)
        if found is None:
            return None
        agent, history = found
        fork = history.fresh()
        events: list[tuple[str, dict[str, Any], int]] = []
        if history.left_out:
            events.append(("notice", {"level": "info", "text": LEFT_OUT_NOTICE.format(count=f"{history.left_out:,}")}, 0))
        events += [(e.kind, e.data, e.ts) for e in history.events]
        if fork:
            events.append(("notice", {"level": "info", "text": FORK_NOTICE}, 0))
        draft = ImportDraft(key, agent, agent_session_id, project_id, self.modes.default, history.title, fork, events)
        conversation = self.store.import_conversation(draft)
        log.info("conversation %s continues session %s (%d events%s)", conversation.id, agent_session_id, len(events), ", forked" if fork else "")
        return conversation

    def _owner_of(self, agent_session_id: str, project_id: str) -> Conversation | None:
        """A conversation of ours that already runs this session in this project."""
        owner = self.store.conversations_by_agent_session([agent_session_id]).get(agent_session_id)
        conversation = self.store.get_conversation(owner) if owner else None
        if conversation is None or self.project_of(conversation) != project_id:
            return None
        return conversation

    def _workdir(self, project_id: str) -> Path | None:
        projects = self.runner.projects
        project = projects.get(project_id) if projects is not None else None
        return project.path if project is not None else None

    def _project(self, project_id: str | None) -> str:
        projects = self.runner.projects
        if projects is None:
            return ""
        return projects.require(project_id).id

    def project_of(self, conversation: Conversation) -> str:
        """The conversation's project id; "" (from before projects) reads as the default's."""
        if conversation.project_id or self.runner.projects is None:
            return conversation.project_id
        default = self.runner.projects.default
        return default.id if default is not None else ""

    def require(self, conversation_id: str) -> Conversation:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
        return conversation

    def submit(
        self, conversation_id: str, client_msg_id: str, text: str, attachments: tuple[dict[str, str], ...] = ()
    ) -> StoredMessage:
        """Store (idempotently), publish, and queue the turn. Stored before anyone is told (I1).
        Each attachment's blob must have been uploaded first."""
        self.require(conversation_id)
        checked = [self._attachment(a, client_msg_id) for a in attachments]
        stored = self.store.add_user_message(conversation_id, client_msg_id, text, checked)
        if stored.event is not None:
            self.hub.publish(conversation_id, stored.event)
            self.runner.kick(conversation_id)
        return stored

    def _attachment(self, attachment: dict[str, str], client_msg_id: str) -> dict[str, str]:
        """The attachment as logged: an image's type is the one its bytes tell; text keeps a text type."""
        blobs = self.runner.blobs
        found = blobs.media_type(attachment["sha256"]) if blobs is not None else None
        if found is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, user_texts.ATTACHMENT_NOT_UPLOADED, client_msg_id)
        media_type = attachment["media_type"].lower()
        if found.startswith("image/") or media_type.startswith("image/") or not _TEXT_TYPE.match(media_type):
            media_type = found
        return {**attachment, "media_type": media_type}

    async def approve(self, conversation_id: str, answer: Approve, client_id: str) -> ApprovalEnd:
        """An answer to an approval; acked with the event that ended it (I7)."""
        self.require(conversation_id)
        return await self.approvals.answer(conversation_id, answer, client_id)

    async def set_mode(self, conversation_id: str, client_msg_id: str | None, mode: str) -> StoredMessage:
        """Stored first, then the live process is told; every later process starts in it."""
        self.require(conversation_id)
        permission_modes.check_mode(mode, self.modes.allowed, client_msg_id)
        stored = self.store.set_permission_mode(conversation_id, client_msg_id, mode)
        if stored.event is not None:
            self.hub.publish(conversation_id, stored.event)
            await self.agent.set_mode(conversation_id, mode)
        return stored

    async def _mode_implied(self, change: ModeChange) -> None:
        """An answer implied a mode (allow always on a setMode suggestion, an approved plan)."""
        conversation = self.store.get_conversation(change.conversation_id)
        if conversation is None or conversation.permission_mode == change.mode:
            return
        stored = self.store.set_permission_mode(change.conversation_id, None, change.mode)
        if stored.event is not None:
            self.hub.publish(change.conversation_id, stored.event)
        # the agent may apply it itself after its own suggestion or plan; telling it again is harmless
        await self.agent.set_mode(change.conversation_id, change.mode)

    def revoke_rule(self, conversation_id: str, rule_id: int) -> bool:
        self.require(conversation_id)
        rule = self.store.delete_allow_rule(conversation_id, rule_id)
        if rule is None:
            return False
        text = user_texts.RULE_REVOKED.format(label=rule.label)
        self.hub.append(conversation_id, "notice", {"level": "info", "text": text})
        return True

    async def stop(self, conversation_id: str) -> None:
        await self.runner.stop(conversation_id)

    async def recover(self, conversation_id: str, action: str) -> None:
        await self.runner.recover(conversation_id, action)

    async def delete(self, conversation_id: str) -> None:
        conversation = self.require(conversation_id)
        await self.runner.stop(conversation_id)
        await self.agent.close(conversation_id)
        self.agent.forget(conversation_ref(conversation, self.runner.projects))
        imported = self.store.imported_session(conversation_id)
        if imported is not None:  # forked since: the vault copy taken at import is the original's
            self.agent.forget(ConversationRef(conversation_id, imported, agent=conversation.agent))
        for subscriber in self.hub.subscribers(conversation_id):
            subscriber.offer_close(CloseCode.CONVERSATION_DELETED, "conversation deleted")
        unreferenced = self.store.delete_conversation(conversation_id)
        if self.runner.blobs is not None:
            for sha256 in unreferenced:
                self.runner.blobs.delete(sha256)
        log.info("conversation %s deleted", conversation_id)

    async def expire_inactive(self) -> list[str]:
        """Close the agent processes of conversations inactive past the session timeout."""
        cutoff = now_ms() - self.session_timeout_ms
        expired = [cid for cid in self.store.expire_inactive(cutoff) if not self.runner.is_busy(cid)]
        for conversation_id in expired:
            await self.agent.close(conversation_id)
        return expired
