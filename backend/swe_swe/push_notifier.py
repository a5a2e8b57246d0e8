"""When to push: hooked to the hub's published events (like metrics.py), so turns and approvals need no
push calls of their own, and only for conversations nobody is looking at.

"Looking" is what the app says in its `presence` frame: a conversation with a socket whose last
presence was `visible: true` gets no push; a socket that never said (or said hidden) and no socket at
all do. A notification for the conversation already on screen is noise, and the peers' users said so."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from swe_swe.config import Config
from swe_swe.hub import Hub
from swe_swe.metrics import Metrics
from swe_swe.push import PushSender, PushSubscriptions, load_or_create_vapid, public_key_b64
from swe_swe.push_contact import check_push_contact
from swe_swe.push_message import message_for
from swe_swe.store import LoggedEvent, Store

log = logging.getLogger("swe_swe")

WATCHED_KINDS = frozenset({"approval_requested", "run_finished", "session_lost"})


def someone_looking(hub: Hub, conversation_id: str) -> bool:
    return any(getattr(subscriber, "visible", False) is True for subscriber in hub.subscribers(conversation_id))


class PushNotifier:
    def __init__(self, hub: Hub, store: Store, sender: PushSender) -> None:
        self.hub = hub
        self.store = store
        self.sender = sender
        hub.listeners.append(self.observe)

    def observe(self, conversation_id: str, event: LoggedEvent) -> None:
        if event.kind not in WATCHED_KINDS or someone_looking(self.hub, conversation_id):
            return
        conversation = self.store.get_conversation(conversation_id)
        message = message_for(conversation_id, event, conversation.title if conversation else "")
        if message is not None:
            self.sender.offer(message)


@dataclass
class PushSetup:
    """What the routes need: whether push is on, the key browsers subscribe with, the subscriptions."""

    subscriptions: PushSubscriptions
    public_key: str | None = None
    sender: PushSender | None = None

    @property
    def enabled(self) -> bool:
        return self.public_key is not None


def setup_push(config: Config, hub: Hub, store: Store, metrics: Metrics) -> PushSetup:
    """Push is on only with a real contact (`--push-contact`); the keys are made on first use."""
    subscriptions = PushSubscriptions(config.data_dir)
    if not config.push_contact:
        return PushSetup(subscriptions)
    contact = check_push_contact(config.push_contact)
    vapid = load_or_create_vapid(config.data_dir)
    sender = PushSender(vapid, contact, subscriptions, metrics)
    PushNotifier(hub, store, sender)
    return PushSetup(subscriptions, public_key_b64(vapid), sender)
