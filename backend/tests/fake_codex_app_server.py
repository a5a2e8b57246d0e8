#!/usr/bin/env python3
"""A stand-in for `codex app-server` that refuses to resume every thread ("no rollout found"), as codex
does when its index and the rollout disagree: the one failure the real binary cannot be made to show on
demand. It starts threads (writing a rollout with a `session_meta` line) and answers turns with
`echo: <text> [recap=<yes|no>]`. Standard library only."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

HOME = Path(os.environ.get("CODEX_HOME", "."))


def send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def start_thread(params: dict) -> dict:
    thread_id = str(uuid.uuid4())
    path = HOME / "sessions/2026/01/01" / f"rollout-2026-01-01T00-00-00-{thread_id}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "session_meta", "payload": {"id": thread_id}}) + "\n")
    recaps[thread_id] = "Recap" in str(params.get("developerInstructions") or "")
    return {"thread": {"id": thread_id, "path": str(path)}}


def run_turn(request_id: int, params: dict) -> None:
    turn_id = str(uuid.uuid4())
    send({"id": request_id, "result": {"turn": {"id": turn_id}}})
    text = params["input"][0]["text"]
    recap = "yes" if recaps.get(params["threadId"]) else "no"
    item = {"type": "agentMessage", "id": "msg_1", "text": f"echo: {text} [recap={recap}]"}
    send({"method": "item/completed", "params": {"threadId": params["threadId"], "turnId": turn_id, "item": item}})
    send({"method": "turn/completed", "params": {"threadId": params["threadId"], "turn": {"id": turn_id, "status": "completed"}}})


recaps: dict[str, bool] = {}


def main() -> None:
    for line in sys.stdin:
        message = json.loads(line)
        method, request_id, params = message.get("method"), message.get("id"), message.get("params") or {}
        if request_id is None:
            continue
        if method == "thread/start":
            send({"id": request_id, "result": start_thread(params)})
        elif method == "thread/resume":
            send({"id": request_id, "error": {"code": -32600, "message": f"no rollout found for thread id {params['threadId']}"}})
        elif method == "turn/start":
            run_turn(request_id, params)
        else:
            send({"id": request_id, "result": {}})


if __name__ == "__main__":
    main()
