"""Shared pieces of the benchmark: paths, settings, statistics, result rows, process probes, the claude lab."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for _p in (REPO / "backend" / "tests", REPO / "backend", REPO / "bench", REPO / "e2e"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401 - re-exported to the figures


@dataclass
class Settings:
    """How hard to try. `--quick` shrinks every count so the whole run takes about three minutes."""

    quick: bool = False
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="swe-swe-bench-")))

    def runs(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@dataclass
class Row:
    """One line of the table. `ratio` is value/baseline unless `ratio_note` says otherwise."""

    figure: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    baseline_unit: str = ""  # when it differs from `unit`

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def median(samples: Iterable[float]) -> float:
    values = list(samples)
    return statistics.median(values) if values else float("nan")


def summary(samples: list[float], digits: int = 6) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    return {
        "n": len(samples),
        "median": round(statistics.median(samples), digits),
        "min": round(min(samples), digits),
        "max": round(max(samples), digits),
        "samples": [round(s, digits) for s in samples],
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# process probes (Linux /proc)

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (not its children)."""
    with open(f"/proc/{pid}/stat") as handle:
        raw = handle.read()
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as handle:
            info["mem_gib"] = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
        with open("/proc/loadavg") as handle:
            info["loadavg_at_start"] = handle.read().split()[:3]
    except OSError:
        pass
    try:
        info["os"] = Path("/etc/os-release").read_text().split("PRETTY_NAME=", 1)[1].splitlines()[0].strip('"')
    except (OSError, IndexError):
        pass
    return info


# the real claude CLI against the loopback fake Messages API


def claude_bin() -> Path:
    return Path(os.environ.get("SWE_SWE_CLAUDE_BIN", REPO / "node_modules/.bin/claude")).resolve()


class ClaudeLab:
    """A fake Messages API (answering at once), a CLAUDE_CONFIG_DIR and a workdir, shared by figures 1 and 3."""

    def __init__(self, root: Path) -> None:
        from fake_messages_api import FakeMessagesAPI

        self.root = root
        self.api = FakeMessagesAPI(port=0, delay_s=0.0).start()
        self.config_dir = root / "claude-config"
        self.workdir = root / "work"
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.direct_session: str | None = None

    @property
    def env(self) -> dict[str, str]:
        from claude_harness import claude_env

        return claude_env(self.api, self.config_dir)

    def full_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def new_direct_session(self) -> str:
        """A session made the seed's way (`claude -p --session-id`), for the direct baselines."""
        import subprocess

        session_id = str(uuid.uuid4())
        subprocess.run(
            [str(claude_bin()), "-p", "--session-id", session_id, "--output-format", "stream-json", "--verbose", "hello"],
            cwd=self.workdir, env=self.full_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=True, timeout=60,
        )
        self.direct_session = session_id
        return session_id

    def stop(self) -> None:
        self.api.stop()


def wait_until(predicate: Any, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
