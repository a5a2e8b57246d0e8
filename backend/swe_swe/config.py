"""The server's settings as one plain value, filled by the command line (cli.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 7000
    agent: str = "auto"
    claude_bin: str = "claude"
    codex_bin: str = "codex"
    workdir: Path = field(default_factory=Path.cwd)  # the default project (the first --workdir)
    more_workdirs: tuple[Path, ...] = ()  # every further --workdir, each a project
    projects_root: Path | None = None  # the git repositories directly under it are projects too
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local/share/swe-swe")
    token: str = ""
    ping_interval: float = 30.0
    session_timeout_hours: float = 72.0
    permission_mode: str = "default"
    allow_bypass: bool = False
    approval_timeout_seconds: float = 0.0  # 0: an approval waits as long as the user needs
    max_frame_bytes: int = 1024 * 1024
    max_text_chars: int = 100_000
    rate_burst: int = 100
    rate_per_second: float = 20.0
    http_rate_burst: int = 200
    http_rate_per_second: float = 50.0
    agent_idle_seconds: float = 600.0
    stop_grace_seconds: float = 3.0
    allowed_hosts: tuple[str, ...] = ()
    demo_delay: float = 1.0
    tls_cert: Path | None = None  # with tls_key: the server speaks HTTPS and WSS itself
    tls_key: Path | None = None
    push_contact: str = ""  # the VAPID contact (mailto: or https:); empty: Web Push is off
    pwa_sources: bool = False  # send the app's source modules even when its bundle is current

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None and self.tls_key is not None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "swe-swe.sqlite3"

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def vault_dir(self) -> Path:
        return self.data_dir / "vault"
