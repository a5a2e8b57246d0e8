"""Which Chromium the browser tests and the benchmark drive, and how: Debian's build, headless,
with nothing that reaches the internet (these machines have none)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("SWE_SWE_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
