"""The routes a phone needs beyond protocol v1's core: pairing (sign in without the token) and Web Push."""

from __future__ import annotations

import asyncio
from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from swe_swe import security
from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.pairing import Outcome, PairingCodes
from swe_swe.push import InvalidSubscription, parse_subscription
from swe_swe.push_notifier import PushSetup

phone_api = Blueprint("phone_api", url_prefix="/api")

PAIR_PATH = "/api/pair"  # the one route under /api the guard lets through without the token
MAX_CODE_CHARS = 64


def _json_object(request: Request) -> dict[str, Any]:
    body = request.json if request.body else None
    if not isinstance(body, dict):
        raise ProtocolError(ErrorCode.BAD_FRAME, "the body must be a JSON object")
    return body


def request_is_secure(request: Request) -> bool:
    """Over TLS (ours, or a trusted proxy's as Sanic reads it) the cookie is Secure too."""
    return bool(request.app.ctx.config.tls) or request.scheme in ("https", "wss")


@phone_api.post("/pair")
async def pair(request: Request) -> HTTPResponse:
    """`{code}` from `swe-swe pair` → the token cookie. The answer never says why a code failed."""
    code = _json_object(request).get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_CHARS:
        raise ProtocolError(ErrorCode.BAD_FRAME, "'code' must be the pairing code swe-swe pair printed")
    codes: PairingCodes = request.app.ctx.pairing
    outcome = await asyncio.to_thread(codes.redeem, code)
    if outcome is Outcome.LOCKED:
        raise ProtocolError(ErrorCode.RATE_LIMITED, "Too many wrong codes: run `swe-swe pair` again for a new one.")
    if outcome is Outcome.WRONG:
        raise ProtocolError(ErrorCode.UNAUTHORIZED, "That code is wrong, used or expired: run `swe-swe pair` for a new one.")
    response = json({"ok": True})
    security.add_token_cookie(response, request.app.ctx.token, request_is_secure(request))
    return response


PUSH_OFF_REASON = "no_push_contact"
PUSH_OFF_HINT = (
    "Notifications are off on this server. Start swe-swe with --push-contact mailto:you@your-domain "
    "(a real address: Apple refuses placeholders)."
)


@phone_api.get("/push/key")
async def push_key(request: Request) -> HTTPResponse:
    """`{enabled, public_key}`; when push is off, `enabled: false`, a `reason` and a `hint` for the app."""
    push: PushSetup = request.app.ctx.push
    if push.enabled:
        return json({"enabled": True, "public_key": push.public_key})
    return json({"enabled": False, "public_key": None, "reason": PUSH_OFF_REASON, "hint": PUSH_OFF_HINT})


@phone_api.post("/push/subscriptions")
async def add_push_subscription(request: Request) -> HTTPResponse:
    push: PushSetup = request.app.ctx.push
    if not push.enabled:
        raise ProtocolError(ErrorCode.NOT_FOUND, PUSH_OFF_HINT)
    try:
        subscription = parse_subscription(_json_object(request))
    except InvalidSubscription as error:
        raise ProtocolError(ErrorCode.BAD_FRAME, str(error)) from None
    await asyncio.to_thread(push.subscriptions.add, subscription)
    return json({"ok": True}, status=201)


@phone_api.delete("/push/subscriptions")
async def remove_push_subscription(request: Request) -> HTTPResponse:
    endpoint = _json_object(request).get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise ProtocolError(ErrorCode.BAD_FRAME, "'endpoint' must be the subscription's endpoint URL")
    push: PushSetup = request.app.ctx.push
    return json({"deleted": await asyncio.to_thread(push.subscriptions.remove, endpoint)})
