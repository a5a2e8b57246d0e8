"""Structured log events, and the `--log-format json` formatter (one JSON object per line).

An event is a log record with a name (`recovery`, `frame_refused`, `request_refused`) and a few
fields: the conversation id, codes and outcomes, never a message's text, a file path or a token. In
the text format it reads `frame_refused conversation=… code=bad_json`; in JSON each field is a key.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_event(logger: logging.Logger, event: str, conversation_id: str | None = None,
              level: int = logging.INFO, **fields: str | int | None) -> None:
    """Log the event `event` with its fields; the fields must never carry content or paths."""
    if not logger.isEnabledFor(level):
        return
    shown = {"conversation_id": conversation_id, **fields}
    text = " ".join([event, *(f"{k}={v}" for k, v in shown.items() if v is not None)])
    logger.log(level, "%s", text, extra={"event": event, "fields": shown})


class JsonFormatter(logging.Formatter):
    """`ts, level, logger, event` and the event's fields. A record that is not an event (the server's
    own wording, such as a start-up warning) is the event `log` with its `message`; an exception adds
    its type only, so no traceback (with its file paths and locals' text) reaches the log."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        event = getattr(record, "event", None)
        if event is not None:
            line["event"] = event
            line.update(getattr(record, "fields", {}))
        else:
            line["event"] = "log"
            line["message"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
        return orjson.dumps(line, default=str).decode()


def configure(level: str, log_format: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
