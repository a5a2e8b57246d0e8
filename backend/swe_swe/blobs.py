"""Attachments' bytes, stored by content hash under `<data dir>/blobs/` (0700, files 0600).

A blob is an image (PNG, JPEG, GIF or WebP, told by its magic bytes) or UTF-8 text, at most
`MAX_BLOB_BYTES`. Uploading the same bytes twice is one blob; a blob no conversation refers to is
removed after `UNREFERENCED_GRACE_SECONDS` (uploaded, then never sent)."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from swe_swe import security
from swe_swe.errors import ErrorCode, ProtocolError

MAX_BLOB_BYTES = 10 * 1024 * 1024
UNREFERENCED_GRACE_SECONDS = 24 * 3600
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
TOO_LARGE = f"Attachments are limited to {MAX_BLOB_BYTES // (1024 * 1024)} MiB."
BAD_TYPE = "Only images (PNG, JPEG, GIF, WebP) and UTF-8 text files can be attached."


def image_type(head: bytes) -> str | None:
    """The image type named by the first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def valid_sha256(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.lower()
    return value if _SHA256.match(value) else None


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    media_type: str  # an image type, or "text/plain" for text


class BlobWriter:
    """One upload: bytes in, checked as they come (size, hash, type), kept only if all hold."""

    def __init__(self, blobs: Blobs, sha256: str) -> None:
        self.blobs = blobs
        self.sha256 = sha256
        self.size = 0
        self.hash = hashlib.sha256()
        self.head = b""
        self.text = codecs.getincrementaldecoder("utf-8")()
        self.is_text = True
        self.tmp = blobs.dir / f".upload-{secrets.token_hex(8)}"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, security.PRIVATE_FILE_MODE)
        self.file = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BLOB_BYTES:
            raise ProtocolError(ErrorCode.TOO_LARGE, TOO_LARGE)
        if len(self.head) < 16:
            self.head += chunk[: 16 - len(self.head)]
        self.hash.update(chunk)
        if self.is_text:
            try:
                self.text.decode(chunk)
                self.is_text = b"\x00" not in chunk
            except UnicodeDecodeError:
                self.is_text = False
        self.file.write(chunk)

    def finish(self) -> BlobInfo:
        """Check what came and keep it under its hash (the same bytes again replace themselves)."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            if self.size == 0:
                raise ProtocolError(ErrorCode.BAD_FRAME, "The attachment is empty.")
            if self.hash.hexdigest() != self.sha256:
                raise ProtocolError(ErrorCode.BAD_FRAME, "The body's SHA-256 is not the one in the address.")
            media_type = image_type(self.head)
            if media_type is None:
                try:
                    self.text.decode(b"", final=True)
                except UnicodeDecodeError:
                    self.is_text = False
                if not self.is_text:
                    raise ProtocolError(ErrorCode.BAD_FRAME, BAD_TYPE)
                media_type = "text/plain"
            os.replace(self.tmp, self.blobs.path(self.sha256))
            return BlobInfo(self.sha256, self.size, media_type)
        finally:
            self.abort()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


class Blobs:
    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "blobs"
        security.make_private_dir(self.dir)

    def path(self, sha256: str) -> Path:
        checked = valid_sha256(sha256)
        if checked is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "No such attachment.")
        return self.dir / checked

    def writer(self, sha256: str) -> BlobWriter:
        return BlobWriter(self, sha256)

    def exists(self, sha256: str) -> bool:
        return valid_sha256(sha256) is not None and self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except (FileNotFoundError, ProtocolError):
            return None

    def media_type(self, sha256: str) -> str | None:
        """The blob's type as told by its bytes (text is "text/plain"); None when there is no such blob."""
        try:
            with self.path(sha256).open("rb") as handle:
                head = handle.read(16)
        except (FileNotFoundError, ProtocolError):
            return None
        return image_type(head) or "text/plain"

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError, ProtocolError):
            self.path(sha256).unlink()

    def sweep(self, referenced: set[str], now: float | None = None) -> list[str]:
        """Remove blobs no conversation refers to, once older than the grace time (and leftover uploads)."""
        cutoff = (time.time() if now is None else now) - UNREFERENCED_GRACE_SECONDS
        removed = []
        for path in self.dir.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.name in referenced or path.stat().st_mtime > cutoff:
                    continue
                path.unlink()
                removed.append(path.name)
        return removed
