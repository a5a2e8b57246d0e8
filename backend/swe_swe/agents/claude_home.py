"""Where the `claude` CLI keeps its session transcripts, computed exactly as the CLI does.

The server must look where the CLI will look before it resumes a session (see claude-cli.md):
`${CLAUDE_CONFIG_DIR:-$HOME/.claude}/projects/<enc(realpath(cwd))>/<session-id>.jsonl`.
Resume only searches the folder of its own cwd, so a path computed differently means "No conversation
found" for a transcript that exists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from swe_swe.ids import is_uuid

MAX_PROJECT_DIR_CHARS = 200
_BASE36_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def config_dir(env: Mapping[str, str]) -> Path:
    """The CLI's config folder for the environment it will be started with (not necessarily ours)."""
    configured = env.get("CLAUDE_CONFIG_DIR", "")
    if configured:
        return Path(configured).expanduser()
    home = env.get("HOME", "")
    base = Path(home) if home else Path.home()
    return base / ".claude"


def _utf16_units(text: str) -> list[int]:
    """The CLI is JavaScript: it sees strings as UTF-16 code units, so a character beyond U+FFFF is two."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def _is_ascii_alnum(unit: int) -> bool:
    return unit < 128 and chr(unit).isalnum()


def java_string_hash(text: str) -> int:
    """`h = ((h << 5) - h + code) | 0` over UTF-16 code units: a signed 32-bit result, as the CLI computes."""
    h = 0
    for unit in _utf16_units(text):
        h = (h * 31 + unit) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def base36(number: int) -> str:
    """`Number.prototype.toString(36)` for a non-negative integer."""
    if number == 0:
        return "0"
    digits: list[str] = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_BASE36_DIGITS[rest])
    return "".join(reversed(digits))


def encode_project_dir(cwd: str) -> str:
    """The folder name the CLI derives from a working directory; long names are cut and made unique by a hash."""
    encoded = "".join(chr(u) if _is_ascii_alnum(u) else "-" for u in _utf16_units(cwd))
    if len(encoded) <= MAX_PROJECT_DIR_CHARS:
        return encoded
    return f"{encoded[:MAX_PROJECT_DIR_CHARS]}-{base36(abs(java_string_hash(cwd)))}"


def project_dir(config: Path, cwd: Path) -> Path:
    """The CLI resolves symlinks in its cwd before encoding it, so we must too."""
    return config / "projects" / encode_project_dir(os.path.realpath(cwd))


def transcript_path(config: Path, cwd: Path, session_id: str) -> Path:
    """Where `claude --resume <session_id>` started in `cwd` will look for the session."""
    if not is_uuid(session_id):
        raise ValueError("not a session id")
    return project_dir(config, cwd) / f"{session_id}.jsonl"
