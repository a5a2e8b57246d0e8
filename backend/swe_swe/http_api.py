"""The JSON HTTP API of protocol v1 (`/api/*`)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from swe_swe import __version__, protocol
from swe_swe.errors import HTTP_STATUS, ErrorCode, ProtocolError
from swe_swe.store import AgentRun, Conversation, RecoveryStep

api = Blueprint("api", url_prefix="/api")

EVENTS_PAGE_MAX = 1000


def error_response(error: ProtocolError) -> HTTPResponse:
    return json({"error": error.as_dict()}, status=HTTP_STATUS[error.code])


def conversation_summary(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "status": conversation.status,
        "head_seq": conversation.head_seq,
        "created_at": conversation.created_at,
        "last_active_at": conversation.last_active_at,
    }


def run_summary(run: AgentRun) -> dict[str, Any]:
    return {
        "message_seq": run.message_seq,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "outcome": run.outcome,
        "exit_code": run.exit_code,
        "resumed": run.resumed,
        "fallback": run.fallback,
    }


def recovery_summary(step: RecoveryStep) -> dict[str, Any]:
    return {"ts": step.ts, "agent_session_id": step.agent_session_id, "step": step.step, "outcome": step.outcome, "detail": step.detail}


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ProtocolError(ErrorCode.BAD_FRAME, f"'{name}' must be an integer") from None
    if value < 0:
        raise ProtocolError(ErrorCode.BAD_FRAME, f"'{name}' must be ≥ 0")
    return value


def _conversation_id(raw: str) -> str:
    if not protocol.is_uuid(raw):
        raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
    return raw.lower()


@api.get("/health")
async def health(request: Request) -> HTTPResponse:
    return json({"ok": True, "version": __version__, "agent": request.app.ctx.agent.name})


@api.get("/conversations")
async def list_conversations(request: Request) -> HTTPResponse:
    conversations = request.app.ctx.store.list_conversations()
    return json({"conversations": [conversation_summary(c) for c in conversations]})


@api.get("/conversations/<conversation_id>")
async def conversation_details(request: Request, conversation_id: str) -> HTTPResponse:
    """Details for the app's info view and for debugging: agent session, runs, recovery history."""
    store = request.app.ctx.store
    conversation = request.app.ctx.conversations.require(_conversation_id(conversation_id))
    return json(
        {
            **conversation_summary(conversation),
            "agent": conversation.agent,
            "agent_session_id": conversation.agent_session_id,
            "workdir": str(request.app.ctx.config.workdir),
            "runs": [run_summary(r) for r in store.runs(conversation.id)],
            "recovery": [recovery_summary(s) for s in store.recovery_history(conversation.id)],
        }
    )


@api.get("/conversations/<conversation_id>/events")
async def conversation_events(request: Request, conversation_id: str) -> HTTPResponse:
    conversation = request.app.ctx.conversations.require(_conversation_id(conversation_id))
    after = _int_arg(request, "after", 0)
    limit = min(_int_arg(request, "limit", EVENTS_PAGE_MAX), EVENTS_PAGE_MAX)
    events = request.app.ctx.store.events_after(conversation.id, after, limit)
    body = '{"events":[' + ",".join(e.frame() for e in events) + f'],"head_seq":{conversation.head_seq}}}'
    return HTTPResponse(body, content_type="application/json")


@api.post("/conversations/<conversation_id>/messages")
async def post_message(request: Request, conversation_id: str) -> HTTPResponse:
    config = request.app.ctx.config
    if len(request.body) > config.max_frame_bytes:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"requests are limited to {config.max_frame_bytes} bytes")
    send = protocol.parse_message_fields(protocol.decode_json_object(request.body), config.max_text_chars)
    stored = request.app.ctx.conversations.submit(_conversation_id(conversation_id), send.client_msg_id, send.text)
    if stored.duplicate:
        request.app.ctx.metrics.duplicates_refused.labels(via="http").inc()
    return json({"seq": stored.seq, "duplicate": stored.duplicate})


@api.delete("/conversations/<conversation_id>")
async def delete_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    await request.app.ctx.conversations.delete(_conversation_id(conversation_id))
    return json({"deleted": True})
