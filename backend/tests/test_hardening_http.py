"""Hostile browsers and clients against a real server: cross-site requests, redirects, headers,
static files and limits (issue 13). Each test would have passed a hostile request before its fix."""

from __future__ import annotations

import http.client
import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from server_process import ServerProcess
from ws_client import new_conversation

COOKIE = {"Cookie": "swe_swe_token=test-token"}
BEARER = {"Authorization": "Bearer test-token"}
JSON = {"Content-Type": "application/json"}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def code(self) -> str | None:
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None


def request(server: ServerProcess, method: str, path: str, headers: dict[str, str] | None = None,
            body: bytes | None = None) -> Answer:
    """One raw request: nothing added, nothing normalised (urllib would fix the hostile parts)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(data_dir=tmp_path_factory.mktemp("hardening") / "data").start()
    yield proc
    proc.terminate()


def message_body() -> bytes:
    return json.dumps({"client_msg_id": str(uuid.uuid4()), "text": "hello"}).encode()


# 1. cross-site requests


def test_a_cross_site_page_cannot_post_with_the_cookie(server: ServerProcess) -> None:
    cid = new_conversation(server)
    path = f"/api/conversations/{cid}/messages"
    foreign = {**COOKIE, "Origin": "http://127.0.0.1:1", "Content-Type": "text/plain"}
    answer = request(server, "POST", path, foreign, message_body())
    assert answer.status == 403 and answer.code == "forbidden"
    answer = request(server, "POST", path, {**COOKIE, **JSON, "Origin": "http://evil.example"}, message_body())
    assert answer.status == 403
    answer = request(server, "POST", path, {**COOKIE, **JSON, "Origin": "null"}, message_body())
    assert answer.status == 403


def test_a_cookie_request_without_origin_or_fetch_metadata_cannot_change_state(server: ServerProcess) -> None:
    cid = new_conversation(server)
    assert request(server, "DELETE", f"/api/conversations/{cid}", COOKIE).status == 403
    cross = {**COOKIE, "Sec-Fetch-Site": "cross-site"}
    assert request(server, "DELETE", f"/api/conversations/{cid}", cross).status == 403
    same = {**COOKIE, "Sec-Fetch-Site": "same-origin"}
    assert request(server, "DELETE", f"/api/conversations/{cid}", same).status == 200


def test_the_same_origin_page_and_a_script_with_the_token_may_change_state(server: ServerProcess) -> None:
    cid = new_conversation(server)
    path = f"/api/conversations/{cid}/messages"
    page = {**COOKIE, **JSON, "Origin": server.base_url, "Sec-Fetch-Site": "same-origin"}
    assert request(server, "POST", path, page, message_body()).status == 200
    script = {**BEARER, **JSON}
    assert request(server, "POST", path, script, message_body()).status == 200
    # a script that names a foreign origin is refused all the same
    assert request(server, "POST", path, {**script, "Origin": "http://evil.example"}, message_body()).status == 403


def test_routes_not_yet_written_are_covered_by_the_guard(server: ServerProcess) -> None:
    """The guard is generic: a new state-changing route needs no code of its own to be covered."""
    cid = new_conversation(server)
    for method, path in [
        ("POST", f"/api/conversations/{cid}/approvals/{uuid.uuid4()}"),
        ("DELETE", f"/api/conversations/{cid}/allow-always/{uuid.uuid4()}"),
        ("PUT", f"/api/conversations/{cid}"),
        ("PATCH", f"/api/conversations/{cid}"),
    ]:
        answer = request(server, method, path, {**COOKIE, **JSON, "Origin": "http://evil.example"}, b"{}")
        assert answer.status == 403, (method, path, answer.status)


def test_json_bodies_must_say_they_are_json(server: ServerProcess) -> None:
    cid = new_conversation(server)
    path = f"/api/conversations/{cid}/messages"
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {**BEARER, **({"Content-Type": content_type} if content_type else {})}
        answer = request(server, "POST", path, headers, message_body())
        assert answer.status == 415 and answer.code == "unsupported_media_type", content_type
    headers = {**BEARER, "Content-Type": "application/json; charset=utf-8"}
    assert request(server, "POST", path, headers, message_body()).status == 200


# 2. open redirect


@pytest.mark.parametrize("path", ["//evil.example/", "///evil.example/x", "/\\evil.example/", "/%2F/evil.example/", "/\\/evil.example"])
def test_the_sign_in_redirect_stays_on_this_server(server: ServerProcess, path: str) -> None:
    answer = request(server, "GET", f"{path}?token=test-token&x=1")
    assert answer.status == 302
    location = answer.headers["Location"]
    resolved = urljoin(server.base_url + "/", location)
    assert urlsplit(resolved).netloc == f"127.0.0.1:{server.port}", location
    assert location.startswith("/") and not location.startswith(("//", "/\\")) and "\\" not in location
    assert location.endswith("?x=1")


# 3. browser hardening headers


@pytest.mark.parametrize(
    "path, headers",
    [("/", {}), ("/sw.js", {}), ("/api/conversations", BEARER), ("/api/conversations", {}),
     ("/api/health", {}), ("/nope", {}), ("/js/nope.js", {})],
)
def test_every_answer_carries_the_hardening_headers(server: ServerProcess, path: str, headers: dict[str, str]) -> None:
    answer = request(server, "GET", path, headers)
    csp = {d.strip().split(" ", 1)[0]: d.strip() for d in answer.headers["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["default-src"] == "default-src 'self'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["base-uri"] == "base-uri 'none'"
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in answer.headers["Permissions-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/js/app.js", "/css/app.css", "/icons/icon-192.png", "/manifest.webmanifest"])
def test_the_shells_subresources_carry_only_what_acts_on_them(server: ServerProcess, path: str) -> None:
    """Document-only headers (CSP, Referrer-, Permissions-Policy, frame options) do nothing on a script or
    an icon; repeated on ~50 files they cost a slow first load (issue 15). nosniff and CORP do act."""
    answer = request(server, "GET", path)
    assert answer.status == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Content-Security-Policy" not in answer.headers and "Permissions-Policy" not in answer.headers
    if path.endswith(".js"):  # scripts are decoded as UTF-8 whatever the header says: no charset to repeat
        assert answer.headers["Content-Type"] == "text/javascript"


def test_the_sign_in_redirect_carries_no_referrer(server: ServerProcess) -> None:
    answer = request(server, "GET", "/?token=test-token")
    assert answer.status == 302 and answer.headers["Referrer-Policy"] == "no-referrer"


# 5. static files: the shell and nothing else

REPO = Path(__file__).resolve().parents[2]


def shell_paths() -> list[str]:
    """The service worker's own list of the shell (a test may read it; the server does not)."""
    source = (REPO / "service-worker" / "sw.js").read_text()
    listing = source[source.index("const SHELL = [") : source.index("];", source.index("const SHELL = ["))]
    return [line.strip().strip(",").strip("'") for line in listing.splitlines()[1:] if line.strip().startswith("'")]


def test_every_shell_file_is_served(server: ServerProcess) -> None:
    paths = shell_paths()
    assert len(paths) > 20
    for path in [*paths, "/sw.js", "/index.html"]:
        assert request(server, "GET", path).status == 200, path


@pytest.mark.parametrize(
    "path",
    ["/package.json", "/icons/make_icons.py", "/tests/shell.test.mjs", "/tests/stamp-version.mjs",
     "/js/../package.json", "/js/%2e%2e/package.json", "/css/../icons/make_icons.py", "/.gitignore",
     "/js/.hidden.js", "/js/tests/x.js", "/js/app.js.map", "/index.html/", "/manifest.webmanifest.bak",
     "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/icons/", "/js"],
)
def test_nothing_outside_the_shell_is_served(server: ServerProcess, path: str) -> None:
    answer = request(server, "GET", path)
    assert answer.status == 404, (path, answer.status, answer.body[:80])


# 6. limits


def test_an_oversized_body_is_refused_before_it_is_read(server: ServerProcess) -> None:
    """Sanic answers from Content-Length alone when it is over the configured limit (1 MiB): the
    server never waits for, nor holds, a body it would refuse."""
    cid = new_conversation(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        head = (f"POST /api/conversations/{cid}/messages HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                f"Authorization: Bearer test-token\r\nContent-Type: application/json\r\n"
                f"Content-Length: {1024 * 1024 + 1}\r\n\r\n")
        sock.sendall(head.encode() + b'{"client_msg_id":')
        answer = sock.recv(65536).decode(errors="replace")
    status_line, _, rest = answer.partition("\r\n")
    assert " 413 " in status_line, status_line
    assert '"too_large"' in rest


def test_head_is_answered_where_get_is(server: ServerProcess) -> None:
    for path, headers in [("/", {}), ("/js/app.js", {}), ("/sw.js", {}), ("/manifest.webmanifest", {}),
                          ("/api/health", {}), ("/api/conversations", BEARER)]:
        get = request(server, "GET", path, headers)
        head = request(server, "HEAD", path, headers)
        assert head.status == 200 and head.body == b"", (path, head.status)
        assert head.headers["Content-Type"] == get.headers["Content-Type"], path
    assert request(server, "HEAD", "/api/conversations").status == 401
    assert request(server, "HEAD", "/package.json").status == 404


def test_the_http_api_is_rate_limited_per_client(tmp_path: Path) -> None:
    limited = ServerProcess(data_dir=tmp_path / "data", extra_args=["--http-rate-burst", "10", "--http-rate-per-second", "1"])
    limited.start()
    try:
        statuses = [request(limited, "GET", "/api/conversations", BEARER) for _ in range(15)]
        refused = [a for a in statuses if a.status == 429]
        assert 4 <= len(refused) <= 5 and all(a.code == "rate_limited" for a in refused)
        assert refused[0].headers["Retry-After"] == "1"
        assert request(limited, "GET", "/js/app.js").status == 200  # the shell is not counted
    finally:
        limited.terminate()
