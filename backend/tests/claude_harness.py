"""A swe-swe server driving the REAL claude CLI against the loopback fake Messages API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fake_messages_api import FakeMessagesAPI
from server_process import REPO, ServerProcess


def claude_bin() -> Path:
    path = Path(os.environ.get("SWE_SWE_CLAUDE_BIN", REPO / "node_modules/.bin/claude"))
    if not path.exists():
        raise AssertionError(f"the claude CLI is missing at {path}: run `npm ci` (make test-deps does it)")
    return path


@contextmanager
def claude_server(tmp_path: Path, extra_args: list[str] | None = None, claude: Path | None = None) -> Iterator[tuple[ServerProcess, FakeMessagesAPI, Path]]:
    """Yields (server, fake API, CLAUDE_CONFIG_DIR). The agent works in tmp_path/work."""
    api = FakeMessagesAPI(port=0)
    api.start()
    config_dir = tmp_path / "claude-config"
    workdir = tmp_path / "work"
    config_dir.mkdir()
    workdir.mkdir()
    env = {
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{api.port}",
        "ANTHROPIC_API_KEY": "dummy-key-for-the-fake-api",
        "CLAUDE_CODE_MAX_RETRIES": "0",
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
    }
    server = ServerProcess(
        data_dir=tmp_path / "data",
        agent="claude",
        extra_args=["--claude-bin", str(claude or claude_bin()), "--workdir", str(workdir), *(extra_args or [])],
        env=env,
    )
    try:
        server.start()
        yield server, api, config_dir
    finally:
        server.terminate()
        api.stop()


def transcripts(config_dir: Path) -> list[Path]:
    return sorted((config_dir / "projects").glob("*/*.jsonl"))
