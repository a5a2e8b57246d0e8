"""Who may talk to the server: the token, and the Origin/Host checks that stop cross-site
WebSocket hijacking and DNS rebinding (any web page could otherwise run commands here)."""

from __future__ import annotations

import hmac
import secrets
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

TOKEN_COOKIE = "swe_swe_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def load_or_create_token(data_dir: Path, given: str) -> str:
    """A token is always required: the given one, else the one kept in the data dir, else a new one."""
    if given:
        return given
    path = data_dir / "token"
    if path.exists():
        saved = path.read_text().strip()
        if saved:
            return saved
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token


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
RESPONSE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",  # the first URL carries the token
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
