"""One-time pairing codes: how the installed app signs in without the token being typed.

On iOS the home-screen app shares no cookies with Safari, so the `?token=` link opened there does
not sign the app in. `swe-swe pair` (run beside the server, on the same data dir) writes a short code
into `pairing.sqlite3`; the app sends it to `POST /api/pair` and gets the token cookie back.

Only a hash of each code is stored, with its expiry. A code works once and for ten minutes. Wrong
guesses are counted in the same file: after `MAX_WRONG_GUESSES` since the last `swe-swe pair`, every
attempt is refused and the codes still open are voided, until someone with a shell on this machine
runs `swe-swe pair` again. With 31^10 possible codes, 20 guesses find one with odds of about 1 in 4·10^13.
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import sqlite3
import time
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from swe_swe import security
from swe_swe.config import Config

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: nothing to misread on a phone
CODE_LENGTH = 10
CODE_TTL_SECONDS = 600.0
MAX_WRONG_GUESSES = 20
FILE_NAME = "pairing.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (hash TEXT PRIMARY KEY, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS wrong_guesses (at REAL NOT NULL);
"""


class Outcome(Enum):
    PAIRED = "paired"
    WRONG = "wrong"  # unknown, used or expired: the caller cannot tell which, nor can a guesser
    LOCKED = "locked"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(code: str) -> str:
    """What a person types: any case, spaces or dashes between groups."""
    return "".join(c for c in code.upper() if c not in " -\t")


def display(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


@dataclass
class PairingCodes:
    """The codes file of one data dir, shared by the server and `swe-swe pair` (SQLite does the locking)."""

    data_dir: Path

    @property
    def path(self) -> Path:
        return self.data_dir / FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        security.create_private_file(self.path)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        connection.executescript(SCHEMA)
        return connection

    def issue(self, now: float | None = None) -> str:
        """A new code; the count of wrong guesses starts again (the person at the shell is the owner)."""
        now = time.time() if now is None else now
        code = new_code()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM codes WHERE expires_at <= ?", (now,))
            db.execute("DELETE FROM wrong_guesses")
            db.execute("INSERT INTO codes (hash, expires_at) VALUES (?, ?)", (_hash(code), now + CODE_TTL_SECONDS))
            db.execute("COMMIT")
        return code

    def redeem(self, code: str, now: float | None = None) -> Outcome:
        """Spend `code`: PAIRED once, WRONG for anything else, LOCKED after too many wrong guesses."""
        now = time.time() if now is None else now
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (wrong,) = db.execute("SELECT COUNT(*) FROM wrong_guesses").fetchone()
                if wrong >= MAX_WRONG_GUESSES:
                    db.execute("DELETE FROM codes")
                    return Outcome.LOCKED
                spent = db.execute("DELETE FROM codes WHERE hash = ? AND expires_at > ?", (_hash(code), now)).rowcount
                if spent:
                    return Outcome.PAIRED
                db.execute("INSERT INTO wrong_guesses (at) VALUES (?)", (now,))
                return Outcome.WRONG
            finally:
                db.execute("COMMIT")


def pair_command(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """`swe-swe pair`: print a code for the app's sign-in screen. Works beside a running server."""
    default_dir = env.get("SWE_SWE_DATA_DIR", str(Config().data_dir))
    parser = argparse.ArgumentParser(prog="swe-swe pair", description=pair_command.__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(default_dir), help="the server's data dir")
    args = parser.parse_args(list(argv))
    data_dir = args.data_dir.expanduser().resolve()
    security.make_private_dir(data_dir)
    code = PairingCodes(data_dir).issue()
    minutes = int(CODE_TTL_SECONDS // 60)
    print(f"Pairing code: {display(code)}")
    print(f"Type it in the app's sign-in screen within {minutes} minutes. It works once.")
    return 0
