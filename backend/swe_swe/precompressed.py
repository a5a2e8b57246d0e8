"""The app shell on the wire compressed once, not per request: Brotli or gzip, as the client accepts.

A phone on a slow link pays for every byte of the first load (issue 15): the shell's text files
shrink to about a third with gzip and a bit less with Brotli (make bench, figure 7). Compressing is
slow at the levels that matter (Brotli 11), so it is done once per file content: for every shell
file at start-up, in a worker thread, and for any other content (an edited file in a source checkout)
the first time it is served. Responses are then looked up by the hash of their body, which also
gives a strong `ETag`: a revalidation that matches costs a 304 and no body.

Hooked into static_files as one response middleware, so routes and their rules stay where they are.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

try:  # the package is a dependency; serve gzip alone if an install lacks it
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

log = logging.getLogger("swe_swe.precompressed")

COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")
COMPRESSIBLE_SUFFIXES = frozenset({".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".svg"})
MIN_BYTES = 256
GZIP_LEVEL = 9
BROTLI_QUALITY = 11
DROPPED_HEADERS = frozenset({"content-length", "last-modified"})  # set anew; the ETag is the validator
DIGEST_HEX = 20
MAX_ENTRIES = 512  # distinct contents kept (the shell has ~50 files); the oldest used go first


@dataclass(frozen=True)
class Compressed:
    """One content, its hash and its compressed forms (an encoding is left out when it would not be smaller)."""

    digest: str
    encodings: dict[str, bytes]


def compress(body: bytes) -> Compressed:
    digest = hashlib.sha256(body).hexdigest()[:DIGEST_HEX]
    encodings: dict[str, bytes] = {}
    if brotli is not None:
        encodings["br"] = brotli.compress(body, quality=BROTLI_QUALITY)
    encodings["gzip"] = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return Compressed(digest, {name: data for name, data in encodings.items() if len(data) < len(body)})


def accepted(header: str | None) -> set[str]:
    """Codings the client takes (`q=0` means refused)."""
    codings: set[str] = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if name.strip():
            codings.add(name.strip().lower())
    return codings


def choose(encodings: dict[str, bytes], header: str | None) -> str | None:
    """Brotli first, then gzip; None: send it as it is."""
    taken = accepted(header)
    for name in ("br", "gzip"):
        if name in encodings and (name in taken or "*" in taken):
            return name
    return None


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


class Precompressed:
    """Compressed forms by body hash, bounded; thread-safe (filled from worker threads)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._by_digest: OrderedDict[str, Compressed] = OrderedDict()
        self._lock = threading.Lock()
        self.warming: asyncio.Task[int] | None = None

    def __len__(self) -> int:
        return len(self._by_digest)

    def get(self, body: bytes) -> Compressed:
        """The compressed forms of `body`, compressing it now if it has not been seen (call off the loop then)."""
        digest = hashlib.sha256(body).hexdigest()[:DIGEST_HEX]
        with self._lock:
            found = self._by_digest.get(digest)
            if found is not None:
                self._by_digest.move_to_end(digest)
                return found
        made = compress(body)
        with self._lock:
            self._by_digest[digest] = made
            while len(self._by_digest) > self._max_entries:
                self._by_digest.popitem(last=False)
        return made

    def cached(self, body: bytes) -> Compressed | None:
        digest = hashlib.sha256(body).hexdigest()[:DIGEST_HEX]
        with self._lock:
            return self._by_digest.get(digest)

    def warm(self, folders: Iterable[Path]) -> int:
        """Compress every compressible file under `folders` (start-up, in a worker thread); how many."""
        count = 0
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.suffix in COMPRESSIBLE_SUFFIXES and path.is_file() and "tests" not in path.relative_to(folder).parts:
                    self.get(path.read_bytes())
                    count += 1
        return count

    async def respond(self, request: Request, response: HTTPResponse) -> HTTPResponse | None:
        """Response middleware: the same response, compressed and tagged; a 304 when the client has it."""
        body = response.body
        if response.status != 200 or not body or len(body) < MIN_BYTES or "content-encoding" in response.headers:
            return None
        if not (response.content_type or "").startswith(COMPRESSIBLE_TYPES):
            return None
        entry = self.cached(body) or await asyncio.to_thread(self.get, body)
        coding = choose(entry.encodings, request.headers.get("accept-encoding"))
        etag = f'"{entry.digest}{"-" + coding if coding else ""}"'
        headers = slim_headers(response.headers.items())
        headers.update({"ETag": etag, "Vary": "Accept-Encoding"})
        if etag_matches(request.headers.get("if-none-match"), etag):
            headers.pop("content-type", None)
            return HTTPResponse(status=304, headers=headers)
        if coding is not None:
            headers["Content-Encoding"] = coding
            body = entry.encodings[coding]
        return HTTPResponse(body, status=200, headers=headers, content_type=response.content_type)


def slim_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """One value per header name (the first), without those the new response sets or that the ETag replaces.

    On a phone's first load ~50 responses carry these headers uncompressed: every byte counts ~50 times.
    """
    kept: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in items:
        lower = name.lower()
        if lower in seen or lower in DROPPED_HEADERS:
            continue
        seen.add(lower)
        kept[name] = value
    return kept


def install(bp: Blueprint, folders: list[Path]) -> Precompressed:
    """Compress the blueprint's responses; warm the cache with `folders` in a worker thread as the server starts."""
    shell = Precompressed()

    async def respond(request: Request, response: HTTPResponse) -> HTTPResponse | None:
        return await shell.respond(request, response)  # a plain function: Blueprint ignores bound methods

    bp.on_response(respond)

    def warm_at_start(app: object) -> None:  # not awaited by Sanic: start-up does not wait for it
        shell.warming = asyncio.get_running_loop().create_task(_warm(shell, folders))

    async def finish_warming(app: object) -> None:  # a server stopped at once must not leave it pending
        if shell.warming is not None:
            await shell.warming

    bp.before_server_start(warm_at_start)
    bp.before_server_stop(finish_warming)
    return shell


async def _warm(shell: Precompressed, folders: list[Path]) -> int:
    count = await asyncio.to_thread(shell.warm, folders)
    log.info("app shell compressed: %d files (brotli: %s)", count, "yes" if brotli is not None else "no")
    return count
