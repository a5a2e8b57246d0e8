from __future__ import annotations

import uuid

import pytest

from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.protocol import Hello, Ping, Recover, Send, Stop, parse_client_frame

LIMIT = 100


def code_of(raw: str) -> ErrorCode:
    with pytest.raises(ProtocolError) as info:
        parse_client_frame(raw, LIMIT)
    return info.value.code


def test_hello_parses_with_and_without_conversation() -> None:
    cid = str(uuid.uuid4())
    assert parse_client_frame(f'{{"type":"hello","protocol":1,"client_id":"a","conversation_id":"{cid}","last_seq":3}}', LIMIT) == Hello("a", cid, 3, None)
    assert parse_client_frame('{"type":"hello","protocol":1,"client_id":"a","conversation_id":null,"last_seq":0}', LIMIT).conversation_id is None


@pytest.mark.parametrize(
    "raw, code",
    [
        ("not json", ErrorCode.BAD_JSON),
        ("[1,2]", ErrorCode.BAD_FRAME),
        ('{"no":"type"}', ErrorCode.BAD_FRAME),
        ('{"type":"wat"}', ErrorCode.UNKNOWN_TYPE),
        ('{"type":"hello","protocol":2,"client_id":"a","conversation_id":null,"last_seq":0}', ErrorCode.PROTOCOL),
        ('{"type":"hello","protocol":1,"client_id":"a","conversation_id":"nope","last_seq":0}', ErrorCode.BAD_FRAME),
        ('{"type":"hello","protocol":1,"client_id":"a","conversation_id":null,"last_seq":-1}', ErrorCode.BAD_FRAME),
        ('{"type":"hello","protocol":1,"client_id":"a","conversation_id":null,"last_seq":"3"}', ErrorCode.BAD_FRAME),
        ('{"type":"hello","protocol":1,"conversation_id":null,"last_seq":0}', ErrorCode.BAD_FRAME),
        ('{"type":"send","client_msg_id":"x","text":"hi"}', ErrorCode.BAD_FRAME),
        (f'{{"type":"send","client_msg_id":"{uuid.uuid4()}","text":"  "}}', ErrorCode.BAD_FRAME),
        (f'{{"type":"send","client_msg_id":"{uuid.uuid4()}","text":5}}', ErrorCode.BAD_FRAME),
        (f'{{"type":"send","client_msg_id":"{uuid.uuid4()}","text":"{"x" * (LIMIT + 1)}"}}', ErrorCode.TOO_LARGE),
        ('{"type":"recover","action":"maybe"}', ErrorCode.BAD_FRAME),
        ('{"type":"ping"}', ErrorCode.BAD_FRAME),
        ('{"type":"ping","ts":true}', ErrorCode.BAD_FRAME),
    ],
)
def test_bad_frames_get_their_code(raw: str, code: ErrorCode) -> None:
    assert code_of(raw) == code


def test_other_frames() -> None:
    mid = str(uuid.uuid4())
    assert parse_client_frame(f'{{"type":"send","client_msg_id":"{mid}","text":"hi","extra":1}}', LIMIT) == Send(mid, "hi")
    assert parse_client_frame('{"type":"stop"}', LIMIT) == Stop()
    assert parse_client_frame('{"type":"recover","action":"new"}', LIMIT) == Recover("new")
    assert parse_client_frame('{"type":"ping","ts":5}', LIMIT) == Ping(5)


def test_uppercase_uuid_is_normalised() -> None:
    mid = str(uuid.uuid4())
    assert parse_client_frame(f'{{"type":"send","client_msg_id":"{mid.upper()}","text":"hi"}}', LIMIT).client_msg_id == mid
