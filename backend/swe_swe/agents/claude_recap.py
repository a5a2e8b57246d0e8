"""Claude's stream-json, read for the recap of a lost session (swe_swe/recap.py knows no agent's events).

An assistant line gives its text and a one-line trace of each tool call; a turn's successful `result`
stands in when nothing else was said. Sub-agent chatter and echoes of our own input are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from swe_swe.recap import RecapTurn, shorten

TOOL_HINT_CHARS = 80
TOOL_HINT_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description")


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


def read_claude_event(turn: RecapTurn, data: Mapping[str, Any]) -> None:
    """What one stream-json line adds to the recap: the reply's text and tool calls; a turn's `result`
    only when it said nothing else."""
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
