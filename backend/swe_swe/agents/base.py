"""The one small interface every agent adapter implements, and the values that cross it."""

from __future__ import annotations

import abc
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from swe_swe.agents.claude_import import SessionHistory


class RunOutcome(enum.StrEnum):
    """How a turn ended (`run_finished.outcome`)."""

    OK = "ok"
    ERROR = "error"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class TurnResult:
    outcome: RunOutcome
    exit_code: int | None


class CancelReason(enum.StrEnum):
    """Why a pending approval ended without an answer (`approval_cancelled.reason`)."""

    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class ConversationRef:
    id: str
    agent_session_id: str | None
    lost_agent_session_id: str | None = None
    permission_mode: str = "default"
    agent: str = ""  # the adapter this conversation was created with ("" = the server's default)
    workdir: Path | None = None  # its project's folder, the agent's cwd (None = the server's default)
    fork_session: bool = False  # the next process forks the session instead of resuming it in place


@dataclass(frozen=True)
class ToolRequest:
    """The agent asks to use a tool (Claude's `can_use_tool` control request)."""

    request_id: str
    tool: str
    input: dict[str, Any]
    tool_use_id: str = ""
    description: str | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)


# Sends the answer (the `response` object of a control_response) to the process that asked;
# False when that process no longer reads.
Respond = Callable[[dict[str, Any]], Awaitable[bool]]


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: an image (`media_type` image/*) or UTF-8 text, with its bytes."""

    name: str
    media_type: str
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class Turn:
    message_seq: int
    text: str
    attachments: tuple[Attachment, ...] = ()

    def plain_text(self) -> str:
        """The turn as text alone, for an agent that takes no content blocks: text files inline, each
        image named (that agent cannot see it)."""
        parts = []
        for attachment in self.attachments:
            if attachment.is_image:
                parts.append(f"[The user attached an image, {attachment.name}, which this agent cannot see.]")
            else:
                body = attachment.data.decode("utf-8", errors="replace")
                parts.append(f'<attached_file name="{attachment.name}">\n{body}\n</attached_file>')
        if self.text.strip() or not parts:
            parts.append(self.text)
        return "\n\n".join(parts)


class TurnSink(Protocol):
    """Where an adapter reports what happens in a turn; the runner logs it durably."""

    def log(self, kind: str, data: dict[str, Any]) -> None: ...

    def partial(self, data: dict[str, Any]) -> None: ...

    def run_started(self, resumed: bool, fallback: bool = False) -> None: ...

    def agent_session_changed(self, agent_session_id: str | None) -> None: ...

    def lost_agent_session(self, agent_session_id: str | None) -> None: ...

    def process_started(self, pid: int) -> None: ...

    def recovery(self, agent_session_id: str | None, step: str, outcome: str, detail: str = "") -> None: ...

    def history(self, before_seq: int) -> list[tuple[str, dict[str, Any]]]: ...

    async def ask(self, request: ToolRequest, respond: Respond) -> None:
        """The agent waits for an approval; `respond` is called exactly once, or never if it is cancelled."""

    def withdraw(self, request_id: str) -> None:
        """The agent withdrew a request it had made."""

    def end_asks(self, reason: CancelReason) -> None:
        """The turn or the process ended: every request still pending is cancelled (I8)."""


class Agent(abc.ABC):
    """An agent CLI. Turns of one conversation never overlap; turns of different ones may."""

    name: str = ""
    title: str = ""  # how people call it ("Codex"), in the server's notices; the name when empty

    @abc.abstractmethod
    async def run_turn(self, conversation: ConversationRef, turn: Turn, sink: TurnSink) -> TurnResult:
        """Hand one user message to the agent and return when it has answered (or died)."""

    @abc.abstractmethod
    async def stop_turn(self, conversation_id: str) -> None:
        """End the running turn of this conversation; run_turn then returns STOPPED."""

    async def recover(self, conversation: ConversationRef, action: str, sink: TurnSink) -> None:
        """The user's answer to a lost session: "retry" the old one or start a "new" one."""
        sink.log("notice", {"level": "info", "text": "This agent keeps no session to recover."})

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        """The conversation's permission mode changed: tell the live process, if any."""

    def forget(self, conversation: ConversationRef) -> None:
        """The conversation is deleted: drop what the adapter keeps for it on disk."""

    async def import_session(self, workdir: Path | None, agent_session_id: str) -> SessionHistory | None:
        """The history of an existing session of this agent in `workdir`, to continue it here; None when
        the agent has no such session it could resume (the id is then adopted as it is)."""
        return None

    @abc.abstractmethod
    async def close(self, conversation_id: str) -> None:
        """Release what the conversation holds (its process), e.g. when it is deleted or idle."""

    @abc.abstractmethod
    async def shutdown(self) -> None:
        """Stop every process; the server is going down."""
