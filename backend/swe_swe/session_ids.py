"""The one shape of agent session id swe-swe ever puts in a path or passes to a resume: a canonical
lowercase UUID. Shared by every adapter (Claude's session ids, Codex's thread ids) and by the vault, so
it belongs to no agent."""

from __future__ import annotations

import re

_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_session_id(value: str) -> bool:
    """A canonical lowercase UUID; anything else never reaches a path (it could hold `/` or `..`)."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None
