"""HTTPS and WSS: the server's own TLS, for a phone that reaches it without a proxy in front.

A service worker (offline use, Web Push, installing the app) needs a secure context, and a phone
reaches the server under a name that is not `localhost`, so plain http works only through a proxy
that terminates TLS (docs/operations.md). With `--tls-cert/--tls-key` the server speaks TLS itself."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path


class TlsError(ValueError):
    """A certificate or key that cannot be used, said in words a person can act on."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


def tls_files(cert: Path | None, key: Path | None) -> TlsFiles | None:
    """Both or neither: one without the other is a mistake worth stopping for."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise TlsError("--tls-cert and --tls-key go together: give both, or neither.")
    return TlsFiles(cert.expanduser().resolve(), key.expanduser().resolve())


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """A server context loaded now, so a wrong path or a key that does not match the certificate is
    told at start, not at the first connection. TLS 1.2 at least: what every phone browser speaks."""
    for path, option in ((files.cert, "--tls-cert"), (files.key, "--tls-key")):
        if not path.is_file():
            raise TlsError(f"{option} {path}: no such file.")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(files.cert), str(files.key))
    except (ssl.SSLError, OSError) as error:
        raise TlsError(
            f"the certificate {files.cert} and key {files.key} cannot be used together ({error.strerror or error})."
        ) from None
    return context
