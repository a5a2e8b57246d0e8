"""A fake of the public Anthropic Messages API on loopback, so tests can run the real `claude` CLI offline.

Behaviour is scripted by the text of the last user message (tool_result blocks ignored):
- default: `echo: <text> [turns=<n>] [recap=<yes|no>]`, streamed in a few deltas. `turns` counts the user
  messages that carry text, so a resumed session proves it kept its context; `recap` says whether the
  system prompt holds the word "Recap", so a fallback session proves it got one.
- `BASH:<command>`: a `Bash` tool_use; the request that carries its tool_result gets `done: <result[:40]>`.
- `TOOL:<Name> <json input>`: a tool_use of any tool (`Write`, `Edit`, `AskUserQuestion`, `ExitPlanMode`…),
  answered after its tool_result like `BASH:` (`done: <result[:120]>`, so a denial's reason can be read).
- `SLOW`: about ten deltas 0.2 s apart, so a test can interrupt a turn mid-stream.

Usable as a class (`FakeMessagesAPI(port=0).start()`) or as a script (`--port 0` prints `PORT <n>`).
Standard library only: the CI runs it before anything else is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "claude-fake-1"
SLOW_DELTAS = 10
SLOW_DELAY_S = 0.2
NORMAL_DELTAS = 3
BASH_MARKER = re.compile(r"BASH:(.+)", re.DOTALL)
TOOL_MARKER = re.compile(r"TOOL:(\w+) (\{.*\})", re.DOTALL)
SYSTEM_REMINDER_PREFIX = "<system-reminder>"


@dataclass(frozen=True)
class Reply:
    """What one request is answered with: text, or a tool call."""

    text: str = ""
    tool_name: str = ""
    tool_input: dict[str, Any] = field(default_factory=dict)
    chunks: int = NORMAL_DELTAS
    delay_s: float = 0.0

    @property
    def is_tool_use(self) -> bool:
        return bool(self.tool_name)


def _block_texts(content: Any) -> list[str]:
    """Text of a message's own text blocks; the CLI's injected `<system-reminder>` blocks are not the user's."""
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    texts: list[str] = []
    for block in content:
        if not isinstance(block, dict) or block.get("type") != "text":
            continue
        text = str(block.get("text", ""))
        if text.lstrip().startswith(SYSTEM_REMINDER_PREFIX):
            continue
        texts.append(text)
    return texts


def _tool_result_text(content: Any) -> str | None:
    """The text of the first tool_result block, or None when the message carries none."""
    if not isinstance(content, list):
        return None
    for block in content:
        if not isinstance(block, dict) or block.get("type") != "tool_result":
            continue
        inner = block.get("content", "")
        if isinstance(inner, str):
            return inner
        if isinstance(inner, list):
            return "".join(str(b.get("text", "")) for b in inner if isinstance(b, dict))
        return str(inner)
    return None


def _system_text(system: Any) -> str:
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        return "\n".join(str(b.get("text", "")) for b in system if isinstance(b, dict))
    return ""


def _user_text_turns(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m.get("role") == "user" and "".join(_block_texts(m.get("content"))).strip())


def _wants_json_title(body: dict[str, Any]) -> bool:
    """The CLI's side request for a session title expects JSON; plain text there would only log errors."""
    output = body.get("output_config")
    fmt = output.get("format") if isinstance(output, dict) else None
    return isinstance(fmt, dict) and fmt.get("type") == "json_schema"


def plan_reply(body: dict[str, Any], delay_s: float = 0.0) -> Reply:
    """Decide the answer from the request alone, so every response is reproducible."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    if _wants_json_title(body):
        return Reply(text=json.dumps({"title": "Fake session"}), chunks=1, delay_s=delay_s)
    users = [m for m in messages if m.get("role") == "user"]
    last = users[-1] if users else {}
    tool_result = _tool_result_text(last.get("content"))
    text = "\n".join(_block_texts(last.get("content"))).strip()
    if tool_result is not None and not text:
        return Reply(text=f"done: {tool_result[:120]}", delay_s=delay_s)
    tool = TOOL_MARKER.search(text)
    if tool:
        return Reply(tool_name=tool.group(1), tool_input=json.loads(tool.group(2)), delay_s=delay_s)
    bash = BASH_MARKER.search(text)
    if bash:
        command = bash.group(1).strip()
        return Reply(tool_name="Bash", tool_input={"command": command, "description": "run"}, delay_s=delay_s)
    recap = "yes" if "Recap" in _system_text(body.get("system")) else "no"
    reply_text = f"echo: {text} [turns={_user_text_turns(messages)}] [recap={recap}]"
    if "SLOW" in text:
        return Reply(text=reply_text, chunks=SLOW_DELTAS, delay_s=max(delay_s, SLOW_DELAY_S))
    return Reply(text=reply_text, delay_s=delay_s)


def _split(text: str, parts: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, parts)))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _usage(output_tokens: int = 1) -> dict[str, int]:
    return {
        "input_tokens": 10,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def _message_id() -> str:
    return "msg_fake_" + uuid.uuid4().hex[:24]


def _content_block(reply: Reply) -> dict[str, Any]:
    if reply.is_tool_use:
        return {"type": "tool_use", "id": "toolu_fake_" + uuid.uuid4().hex[:20], "name": reply.tool_name,
                "input": reply.tool_input}
    return {"type": "text", "text": reply.text}


def message_json(reply: Reply) -> dict[str, Any]:
    """The non-streaming answer (the CLI makes such calls too, e.g. for titles)."""
    return {
        "id": _message_id(),
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [_content_block(reply)],
        "stop_reason": "tool_use" if reply.is_tool_use else "end_turn",
        "stop_sequence": None,
        "usage": _usage(),
    }


def sse_events(reply: Reply) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of one streamed answer, in the order the real API sends them."""
    start: dict[str, Any] = {"id": _message_id(), "type": "message", "role": "assistant", "model": MODEL, "content": [],
             "stop_reason": None, "stop_sequence": None, "usage": _usage()}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    block = _content_block(reply)
    if reply.is_tool_use:
        events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                               "content_block": {**block, "input": {}}}))
        partial = json.dumps(reply.tool_input)
        for piece in _split(partial, reply.chunks):
            events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "input_json_delta", "partial_json": piece}}))
    else:
        events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                               "content_block": {"type": "text", "text": ""}}))
        for piece in _split(reply.text, reply.chunks):
            events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": piece}}))
    events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    stop_reason = "tool_use" if reply.is_tool_use else "end_turn"
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                     "usage": {"output_tokens": 5}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the CLI makes several requests a turn and tests read `.requests` instead."""

    def _path(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/")

    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _send_json(self, payload: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        self.end_headers()
        self.wfile.write(data)

    def _send_sse(self, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:16])
        self.end_headers()
        self.close_connection = True
        try:
            for name, payload in sse_events(reply):
                if name == "content_block_delta" and reply.delay_s:
                    time.sleep(reply.delay_s)
                self.wfile.write(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the CLI was interrupted mid-stream: expected in tests that stop a turn

    def do_GET(self) -> None:
        self._send_json({})

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        path = self._path()
        body = self._read_json()
        if path.endswith("/v1/messages/count_tokens"):
            self._send_json({"input_tokens": 10})
            return
        if not path.endswith("/v1/messages"):
            self._send_json({})
            return
        self.server.record(body)
        reply = plan_reply(body, self.server.delay_s)
        if body.get("stream"):
            self._send_sse(reply)
            return
        self._send_json(message_json(reply))

    def do_PUT(self) -> None:
        self._read_json()
        self._send_json({})

    def do_PATCH(self) -> None:
        self.do_PUT()

    def do_DELETE(self) -> None:
        self._send_json({})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, delay_s: float) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(body)


class FakeMessagesAPI:
    """The fake served from a background thread; `requests` holds every `/v1/messages` body received."""

    def __init__(self, port: int = 0, delay_s: float | None = None) -> None:
        if delay_s is None:
            delay_s = float(os.environ.get("FAKE_API_DELAY_S", "0") or 0)
        self._server = _Server(port, delay_s)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._server.requests

    def start(self) -> FakeMessagesAPI:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-messages-api",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread (script mode) until interrupted."""
        try:
            self._server.serve_forever(0.05)
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeMessagesAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=None, help="seconds between streamed deltas")
    args = parser.parse_args(argv)
    api = FakeMessagesAPI(port=args.port, delay_s=args.delay)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"PORT {api.port}", flush=True)
    api.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
