"""The JSON HTTP API of protocol v1 (`/api/*`)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from sanic import Blueprint, Request, json
from sanic.exceptions import PayloadTooLarge
from sanic.response import HTTPResponse

from swe_swe import __version__, blobs, project_files, protocol
from swe_swe.agents.claude_import import import_key
from swe_swe.errors import HTTP_STATUS, ErrorCode, ProtocolError
from swe_swe.ids import canonical_uuid
from swe_swe.projects import PROJECT_NOT_FOUND
from swe_swe.store import AgentRun, AllowRule, Conversation, RecoveryStep

api = Blueprint("api", url_prefix="/api")

EVENTS_PAGE_MAX = 1000


def error_response(error: ProtocolError) -> HTTPResponse:
    return json({"error": error.as_dict()}, status=HTTP_STATUS[error.code])


def conversation_summary(conversation: Conversation, pending_approvals: int = 0, project_id: str = "") -> dict[str, Any]:
    return {
        "project_id": project_id or conversation.project_id,
        "id": conversation.id,
        "title": conversation.title,
        "status": conversation.status,
        "head_seq": conversation.head_seq,
        "created_at": conversation.created_at,
        "last_active_at": conversation.last_active_at,
        "pending_approvals": pending_approvals,
        "agent": conversation.agent,
    }


def rule_summary(rule: AllowRule) -> dict[str, Any]:
    return {"id": rule.id, "tool": rule.tool, "label": rule.label, "created_at": rule.created_at}


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
    conversation_id = canonical_uuid(raw)
    if conversation_id is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, "This conversation does not exist on this server.")
    return conversation_id


@api.get("/health")
async def health(request: Request) -> HTTPResponse:
    agents = request.app.ctx.agent
    return json({"ok": True, "version": __version__, "agent": agents.name, "agents": agents.names})


@api.get("/projects")
async def list_projects(request: Request) -> HTTPResponse:
    """The server's projects; a client names one only by its `id`."""
    projects = await asyncio.to_thread(request.app.ctx.projects.all)
    return json({"projects": [p.summary() for p in projects]})


@api.get("/projects/<project_id>/sessions")
async def list_sessions(request: Request, project_id: str) -> HTTPResponse:
    """Claude's transcripts of the project, read in a worker thread without running the CLI."""
    project = request.app.ctx.projects.require(project_id)
    sessions = await asyncio.to_thread(request.app.ctx.session_lister.for_project, project.path)
    store = request.app.ctx.store
    continued = store.conversations_by_agent_session([s.agent_session_id for s in sessions])
    continued |= store.conversations_by_import({import_key(project.id, s.agent_session_id): s.agent_session_id for s in sessions})
    return json({"sessions": [{**dataclasses.asdict(s), "conversation_id": continued.get(s.agent_session_id)} for s in sessions]})


@api.get("/projects/<project_id>/files")
async def search_files(request: Request, project_id: str) -> HTTPResponse:
    """The composer's `@` picker: the project's files that match `q`, best first (project_files.py).
    Listed and ranked in a worker thread; the list is cached per project, so a keystroke costs a search."""
    if not project_id:
        raise ProtocolError(ErrorCode.NOT_FOUND, PROJECT_NOT_FOUND)  # "" would name the default project
    project = request.app.ctx.projects.require(project_id)
    limit = _int_arg(request, "limit", project_files.DEFAULT_LIMIT)
    query = request.args.get("q", "")
    results = await asyncio.to_thread(request.app.ctx.project_files.search, project.path, query, limit)
    return json(results.as_dict())


@api.get("/conversations")
async def list_conversations(request: Request) -> HTTPResponse:
    store = request.app.ctx.store
    pending = store.pending_approval_counts()
    conversations = store.list_conversations()
    project_of = request.app.ctx.conversations.project_of
    return json({"conversations": [conversation_summary(c, pending.get(c.id, 0), project_of(c)) for c in conversations]})


@api.get("/conversations/<conversation_id>")
async def conversation_details(request: Request, conversation_id: str) -> HTTPResponse:
    """Details for the app's info view and for debugging: agent session, runs, recovery history."""
    store = request.app.ctx.store
    conversations = request.app.ctx.conversations
    conversation = conversations.require(_conversation_id(conversation_id))
    pending = conversations.approvals.pending_ids(conversation.id)
    project = request.app.ctx.projects.get(conversation.project_id)
    return json(
        {
            **conversation_summary(conversation, len(pending), conversations.project_of(conversation)),
            "pending_approvals": pending,
            "permission_mode": conversation.permission_mode,
            "permission_modes": list(conversations.modes.allowed),
            "allow_always": [rule_summary(r) for r in store.allow_rules(conversation.id)],
            "agent": conversation.agent,
            "agent_session_id": conversation.agent_session_id,
            "workdir": str(project.path) if project is not None else None,
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
    send = protocol.parse_message_fields(_limited_json_body(request), request.app.ctx.config.max_text_chars)
    stored = request.app.ctx.conversations.submit(_conversation_id(conversation_id), send.client_msg_id, send.text, send.attachments)
    return _ack(request, stored.seq, stored.duplicate)


def _ack(request: Request, seq: int, duplicate: bool) -> HTTPResponse:
    if duplicate:
        request.app.ctx.metrics.duplicates_refused.labels(via="http").inc()
    return json({"seq": seq, "duplicate": duplicate})


def _limited_json_body(request: Request) -> dict[str, Any]:
    config = request.app.ctx.config
    if len(request.body) > config.max_frame_bytes:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"requests are limited to {config.max_frame_bytes} bytes")
    return protocol.decode_json_object(request.body)


@api.put("/blobs/<sha256>", stream=True, ctx_raw_body=True)
async def put_blob(request: Request, sha256: str) -> HTTPResponse:
    """An attachment's raw bytes, named by their SHA-256: idempotent. Streamed, so the 1 MiB limit on
    other requests does not apply; this route bounds its own size (MAX_BLOB_BYTES, else 413)."""
    expected = blobs.valid_sha256(sha256)
    if expected is None:
        raise ProtocolError(ErrorCode.BAD_FRAME, "The address must end with the body's SHA-256 in hex.")
    stream = request.stream
    assert stream is not None
    stream.request_max_size = blobs.MAX_BLOB_BYTES  # Sanic refuses a larger Content-Length on the first read
    writer = request.app.ctx.blobs.writer(expected)
    try:
        while True:
            try:
                chunk = await stream.read()
            except PayloadTooLarge:
                raise ProtocolError(ErrorCode.TOO_LARGE, blobs.TOO_LARGE) from None
            if chunk is None:
                break
            writer.write(chunk)
        info = await asyncio.to_thread(writer.finish)
    finally:
        writer.abort()
    return json({"sha256": info.sha256, "size": info.size})


@api.get("/blobs/<sha256>")
async def get_blob(request: Request, sha256: str) -> HTTPResponse:
    """An attachment's bytes, for the timeline's thumbnails on a device that did not send it."""
    store = request.app.ctx.blobs
    media_type = store.media_type(sha256)
    data = await asyncio.to_thread(store.read, sha256) if media_type is not None else None
    if data is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, "No such attachment.")
    content_type = media_type if media_type.startswith("image/") else "text/plain; charset=utf-8"
    return HTTPResponse(data, content_type=content_type, headers={"Cache-Control": "private, max-age=31536000, immutable"})


@api.post("/conversations/<conversation_id>/approvals/<approval_id>")
async def post_approval(request: Request, conversation_id: str, approval_id: str) -> HTTPResponse:
    """The service worker's way to deliver an answer with no page open (a queued tap)."""
    answer = protocol.parse_approval_fields(_limited_json_body(request), approval_id)
    ended = await request.app.ctx.conversations.approve(_conversation_id(conversation_id), answer, "http")
    return _ack(request, ended.seq, ended.duplicate)


@api.delete("/conversations/<conversation_id>/allow-always/<rule_id:int>")
async def revoke_allow_rule(request: Request, conversation_id: str, rule_id: int) -> HTTPResponse:
    return json({"deleted": request.app.ctx.conversations.revoke_rule(_conversation_id(conversation_id), rule_id)})


@api.delete("/conversations/<conversation_id>")
async def delete_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    await request.app.ctx.conversations.delete(_conversation_id(conversation_id))
    return json({"deleted": True})
