"""The durable truth: conversations, their gap-free event logs and agent runs, in SQLite via peewee.

Every write is one short synchronous transaction on the event loop's thread. Nothing awaits inside
`db.atomic()`: all coroutines share one connection, so an await inside a transaction could let another
coroutine's write be rolled back with it.
"""

from __future__ import annotations

import enum
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    IntegerField,
    Model,
    OperationalError,
    SqliteDatabase,
    TextField,
    fn,
)

from swe_swe.errors import StorageUnavailable

SCHEMA_VERSION = 4

# SQLite's primary result codes that mean "storage is not there for now", not "this query is wrong":
# SQLITE_BUSY, SQLITE_LOCKED (another process holds the lock past busy_timeout), SQLITE_IOERR, SQLITE_FULL.
_STORAGE_CODES = frozenset({5, 6, 10, 13})
# How long a write waits for a lock another process holds. Every write runs on the event loop's thread,
# so this is also how long the loop can stall: short. Our own process has one connection and never waits.
BUSY_TIMEOUT_MS = 1000


def _storage_failure(error: BaseException) -> bool:
    original = error.args[0] if error.args and isinstance(error.args[0], sqlite3.Error) else error
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _STORAGE_CODES
    text = str(original).lower()
    return any(m in text for m in ("disk is full", "database is locked", "disk i/o error", "database table is locked"))


class _Database(SqliteDatabase):
    """peewee's SQLite database, whose storage failures surface as StorageUnavailable (a wire error,
    `storage_unavailable`): the transaction around them is rolled back, so nothing half-stored stays."""

    on_storage_error: Callable[[], None] = staticmethod(lambda: None)

    def _guard(self, error: Exception) -> None:
        if _storage_failure(error):
            self.on_storage_error()
            raise StorageUnavailable() from error

    def execute_sql(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().execute_sql(*args, **kwargs)
        except (OperationalError, sqlite3.OperationalError) as error:
            self._guard(error)
            raise

    def commit(self) -> Any:
        try:
            return super().commit()
        except (OperationalError, sqlite3.OperationalError) as error:
            self._guard(error)
            raise

    def rollback(self) -> Any:
        try:
            return super().rollback()
        except OperationalError as error:
            if "no transaction is active" in str(error):
                return None  # SQLite already rolled it back (it does on SQLITE_FULL and some I/O errors)
            raise

    def begin(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().begin(*args, **kwargs)
        except (OperationalError, sqlite3.OperationalError) as error:
            self._guard(error)
            raise

database = DatabaseProxy()


def now_ms() -> int:
    return int(time.time() * 1000)


class ApprovalStatus(enum.StrEnum):
    PENDING = "pending"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


class BaseModel(Model):
    class Meta:
        database = database


class SchemaInfo(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class Conversation(BaseModel):
    id = CharField(primary_key=True)
    title = TextField(default="")
    agent = CharField()
    agent_session_id = CharField(null=True)
    lost_agent_session_id = CharField(null=True)
    status = CharField(default="idle")
    head_seq = IntegerField(default=0)
    created_at = IntegerField()
    last_active_at = IntegerField()
    permission_mode = CharField(default="default")
    project_id = CharField(default="")  # "" = the default project (conversations from before projects)
    # a session continued while probably still open in a terminal: its next process forks it
    fork_session = BooleanField(default=False)


class ConversationKey(BaseModel):
    """The key a client made for a conversation it asked to create: asking again with the same key
    (after a reload or a cut that came before the client learnt the id) opens the same conversation."""

    key = CharField(primary_key=True)
    conversation_id = CharField(index=True)


class Event(BaseModel):
    conversation_id = CharField()
    seq = IntegerField()
    kind = CharField()
    ts = IntegerField()
    data = TextField()
    client_msg_id = CharField(null=True)

    class Meta:
        indexes = (
            (("conversation_id", "seq"), True),
            (("conversation_id", "client_msg_id"), True),
        )


class AgentRun(BaseModel):
    conversation_id = CharField(index=True)
    message_seq = IntegerField()
    pid = IntegerField(null=True)
    started_at = IntegerField()
    ended_at = IntegerField(null=True)
    exit_code = IntegerField(null=True)
    outcome = CharField(null=True)
    resumed = BooleanField(default=False)
    fallback = BooleanField(default=False)

    class Meta:
        indexes = ((("conversation_id", "message_seq"), True),)


class RecoveryStep(BaseModel):
    """One validation, restore or fallback of an agent session, kept for debugging."""

    conversation_id = CharField(index=True)
    ts = IntegerField()
    agent_session_id = CharField(null=True)
    step = CharField()
    outcome = CharField()
    detail = TextField(default="")


class Approval(BaseModel):
    """One tool approval the agent asked for. `status` moves pending → resolved | cancelled exactly once
    (I6); `end_seq` is the event that ended it, the answer every later answer is acked with (I7)."""

    approval_id = CharField(primary_key=True)
    conversation_id = CharField(index=True)
    request_seq = IntegerField()
    tool = CharField()
    suggestions = TextField(default="[]")
    status = CharField(default=ApprovalStatus.PENDING)
    end_seq = IntegerField(null=True)


class AllowRule(BaseModel):
    """An "allow always" of one conversation, kept here and never in the user's project settings."""

    conversation_id = CharField(index=True)
    tool = CharField()
    kind = CharField()
    content = TextField(default="")
    label = TextField()
    created_at = IntegerField()


class BlobRef(BaseModel):
    """A conversation's message refers to an attachment blob: the blob goes when no conversation does.
    (A new table: `create_tables` adds it to an older database, no schema step needed.)"""

    sha256 = CharField(index=True)
    conversation_id = CharField(index=True)

    class Meta:
        indexes = ((("conversation_id", "sha256"), True),)


MODELS = [SchemaInfo, Conversation, ConversationKey, Event, AgentRun, RecoveryStep, Approval, AllowRule, BlobRef]


class LoggedEvent(NamedTuple):
    """An event as stored; `data_json` is kept serialized so replay never re-encodes it."""

    seq: int
    kind: str
    ts: int
    data_json: str

    def frame(self) -> str:
        return (
            f'{{"type":"event","seq":{self.seq},"kind":"{self.kind}",'
            f'"ts":{self.ts},"data":{self.data_json}}}'
        )

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "ts": self.ts, "data": orjson.loads(self.data_json)}


@dataclass(frozen=True)
class StoredMessage:
    seq: int
    duplicate: bool
    event: LoggedEvent | None


@dataclass(frozen=True)
class ImportDraft:
    """What `import_conversation` stores: the conversation and its history as (kind, data, ts) events."""

    key: str
    agent: str
    agent_session_id: str
    project_id: str
    permission_mode: str
    title: str
    fork: bool
    events: list[tuple[str, dict[str, Any], int]]


@dataclass(frozen=True)
class PendingMessage:
    seq: int
    client_msg_id: str
    text: str
    attachments: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ApprovalEnd:
    """How an answer to an approval was taken: the event that ended it, and whether it was this answer."""

    seq: int
    duplicate: bool
    event: LoggedEvent | None


class SchemaTooNew(RuntimeError):
    pass


class Store:
    """Owns the SQLite file. One instance per process."""

    def __init__(self, path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = _Database(
            self.path,
            pragmas={"journal_mode": "wal", "synchronous": "normal", "foreign_keys": 1, "busy_timeout": busy_timeout_ms},
        )
        database.initialize(self.db)
        self.db.connect(reuse_if_open=True)
        self._migrate()

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def _migrate(self) -> None:
        """Create or upgrade the schema. Each future version adds one step here."""
        with self.db.atomic():
            self.db.create_tables(MODELS, safe=True)
            row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
            if row is None:
                SchemaInfo.create(key="schema_version", value=str(SCHEMA_VERSION))
                return
            version = int(row.value)
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(f"database schema {version} is newer than this release ({SCHEMA_VERSION})")
            if version < 2:
                self.db.execute_sql("ALTER TABLE conversation ADD COLUMN permission_mode VARCHAR(255) NOT NULL DEFAULT 'default'")
            if version < 3:
                self.db.execute_sql("ALTER TABLE conversation ADD COLUMN project_id VARCHAR(255) NOT NULL DEFAULT ''")
            if version < 4:
                self.db.execute_sql("ALTER TABLE conversation ADD COLUMN fork_session INTEGER NOT NULL DEFAULT 0")
            SchemaInfo.update(value=str(SCHEMA_VERSION)).where(SchemaInfo.key == "schema_version").execute()

    # conversations

    def create_conversation(
        self,
        agent: str,
        agent_session_id: str | None = None,
        create_key: str | None = None,
        permission_mode: str = "default",
        project_id: str = "",
    ) -> Conversation:
        ts = now_ms()
        with self.db.atomic():
            conversation = Conversation.create(
                id=str(uuid.uuid4()),
                agent=agent,
                agent_session_id=agent_session_id,
                created_at=ts,
                last_active_at=ts,
                permission_mode=permission_mode,
                project_id=project_id,
            )
            if create_key is not None:
                ConversationKey.create(key=create_key, conversation_id=conversation.id)
            return conversation

    def import_conversation(self, draft: ImportDraft) -> Conversation:
        """A conversation continuing an existing agent session, its history logged, in one transaction.

        Keyed by `draft.key`: a second import of the same session (two taps, two devices) that finishes
        after the first gets the first one's conversation, never a twin.
        """
        with self.db.atomic():
            known = self.conversation_for_key(draft.key)
            if known is not None:
                return known
            ts = now_ms()
            conversation = Conversation.create(
                id=str(uuid.uuid4()),
                title=draft.title,
                agent=draft.agent,
                agent_session_id=draft.agent_session_id,
                created_at=ts,
                last_active_at=ts,
                permission_mode=draft.permission_mode,
                project_id=draft.project_id,
                fork_session=draft.fork,
                head_seq=len(draft.events),
            )
            ConversationKey.create(key=draft.key, conversation_id=conversation.id)
            for seq, (kind, data, event_ts) in enumerate(draft.events, start=1):
                self.db.execute_sql(
                    "INSERT INTO event (conversation_id, seq, kind, ts, data, client_msg_id) VALUES (?, ?, ?, ?, ?, NULL)",
                    (conversation.id, seq, kind, event_ts or ts, orjson.dumps(data).decode()),
                )
            return conversation

    def conversation_for_key(self, create_key: str) -> Conversation | None:
        known = ConversationKey.get_or_none(ConversationKey.key == create_key)
        if known is None:
            return None
        return self.get_conversation(known.conversation_id)

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        return Conversation.get_or_none(Conversation.id == conversation_id)

    def list_conversations(self) -> list[Conversation]:
        query = Conversation.select().order_by(Conversation.last_active_at.desc(), Conversation.created_at.desc())
        return list(query)

    def conversations_by_agent_session(self, agent_session_ids: list[str]) -> dict[str, str]:
        """agent session id → the conversation that continues it here (for the sessions list)."""
        if not agent_session_ids:
            return {}
        query = Conversation.select(Conversation.id, Conversation.agent_session_id).where(
            Conversation.agent_session_id.in_(agent_session_ids)
        )
        return {row.agent_session_id: row.id for row in query}

    def conversations_by_import(self, keys: dict[str, str]) -> dict[str, str]:
        """agent session id → the conversation that imported it, given {import key: agent session id}:
        after a fork the conversation's own session id is the fork's, yet the original still leads to it."""
        if not keys:
            return {}
        query = ConversationKey.select().where(ConversationKey.key.in_(list(keys)))
        return {keys[row.key]: row.conversation_id for row in query}

    def imported_session(self, conversation_id: str) -> str | None:
        """The agent session this conversation was imported from (its key `import:<project>:<id>`), if any."""
        row = ConversationKey.get_or_none(
            (ConversationKey.conversation_id == conversation_id) & ConversationKey.key.startswith("import:")
        )
        return row.key.rsplit(":", 1)[1] if row is not None else None

    def set_status(self, conversation_id: str, status: str) -> None:
        with self.db.atomic():
            Conversation.update(status=status).where(Conversation.id == conversation_id).execute()

    def set_agent_session(self, conversation_id: str, agent_session_id: str | None) -> None:
        """A new session id also ends a pending fork: the fork is what made it."""
        with self.db.atomic():
            Conversation.update(agent_session_id=agent_session_id, fork_session=False).where(
                Conversation.id == conversation_id
            ).execute()

    def set_lost_agent_session(self, conversation_id: str, agent_session_id: str | None) -> None:
        """Remember the session a fallback replaced, so `recover retry` can try it again."""
        with self.db.atomic():
            Conversation.update(lost_agent_session_id=agent_session_id).where(
                Conversation.id == conversation_id
            ).execute()

    def expire_inactive(self, older_than_ms: int) -> list[str]:
        """Mark idle conversations untouched since `older_than_ms` as expired; returns their ids."""
        query = Conversation.select(Conversation.id).where(
            Conversation.last_active_at < older_than_ms,
            Conversation.status.in_(["idle", "interrupted"]),
        )
        ids = [row.id for row in query]
        if ids:
            with self.db.atomic():
                Conversation.update(status="expired").where(Conversation.id.in_(ids)).execute()
        return ids

    def delete_conversation(self, conversation_id: str) -> list[str]:
        """Delete it and all it owns; returns the blobs it referred to that no other conversation does."""
        with self.db.atomic():
            shas = [row.sha256 for row in BlobRef.select(BlobRef.sha256).where(BlobRef.conversation_id == conversation_id)]
            BlobRef.delete().where(BlobRef.conversation_id == conversation_id).execute()
            still = {row.sha256 for row in BlobRef.select(BlobRef.sha256).where(BlobRef.sha256.in_(shas))} if shas else set()
            Event.delete().where(Event.conversation_id == conversation_id).execute()
            AgentRun.delete().where(AgentRun.conversation_id == conversation_id).execute()
            RecoveryStep.delete().where(RecoveryStep.conversation_id == conversation_id).execute()
            ConversationKey.delete().where(ConversationKey.conversation_id == conversation_id).execute()
            Approval.delete().where(Approval.conversation_id == conversation_id).execute()
            AllowRule.delete().where(AllowRule.conversation_id == conversation_id).execute()
            Conversation.delete().where(Conversation.id == conversation_id).execute()
        return [sha for sha in shas if sha not in still]

    def referenced_blobs(self) -> set[str]:
        return {row.sha256 for row in BlobRef.select(BlobRef.sha256).distinct()}

    # the event log

    def append_event(self, conversation_id: str, kind: str, data: dict[str, Any]) -> LoggedEvent:
        with self.db.atomic():
            return self._append(conversation_id, kind, data, None)

    def _append(
        self, conversation_id: str, kind: str, data: dict[str, Any], client_msg_id: str | None
    ) -> LoggedEvent:
        """Must run inside a transaction: bumps head_seq and inserts at it, so seqs stay gap-free.

        Plain SQL on the hot path: peewee's query building cost ~5× the SQLite work (make bench).
        """
        ts = now_ms()
        row = self.db.execute_sql(
            "UPDATE conversation SET head_seq = head_seq + 1, last_active_at = ? WHERE id = ? RETURNING head_seq",
            (ts, conversation_id),
        ).fetchone()
        if row is None:
            raise Conversation.DoesNotExist(conversation_id)
        data_json = orjson.dumps(data).decode()
        self.db.execute_sql(
            "INSERT INTO event (conversation_id, seq, kind, ts, data, client_msg_id) VALUES (?, ?, ?, ?, ?, ?)",
            (conversation_id, row[0], kind, ts, data_json, client_msg_id),
        )
        return LoggedEvent(seq=row[0], kind=kind, ts=ts, data_json=data_json)

    def add_user_message(
        self, conversation_id: str, client_msg_id: str, text: str, attachments: list[dict[str, Any]] | None = None
    ) -> StoredMessage:
        """Store a user message once per client_msg_id; a repeat returns the first one's seq. Its
        attachments (`{sha256, name, media_type}`) are logged with it and their blobs linked to the conversation."""
        with self.db.atomic():
            existing = Event.get_or_none(
                (Event.conversation_id == conversation_id) & (Event.client_msg_id == client_msg_id)
            )
            if existing is not None:
                return StoredMessage(seq=existing.seq, duplicate=True, event=None)
            data: dict[str, Any] = {"client_msg_id": client_msg_id, "text": text}
            if attachments:
                data["attachments"] = attachments
            event = self._append(conversation_id, "user_message", data, client_msg_id)
            for sha256 in {a["sha256"] for a in attachments or []}:
                BlobRef.insert(sha256=sha256, conversation_id=conversation_id).on_conflict_ignore().execute()
            conversation = Conversation.get(Conversation.id == conversation_id)
            updates: dict[Any, Any] = {}
            if not conversation.title:
                title = text or ", ".join(a["name"] for a in attachments or [])
                updates[Conversation.title] = " ".join(title.split())[:80]
            if conversation.status == "expired":
                updates[Conversation.status] = "idle"
            if updates:
                Conversation.update(updates).where(Conversation.id == conversation_id).execute()
            return StoredMessage(seq=event.seq, duplicate=False, event=event)

    def events_after(self, conversation_id: str, after: int, limit: int) -> list[LoggedEvent]:
        """Replay's read path, in plain SQL: building models was 40% of catch-up time (make bench)."""
        cursor = self.db.execute_sql(
            "SELECT seq, kind, ts, data FROM event WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (conversation_id, after, limit),
        )
        return [LoggedEvent(*row) for row in cursor.fetchall()]

    def head_seq(self, conversation_id: str) -> int:
        conversation = self.get_conversation(conversation_id)
        return conversation.head_seq if conversation else 0

    # runs

    def next_pending_message(self, conversation_id: str) -> PendingMessage | None:
        """The oldest user message that no run has taken yet (turns run in stored order)."""
        last_taken = (
            AgentRun.select(fn.MAX(AgentRun.message_seq)).where(AgentRun.conversation_id == conversation_id).scalar()
        ) or 0
        row = (
            Event.select(Event.seq, Event.data)
            .where(
                (Event.conversation_id == conversation_id)
                & (Event.kind == "user_message")
                & Event.client_msg_id.is_null(False)  # imported history is never run again
                & (Event.seq > last_taken)
            )
            .order_by(Event.seq)
            .first()
        )
        if row is None:
            return None
        data = orjson.loads(row.data)
        return PendingMessage(row.seq, data["client_msg_id"], data["text"], tuple(data.get("attachments") or ()))

    def conversations_with_pending_messages(self) -> list[str]:
        return [c.id for c in Conversation.select(Conversation.id) if self.next_pending_message(c.id)]

    def start_run(self, conversation_id: str, message_seq: int, resumed: bool) -> AgentRun:
        with self.db.atomic():
            run = AgentRun.create(
                conversation_id=conversation_id, message_seq=message_seq, started_at=now_ms(), resumed=resumed
            )
            Conversation.update(status="running").where(Conversation.id == conversation_id).execute()
            return run

    def update_run(self, run_id: int, **fields: Any) -> None:
        with self.db.atomic():
            AgentRun.update(**fields).where(AgentRun.id == run_id).execute()

    def finish_run(self, run_id: int, outcome: str, exit_code: int | None) -> None:
        self.update_run(run_id, outcome=outcome, exit_code=exit_code, ended_at=now_ms())

    def unfinished_runs(self) -> list[AgentRun]:
        return list(AgentRun.select().where(AgentRun.ended_at.is_null()))

    def runs(self, conversation_id: str) -> list[AgentRun]:
        return list(AgentRun.select().where(AgentRun.conversation_id == conversation_id).order_by(AgentRun.id))

    # recovery history

    def record_recovery(
        self, conversation_id: str, agent_session_id: str | None, step: str, outcome: str, detail: str = ""
    ) -> None:
        with self.db.atomic():
            RecoveryStep.create(
                conversation_id=conversation_id,
                ts=now_ms(),
                agent_session_id=agent_session_id,
                step=step,
                outcome=outcome,
                detail=detail,
            )

    def recovery_history(self, conversation_id: str) -> list[RecoveryStep]:
        return list(
            RecoveryStep.select().where(RecoveryStep.conversation_id == conversation_id).order_by(RecoveryStep.id)
        )

    # approvals (I6, I7)

    def _event_for_client_msg(self, conversation_id: str, client_msg_id: str) -> int | None:
        row = Event.get_or_none((Event.conversation_id == conversation_id) & (Event.client_msg_id == client_msg_id))
        return row.seq if row is not None else None

    def add_approval(
        self, conversation_id: str, approval_id: str, tool: str, suggestions: list[dict[str, Any]], data: dict[str, Any]
    ) -> LoggedEvent:
        """Log `approval_requested` and its pending row in one transaction: stored before anyone sees it."""
        with self.db.atomic():
            event = self._append(conversation_id, "approval_requested", data, None)
            Approval.create(
                approval_id=approval_id,
                conversation_id=conversation_id,
                request_seq=event.seq,
                tool=tool,
                suggestions=orjson.dumps(suggestions).decode(),
            )
            return event

    def get_approval(self, approval_id: str) -> Approval | None:
        return Approval.get_or_none(Approval.approval_id == approval_id)

    def end_approval(
        self, approval: Approval, kind: str, data: dict[str, Any], client_msg_id: str | None = None
    ) -> ApprovalEnd:
        """End a pending approval with `kind` (resolved or cancelled), once. A repeated `client_msg_id`,
        or an approval that already ended, gets the event that ended it, marked duplicate."""
        status = ApprovalStatus.RESOLVED if kind == "approval_resolved" else ApprovalStatus.CANCELLED
        with self.db.atomic():
            if client_msg_id is not None:
                seq = self._event_for_client_msg(approval.conversation_id, client_msg_id)
                if seq is not None:
                    return ApprovalEnd(seq=seq, duplicate=True, event=None)
            row = Approval.get(Approval.approval_id == approval.approval_id)
            if row.status != ApprovalStatus.PENDING:
                return ApprovalEnd(seq=row.end_seq, duplicate=True, event=None)
            event = self._append(approval.conversation_id, kind, data, client_msg_id)
            Approval.update(status=status, end_seq=event.seq).where(Approval.approval_id == approval.approval_id).execute()
            return ApprovalEnd(seq=event.seq, duplicate=False, event=event)

    def pending_approvals(self, conversation_id: str | None = None) -> list[Approval]:
        query = Approval.select().where(Approval.status == ApprovalStatus.PENDING)
        if conversation_id is not None:
            query = query.where(Approval.conversation_id == conversation_id)
        return list(query.order_by(Approval.request_seq))

    def pending_approval_counts(self) -> dict[str, int]:
        query = (
            Approval.select(Approval.conversation_id, fn.COUNT(Approval.approval_id).alias("n"))
            .where(Approval.status == ApprovalStatus.PENDING)
            .group_by(Approval.conversation_id)
        )
        return {row.conversation_id: row.n for row in query}

    # permission mode and allow-always rules

    def set_permission_mode(self, conversation_id: str, client_msg_id: str | None, mode: str) -> StoredMessage:
        """Change the mode and log `mode_changed`, once per `client_msg_id`."""
        with self.db.atomic():
            if client_msg_id is not None:
                seq = self._event_for_client_msg(conversation_id, client_msg_id)
                if seq is not None:
                    return StoredMessage(seq=seq, duplicate=True, event=None)
            Conversation.update(permission_mode=mode).where(Conversation.id == conversation_id).execute()
            event = self._append(conversation_id, "mode_changed", {"mode": mode}, client_msg_id)
            return StoredMessage(seq=event.seq, duplicate=False, event=event)

    def add_allow_rule(self, conversation_id: str, tool: str, kind: str, content: str, label: str) -> AllowRule:
        with self.db.atomic():
            known = AllowRule.get_or_none(
                (AllowRule.conversation_id == conversation_id)
                & (AllowRule.tool == tool)
                & (AllowRule.kind == kind)
                & (AllowRule.content == content)
            )
            if known is not None:
                return known
            return AllowRule.create(
                conversation_id=conversation_id, tool=tool, kind=kind, content=content, label=label, created_at=now_ms()
            )

    def allow_rules(self, conversation_id: str) -> list[AllowRule]:
        return list(AllowRule.select().where(AllowRule.conversation_id == conversation_id).order_by(AllowRule.id))

    def delete_allow_rule(self, conversation_id: str, rule_id: int) -> AllowRule | None:
        with self.db.atomic():
            rule = AllowRule.get_or_none((AllowRule.id == rule_id) & (AllowRule.conversation_id == conversation_id))
            if rule is not None:
                rule.delete_instance()
            return rule
