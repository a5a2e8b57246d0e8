"""One "is this an id" check (ids.py), used for every id that reaches a query or a path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from swe_swe.ids import canonical_uuid, is_uuid

SID = "81407d78-753d-45ec-9783-bb3c0a8ade0a"
NOT_IDS = ["", "not-a-uuid", SID + "\n", "{" + SID + "}", SID.replace("-", ""), "../" + SID, SID[:-1] + "g",
           "urn:uuid:" + SID, " " + SID, SID[:8] + "\\" + SID[9:], "８" + SID[1:], None, 1, [SID]]


@pytest.mark.parametrize("value", [*NOT_IDS, SID.upper()])
def test_is_uuid_rejects_anything_but_the_canonical_form(value: object) -> None:
    assert not is_uuid(value)


@pytest.mark.parametrize("value", NOT_IDS)
def test_canonical_uuid_refuses_what_is_not_an_id(value: object) -> None:
    assert canonical_uuid(value) is None


def test_a_canonical_id_passes_and_a_client_id_in_capitals_is_lowercased() -> None:
    assert is_uuid(SID)
    assert canonical_uuid(SID) == SID
    assert canonical_uuid(SID.upper()) == SID


def test_the_check_is_written_once() -> None:
    """No second UUID pattern or `uuid.UUID(...)` parse in the server: a copy drifts (two did)."""
    package = Path(__file__).resolve().parents[1] / "swe_swe"
    copies = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "ids.py" and re.search(r"\[0-9a-f\]\{8\}|uuid\.UUID\(", path.read_text())
    ]
    assert copies == []
