"""A fake of the OpenAI Responses API on loopback, so tests can run the real `codex` CLI offline.

codex ignores OPENAI_BASE_URL; the tests name this fake as a custom provider in `$CODEX_HOME/config.toml`
(see codex-cli.md). Behaviour is scripted by the text of the last user message:
- default: `echo: <text> [turns=<n>] [recap=<yes|no>]`, streamed in a few deltas. `turns` counts the user
  messages typed by a person (codex's own `<environment_context>`-style messages are not), so a resumed
  thread proves it kept its context; `recap` says whether the instructions or a developer message hold
  the word "Recap", so a fallback thread proves it got one.
- `SHELL:<command>`: an `exec_command` function call; the request that carries its output gets
  `done: <output[:120]>` (codex tells a declined command as such in that output).
- `SLOW`: about ten deltas 0.2 s apart, so a test can interrupt a turn mid-stream.

Usable as a class (`FakeResponsesAPI(port=0).start()`) or as a script (`--port 0` prints `PORT <n>`).
Standard library only, like fake_messages_api.py.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SHELL_MARKER = re.compile(r"SHELL:(.+)", re.DOTALL)
NORMAL_DELTAS = 3
SLOW_DELTAS = 10
SLOW_DELAY_S = 0.2


@dataclass(frozen=True)
class Reply:
    text: str = ""
    command: str = ""
    chunks: int = NORMAL_DELTAS
    delay_s: float = 0.0


def _message_texts(item: dict[str, Any]) -> list[str]:
    content = item.get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [str(part.get("text", "")) for part in content if isinstance(part, dict) and "text" in part]


def _typed_by_a_person(item: dict[str, Any]) -> str | None:
    """The text of a user message a person typed; codex's injected context messages start with `<` or `#`."""
    if item.get("type", "message") != "message" or item.get("role") != "user":
        return None
    text = "\n".join(_message_texts(item)).strip()
    if not text or text.startswith(("<", "# AGENTS.md")):
        return None
    return text


def _has_recap(body: dict[str, Any]) -> bool:
    if "Recap" in str(body.get("instructions", "")):
        return True
    items = [i for i in body.get("input", []) if isinstance(i, dict)]
    return any(i.get("role") in ("developer", "system") and "Recap" in "".join(_message_texts(i)) for i in items)


def plan_reply(body: dict[str, Any]) -> Reply:
    """Decide the answer from the request alone, so every response is reproducible."""
    items = [i for i in body.get("input", []) if isinstance(i, dict)]
    last = items[-1] if items else {}
    if last.get("type") == "function_call_output":
        output = last.get("output")
        text = output if isinstance(output, str) else json.dumps(output)
        return Reply(text=f"done: {text[:120]}")
    typed = [t for t in (_typed_by_a_person(i) for i in items) if t]
    text = typed[-1] if typed else ""
    shell = SHELL_MARKER.search(text)
    if shell:
        return Reply(command=shell.group(1).strip())
    reply = f"echo: {text} [turns={len(typed)}] [recap={'yes' if _has_recap(body) else 'no'}]"
    if "SLOW" in text:
        return Reply(text=reply, chunks=SLOW_DELTAS, delay_s=SLOW_DELAY_S)
    return Reply(text=reply)


def _split(text: str, parts: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, parts)))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _usage() -> dict[str, Any]:
    return {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15}


def sse_events(reply: Reply) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of one streamed answer (shapes of codex-rs/codex-api/src/sse/responses.rs)."""
    response_id = "resp_fake_" + uuid.uuid4().hex[:20]
    events: list[tuple[str, dict[str, Any]]] = [("response.created", {"type": "response.created", "response": {"id": response_id}})]
    if reply.command:
        item = {"type": "function_call", "id": "fc_" + uuid.uuid4().hex[:20], "call_id": "call_" + uuid.uuid4().hex[:20],
                "name": "exec_command", "arguments": json.dumps({"cmd": reply.command})}
        events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": item}))
        events.append(("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}))
    else:
        message_id = "msg_" + uuid.uuid4().hex[:20]
        empty = {"type": "message", "id": message_id, "role": "assistant", "status": "in_progress", "content": []}
        events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": empty}))
        for piece in _split(reply.text, reply.chunks):
            events.append(("response.output_text.delta", {"type": "response.output_text.delta", "item_id": message_id,
                                                          "output_index": 0, "content_index": 0, "delta": piece}))
        done = {**empty, "status": "completed", "content": [{"type": "output_text", "text": reply.text, "annotations": []}]}
        events.append(("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": done}))
    events.append(("response.completed", {"type": "response.completed", "response": {"id": response_id, "usage": _usage()}}))
    return events


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests read `.requests` instead."""

    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _send_json(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_sse(self, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for name, payload in sse_events(reply):
                if name == "response.output_text.delta" and reply.delay_s:
                    time.sleep(reply.delay_s)
                self.wfile.write(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the CLI was interrupted mid-stream

    def do_GET(self) -> None:
        self._send_json({"data": [], "models": []})

    def do_POST(self) -> None:
        body = self._read_json()
        if not self.path.split("?", 1)[0].rstrip("/").endswith("/responses"):
            self._send_json({})
            return
        self.server.record(body)
        self._send_sse(plan_reply(body))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(body)


class FakeResponsesAPI:
    """The fake served from a background thread; `requests` holds every `/v1/responses` body received."""

    def __init__(self, port: int = 0) -> None:
        self._server = _Server(port)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._server.requests

    def start(self) -> FakeResponsesAPI:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-responses-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def config_toml(port: int) -> str:
    """A `$CODEX_HOME/config.toml` that sends codex to this fake (OPENAI_BASE_URL is ignored)."""
    return f"""model = "gpt-5.5"
model_provider = "fake"

[model_providers.fake]
name = "fake"
base_url = "http://127.0.0.1:{port}/v1"
wire_api = "responses"
env_key = "FAKE_API_KEY"
request_max_retries = 0
stream_max_retries = 0
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    api = FakeResponsesAPI(port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"PORT {api.port}", flush=True)
    try:
        api._server.serve_forever(0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
