"""Protocol v1 client frames: parsing and validation into plain values (see docs/protocol.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from swe_swe import user_texts
from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.ids import canonical_uuid

PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class Hello:
    client_id: str
    conversation_id: str | None
    last_seq: int
    agent_session_id: str | None
    create_key: str | None = None
    agent: str | None = None  # for a new conversation: which agent (one of /api/health's `agents`)
    project_id: str | None = None  # for a new conversation: which project (an id from /api/projects)


@dataclass(frozen=True)
class Send:
    client_msg_id: str
    text: str
    attachments: tuple[dict[str, str], ...] = ()  # {sha256, name, media_type}, each uploaded first


@dataclass(frozen=True)
class Approve:
    client_msg_id: str
    approval_id: str
    decision: str
    message: str | None = None
    answers: dict[str, Any] | None = None


@dataclass(frozen=True)
class SetMode:
    client_msg_id: str
    mode: str


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Recover:
    action: str


@dataclass(frozen=True)
class Ping:
    ts: int


@dataclass(frozen=True)
class Pong:
    ts: int


@dataclass(frozen=True)
class Presence:
    """Whether the app shows this conversation to someone now: no push while it does."""

    visible: bool


ClientFrame = Hello | Send | Approve | SetMode | Stop | Recover | Ping | Pong | Presence

DECISIONS = ("allow", "allow_always", "deny")
MAX_DENY_MESSAGE_CHARS = 2000
MAX_ANSWERS_BYTES = 64 * 1024


def _bad(message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.BAD_FRAME, message)


def _require_int(obj: dict[str, Any], name: str, minimum: int = 0) -> int:
    value = obj.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _bad(f"'{name}' must be an integer ≥ {minimum}")
    return value


def _optional_uuid(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    canonical = canonical_uuid(value)
    if canonical is None:
        raise _bad(f"'{name}' must be a UUID or null")
    return canonical


def parse_message_fields(obj: dict[str, Any], max_text_chars: int) -> Send:
    """The `send` rules, shared with `POST /api/conversations/{id}/messages`."""
    client_msg_id = _client_msg_id(obj)
    attachments = _attachments(obj.get("attachments"), client_msg_id)
    text = obj.get("text")
    if text is None and attachments:
        text = ""
    if not isinstance(text, str) or not (text.strip() or attachments):
        raise ProtocolError(ErrorCode.BAD_FRAME, "'text' must be a non-empty string", client_msg_id)
    if len(text) > max_text_chars:
        raise ProtocolError(
            ErrorCode.TOO_LARGE, f"the message is longer than {max_text_chars} characters", client_msg_id
        )
    return Send(client_msg_id=client_msg_id, text=text, attachments=attachments)


MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_NAME_CHARS = 255


def _attachments(value: Any, client_msg_id: str) -> tuple[dict[str, str], ...]:
    """`attachments: [{sha256, name, media_type}]`, at most MAX_ATTACHMENTS; the blobs are checked later."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProtocolError(ErrorCode.BAD_FRAME, "'attachments' must be a list", client_msg_id)
    if len(value) > MAX_ATTACHMENTS:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"a message takes at most {MAX_ATTACHMENTS} attachments", client_msg_id)
    parsed = []
    for item in value:
        sha256 = item.get("sha256") if isinstance(item, dict) else None
        name = item.get("name") if isinstance(item, dict) else None
        media_type = item.get("media_type") if isinstance(item, dict) else None
        if not isinstance(sha256, str) or len(sha256) != 64 or any(c not in "0123456789abcdefABCDEF" for c in sha256):
            raise ProtocolError(ErrorCode.BAD_FRAME, "each attachment needs the 'sha256' of an uploaded blob", client_msg_id)
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_ATTACHMENT_NAME_CHARS:
            raise ProtocolError(ErrorCode.BAD_FRAME, f"each attachment needs a 'name' of at most {MAX_ATTACHMENT_NAME_CHARS} characters", client_msg_id)
        if not isinstance(media_type, str) or not 0 < len(media_type) <= 100:
            raise ProtocolError(ErrorCode.BAD_FRAME, "each attachment needs a 'media_type'", client_msg_id)
        parsed.append({"sha256": sha256.lower(), "name": name, "media_type": media_type})
    return tuple(parsed)


def _client_msg_id(obj: dict[str, Any]) -> str:
    client_msg_id = canonical_uuid(obj.get("client_msg_id"))
    if client_msg_id is None:
        raise _bad("'client_msg_id' must be a UUID")
    return client_msg_id


def parse_approval_fields(obj: dict[str, Any], approval_id: Any) -> Approve:
    """The `approve` rules, shared with `POST /api/conversations/{id}/approvals/{approval_id}`."""
    client_msg_id = _client_msg_id(obj)
    canonical_approval_id = canonical_uuid(approval_id)
    if canonical_approval_id is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, user_texts.APPROVAL_NOT_FOUND, client_msg_id)
    decision = obj.get("decision")
    if decision not in DECISIONS:
        raise ProtocolError(ErrorCode.BAD_FRAME, "'decision' must be allow, allow_always or deny", client_msg_id)
    message = obj.get("message")
    if message is not None and (not isinstance(message, str) or len(message) > MAX_DENY_MESSAGE_CHARS):
        raise ProtocolError(ErrorCode.BAD_FRAME, f"'message' must be text of at most {MAX_DENY_MESSAGE_CHARS} characters", client_msg_id)
    answers = obj.get("answers")
    if answers is not None and not _valid_answers(answers):
        raise ProtocolError(ErrorCode.BAD_FRAME, "'answers' must map each question to a label or a list of labels", client_msg_id)
    return Approve(client_msg_id, canonical_approval_id, decision, message or None, answers)


def _valid_answers(answers: Any) -> bool:
    if not isinstance(answers, dict) or len(orjson.dumps(answers)) > MAX_ANSWERS_BYTES:
        return False
    for value in answers.values():
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                return False
        elif not isinstance(value, str):
            return False
    return True


def peek_client_msg_id(raw: str | bytes) -> str | None:
    """The id of a frame refused before parsing (rate limit), so the client knows which."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or obj.get("type") not in ("send", "approve", "set_mode"):
        return None
    return canonical_uuid(obj.get("client_msg_id"))


def decode_json_object(raw: str | bytes) -> dict[str, Any]:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError(ErrorCode.BAD_JSON, "the frame is not valid JSON") from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.BAD_FRAME, "a frame must be a JSON object")
    return obj


def parse_client_frame(raw: str | bytes, max_text_chars: int) -> ClientFrame:
    obj = decode_json_object(raw)
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise _bad("'type' is missing")
    if kind == "hello":
        return _parse_hello(obj)
    if kind == "send":
        return parse_message_fields(obj, max_text_chars)
    if kind == "approve":
        return parse_approval_fields(obj, obj.get("approval_id"))
    if kind == "set_mode":
        mode = obj.get("mode")
        client_msg_id = _client_msg_id(obj)
        if not isinstance(mode, str) or not mode:
            raise ProtocolError(ErrorCode.BAD_FRAME, "'mode' must be a permission mode", client_msg_id)
        return SetMode(client_msg_id, mode)
    if kind == "stop":
        return Stop()
    if kind == "presence":
        visible = obj.get("visible")
        if not isinstance(visible, bool):
            raise _bad("'visible' must be true or false")
        return Presence(visible)
    if kind == "recover":
        action = obj.get("action")
        if action not in ("retry", "new"):
            raise _bad("'action' must be \"retry\" or \"new\"")
        return Recover(action=action)
    if kind == "ping":
        return Ping(ts=_require_int(obj, "ts"))
    if kind == "pong":
        return Pong(ts=_require_int(obj, "ts"))
    raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "unknown frame type")


def _parse_hello(obj: dict[str, Any]) -> Hello:
    if obj.get("protocol") != PROTOCOL_VERSION:
        raise ProtocolError(ErrorCode.PROTOCOL, f"unsupported protocol version; this server speaks {PROTOCOL_VERSION}")
    client_id = obj.get("client_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 200:
        raise _bad("'client_id' must be a non-empty string")
    return Hello(
        client_id=client_id,
        conversation_id=_optional_uuid(obj, "conversation_id"),
        last_seq=_require_int(obj, "last_seq"),
        agent_session_id=_optional_uuid(obj, "agent_session_id"),
        create_key=_optional_uuid(obj, "create_key"),
        agent=_optional_agent(obj),
        project_id=_optional_project(obj),
    )


def _optional_project(obj: dict[str, Any]) -> str | None:
    """Only an id: it is looked up in the server's list, never used as a path."""
    project_id = obj.get("project_id")
    if project_id is None:
        return None
    if not isinstance(project_id, str) or not project_id or len(project_id) > 64:
        raise _bad("'project_id' must be a project id")
    return project_id


def _optional_agent(obj: dict[str, Any]) -> str | None:
    agent = obj.get("agent")
    if agent is None:
        return None
    if not isinstance(agent, str) or not agent or len(agent) > 40:
        raise _bad("'agent' must be an agent name")
    return agent


def encode(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def error_frame(error: ProtocolError) -> str:
    return encode({"type": "error", **error.as_dict()})
