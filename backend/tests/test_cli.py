from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from server_process import REPO
from swe_swe.cli import build_parser, config_from_args


def test_options_and_their_env_defaults(tmp_path: Path) -> None:
    env = {"SWE_SWE_PORT": "8123", "SWE_SWE_AGENT": "demo", "SWE_SWE_PING_INTERVAL": "2.5", "SWE_SWE_DATA_DIR": str(tmp_path)}
    config = config_from_args(build_parser(env).parse_args([]))
    assert (config.port, config.agent, config.ping_interval, config.data_dir) == (8123, "demo", 2.5, tmp_path.resolve())
    assert config.host == "127.0.0.1", "loopback by default"
    args = build_parser(env).parse_args(["--port", "9000", "--session-timeout", "1", "--token", "x", "--workdir", str(tmp_path)])
    config = config_from_args(args)
    assert (config.port, config.session_timeout_hours, config.token, config.workdir) == (9000, 1.0, "x", tmp_path.resolve())


def test_missing_claude_is_a_clear_start_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "swe_swe", "--agent", "claude", "--claude-bin", str(tmp_path / "nope"), "--data-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "backend"), "PATH": "/usr/bin:/bin"}, timeout=30,
    )
    assert result.returncode == 2
    assert "claude CLI was not found" in result.stderr and "--agent demo" in result.stderr


def test_a_port_in_use_is_a_clear_start_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "swe_swe", "--agent", "demo", "--port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "backend"), "PATH": "/usr/bin:/bin"}, timeout=30,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
