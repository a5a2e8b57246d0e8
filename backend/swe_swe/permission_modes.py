"""The agent's permission modes a conversation may be switched to from the app.

`bypassPermissions` runs every tool without asking, so it is offered only when the server was started
with `--allow-bypass`, and never as root: claude refuses that mode for root (it would run commands
with every right on the machine), and offering a switch that then fails would leave the user stuck.
"""

from __future__ import annotations

import os

from swe_swe import user_texts
from swe_swe.config import Config
from swe_swe.errors import ErrorCode, ProtocolError

BASE_MODES = ("default", "acceptEdits", "plan")
BYPASS = "bypassPermissions"


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def allowed_modes(config: Config, as_root: bool | None = None) -> tuple[str, ...]:
    as_root = running_as_root() if as_root is None else as_root
    modes = list(BASE_MODES)
    if config.allow_bypass and not as_root:
        modes.append(BYPASS)
    if config.permission_mode not in modes:
        modes.append(config.permission_mode)  # the server's own default is always allowed
    return tuple(modes)


def check_mode(mode: str, allowed: tuple[str, ...], client_msg_id: str | None = None) -> str:
    """The mode, or a plain-words refusal that names the frame it refuses."""
    if mode in allowed:
        return mode
    if mode != BYPASS:
        raise ProtocolError(ErrorCode.BAD_FRAME, user_texts.MODE_UNKNOWN, client_msg_id)
    text = user_texts.BYPASS_AS_ROOT if running_as_root() else user_texts.BYPASS_NOT_ALLOWED
    raise ProtocolError(ErrorCode.BAD_FRAME, text, client_msg_id)
