"""Which copy of the app the server sends: the bundle in pwa/build/, or the source modules.

A phone's first load on a slow link pays ~2 s of latency per wave of module imports and ~270 bytes
of HTTP/1.1 headers per file (issue 15). The bundle (`make pwa`, scripts/build-pwa.mjs) is the same
modules joined and minified into ~10 start-up files, and is committed. It is sent only while it was
made from the sources as they are now: its manifest.json records a hash of them, checked again
whenever a file's identity (inode, size, mtime) changes. So editing a module and reloading the page
works with no build step: the server then sends the sources, and logs once that the bundle is behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from swe_swe.transcripts import FileIdentity

log = logging.getLogger("swe_swe.app_bundle")

BUILD_DIR = "build"
# What the hash covers; the same rule as sourceFiles() in scripts/build-pwa.mjs.
SOURCE_SUFFIXES = frozenset({".html", ".webmanifest", ".css", ".js", ".mjs", ".png", ".svg", ".ico", ".webp"})
SKIPPED_DIRS = frozenset({BUILD_DIR, "tests"})
HASH_HEX = 16
# esbuild's output names carry a hash of their content (`chunk-HM4U2RAO.js`): cacheable for ever.
FINGERPRINTED = re.compile(r"^[\w-]+-[A-Z0-9]{8}\.js$")


@dataclass(frozen=True)
class Bundle:
    """The bundle's own page and service worker; its scripts are served from `folder` under /build/."""

    folder: Path
    index_html: Path
    service_worker: Path


def source_files(pwa_dir: Path, sw_dir: Path) -> list[tuple[str, Path]]:
    """Every source the bundle is made from, named as the build script names it, in name order."""
    found = [("service-worker/sw.js", sw_dir / "sw.js")]
    for path in pwa_dir.rglob("*"):
        parts = path.relative_to(pwa_dir).parts
        if any(part in SKIPPED_DIRS for part in parts[:-1]) or any(part.startswith(".") for part in parts):
            continue
        if path.suffix in SOURCE_SUFFIXES and path.is_file():
            found.append(("pwa/" + "/".join(parts), path))
    return sorted(found)


def source_hash(files: list[tuple[str, Path]]) -> str:
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:HASH_HEX]


def recorded_hash(folder: Path) -> str | None:
    """The source hash the bundle in `folder` was made from; None when there is no readable bundle."""
    try:
        manifest = json.loads((folder / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return None
    value = manifest.get("source_hash") if isinstance(manifest, dict) else None
    return value if isinstance(value, str) else None


def is_fingerprinted(name: str) -> bool:
    return bool(FINGERPRINTED.match(name))


class AppBundle:
    """Answers `current()`: the bundle while it matches the sources, else None (send the sources)."""

    def __init__(self, pwa_dir: Path, sw_dir: Path, enabled: bool = True) -> None:
        self._pwa_dir = pwa_dir
        self._sw_dir = sw_dir
        self._enabled = enabled
        self._bundle = Bundle(pwa_dir / BUILD_DIR, pwa_dir / BUILD_DIR / "index.html", pwa_dir / BUILD_DIR / "sw.js")
        self._seen: tuple[tuple[str, FileIdentity | None], ...] | None = None
        self._current: Bundle | None = None

    def current(self) -> Bundle | None:
        """Reads only the files' identities unless one changed (call off the event loop: it walks pwa/)."""
        if not self._enabled:
            return None
        files = source_files(self._pwa_dir, self._sw_dir)
        seen = tuple((name, _identity(path)) for name, path in files)
        if seen != self._seen:
            self._seen = seen
            self._current = self._check(files)
        return self._current

    def _check(self, files: list[tuple[str, Path]]) -> Bundle | None:
        made_from = recorded_hash(self._bundle.folder)
        if made_from is None:
            log.info("no app bundle: serving the source modules (make pwa makes one)")
            return None
        if made_from != source_hash(files):
            log.warning("the app bundle was made from other sources: serving the source modules (make pwa remakes it)")
            return None
        return self._bundle


def _identity(path: Path) -> FileIdentity | None:
    try:
        return FileIdentity.of(path.stat())
    except OSError:
        return None
