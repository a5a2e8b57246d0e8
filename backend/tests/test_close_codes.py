"""Close codes are named once (errors.CloseCode) and each one the server sends is documented."""

from __future__ import annotations

import re
from pathlib import Path

from swe_swe.errors import CloseCode

BACKEND = Path(__file__).resolve().parents[1] / "swe_swe"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_every_close_code_is_documented() -> None:
    text = DOCS.read_text()
    for code in CloseCode:
        if code >= 4000:
            assert str(int(code)) in text, code


def test_no_bare_close_codes_in_the_server() -> None:
    for path in BACKEND.rglob("*.py"):
        for line in path.read_text().splitlines():
            assert not re.search(r"(offer_close|\.close)\(\s*\d{4}", line), f"{path.name}: {line.strip()}"
