"""The one check of "is this an id": conversation, message, approval, agent session and codex thread ids
are all UUIDs. Anything else never reaches a query or a path (it could hold `/` or `..`)."""

from __future__ import annotations

import re

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_uuid(value: object) -> bool:
    """A UUID in canonical form: lowercase hex, hyphenated, nothing around it."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def canonical_uuid(value: object) -> str | None:
    """A client's id in either case, lowercased; None when it is not a UUID."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return lowered if is_uuid(lowered) else None
