"""The real `codex` CLI behind the browser: a swe-swe server from backend/tests/codex_harness.py (`codex
app-server` talks to the loopback fake Responses API), seen as an e2e `Server` so that the conftest helpers
(open_app, events, user_texts) work on it, plus what the session tests do to codex's files: find the
thread's rollout and its vault copy, delete them. The codex twin of claude_lab.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_harness import codex_server, rollouts
from conftest import Server, eventually
from fake_responses_api import FakeResponsesAPI
from support.claude_lab import as_e2e_server


@dataclass
class CodexLab:
    """A codex-backed server, its fake Responses API, CODEX_HOME (its rollouts) and the project dir."""

    server: Server
    api: FakeResponsesAPI
    home: Path
    workdir: Path

    def details(self, conversation_id: str) -> dict[str, Any]:
        return self.server.api("GET", f"/api/conversations/{conversation_id}")

    def thread_id(self, conversation_id: str) -> str:
        return str(self.details(conversation_id)["agent_session_id"])

    def recovery_steps(self, conversation_id: str) -> list[str]:
        return [step["step"] for step in self.details(conversation_id)["recovery"]]

    def vault_copy(self, thread_id: str) -> Path:
        return self.server.data_dir / "vault" / "codex" / f"{thread_id}.jsonl"

    def wait_for_vault_copy(self, thread_id: str) -> Path:
        """The vault copies a rollout shortly after a turn ends: wait for it before deleting anything."""
        path = self.vault_copy(thread_id)
        eventually(path.exists, timeout=15)
        return path

    def delete_rollouts(self) -> None:
        """What a wiped or cleaned CODEX_HOME does: the thread's files are gone."""
        found = rollouts(self.home)
        assert found, "codex wrote no rollout"
        for path in found:
            path.unlink()


@contextmanager
def codex_lab(tmp_path: Path, agent: str = "codex", extra_args: list[str] | None = None) -> Iterator[CodexLab]:
    """`agent`: the server's default; codex is always offered (`--codex-bin`)."""
    with codex_server(tmp_path, extra_args=extra_args, agent=agent) as (process, api, home):
        server = as_e2e_server(process)
        yield CodexLab(server, api, home, tmp_path / "work")
