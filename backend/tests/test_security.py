from __future__ import annotations

from pathlib import Path

from swe_swe import security


def test_token_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = security.load_or_create_token(tmp_path, "")
    assert len(first) >= 24
    assert security.load_or_create_token(tmp_path, "") == first
    assert (tmp_path / "token").stat().st_mode & 0o777 == 0o600
    assert security.load_or_create_token(tmp_path, "given") == "given"


def test_token_matching() -> None:
    assert security.token_matches("abc", "abc")
    assert not security.token_matches("abc", "abd")
    assert not security.token_matches("abc", None)
    assert security.bearer_token("Bearer xyz") == "xyz"
    assert security.bearer_token("Basic xyz") is None


def test_hosts_and_origins() -> None:
    allowed = security.allowed_host_names("127.0.0.1", ())
    assert security.host_allowed("127.0.0.1:7000", allowed)
    assert security.host_allowed("localhost:7000", allowed)
    assert security.host_allowed("[::1]:7000", allowed)
    assert not security.host_allowed("evil.example:7000", allowed)
    assert not security.host_allowed(None, allowed)
    assert security.origin_allowed(None, "127.0.0.1:7000")
    assert security.origin_allowed("http://127.0.0.1:7000", "127.0.0.1:7000")
    assert not security.origin_allowed("http://evil.example", "127.0.0.1:7000")
    assert not security.origin_allowed("http://127.0.0.1:7001", "127.0.0.1:7000")
    assert not security.origin_allowed("null", "127.0.0.1:7000")


def test_state_changing_requests_must_come_from_this_origin() -> None:
    host = {"host": "127.0.0.1:7000"}
    assert security.same_origin_write("GET", {**host, "origin": "http://evil.example"}, False)
    assert security.same_origin_write("POST", {**host, "origin": "http://127.0.0.1:7000"}, False)
    assert not security.same_origin_write("POST", {**host, "origin": "http://evil.example"}, True)
    assert security.same_origin_write("DELETE", {**host, "sec-fetch-site": "same-origin"}, False)
    assert not security.same_origin_write("DELETE", {**host, "sec-fetch-site": "same-site"}, False)
    assert not security.same_origin_write("PATCH", host, False)
    assert security.same_origin_write("PUT", host, True)


def test_only_json_declares_json() -> None:
    assert security.declares_json("application/json")
    assert security.declares_json("Application/JSON; charset=utf-8")
    assert not security.declares_json("text/plain")
    assert not security.declares_json("application/jsonp")
    assert not security.declares_json(None)


def test_local_path_cannot_name_another_site() -> None:
    assert security.local_path("/") == "/"
    assert security.local_path("//evil.example/") == "/evil.example/"
    assert security.local_path("/\\evil.example/") == "/evil.example/"
    assert security.local_path("/\t/evil.example") == "/%09/evil.example"
    assert security.local_path("/a\\b") == "/a%5Cb"
    assert security.local_path("/js/app.js") == "/js/app.js"
