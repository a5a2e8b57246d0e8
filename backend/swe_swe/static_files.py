"""Serving the PWA shell: the page, its modules, the manifest, icons and `/sw.js`.

In a wheel the files live in `swe_swe/static/`; in a source checkout they are the repo's own
`pwa/` and `service-worker/` folders, so an editable install serves what you edit. The page and the
service worker are the bundle's while it matches the sources (app_bundle.py), else the sources'.
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path, PurePosixPath

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse, file

from swe_swe import precompressed
from swe_swe.app_bundle import BUILD_DIR, AppBundle, is_fingerprinted

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_TYPES = {
    ".webmanifest": "application/manifest+json",
    # no charset: module and worker scripts are always decoded as UTF-8, and on a phone's first load
    # ~50 scripts would each carry the 15 bytes (issue 15)
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


# The shell, as rules rather than a list, so a new module is served without a change here. A source
# checkout's pwa/ also holds package.json, tests/ and icons/make_icons.py: none of those is served.
SHELL_TOP_FILES = frozenset({"index.html", "manifest.webmanifest"})
SHELL_DIRS: dict[str, frozenset[str]] = {
    "css": frozenset({".css"}),
    "js": frozenset({".js", ".mjs"}),
    "vendor": frozenset({".js"}),  # vendored libraries (their licences stay unserved)
    BUILD_DIR: frozenset({".js"}),  # the bundle's scripts (its page and worker are served as / and /sw.js)
    "icons": frozenset({".png", ".svg", ".ico", ".webp"}),
}


def in_shell(path: str) -> bool:
    """Whether `path` (relative to pwa/) names a file of the app shell: by folder and suffix, never a
    dot-file, a `tests` folder or a `..`."""
    parts = path.split("/")
    if any(part in ("", ".", "..", "tests") or part.startswith(".") for part in parts):
        return False
    if len(parts) == 1:
        return parts[0] in SHELL_TOP_FILES
    return PurePosixPath(path).suffix in SHELL_DIRS.get(parts[0], frozenset())


def locate(folder: str) -> Path:
    packaged = PACKAGE_DIR / "static" / folder
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parents[1] / folder


NO_CACHE = "no-cache"  # the service worker holds the shell; the browser revalidates by ETag
IMMUTABLE = "public, max-age=31536000, immutable"  # a name that changes with its content


def make_blueprint(serve_bundle: bool = True) -> Blueprint:
    """`serve_bundle=False` (`--pwa-sources`) always sends the source modules."""
    pwa_dir = locate("pwa")
    sw_dir = locate("service-worker")
    bundle = AppBundle(pwa_dir, sw_dir, enabled=serve_bundle)
    bp = Blueprint("static_files")
    # Brotli/gzip, compressed once per content: at start-up what the app sends (with a current bundle,
    # its scripts and the CSS: 0.4 s of one core, where the sources too took 1.1 s); anything else the
    # first time it is asked for
    sent = bundle.current()
    precompressed.install(bp, [sent.folder, pwa_dir / "css"] if sent else [pwa_dir, sw_dir])

    async def send(path: Path, cache: str) -> HTTPResponse:
        if not path.is_file():
            raise NotFound("not found")
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
        return await file(path, mime_type=content_type, headers=headers)

    @bp.get("/sw.js")
    async def service_worker(request: Request) -> HTTPResponse:
        current = await asyncio.to_thread(bundle.current)
        response = await send(current.service_worker if current else sw_dir / "sw.js", NO_CACHE)
        response.headers["Service-Worker-Allowed"] = "/"
        return response

    @bp.get("/")
    async def index(request: Request) -> HTTPResponse:
        current = await asyncio.to_thread(bundle.current)
        return await send(current.index_html if current else pwa_dir / "index.html", NO_CACHE)

    @bp.get("/<path:path>")
    async def asset(request: Request, path: str) -> HTTPResponse:
        target = (pwa_dir / path).resolve()
        if not in_shell(path) or not target.is_relative_to(pwa_dir.resolve()) or not target.is_file():
            raise NotFound("not found")
        versioned = path.startswith(BUILD_DIR + "/") and is_fingerprinted(target.name)
        return await send(target, IMMUTABLE if versioned else NO_CACHE)

    return bp
