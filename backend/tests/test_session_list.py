"""Claude's existing sessions of a project, listed from transcripts without running the CLI."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from http_client import call
from server_process import ServerProcess
from swe_swe.agents import claude_home
from swe_swe.agents.claude_sessions import SessionLister, summarize


def _line(kind: str, content: object, **extra: object) -> str:
    return json.dumps({"type": kind, "uuid": str(uuid.uuid4()), "timestamp": "2025-01-01T00:00:00.000Z",
                       "message": {"role": kind, "content": content, **extra}})


def write_transcript(folder: Path, prompt: str, mtime: float | None = None) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    session_id = str(uuid.uuid4())
    lines = [
        json.dumps({"type": "summary", "summary": "x"}),
        _line("user", "<command-name>/clear</command-name>"),
        _line("user", [{"type": "text", "text": prompt}]),
        _line("assistant", [{"type": "text", "text": "a"}], id="m1"),
        _line("assistant", [{"type": "tool_use", "id": "t", "name": "Bash", "input": {}}], id="m1"),
        _line("user", [{"type": "tool_result", "tool_use_id": "t", "content": "ok"}]),
        _line("assistant", [{"type": "text", "text": "done"}], id="m2"),
    ]
    path = folder / f"{session_id}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return session_id


def test_summary_title_is_the_first_real_prompt_and_replies_count_once(tmp_path: Path) -> None:
    sid = write_transcript(tmp_path, "Fix   the flaky payments test " + "x" * 200)
    summary = summarize(tmp_path / f"{sid}.jsonl", 5)
    assert summary is not None
    assert summary.title.startswith("Fix the flaky payments test") and summary.title.endswith("…") and len(summary.title) == 80
    assert summary.message_count == 3  # one prompt, two replies (tool results are not messages)


def test_listing_is_newest_first_skips_unresumable_and_is_cached(tmp_path: Path) -> None:
    old = write_transcript(tmp_path, "old", mtime=1_000_000)
    new = write_transcript(tmp_path, "new", mtime=2_000_000)
    (tmp_path / f"{uuid.uuid4()}.jsonl").write_text(json.dumps({"type": "summary"}) + "\n")
    (tmp_path / "not-a-session.jsonl").write_text(_line("user", "x") + "\n")
    lister = SessionLister()
    listed = lister.list(tmp_path)
    assert [s.agent_session_id for s in listed] == [new, old]
    assert listed[0].updated_at == 2_000_000_000
    again = lister.list(tmp_path)
    assert again == listed and again[0] is listed[0], "an unchanged file is not read again"


def test_api_lists_a_projects_sessions(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    config_dir = tmp_path / "claude-config"
    sid = write_transcript(claude_home.project_dir(config_dir, work), "Started at the desk")
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--workdir", str(work)],
                           env={"CLAUDE_CONFIG_DIR": str(config_dir)}).start()
    try:
        project = call("GET", f"{server.base_url}/api/projects")[1]["projects"][0]
        status, body = call("GET", f"{server.base_url}/api/projects/{project['id']}/sessions")
        assert status == 200
        assert body["sessions"] == [{"agent_session_id": sid, "title": "Started at the desk",
                                     "updated_at": body["sessions"][0]["updated_at"], "message_count": 3,
                                     "conversation_id": None}]
        assert call("GET", f"{server.base_url}/api/projects/nope/sessions")[0] == 404
    finally:
        server.terminate()
