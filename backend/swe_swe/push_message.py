"""Which logged events are worth a notification, and its words: pure, so it is tested without a push service.

A payload names the conversation and says what happened in a few words; it never carries a tool's
input, a file's content or a path (a push crosses a third party's service and lands on a lock screen)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from swe_swe.store import LoggedEvent

APPROVAL_TTL_SECONDS = 24 * 3600  # an approval usually still waits a day later
NEWS_TTL_SECONDS = 6 * 3600  # "finished" is stale once the user is back at the desk
DEFAULT_TITLE = "swe-swe"
TITLE_CHARS = 60

APPROVAL_BODIES = {
    "question": "The agent has a question for you.",
    "plan": "The agent has a plan for you to review.",
}
FINISHED_BODIES = {
    "ok": "Finished. Your turn.",
    "error": "Stopped with an error. Open to see what happened.",
    "interrupted": "The turn was interrupted. Open to carry on.",
}
SESSION_LOST_BODY = "The agent's session was lost; a new one has started. Open to check."


@dataclass(frozen=True)
class PushMessage:
    conversation_id: str
    kind: str  # approval | finished | attention
    title: str
    body: str
    seq: int
    urgency: str  # RFC 8030: high wakes a sleeping phone; normal may wait for it to wake
    ttl: int

    def payload(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, "kind": self.kind, "title": self.title, "body": self.body, "seq": self.seq}


def _title(conversation_title: str) -> str:
    title = " ".join(conversation_title.split())
    if not title:
        return DEFAULT_TITLE
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def message_for(conversation_id: str, event: LoggedEvent, conversation_title: str) -> PushMessage | None:
    """The notification `event` deserves, or None. A turn the user stopped deserves none: they were there."""
    data: dict[str, Any] = event.as_dict()["data"]
    title = _title(conversation_title)

    def make(kind: str, body: str, urgency: str = "normal", ttl: int = NEWS_TTL_SECONDS) -> PushMessage:
        return PushMessage(conversation_id, kind, title, body, event.seq, urgency, ttl)

    if event.kind == "approval_requested":
        tool = str(data.get("tool") or "a tool")[:40]
        body = APPROVAL_BODIES.get(str(data.get("kind")), f"The agent wants to use {tool}. Allow or deny?")
        return make("approval", body, "high", APPROVAL_TTL_SECONDS)
    if event.kind == "run_finished":
        outcome = str(data.get("outcome"))
        if outcome not in FINISHED_BODIES:
            return None
        return make("finished" if outcome == "ok" else "attention", FINISHED_BODIES[outcome])
    if event.kind == "session_lost" and data.get("recovery") == "new_session":
        return make("attention", SESSION_LOST_BODY)
    return None
