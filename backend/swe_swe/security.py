"""Who may talk to the server: the token, and the Origin/Host checks that stop cross-site
WebSocket hijacking and DNS rebinding (any web page could otherwise run commands here)."""

from __future__ import annotations

import errno
import hmac
import logging
import os
import secrets
import socket
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from swe_swe.errors import UnsafeDataDir

log = logging.getLogger("swe_swe")

TOKEN_COOKIE = "swe_swe_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def load_or_create_token(data_dir: Path, given: str) -> str:
    """A token is always required: the given one, else the one kept in the data dir, else a new one."""
    if given:
        return given
    path = data_dir / "token"
    for _ in range(2):
        saved = _read_token(path)
        if saved:
            return saved
        if saved == "":
            path.unlink()  # a crash came between creating the file and writing it
        try:
            return _create_token(path)
        except FileExistsError:
            continue  # another server on this data dir made one first: use theirs
    raise UnsafeDataDir("The token file in the data dir cannot be read or made; remove it and start again.")


def _read_token(path: Path) -> str | None:
    """The saved token, "" for an empty file, None for no file. Never through a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeDataDir("The token file in the data dir is a symbolic link; remove it and start again.") from None
        raise
    with os.fdopen(fd) as handle:
        return handle.read().strip()


def _create_token(path: Path) -> str:
    """O_EXCL: never write into a file (or through a link) that someone else made first."""
    token = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return token


def make_private_dir(path: Path) -> None:
    """The data dir, 0700 from its creation (mkdir's mode, which a umask can only narrow).

    A data dir left open by an older release is closed once, with a warning: its files may have
    been made 0644, and the dir's mode is what keeps them from other users."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE)
        return
    except FileExistsError:
        pass
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("the data dir was open to other users; it is now 0700")
        path.chmod(PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> None:
    """Make `path` 0600 if it is missing, before SQLite opens it: SQLite then gives its -wal and -shm
    files the same mode, so no byte of a conversation is ever in a file others may read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE_MODE)
    os.close(fd)


TOKEN_COOKIE_MAX_AGE = 400 * 24 * 3600  # the most a browser keeps a cookie


def add_token_cookie(response: Any, token: str, secure: bool) -> None:
    """The token as a cookie a page's script cannot read (HttpOnly), that no other site's request
    carries (SameSite=Strict), and that never travels in clear once the server speaks TLS (Secure)."""
    response.add_cookie(
        TOKEN_COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/", max_age=TOKEN_COOKIE_MAX_AGE
    )


def token_matches(expected: str, offered: str | None) -> bool:
    if not offered:
        return False
    return hmac.compare_digest(expected.encode(), offered.encode())


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def allowed_host_names(bind_host: str, extra: tuple[str, ...]) -> frozenset[str]:
    """Names a browser may legitimately use to reach us; anything else smells of DNS rebinding."""
    names = set(LOOPBACK_NAMES) | {name.lower() for name in extra}
    if bind_host not in ("0.0.0.0", "::", ""):
        names.add(bind_host.lower())
        return frozenset(names)
    names.add(socket.gethostname().lower())
    try:
        names.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None))
    except OSError:
        pass
    return frozenset(names)


def split_host(host_header: str) -> str:
    """'127.0.0.1:7000' → '127.0.0.1'; '[::1]:7000' → '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str | None, allowed: frozenset[str]) -> bool:
    if not host_header:
        return False
    return split_host(host_header) in allowed


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """No Origin (not a browser) is fine; a browser's Origin must be this very server."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not host_header:
        return False
    return parts.netloc.lower() == host_header.strip().lower()


STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_MEDIA_TYPE = "application/json"


def same_origin_write(method: str, headers: Mapping[str, str], has_bearer: bool) -> bool:
    """Whether a request may change state: the cookie rides along with any page's request, so a
    browser must prove the request comes from our own page (CSRF).

    A foreign Origin is always refused. A same-origin Origin, or `Sec-Fetch-Site: same-origin` when a
    browser sends no Origin, is accepted. A request with neither is not from a browser page: it is
    allowed only with the token in `Authorization`, which no other site can make a browser add."""
    if method.upper() not in STATE_CHANGING_METHODS:
        return True
    origin = headers.get("origin")
    if origin is not None:
        return origin_allowed(origin, headers.get("host"))
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() == "same-origin"
    return has_bearer


def declares_json(content_type: str | None) -> bool:
    """`application/json`, with or without parameters: the one type a cross-site form cannot send
    without a CORS preflight (which this server never answers)."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == JSON_MEDIA_TYPE


PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def local_path(path: str) -> str:
    """`path` as a redirect target that cannot leave this server: a browser reads `//host/` and
    `/\\host/` as another site, so leading slashes and backslashes fold into one `/`, and any other
    character outside a plain path (a backslash, a control character) is percent-encoded."""
    return "/" + quote(path.lstrip("/\\"), safe=PATH_SAFE)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",  # attachment previews are blob: URLs
        "connect-src 'self'",  # the API and /ws (CSP 3: 'self' covers ws: and wss: to this host)
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# What a script, style sheet, image or manifest needs: the rest act only on documents and workers, and
# repeated on each of the shell's ~50 files they were a tenth of a first load on a slow link (issue 15).
SUBRESOURCE_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SUBRESOURCE_TYPES = ("text/javascript", "text/css", "image/", "application/manifest+json")

RESPONSE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",  # the first URL carries the token
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def hardening_headers(path: str, content_type: str) -> dict[str, str]:
    """The headers an answer needs: all of them on documents, the worker (`/sw.js`), the API and errors;
    the two that act on a subresource on the shell's scripts, styles, icons and manifest."""
    if path != "/sw.js" and content_type.startswith(SUBRESOURCE_TYPES):
        return SUBRESOURCE_HEADERS
    return RESPONSE_HEADERS
