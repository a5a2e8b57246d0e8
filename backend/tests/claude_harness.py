"""A swe-swe server driving the REAL claude CLI against the loopback fake Messages API."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fake_messages_api import FakeMessagesAPI
from server_process import REPO, ServerProcess
from swe_swe.agents import claude_home


def claude_bin() -> Path:
    path = Path(os.environ.get("SWE_SWE_CLAUDE_BIN", REPO / "node_modules/.bin/claude"))
    if not path.exists():
        raise AssertionError(f"the claude CLI is missing at {path}: run `npm ci` (make test-deps does it)")
    return path


def claude_env(api: FakeMessagesAPI, config_dir: Path) -> dict[str, str]:
    """What points the real CLI at the loopback fake API and keeps its files in `config_dir`."""
    return {
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{api.port}",
        "ANTHROPIC_API_KEY": "dummy-key-for-the-fake-api",
        "CLAUDE_CODE_MAX_RETRIES": "0",
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
    }


@contextmanager
def claude_server(tmp_path: Path, extra_args: list[str] | None = None, claude: Path | None = None) -> Iterator[tuple[ServerProcess, FakeMessagesAPI, Path]]:
    """Yields (server, fake API, CLAUDE_CONFIG_DIR). The agent works in tmp_path/work."""
    api = FakeMessagesAPI(port=0)
    api.start()
    config_dir = tmp_path / "claude-config"
    workdir = tmp_path / "work"
    config_dir.mkdir()
    workdir.mkdir()
    env = claude_env(api, config_dir)
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


def desk_session(work: Path, api: FakeMessagesAPI, config_dir: Path, prompt: str, age_seconds: float) -> Path:
    """Run `claude -p` in the project as a user at the desk would; returns its transcript, aged."""
    env = {**os.environ, **claude_env(api, config_dir)}
    out = subprocess.run([str(claude_bin()), "-p", "--output-format", "json", prompt], cwd=work, env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    session_id = json.loads(out.stdout)["session_id"]
    path = claude_home.project_dir(config_dir, work) / f"{session_id}.jsonl"
    for _ in range(50):  # the CLI writes the transcript a moment after it prints the result
        if path.exists() and "echo:" in path.read_text():
            break
        time.sleep(0.1)
    when = time.time() - age_seconds
    os.utime(path, (when, when))
    return path
