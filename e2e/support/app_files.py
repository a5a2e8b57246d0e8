"""Which URL a page fetches for a module of the app: the module's own, or the bundle file holding it.

The server sends the bundle (pwa/build/) while it matches the sources, else the sources
(backend/swe_swe/app_bundle.py), so a test of what a page fetches asks the server which it sends.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[2] / "pwa" / "build" / "manifest.json"


def fetched_for(base_url: str, *modules: str) -> tuple[str, ...]:
    """The URLs a page of the server at `base_url` fetches for `modules` (e.g. "/vendor/diff.js")."""
    with urllib.request.urlopen(base_url + "/", timeout=10) as response:
        page = response.read().decode()
    if "/build/" not in page:
        return modules
    where = json.loads(MANIFEST.read_text())["modules"]
    return tuple(where[module] for module in modules)
