from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from swe_swe.store import SCHEMA_VERSION, SchemaTooNew, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def test_seq_is_gap_free_per_conversation(store: Store) -> None:
    a = store.create_conversation("demo")
    b = store.create_conversation("demo")
    seqs_a = [store.append_event(a.id, "notice", {"i": i}).seq for i in range(5)]
    seqs_b = [store.append_event(b.id, "notice", {"i": i}).seq for i in range(3)]
    assert seqs_a == [1, 2, 3, 4, 5]
    assert seqs_b == [1, 2, 3]
    assert [e.seq for e in store.events_after(a.id, 2, 100)] == [3, 4, 5]
    assert store.head_seq(a.id) == 5


def test_user_message_is_stored_once_per_client_msg_id(store: Store) -> None:
    conv = store.create_conversation("demo")
    mid = str(uuid.uuid4())
    first = store.add_user_message(conv.id, mid, "hello")
    again = store.add_user_message(conv.id, mid, "different text")
    assert (first.seq, first.duplicate) == (1, False)
    assert (again.seq, again.duplicate, again.event) == (1, True, None)
    events = store.events_after(conv.id, 0, 10)
    assert len(events) == 1 and events[0].as_dict()["data"]["text"] == "hello"


def test_same_client_msg_id_in_two_conversations_is_two_messages(store: Store) -> None:
    mid = str(uuid.uuid4())
    a, b = store.create_conversation("demo"), store.create_conversation("demo")
    assert not store.add_user_message(a.id, mid, "x").duplicate
    assert not store.add_user_message(b.id, mid, "x").duplicate


def test_pending_messages_follow_stored_order_and_runs_take_them(store: Store) -> None:
    conv = store.create_conversation("demo")
    m1 = store.add_user_message(conv.id, str(uuid.uuid4()), "one")
    store.append_event(conv.id, "notice", {})
    m2 = store.add_user_message(conv.id, str(uuid.uuid4()), "two")
    assert store.next_pending_message(conv.id).seq == m1.seq
    run = store.start_run(conv.id, m1.seq, resumed=False)
    assert store.next_pending_message(conv.id).seq == m2.seq
    assert [r.id for r in store.unfinished_runs()] == [run.id]
    store.finish_run(run.id, "ok", None)
    assert store.unfinished_runs() == []
    assert store.conversations_with_pending_messages() == [conv.id]


def test_title_comes_from_first_message_and_expired_revives(store: Store) -> None:
    conv = store.create_conversation("demo")
    store.add_user_message(conv.id, str(uuid.uuid4()), "  fix   the\nbuild  ")
    assert store.expire_inactive(older_than_ms=10**15) == [conv.id]
    assert store.get_conversation(conv.id).status == "expired"
    store.add_user_message(conv.id, str(uuid.uuid4()), "second")
    conv = store.get_conversation(conv.id)
    assert conv.title == "fix the build" and conv.status == "idle"


def test_delete_removes_log_runs_and_creation_key(store: Store) -> None:
    key = str(uuid.uuid4())
    conv = store.create_conversation("demo", create_key=key)
    assert store.conversation_for_key(key).id == conv.id
    m = store.add_user_message(conv.id, str(uuid.uuid4()), "x")
    store.start_run(conv.id, m.seq, False)
    store.delete_conversation(conv.id)
    assert store.get_conversation(conv.id) is None
    assert store.events_after(conv.id, 0, 10) == [] and store.runs(conv.id) == []
    assert store.conversation_for_key(key) is None


def test_data_survives_reopen_and_schema_version_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    s = Store(path)
    conv = s.create_conversation("demo")
    s.add_user_message(conv.id, str(uuid.uuid4()), "persist me")
    s.close()
    s2 = Store(path)
    assert s2.events_after(conv.id, 0, 10)[0].as_dict()["data"]["text"] == "persist me"
    s2.close()
    with sqlite3.connect(path) as db:
        assert db.execute("select value from schemainfo where key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute("pragma journal_mode").fetchone() == ("wal",)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("update schemainfo set value='999' where key='schema_version'")
    with pytest.raises(SchemaTooNew):
        Store(path)


def test_logged_event_frame_is_valid_json(store: Store) -> None:
    import orjson

    conv = store.create_conversation("demo")
    event = store.append_event(conv.id, "agent", {"type": "assistant", "text": 'quote " and \\ backslash'})
    frame = orjson.loads(event.frame())
    assert frame == {"type": "event", "seq": 1, "kind": "agent", "ts": event.ts, "data": {"type": "assistant", "text": 'quote " and \\ backslash'}}
