"""Start a real swe-swe server in a subprocess on a free loopback port (used by integration tests)."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _unverified() -> ssl.SSLContext:
    """The readiness probe only: a test's own certificate is checked by the test itself."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    data_dir: Path
    token: str = "test-token"
    agent: str = "demo"
    ping_interval: float = 30.0
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[str] | None = None
    log_path: Path | None = None
    log_dir: Path | None = None  # default: the data dir (a test that fills the data dir's disk moves it)

    @property
    def tls(self) -> bool:
        return "--tls-cert" in self.extra_args

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}/ws?token={self.token}"

    def start(self, timeout: float = 15.0) -> ServerProcess:
        argv = [
            sys.executable, "-m", "swe_swe",
            "--agent", self.agent, "--port", str(self.port), "--data-dir", str(self.data_dir),
            "--token", self.token, "--ping-interval", str(self.ping_interval), "--log-level", "info",
            *self.extra_args,
        ]
        env = {**os.environ, "PYTHONPATH": str(REPO / "backend"), "SWE_SWE_DEMO_DELAY": "0.3", **self.env}
        self.log_path = (self.log_dir or self.data_dir) / f"server-{self.port}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, text=True, cwd=str(REPO))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.base_url + "/api/health", timeout=1, context=_unverified()) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server not ready:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """kill -9: no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def terminate(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path else ""
