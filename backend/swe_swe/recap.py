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


# What one logged `agent` event adds to the turn it belongs to (answer lines, a fallback result): each
# adapter reads its own agent's event shapes (agents/claude_recap.py, agents/codex.py), so this module
# knows none of them.
AgentReader = Callable[[RecapTurn, Mapping[str, Any]], None]


def collect_turns(events: Iterable[tuple[str, Mapping[str, Any]]], read_agent: AgentReader) -> list[RecapTurn]:
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
        elif kind == "agent":
            read_agent(current, data)
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


def build_recap(events: Iterable[tuple[str, Mapping[str, Any]]], read_agent: AgentReader, max_chars: int = 8000) -> str:
    """The recap text, at most `max_chars` long; "" when the log holds nothing worth recalling.

    Pass the events before the pending message: that message reaches the agent as the user's turn.
    """
    turns = collect_turns(events, read_agent)
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
