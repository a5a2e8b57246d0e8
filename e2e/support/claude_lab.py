"""The real `claude` CLI behind the browser: a swe-swe server from backend/tests/claude_harness.py (the
CLI talks to the loopback fake Messages API), seen as an e2e `Server` so that the conftest helpers
(open_app, events, user_texts) work on it, plus the few things the session tests do to its files:
find the transcript and its vault copy, delete them, and read what the fake API was asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from claude_harness import claude_server, transcripts
from conftest import Server, eventually
from fake_messages_api import FakeMessagesAPI, plan_reply
from server_process import ServerProcess


def as_e2e_server(process: ServerProcess) -> Server:
    """The same running process, with the e2e helpers (login, HTTP API). Same token, port and data dir;
    the harness still owns the process and stops it."""
    return Server(**{f.name: getattr(process, f.name) for f in fields(ServerProcess)})


@dataclass
class ClaudeLab:
    """A claude-backed server, its fake Messages API and the CLI's config dir (its transcripts)."""

    server: Server
    api: FakeMessagesAPI
    config_dir: Path

    def details(self, conversation_id: str) -> dict[str, Any]:
        return self.server.api("GET", f"/api/conversations/{conversation_id}")

    def agent_session_id(self, conversation_id: str) -> str:
        return str(self.details(conversation_id)["agent_session_id"])

    def recovery_steps(self, conversation_id: str) -> list[str]:
        return [step["step"] for step in self.details(conversation_id)["recovery"]]

    def vault_copy(self, session_id: str) -> Path:
        return self.server.data_dir / "vault" / f"{session_id}.jsonl"

    def wait_for_vault_copy(self, session_id: str) -> Path:
        """The vault copies a transcript shortly after a turn ends: wait for it before deleting anything,
        or the test would be about a race, not about recovery."""
        path = self.vault_copy(session_id)
        eventually(path.exists, timeout=15)
        return path

    def delete_transcripts(self) -> None:
        """What Claude's own cleanup (or a wiped HOME) does: the session files are gone."""
        found = transcripts(self.config_dir)
        assert found, "the CLI wrote no transcript"
        for path in found:
            path.unlink()

    def turn_requests(self, text: str) -> list[dict[str, Any]]:
        """The /v1/messages requests the fake answered by echoing `text`: the agent's turn on that message,
        not the CLI's side requests (a title, for one, also quotes the message)."""
        return [r for r in self.api.requests if plan_reply(r).text.startswith(f"echo: {text}")]


@contextmanager
def claude_lab(tmp_path: Path) -> Iterator[ClaudeLab]:
    with claude_server(tmp_path) as (process, api, config_dir):
        yield ClaudeLab(as_e2e_server(process), api, config_dir)
