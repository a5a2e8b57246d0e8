"""`pip install .` (not only editable) must give a swe-swe that serves the PWA: the wheel ships it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from server_process import REPO
from swe_swe.app_bundle import AppBundle


def test_wheel_ships_the_app_shell_and_the_service_worker(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("swe_swe-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "swe_swe/cli.py",
        "swe_swe/agents/demo_cli.py",
        "swe_swe/static/pwa/index.html",
        "swe_swe/static/pwa/manifest.webmanifest",
        "swe_swe/static/pwa/js/app.js",
        "swe_swe/static/pwa/icons/icon-512.png",
        "swe_swe/static/service-worker/sw.js",
        "swe_swe/static/pwa/build/index.html",
        "swe_swe/static/pwa/build/sw.js",
    ):
        assert required in names, f"{required} missing from the wheel"
    zipfile.ZipFile(wheel).extractall(tmp_path / "wheel")
    static = tmp_path / "wheel" / "swe_swe" / "static"
    assert AppBundle(static / "pwa", static / "service-worker").current() is not None, "the wheel's bundle is its sources'"
    assert not any(name.startswith("swe_swe/static/pwa/tests/") for name in names), "tests do not ship"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "swe-swe = swe_swe.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
