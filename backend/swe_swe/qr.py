"""A QR code drawn with text, for the terminal that started the server (segno: pure Python, no deps)."""

from __future__ import annotations

import io

import segno


def terminal_qr(text: str) -> str:
    """Half-block characters, two modules a line, so the code fits a laptop terminal and a phone's
    camera still reads it; dark on light whatever the terminal's colours (segno's `compact` form)."""
    out = io.StringIO()
    segno.make(text, error="l", micro=False).terminal(out=out, compact=True, border=2)
    return out.getvalue()
