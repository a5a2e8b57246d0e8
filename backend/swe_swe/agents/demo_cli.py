"""The demo CLI: a built-in stand-in for the `claude` CLI: reads stream-json turns on stdin and answers each in
Claude's stream-json (init, streamed text in several events, a tool call and its result, a result).

It runs no tools and calls no API, so a newcomer without `claude` still sees the whole app work.
It takes its time (about 1–2 s a turn, scaled by SWE_SWE_DEMO_DELAY) so that disconnects mid-turn
can be tried. It speaks the CLI's control protocol too (claude-cli.md, "Tool approvals over stdio"):
a message with the word "approve" makes its tool call wait for an approval, as `can_use_tool`; the
words "edit", "write", "question" or "plan" pick that tool; "todo" adds a checklist. It answers
`interrupt` (ending the turn, living on) and `set_permission_mode`.
Run as `python -m swe_swe.agents.demo_cli [--session-id ID | --resume ID] [--permission-mode MODE]`.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import orjson

EDIT_TOOLS = ("Edit", "Write")


class Interrupted(Exception):
    """The client sent `interrupt`: the turn ends, the process lives on."""


def emit(event: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(event).decode() + "\n")
    sys.stdout.flush()


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class Stdin:
    """Lines from stdin, read by a thread so that control requests are heard while a turn runs."""

    mode: str = "default"
    lines: queue.Queue[bytes | None] = field(default_factory=queue.Queue)
    deferred: deque[dict[str, Any]] = field(default_factory=deque)

    def start(self) -> Stdin:
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        for line in sys.stdin.buffer:
            if line.strip():
                self.lines.put(line)
        self.lines.put(None)

    def next_turn(self) -> dict[str, Any] | None:
        """The next user turn; control requests between turns are answered on the way."""
        while not self.deferred:
            message = self._take(None)
            if message is None:
                return None
            if not self._control(message):
                self.deferred.append(message)
        return self.deferred.popleft()

    def pause(self, seconds: float) -> None:
        """Sleep, hearing control requests; user turns that arrive meanwhile wait their turn."""
        deadline = time.monotonic() + seconds * float(os.environ.get("SWE_SWE_DEMO_DELAY", "1"))
        while (left := deadline - time.monotonic()) > 0:
            message = self._take(left)
            if message is not None and not self._control(message):
                self.deferred.append(message)

    def ask(self, tool: str, tool_input: dict[str, Any], tool_use_id: str, suggestions: list[dict[str, Any]]) -> dict[str, Any]:
        """A `can_use_tool` request; waits, with no time limit, for its `control_response`."""
        request_id = new_uuid()
        emit({"type": "control_request", "request_id": request_id, "request": {
            "subtype": "can_use_tool", "tool_name": tool, "display_name": tool, "input": tool_input,
            "description": tool_input.get("description", ""), "permission_suggestions": suggestions,
            "tool_use_id": tool_use_id}})
        while True:
            message = self._take(None)
            if message is None:
                raise Interrupted
            if message.get("type") == "control_response":
                response = message.get("response", {})
                if response.get("request_id") == request_id:
                    return response.get("response", {})
            elif not self._control(message):
                self.deferred.append(message)

    def _take(self, timeout: float | None) -> dict[str, Any] | None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            self.lines.put(None)
            if timeout is None:
                return None
            time.sleep(timeout)
            return None
        message = orjson.loads(line)
        return message if isinstance(message, dict) else None

    def _control(self, message: dict[str, Any]) -> bool:
        """Answer a control request; False when the line is something else (a user turn)."""
        if message.get("type") == "control_response":
            return True  # an answer to a request already over (e.g. after an interrupt): ignored
        if message.get("type") != "control_request":
            return False
        request = message.get("request", {})
        reply: dict[str, Any] = {}
        if request.get("subtype") == "set_permission_mode":
            self.mode = str(request.get("mode", self.mode))
            reply = {"mode": self.mode}
        emit({"type": "control_response", "response": {"subtype": "success", "request_id": message.get("request_id"), "response": reply}})
        if request.get("subtype") == "interrupt":
            raise Interrupted
        return True


def assistant(session_id: str, message_id: str, block: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {"id": message_id, "role": "assistant", "model": "demo", "content": [block]},
        "parent_tool_use_id": None,
        "session_id": session_id,
        "uuid": new_uuid(),
    }


def tool_result(session_id: str, tool_id: str, content: str, is_error: bool = False) -> dict[str, Any]:
    return {"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": tool_id, "content": content, "is_error": is_error}]},
        "session_id": session_id, "uuid": new_uuid()}


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: dict[str, Any]
    suggestions: list[dict[str, Any]]
    allowed: str  # the tool_result after an allow


def choose_tool(words: set[str], text: str, cwd: str) -> ToolCall:
    """The tool this turn calls: Bash by default, or the one a word of the message names."""
    accept_edits = [{"type": "setMode", "mode": "acceptEdits", "destination": "session"}]
    if "edit" in words:
        return ToolCall("Edit", {"file_path": f"{cwd}/notes.md", "old_string": "Hello, world.\nThe build is red.",
                                 "new_string": "Hello, phone.\nThe build is green."},
                        accept_edits, "The demo edit was approved (the demo agent changes no file).")
    if "write" in words:
        return ToolCall("Write", {"file_path": f"{cwd}/hello.txt", "content": "Hello from the demo agent.\nWritten after your approval.\n"},
                        accept_edits, "The demo write was approved (the demo agent writes no file).")
    if "question" in words:
        return ToolCall("AskUserQuestion", {"questions": [
            {"question": "Which colour should the button be?", "header": "Colour", "multiSelect": False,
             "options": [{"label": "Blue", "description": "Calm, matches the header"},
                         {"label": "Green", "description": "Says 'go'"}]},
            {"question": "Which platforms should it support?", "header": "Platforms", "multiSelect": True,
             "options": [{"label": "iOS", "description": ""}, {"label": "Android", "description": ""},
                         {"label": "Desktop", "description": ""}]}]}, [], "")
    if "plan" in words:
        plan = ("## Plan\n1. Add a `--verbose` flag to the CLI.\n2. Log each request with its duration.\n"
                "3. Cover it with a test.\n\nNothing is changed until you approve.")
        return ToolCall("ExitPlanMode", {"plan": plan}, [], "The user approved the plan.")
    command = "wc -w"
    return ToolCall("Bash", {"command": command, "description": "Count the words of your message"},
                    [{"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": f"{command}:*"}],
                      "behavior": "allow", "destination": "localSettings"}], str(len(text.split())))


def needs_approval(words: set[str], tool: ToolCall, mode: str) -> bool:
    if "approve" not in words or mode == "bypassPermissions":
        return False
    return not (mode == "acceptEdits" and tool.name in EDIT_TOOLS)


def answered_text(tool: ToolCall, response: dict[str, Any]) -> str:
    answers = (response.get("updatedInput") or {}).get("answers")
    if tool.name == "AskUserQuestion" and isinstance(answers, dict):
        return "User answered: " + ", ".join(f'"{q}"="{a if isinstance(a, str) else ", ".join(map(str, a))}"' for q, a in answers.items())
    return tool.allowed


def todo_call(session_id: str, message_id: str, io: Stdin) -> None:
    todos = [{"content": "Read the message", "status": "completed", "activeForm": "Reading the message"},
             {"content": "Count the words", "status": "in_progress", "activeForm": "Counting the words"},
             {"content": "Answer", "status": "pending", "activeForm": "Answering"}]
    tool_id = f"toolu_demo_{uuid.uuid4().hex[:12]}"
    emit(assistant(session_id, message_id, {"type": "tool_use", "id": tool_id, "name": "TodoWrite", "input": {"todos": todos}}))
    io.pause(0.1)
    emit(tool_result(session_id, tool_id, "Todos have been modified successfully."))


# As the real CLI lists them in `init` (docs/claude-cli.md, "Slash commands"): names without the `/`.
SLASH_COMMANDS = ["clear", "compact", "config", "context", "init", "review", "security-review", "usage"]


def answer(text: str, session_id: str, turn: int, io: Stdin) -> None:
    started = time.monotonic()
    emit({"type": "system", "subtype": "init", "session_id": session_id, "cwd": os.getcwd(),
          "tools": ["Bash", "Edit", "Write", "AskUserQuestion", "ExitPlanMode", "TodoWrite"], "model": "demo",
          "permissionMode": io.mode, "slash_commands": SLASH_COMMANDS, "uuid": new_uuid()})
    words = set(re.findall(r"[a-z]+", text.lower()))
    tool = choose_tool(words, text, os.getcwd())
    message_id = f"msg_demo_{uuid.uuid4().hex[:12]}"
    io.pause(0.2)
    emit(assistant(session_id, message_id, {"type": "text", "text": "Let me count the words in your message."}))
    if "todo" in words:
        todo_call(session_id, message_id, io)
    tool_id = f"toolu_demo_{uuid.uuid4().hex[:12]}"
    io.pause(0.2)
    emit(assistant(session_id, message_id, {"type": "tool_use", "id": tool_id, "name": tool.name, "input": tool.input}))
    denied = ""
    if needs_approval(words, tool, io.mode):
        response = io.ask(tool.name, tool.input, tool_id, tool.suggestions)
        if response.get("behavior") == "deny":
            denied = str(response.get("message", "denied"))
            emit(tool_result(session_id, tool_id, denied, is_error=True))
        else:
            emit(tool_result(session_id, tool_id, answered_text(tool, response)))
    else:
        io.pause(0.3)
        emit(tool_result(session_id, tool_id, tool.allowed or "ok"))
    words_count = len(text.split())
    reply = [f"The tool call was denied ({denied}), so I did not run it. " if denied else "",
             f"Your message has **{words_count}** word{'s' if words_count != 1 else ''}. ",
             f"This is turn {turn} of this demo session. ",
             "I am the built-in demo agent: install `claude` to work with a real one."]
    final_id = f"msg_demo_{uuid.uuid4().hex[:12]}"
    for chunk in filter(None, reply):
        io.pause(0.25)
        emit(assistant(session_id, final_id, {"type": "text", "text": chunk}))
    emit({"type": "result", "subtype": "success", "is_error": False, "result": "".join(reply),
          "session_id": session_id, "num_turns": turn,
          "duration_ms": int((time.monotonic() - started) * 1000), "total_cost_usd": 0,
          "permission_denials": [{"tool_name": tool.name, "tool_use_id": tool_id, "tool_input": tool.input}] if denied else [],
          "uuid": new_uuid()})


def interrupted_result(session_id: str, turn: int) -> dict[str, Any]:
    return {"type": "result", "subtype": "error_during_execution", "is_error": True, "session_id": session_id,
            "num_turns": turn, "errors": [], "permission_denials": [], "uuid": new_uuid()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo_cli")
    parser.add_argument("--session-id")
    parser.add_argument("--resume")
    parser.add_argument("--permission-mode", default="default")
    args, _unknown = parser.parse_known_args(argv)
    session_id = args.resume or args.session_id or new_uuid()
    io = Stdin(mode=args.permission_mode).start()
    try:
        return serve(io, session_id)
    except KeyboardInterrupt:
        return 130


def serve(io: Stdin, session_id: str) -> int:
    turn = 0
    while True:
        try:
            message = io.next_turn()
        except Interrupted:
            continue
        if message is None:
            return 0
        content = message.get("message", {}).get("content", "")
        text = content if isinstance(content, str) else " ".join(
            block.get("text", "") for block in content if isinstance(block, dict))
        turn += 1
        emit({**message, "isReplay": True, "session_id": session_id})
        try:
            answer(text, session_id, turn, io)
        except Interrupted:
            emit(interrupted_result(session_id, turn))


if __name__ == "__main__":
    raise SystemExit(main())
