"""HTTPS and WSS with `--tls-cert/--tls-key`, with a certificate made in the test and trusted by it."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from server_process import REPO, ServerProcess
from swe_swe.tls import TlsError, server_context, tls_files
from tls_cert import make_certificate
from ws_client import Client


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, ssl.SSLContext]]:
    cert, key = make_certificate(tmp_path / "tls")
    proc = ServerProcess(data_dir=tmp_path / "data", extra_args=["--tls-cert", str(cert), "--tls-key", str(key)]).start()
    trusted = ssl.create_default_context(cafile=str(cert))
    yield proc, trusted
    proc.terminate()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_https_serves_the_api_and_the_app(tls_server: tuple[ServerProcess, ssl.SSLContext]) -> None:
    proc, trusted = tls_server
    assert proc.base_url.startswith("https://")
    with urllib.request.urlopen(proc.base_url + "/api/health", context=trusted, timeout=5) as response:
        assert response.status == 200
    with urllib.request.urlopen(proc.base_url + "/", context=trusted, timeout=5) as response:
        assert response.status == 200


def test_the_token_cookie_is_secure_under_tls(tls_server: tuple[ServerProcess, ssl.SSLContext]) -> None:
    proc, trusted = tls_server
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=trusted), _NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(proc.base_url + f"/?token={proc.token}", timeout=5)
    assert answer.value.code == 302
    cookie = answer.value.headers["Set-Cookie"]
    assert "swe_swe_token=" in cookie
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict"):
        assert attribute.lower() in cookie.lower()


def test_plain_http_cookie_is_not_secure(server: ServerProcess) -> None:
    """Without TLS a Secure cookie would never be sent back over http: the app could not sign in."""
    opener = urllib.request.build_opener(_NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(server.base_url + f"/?token={server.token}", timeout=5)
    assert "secure" not in answer.value.headers["Set-Cookie"].lower()


def test_wss_carries_the_protocol(tls_server: tuple[ServerProcess, ssl.SSLContext]) -> None:
    proc, trusted = tls_server
    assert proc.ws_url.startswith("wss://")

    async def scenario() -> None:
        client = await Client.connect(proc.ws_url, ssl=trusted)
        try:
            welcome = await client.hello()
            assert welcome["type"] == "welcome"
        finally:
            await client.ws.close()

    asyncio.run(scenario())


def test_cert_without_key_and_missing_files_are_told(tmp_path: Path) -> None:
    assert tls_files(None, None) is None
    with pytest.raises(TlsError, match="go together"):
        tls_files(tmp_path / "c.pem", None)
    with pytest.raises(TlsError, match="no such file"):
        server_context(tls_files(tmp_path / "c.pem", tmp_path / "k.pem"))  # type: ignore[arg-type]
    cert, _ = make_certificate(tmp_path / "a")
    _, other_key = make_certificate(tmp_path / "b")
    with pytest.raises(TlsError, match="cannot be used together"):
        server_context(tls_files(cert, other_key))  # type: ignore[arg-type]


def test_start_line_is_https_and_a_bad_pair_stops_the_server(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path / "tls")
    proc = ServerProcess(data_dir=tmp_path / "data", extra_args=["--tls-cert", str(cert), "--tls-key", str(key), "--no-qr"]).start()
    try:
        assert f"open https://127.0.0.1:{proc.port}/?token=" in proc.log_text()
    finally:
        proc.terminate()
    result = subprocess.run(
        [sys.executable, "-m", "swe_swe", "--agent", "demo", "--data-dir", str(tmp_path / "d2"), "--tls-cert", str(cert)],
        capture_output=True, text=True, cwd=str(REPO), env={"PYTHONPATH": str(REPO / "backend"), "PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert result.returncode == 2
    assert "--tls-key" in result.stderr
