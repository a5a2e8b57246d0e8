"""Pairing codes: `swe-swe pair` beside a running server, `POST /api/pair`, once, expiry, the guess limit; the QR."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from http_client import call
from server_process import REPO, ServerProcess
from swe_swe import cli, pairing
from swe_swe.pairing import Outcome, PairingCodes


def test_a_code_is_long_readable_and_works_once(tmp_path: Path) -> None:
    codes = PairingCodes(tmp_path)
    code = codes.issue()
    assert len(code) >= 8 and set(code) <= set(pairing.ALPHABET)
    assert not set("0O1IL") & set(pairing.ALPHABET)
    assert (tmp_path / pairing.FILE_NAME).stat().st_mode & 0o777 == 0o600
    typed = " " + pairing.display(code).lower() + " "
    assert codes.redeem(typed) is Outcome.PAIRED
    assert codes.redeem(code) is Outcome.WRONG


def test_an_expired_code_fails(tmp_path: Path) -> None:
    codes = PairingCodes(tmp_path)
    code = codes.issue(now=1000.0)
    assert codes.redeem(code, now=1000.0 + pairing.CODE_TTL_SECONDS + 1) is Outcome.WRONG
    fresh = codes.issue(now=2000.0)
    assert codes.redeem(fresh, now=2000.0 + pairing.CODE_TTL_SECONDS - 1) is Outcome.PAIRED


def test_twenty_wrong_guesses_lock_pairing_until_a_new_code(tmp_path: Path) -> None:
    codes = PairingCodes(tmp_path)
    code = codes.issue()
    for _ in range(pairing.MAX_WRONG_GUESSES):
        assert codes.redeem("WRONGCODE2") is Outcome.WRONG
    assert codes.redeem(code) is Outcome.LOCKED  # even the right one: it may have been guessed
    assert codes.redeem(code) is Outcome.LOCKED
    again = codes.issue()
    assert codes.redeem(code) is Outcome.WRONG  # voided by the lock
    assert codes.redeem(again) is Outcome.PAIRED


def _pair(data_dir: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "swe_swe", "pair", "--data-dir", str(data_dir)],
        capture_output=True, text=True, cwd=str(REPO), env={"PYTHONPATH": str(REPO / "backend"), "PATH": "/usr/bin:/bin"},
        timeout=30, check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("Pairing code: "))
    return line.removeprefix("Pairing code: ")


def test_pair_command_beside_a_running_server_signs_in_once(server: ServerProcess) -> None:
    code = _pair(server.data_dir)
    assert "-" in code
    origin = {"Origin": server.base_url}
    status, body = call("POST", server.base_url + "/api/pair", token=None, body={"code": code}, headers=origin)
    assert status == 200 and body == {"ok": True}
    status, body = call("POST", server.base_url + "/api/pair", token=None, body={"code": code}, headers=origin)
    assert status == 401 and body["error"]["code"] == "unauthorized"
    # the cookie from a fresh code opens the API
    code = _pair(server.data_dir)
    with urllib.request.urlopen(
        urllib.request.Request(server.base_url + "/api/pair", data=json.dumps({"code": code}).encode(), method="POST",
                               headers={**origin, "Content-Type": "application/json"}), timeout=5) as response:
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    token_cookie = cookie.split(";", 1)[0]
    assert token_cookie == f"swe_swe_token={server.token}"


def test_pair_route_refuses_other_sites_and_non_json(server: ServerProcess) -> None:
    status, _ = call("POST", server.base_url + "/api/pair", token=None, body={"code": "X"}, headers={"Origin": "http://evil.example"})
    assert status == 403
    status, _ = call("POST", server.base_url + "/api/pair", token=None, raw=b"code=X",
                     headers={"Origin": server.base_url, "Content-Type": "text/plain"})
    assert status in (400, 415)


def test_twenty_wrong_guesses_over_http_are_refused(server: ServerProcess) -> None:
    code = _pair(server.data_dir)
    origin = {"Origin": server.base_url}
    for _ in range(pairing.MAX_WRONG_GUESSES):
        status, _ = call("POST", server.base_url + "/api/pair", token=None, body={"code": "AAAAAAAAAA"}, headers=origin)
        assert status == 401
    status, body = call("POST", server.base_url + "/api/pair", token=None, body={"code": code}, headers=origin)
    assert status == 429 and "swe-swe pair" in body["error"]["message"]


def test_the_start_text_has_a_qr_code_only_when_asked() -> None:
    url = "https://box.tailnet.ts.net/?token=abc"
    plain = cli.start_text("ready: open " + url, url, show_qr=False)
    assert plain == "ready: open " + url
    with_qr = cli.start_text("ready: open " + url, url, show_qr=True)
    assert with_qr.startswith(plain + "\n")
    assert "▀" in with_qr or "▄" in with_qr
    assert "swe-swe pair" in with_qr


def test_qr_follows_the_terminal_unless_overridden() -> None:
    parser = cli.build_parser({})
    assert parser.parse_args([]).qr is None  # then: sys.stdout.isatty()
    assert parser.parse_args(["--qr"]).qr is True
    assert parser.parse_args(["--no-qr"]).qr is False
    assert cli.build_parser({"SWE_SWE_QR": "0"}).parse_args([]).qr is False
    assert cli.wants_qr(None, is_tty=True) and not cli.wants_qr(None, is_tty=False)
    assert cli.wants_qr(True, is_tty=False) and not cli.wants_qr(False, is_tty=True)
