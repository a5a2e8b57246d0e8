"""A built-in stand-in for the `claude` CLI: reads stream-json turns on stdin and answers each in
Claude's stream-json (init, streamed text in several events, a tool call and its result, a result).

It runs no tools and calls no API, so a newcomer without `claude` still sees the whole app work.
It takes its time (about 1–2 s a turn, scaled by SWE_SWE_DEMO_DELAY) so that disconnects mid-turn
can be tried. Run as `python -m swe_swe.agents.demo_agent [--session-id ID | --resume ID]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from typing import Any

import orjson


def emit(event: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(event).decode() + "\n")
    sys.stdout.flush()


def pause(seconds: float) -> None:
    time.sleep(seconds * float(os.environ.get("SWE_SWE_DEMO_DELAY", "1")))


def assistant(session_id: str, message_id: str, block: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {"id": message_id, "role": "assistant", "model": "demo", "content": [block]},
        "parent_tool_use_id": None,
        "session_id": session_id,
        "uuid": str(uuid.uuid4()),
    }


def answer(text: str, session_id: str, turn: int) -> None:
    started = time.monotonic()
    emit({"type": "system", "subtype": "init", "session_id": session_id, "cwd": os.getcwd(),
          "tools": ["Bash"], "model": "demo", "permissionMode": "default", "uuid": str(uuid.uuid4())})
    message_id = f"msg_demo_{uuid.uuid4().hex[:12]}"
    pause(0.2)
    emit(assistant(session_id, message_id, {"type": "text", "text": "Let me count the words in your message."}))
    tool_id = f"toolu_demo_{uuid.uuid4().hex[:12]}"
    pause(0.2)
    emit(assistant(session_id, message_id, {"type": "tool_use", "id": tool_id, "name": "Bash",
                                            "input": {"command": "wc -w", "description": "Count words"}}))
    words = len(text.split())
    pause(0.3)
    emit({"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": tool_id, "content": str(words), "is_error": False}]},
        "session_id": session_id, "uuid": str(uuid.uuid4())})
    reply = [f"Your message has **{words}** word{'s' if words != 1 else ''}. ",
             f"This is turn {turn} of this demo session. ",
             "I am the built-in demo agent: install `claude` to work with a real one."]
    final_id = f"msg_demo_{uuid.uuid4().hex[:12]}"
    for chunk in reply:
        pause(0.25)
        emit(assistant(session_id, final_id, {"type": "text", "text": chunk}))
    emit({"type": "result", "subtype": "success", "is_error": False, "result": "".join(reply),
          "session_id": session_id, "num_turns": turn,
          "duration_ms": int((time.monotonic() - started) * 1000), "total_cost_usd": 0,
          "permission_denials": [], "uuid": str(uuid.uuid4())})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo_agent")
    parser.add_argument("--session-id")
    parser.add_argument("--resume")
    args, _unknown = parser.parse_known_args(argv)
    session_id = args.resume or args.session_id or str(uuid.uuid4())
    turn = 0
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            message = orjson.loads(line)
            content = message.get("message", {}).get("content", "")
            text = content if isinstance(content, str) else " ".join(
                block.get("text", "") for block in content if isinstance(block, dict))
            turn += 1
            emit({**message, "isReplay": True, "session_id": session_id})
            answer(text, session_id, turn)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
