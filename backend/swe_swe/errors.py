"""Every error the server can answer with, named in one place (see docs/protocol.md)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Wire error codes of protocol v1, shared by WebSocket frames and HTTP bodies."""

    BAD_JSON = "bad_json"
    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    NOT_FOUND = "not_found"
    PROTOCOL = "protocol"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    STORAGE_UNAVAILABLE = "storage_unavailable"


class CloseCode(enum.IntEnum):
    """WebSocket close codes the server sends (see docs/protocol.md, "Close codes")."""

    SERVER_STOPPING = 1001
    SLOW_CONSUMER = 4001  # its outbox filled: reconnect and catch up by replay
    PING_TIMEOUT = 4002  # no answer to two pings
    CONVERSATION_DELETED = 4004


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_JSON: 400,
    ErrorCode.BAD_FRAME: 400,
    ErrorCode.UNKNOWN_TYPE: 400,
    ErrorCode.PROTOCOL: 400,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.STORAGE_UNAVAILABLE: 503,
}


class ProtocolError(Exception):
    """A refused frame or request. `message` is shown to users: no paths, ids or stderr."""

    def __init__(self, code: ErrorCode, message: str, client_msg_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_msg_id = client_msg_id

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code.value, "message": self.message}
        if self.client_msg_id:
            body["client_msg_id"] = self.client_msg_id
        return body


class StorageUnavailable(ProtocolError):
    """The database refused a write (disk full, locked by another process, I/O error). Nothing of the
    write was stored, so nothing is acked; the same frame can be sent again once storage is back."""

    def __init__(self, client_msg_id: str | None = None) -> None:
        super().__init__(
            ErrorCode.STORAGE_UNAVAILABLE,
            "The server could not save this (its disk is full or its database is busy). Nothing was lost: send it again.",
            client_msg_id,
        )


class UnsafeDataDir(RuntimeError):
    """The data dir holds something the server must not trust (a planted link, a file it cannot make
    private); the server refuses to start rather than write secrets through it."""
