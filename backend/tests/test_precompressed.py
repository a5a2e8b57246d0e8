"""The shell is sent compressed (Brotli, else gzip, as the client accepts), compressed once per content, with an ETag."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import brotli
import pytest

from server_process import REPO, ServerProcess
from swe_swe.precompressed import Precompressed, accepted, choose, compress, etag_matches, slim_headers


def fetch(server: ServerProcess, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize("path", ["/", "/js/app.js", "/css/app.css", "/sw.js"])
def test_shell_files_are_sent_compressed_as_accepted(server: ServerProcess, path: str) -> None:
    status, plain_headers, plain = fetch(server, path, {"Accept-Encoding": "identity"})
    assert status == 200 and "content-encoding" not in plain_headers
    assert plain_headers["vary"] == "Accept-Encoding"
    status, headers, body = fetch(server, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["content-encoding"] == "br" and headers["vary"] == "Accept-Encoding"
    assert brotli.decompress(body) == plain and len(body) < len(plain) / 2
    assert int(headers["content-length"]) == len(body)
    assert headers["cache-control"] == plain_headers["cache-control"] == ("no-cache")
    assert "last-modified" not in headers  # the ETag validates; ~50 responses carry every header byte
    assert headers["content-type"] == plain_headers["content-type"]
    status, headers, body = fetch(server, path, {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == plain


def test_the_etag_spares_the_body(server: ServerProcess) -> None:
    status, headers, body = fetch(server, "/js/app.js", {"Accept-Encoding": "br"})
    etag = headers["etag"]
    status, again, body = fetch(server, "/js/app.js", {"Accept-Encoding": "br", "If-None-Match": etag})
    assert status == 304 and body == b"" and again["etag"] == etag
    status, plain, body = fetch(server, "/js/app.js", {"Accept-Encoding": "identity", "If-None-Match": etag})
    assert status == 200 and plain["etag"] != etag  # another encoding, another entity


def test_the_page_served_matches_the_file(server: ServerProcess) -> None:
    status, headers, body = fetch(server, "/js/app.js", {"Accept-Encoding": "br"})
    assert brotli.decompress(body) == (REPO / "pwa" / "js" / "app.js").read_bytes()


def test_accept_encoding_parsing() -> None:
    assert accepted("gzip, deflate, br;q=1.0, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted("br;q=0, gzip") == {"gzip"}
    assert accepted(None) == set()
    encodings = {"br": b"b", "gzip": b"g"}
    assert choose(encodings, "gzip, br") == "br"
    assert choose(encodings, "gzip") == "gzip"
    assert choose(encodings, "*") == "br"
    assert choose(encodings, "identity") is None
    assert choose({"gzip": b"g"}, "br, gzip") == "gzip"
    assert etag_matches('"a", "b"', '"b"') and etag_matches("*", '"x"') and not etag_matches(None, '"x"')


def test_compressed_once_per_content_and_bounded() -> None:
    shell = Precompressed(max_entries=3)
    body = b"console.log('hello');\n" * 100
    first = shell.get(body)
    assert shell.get(body) is first
    for n in range(5):
        shell.get(body + str(n).encode())
    assert len(shell) == 3
    assert compress(b"x").encodings == {}  # never sent bigger than it is


def test_warm_compresses_the_shell_but_not_its_tests() -> None:
    shell = Precompressed()
    count = shell.warm([REPO / "pwa", REPO / "service-worker"])
    assert count >= 40
    assert shell.cached((REPO / "pwa" / "js" / "app.js").read_bytes()) is not None
    tests = [p for p in (REPO / "pwa" / "tests").rglob("*.mjs")]
    assert tests and shell.cached(tests[0].read_bytes()) is None


def test_slim_headers_keeps_one_value_per_name() -> None:
    items = [("Cache-Control", "no-cache"), ("cache-control", "no-cache"), ("Last-Modified", "x"),
             ("content-length", "9"), ("X-Content-Type-Options", "nosniff")]
    assert slim_headers(items) == {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
