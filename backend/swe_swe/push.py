"""Web Push: the server's VAPID keys, the stored subscriptions, and sending (RFC 8030/8291/8292).

Sending is blocking HTTP, so each push runs in a thread (`asyncio.to_thread`) and a task of its own:
a slow or broken push service never holds up a turn or the event loop. Endpoints that answer 404 or
410 are gone for good and forgotten; every other failure is logged and counted, and nothing retries
(the next event sends a fresh notification that replaces the old one anyway)."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import http_ece
import orjson
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02

from swe_swe import security
from swe_swe.metrics import Metrics
from swe_swe.push_message import PushMessage

log = logging.getLogger("swe_swe")

KEY_FILE = "vapid.pem"
DB_FILE = "push.sqlite3"
MAX_SUBSCRIPTIONS = 50
MAX_ENDPOINT_CHARS = 2048
JWT_LIFETIME_SECONDS = 12 * 3600  # RFC 8292 allows 24 h; Apple wants less than one day
SEND_TIMEOUT_SECONDS = 15
GONE_STATUSES = (404, 410)


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_vapid(data_dir: os.PathLike[str] | str) -> Vapid02:
    """Made once and kept (0600, O_EXCL, never through a link): a new key would silently void every
    subscription the browsers hold, since each is bound to the key it was made with."""
    path = os.path.join(data_dir, KEY_FILE)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        vapid = Vapid02()
        vapid.generate_keys()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, security.PRIVATE_FILE_MODE)
        except FileExistsError:
            return load_or_create_vapid(data_dir)  # another server on this data dir made one first
        with os.fdopen(fd, "wb") as handle:
            handle.write(vapid.private_pem())
            handle.flush()
            os.fsync(handle.fileno())
        return vapid
    with os.fdopen(fd, "rb") as handle:
        return Vapid02.from_pem(handle.read())


def public_key_b64(vapid: Vapid02) -> str:
    """The applicationServerKey a browser subscribes with: the uncompressed P-256 point, base64url."""
    return b64url_encode(vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


class InvalidSubscription(ValueError):
    pass


def parse_subscription(body: Any) -> Subscription:
    """A browser's `PushSubscription.toJSON()`: an http(s) endpoint, a P-256 point and a 16-byte secret."""
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise InvalidSubscription("the body must be a PushSubscription: {endpoint, keys: {p256dh, auth}}")
    endpoint, keys = body.get("endpoint"), body["keys"]
    if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT_CHARS or urlsplit(endpoint).scheme not in ("http", "https"):
        raise InvalidSubscription("'endpoint' must be the push service's http(s) URL")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = b64url_decode(p256dh) if isinstance(p256dh, str) else b""
        secret = b64url_decode(auth) if isinstance(auth, str) else b""
    except ValueError:
        point = secret = b""
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise InvalidSubscription("'keys' must hold the browser's p256dh point and 16-byte auth secret")
    return Subscription(endpoint, p256dh, auth)  # type: ignore[arg-type]


class PushSubscriptions:
    """Subscriptions in their own small SQLite file of the data dir (0600), one row per endpoint."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS subscriptions (endpoint TEXT PRIMARY KEY, p256dh TEXT NOT NULL, auth TEXT NOT NULL, created_at REAL NOT NULL)"

    def __init__(self, data_dir: os.PathLike[str] | str) -> None:
        self.path = os.path.join(data_dir, DB_FILE)

    def _connect(self) -> sqlite3.Connection:
        security.create_private_file(self.path)  # type: ignore[arg-type]
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.execute(self.SCHEMA)
        return db

    def add(self, subscription: Subscription) -> None:
        """The same endpoint again is one subscription, with the newest keys; the oldest beyond the cap go."""
        with closing(self._connect()) as db:
            db.execute(
                "INSERT INTO subscriptions VALUES (?, ?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth",
                (subscription.endpoint, subscription.p256dh, subscription.auth, time.time()),
            )
            db.execute(
                "DELETE FROM subscriptions WHERE endpoint NOT IN (SELECT endpoint FROM subscriptions ORDER BY created_at DESC LIMIT ?)",
                (MAX_SUBSCRIPTIONS,),
            )

    def remove(self, endpoint: str) -> bool:
        with closing(self._connect()) as db:
            return db.execute("DELETE FROM subscriptions WHERE endpoint = ?", (endpoint,)).rowcount > 0

    def all(self) -> list[Subscription]:
        with closing(self._connect()) as db:
            rows = db.execute("SELECT endpoint, p256dh, auth FROM subscriptions").fetchall()
        return [Subscription(*row) for row in rows]


def vapid_authorization(vapid: Vapid02, endpoint: str, contact: str, now: float | None = None) -> str:
    """`vapid t=<JWT>, k=<public key>` (RFC 8292): aud is the push service's origin, sub our contact."""
    parts = urlsplit(endpoint)
    now = time.time() if now is None else now
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(now) + JWT_LIFETIME_SECONDS, "sub": contact}
    return vapid.sign(claims)["Authorization"]


def encrypt(payload: bytes, subscription: Subscription) -> bytes:
    """RFC 8291 aes128gcm, with a fresh sender key per message (RFC 8291 §3.1)."""
    return http_ece.encrypt(
        payload,
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=b64url_decode(subscription.p256dh),
        auth_secret=b64url_decode(subscription.auth),
        version="aes128gcm",
    )


def send(vapid: Vapid02, contact: str, subscription: Subscription, message: PushMessage) -> int:
    """POST one push; the HTTP status (blocking: run it in a thread). `Topic` lets the push service
    replace an undelivered older push for the same conversation, like the notification tag does."""
    body = encrypt(orjson.dumps(message.payload()), subscription)
    request = urllib.request.Request(
        subscription.endpoint,
        data=body,
        method="POST",
        headers={
            "Authorization": vapid_authorization(vapid, subscription.endpoint, contact),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(message.ttl),
            "Urgency": message.urgency,
            "Topic": message.conversation_id.replace("-", "")[:32],
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class PushSender:
    """Sends each message to every subscription, each in its own thread, without blocking the caller."""

    def __init__(self, vapid: Vapid02, contact: str, subscriptions: PushSubscriptions, metrics: Metrics,
                 transport: Callable[[Vapid02, str, Subscription, PushMessage], int] = send) -> None:
        self.vapid = vapid
        self.contact = contact
        self.subscriptions = subscriptions
        self.metrics = metrics
        self.transport = transport
        self._tasks: set[asyncio.Task[None]] = set()

    def offer(self, message: PushMessage) -> None:
        try:
            task = asyncio.get_running_loop().create_task(self._deliver(message))
        except RuntimeError:
            return  # no loop (a test's direct append): nothing can be sent
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message: PushMessage) -> None:
        subscriptions = await asyncio.to_thread(self.subscriptions.all)
        await asyncio.gather(*(self._deliver_one(s, message) for s in subscriptions))

    async def _deliver_one(self, subscription: Subscription, message: PushMessage) -> None:
        host = urlsplit(subscription.endpoint).netloc
        try:
            status = await asyncio.to_thread(self.transport, self.vapid, self.contact, subscription, message)
        except Exception as error:  # noqa: BLE001 - a push must never take anything else down
            log.warning("push to %s failed: %s", host, error)
            self.metrics.pushes.labels(result="failed").inc()
            return
        if 200 <= status < 300:
            self.metrics.pushes.labels(result="sent").inc()
            return
        self.metrics.pushes.labels(result="failed").inc()
        if status in GONE_STATUSES:
            log.info("push endpoint at %s is gone (%d); forgetting it", host, status)
            await asyncio.to_thread(self.subscriptions.remove, subscription.endpoint)
        else:
            log.warning("push to %s refused: HTTP %d", host, status)

    async def drain(self) -> None:
        """Wait for pushes in flight (shutdown, tests)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
