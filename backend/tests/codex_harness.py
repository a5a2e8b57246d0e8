"""A swe-swe server driving the REAL codex CLI (`codex app-server`) against the loopback fake Responses API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fake_responses_api import FakeResponsesAPI, config_toml
from server_process import REPO, ServerProcess


def codex_bin() -> Path:
    path = Path(os.environ.get("SWE_SWE_CODEX_BIN", REPO / "node_modules/.bin/codex"))
    if not path.exists():
        raise AssertionError(f"the codex CLI is missing at {path}: run `npm ci` (make test-deps does it)")
    return path


@contextmanager
def codex_server(tmp_path: Path, extra_args: list[str] | None = None, agent: str = "codex") -> Iterator[tuple[ServerProcess, FakeResponsesAPI, Path]]:
    """Yields (server, fake API, CODEX_HOME). The agent works in tmp_path/work. `agent` is the server's
    default (`--agent`); codex is offered either way."""
    api = FakeResponsesAPI(port=0).start()
    home = tmp_path / "codex-home"
    workdir = tmp_path / "work"
    home.mkdir()
    workdir.mkdir()
    (home / "config.toml").write_text(config_toml(api.port))
    env = {"CODEX_HOME": str(home), "FAKE_API_KEY": "dummy-key-for-the-fake-api"}
    server = ServerProcess(
        data_dir=tmp_path / "data",
        agent=agent,
        extra_args=["--codex-bin", str(codex_bin()), "--workdir", str(workdir), *(extra_args or [])],
        env=env,
    )
    try:
        server.start()
        yield server, api, home
    finally:
        server.terminate()
        api.stop()


def rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").glob("*/*/*/rollout-*.jsonl"))
