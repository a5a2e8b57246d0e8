"""A loopback Web Push service: takes what the server pushes, decrypts it with the subscription's own
keys (http_ece, RFC 8291) and checks the VAPID JWT (RFC 8292): signature, aud, exp and sub.

Each browser made with `browser()` is a subscription with its own endpoint and keys; `gone` makes
its endpoint answer 410, as a push service does for an uninstalled app."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Push:
    payload: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]
    vapid_key: str


@dataclass
class Browser:
    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: __import__("os").urandom(16))
    gone: bool = False
    pushes: list[Push] = field(default_factory=list)
    refused: int = 0

    def subscription(self) -> dict[str, Any]:
        point = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": b64e(point), "auth": b64e(self.auth)}}


class VapidError(AssertionError):
    pass


def verify_vapid(authorization: str, audience: str, contact: str) -> tuple[dict[str, Any], str]:
    """The JWT's claims and the key it was signed with, or VapidError saying what is wrong."""
    match = re.fullmatch(r"vapid t=([\w.-]+),\s*k=([\w-]+)", authorization.strip())
    if not match:
        raise VapidError(f"not a vapid Authorization header: {authorization!r}")
    token, key = match.groups()
    head, body, signature = token.split(".")
    if json.loads(b64d(head)).get("alg") != "ES256":
        raise VapidError("the JWT must be ES256")
    raw = b64d(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    claims = json.loads(b64d(body))
    now = time.time()
    if claims.get("aud") != audience:
        raise VapidError(f"aud {claims.get('aud')!r} is not {audience!r}")
    if not now < claims.get("exp", 0) <= now + 24 * 3600:
        raise VapidError(f"exp {claims.get('exp')} is not within the next 24 hours")
    if claims.get("sub") != contact:
        raise VapidError(f"sub {claims.get('sub')!r} is not the contact {contact!r}")
    return claims, key


class PushService:
    def __init__(self, contact: str) -> None:
        self.contact = contact
        self.browsers: dict[str, Browser] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(service.receive(self.path, dict(self.headers.items()), body))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> PushService:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def browser(self, name: str) -> Browser:
        browser = Browser(name, f"{self.origin}/push/{name}")
        self.browsers[f"/push/{name}"] = browser
        return browser

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        browser = self.browsers.get(path)
        if browser is None:
            return 404
        if browser.gone:
            with self.lock:
                browser.refused += 1
            return 410
        try:
            lower = {k.lower(): v for k, v in headers.items()}
            if lower.get("content-encoding") != "aes128gcm":
                raise VapidError("Content-Encoding must be aes128gcm")
            if not lower.get("ttl", "").isdigit():
                raise VapidError("TTL is required")
            claims, key = verify_vapid(lower.get("authorization", ""), self.origin, self.contact)
            plain = http_ece.decrypt(body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm")
            push = Push(json.loads(plain), lower, claims, key)
        except Exception as error:  # noqa: BLE001 - recorded, and the test fails on it
            with self.lock:
                self.errors.append(f"{type(error).__name__}: {error}")
            return 400
        with self.lock:
            browser.pushes.append(push)
        return 201
