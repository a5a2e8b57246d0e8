"""A bounded plain-text recap of a conversation, built from our event log, for a replacement agent session.

When no transcript survives anywhere, a new agent session answers the pending message. It goes in via
`--append-system-prompt`, so the agent reads it as context rather than as something the user just said.
The newest turns matter most, so an over-long history loses its oldest turns first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

HEADER = (
    "This conversation continues an earlier session whose transcript was lost. "
    "Recap of the earlier conversation (oldest first), for context only:"
)
OMITTED = "(earlier turns omitted)"
TRUNCATED = " […] "
TOOL_HINT_CHARS = 80
TOOL_HINT_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description")
MIN_MESSAGE_CHARS = 200


@dataclass
class RecapTurn:
    """One user message and what the agent answered to it."""

    user_text: str = ""
    answer_parts: list[str] = field(default_factory=list)
    fallback_result: str = ""

    def answer(self) -> str:
        if self.answer_parts:
            return "\n".join(self.answer_parts)
        return self.fallback_result

    def is_empty(self) -> bool:
        return not self.user_text and not self.answer()


def shorten(text: str, limit: int) -> str:
    """Keep the start and the end of an over-long text: the ask and the conclusion are the useful parts."""
    if len(text) <= limit:
        return text
    keep = max(0, limit - len(TRUNCATED))
    head = keep * 2 // 3
    tail = keep - head
    return text[:head] + TRUNCATED + (text[-tail:] if tail else "")


def _tool_line(block: Mapping[str, Any]) -> str:
    name = str(block.get("name") or "tool")
    tool_input = block.get("input")
    if isinstance(tool_input, Mapping):
        for key in TOOL_HINT_KEYS:
            value = tool_input.get(key)
            if isinstance(value, str) and value.strip():
                hint = " ".join(value.split())
                return f"(used tool {name}: {shorten(hint, TOOL_HINT_CHARS)})"
    return f"(used tool {name})"


def _assistant_parts(data: Mapping[str, Any]) -> list[str]:
    message = data.get("message")
    content = message.get("content") if isinstance(message, Mapping) else None
    if not isinstance(content, list):
        return []
    parts: list[str] = []
    for block in content:
        if not isinstance(block, Mapping):
            continue
        if block.get("type") == "text" and str(block.get("text", "")).strip():
            parts.append(str(block["text"]).strip())
        elif block.get("type") == "tool_use":
            parts.append(_tool_line(block))
    return parts


def _is_top_level(data: Mapping[str, Any]) -> bool:
    """Sub-agent chatter (`parent_tool_use_id` set) and echoes of our own input are not the conversation."""
    return not data.get("parent_tool_use_id") and not data.get("isReplay")


def _add_agent_event(turn: RecapTurn, data: Mapping[str, Any]) -> None:
    if not _is_top_level(data):
        return
    kind = data.get("type")
    if kind == "assistant":
        turn.answer_parts.extend(_assistant_parts(data))
        return
    if kind == "result" and not data.get("is_error"):
        result = data.get("result")
        if isinstance(result, str) and result.strip():
            turn.fallback_result = result.strip()


# What an agent other than Claude answered in one logged `agent` event, as recap lines (its adapter
# knows its event shapes; recap.py knows only Claude's stream-json).
AgentParts = Callable[[Mapping[str, Any]], list[str]]


def collect_turns(events: Iterable[tuple[str, Mapping[str, Any]]], agent_parts: AgentParts | None = None) -> list[RecapTurn]:
    """Group the log into turns; an answer logged before any user message gets a turn of its own."""
    turns: list[RecapTurn] = []
    current = RecapTurn()
    for kind, data in events:
        if not isinstance(data, Mapping):
            continue
        if kind == "user_message":
            if not current.is_empty():
                turns.append(current)
            current = RecapTurn(user_text=str(data.get("text", "")).strip())
        elif kind == "agent" and agent_parts is not None:
            current.answer_parts.extend(agent_parts(data))
        elif kind == "agent":
            _add_agent_event(current, data)
    if not current.is_empty():
        turns.append(current)
    return turns


def render_turn(turn: RecapTurn, message_limit: int) -> str:
    lines: list[str] = []
    if turn.user_text:
        lines.append("User: " + shorten(turn.user_text, message_limit))
    answer = turn.answer()
    if answer:
        lines.append("Assistant: " + shorten(answer, message_limit))
    return "\n".join(lines)


def _fit_newest(blocks: list[str], budget: int) -> tuple[list[str], bool]:
    """The newest blocks that fit in `budget` characters (blank-line separated); True if any was dropped."""
    kept: list[str] = []
    used = 0
    for block in reversed(blocks):
        cost = len(block) + 2
        if used + cost > budget:
            break
        kept.append(block)
        used += cost
    kept.reverse()
    return kept, len(kept) < len(blocks)


def build_recap(
    events: Iterable[tuple[str, Mapping[str, Any]]], max_chars: int = 8000, agent_parts: AgentParts | None = None
) -> str:
    """The recap text, at most `max_chars` long; "" when the log holds nothing worth recalling.

    Pass the events before the pending message: that message reaches the agent as the user's turn.
    """
    turns = collect_turns(events, agent_parts)
    if not turns:
        return ""
    message_limit = max(MIN_MESSAGE_CHARS, max_chars // 4)
    blocks = [render_turn(turn, message_limit) for turn in turns]
    budget = max_chars - len(HEADER) - len(OMITTED) - 4
    kept, dropped = _fit_newest(blocks, budget)
    if not kept:
        kept, dropped = [shorten(blocks[-1], max(0, budget))], len(blocks) > 1
    body = "\n\n".join(kept)
    parts = [HEADER, OMITTED, body] if dropped else [HEADER, body]
    return "\n\n".join(parts)[:max_chars]
