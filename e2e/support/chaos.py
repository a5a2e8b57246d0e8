"""The pure half of the chaos run (e2e/test_chaos.py): profiles, the seeded plan of what happens in
which order, the tally that is printed and saved, and the invariants checked against the server's log.

Kept apart from the browser-driving half so that what is checked can be read (and reasoned about) on
its own: nothing here touches Playwright, the proxy or the server.
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

# Chaos actions. Each one but "send" disturbs the system; sends are the user's messages.
SEND = "send"
CUT = "cut"  # the proxy aborts every connection (the browser sees close 1006)
RELOAD = "reload"  # one tab reloads
OFFLINE = "offline"  # the whole context goes offline for a spell, messages are typed meanwhile
RESTART_TERM = "restart_term"  # SIGTERM, then the server starts again on the same port and data dir
RESTART_KILL = "restart_kill"  # kill -9, then the same
OPEN_TAB = "open_tab"
CLOSE_TAB = "close_tab"
CHAOS_KINDS = (CUT, RELOAD, OFFLINE, RESTART_TERM, RESTART_KILL, OPEN_TAB, CLOSE_TAB)


@dataclass(frozen=True)
class Profile:
    """How much of everything one run does. Counts are exact (a plan, not odds) so that every seed
    exercises every kind of trouble and the run time is bounded whatever the seed."""

    name: str
    messages: int
    chaos: dict[str, int]
    max_tabs: int
    # how long the run may take to settle at the end, and any single wait inside it (seconds)
    settle_timeout_s: float
    demo_delay: str = "0.02"


PROFILES: dict[str, Profile] = {
    "default": Profile(
        name="default", messages=200, max_tabs=3, settle_timeout_s=120,
        chaos={CUT: 16, RELOAD: 10, OFFLINE: 5, RESTART_TERM: 2, RESTART_KILL: 2, OPEN_TAB: 5, CLOSE_TAB: 5},
    ),
    "long": Profile(
        name="long", messages=1000, max_tabs=4, settle_timeout_s=300,
        chaos={CUT: 70, RELOAD: 40, OFFLINE: 20, RESTART_TERM: 8, RESTART_KILL: 8, OPEN_TAB: 20, CLOSE_TAB: 20},
    ),
}


def profile_from_env() -> Profile:
    name = os.environ.get("SWE_SWE_CHAOS_PROFILE", "default") or "default"
    if name not in PROFILES:
        raise ValueError(f"SWE_SWE_CHAOS_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    return PROFILES[name]


def seed_from_env() -> int:
    """The seed is taken from SWE_SWE_CHAOS_SEED when given, else drawn; it is always printed and
    saved, so a failing run can be replayed (as far as timing allows) with the same plan."""
    raw = os.environ.get("SWE_SWE_CHAOS_SEED", "").strip()
    return int(raw) if raw else random.SystemRandom().randrange(1, 2**31)


def make_plan(profile: Profile, rng: random.Random) -> list[str]:
    """Sends and chaos actions, shuffled together. The first action is a send (it creates the
    conversation); messages typed during offline spells and restarts come on top of these sends, so
    the plan holds a few fewer plain sends than the profile's total."""
    chaos = [kind for kind, n in profile.chaos.items() for _ in range(n)]
    sends = max(1, profile.messages - 2 * (profile.chaos.get(OFFLINE, 0) + profile.chaos.get(RESTART_TERM, 0)
                                          + profile.chaos.get(RESTART_KILL, 0)))
    rest = [SEND] * (sends - 1) + chaos
    rng.shuffle(rest)
    return [SEND, *rest]


@dataclass
class Tally:
    """What the run did, printed at the end and saved to e2e/artifacts/chaos.json."""

    seed: int
    profile: str
    messages: int = 0
    messages_mid_chaos: int = 0  # typed while offline or while the server was down
    cuts: int = 0
    cuts_mid_send: int = 0  # right after a message was accepted, before its ack could arrive
    reloads: int = 0
    reloads_mid_send: int = 0
    offline_spells: int = 0
    restarts_sigterm: int = 0
    restarts_sigkill: int = 0
    tab_opens: int = 0
    tab_closes: int = 0
    tab_closes_mid_send: int = 0
    max_open_tabs: int = 0
    open_tabs_at_end: int = 0
    events_in_log: int = 0
    seconds: float = 0.0
    settle_seconds: float = 0.0
    outcome: str = "running"
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return (f"chaos seed={self.seed} profile={self.profile}: {self.messages} messages "
                f"({self.messages_mid_chaos} offline/server down), {self.cuts} cuts ({self.cuts_mid_send} mid-send), "
                f"{self.reloads} reloads ({self.reloads_mid_send} mid-send), {self.offline_spells} offline spells, "
                f"{self.restarts_sigterm + self.restarts_sigkill} restarts ({self.restarts_sigterm} SIGTERM, "
                f"{self.restarts_sigkill} SIGKILL), {self.tab_opens} tab opens, {self.tab_closes} tab closes "
                f"({self.tab_closes_mid_send} mid-send), {self.events_in_log} events, {self.seconds:.0f} s "
                f"(settled in {self.settle_seconds:.1f} s): {self.outcome}")


# ---- texts: every message names its tab and its place in that tab's sequence

_TAG = re.compile(r"\[t(\d+)-(\d+)\]")


def message_text(tab: int, n: int) -> str:
    """A message's text; the bracketed tag is unique and can be found inside the rendered bubble."""
    return f"chaos message [t{tab}-{n:05d}]"


def parse_tag(text: str) -> tuple[int, int] | None:
    m = _TAG.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


# ---- invariants on the server's log

def log_problems(events: list[dict[str, Any]], sent: list[str]) -> list[str]:
    """What is wrong with the server's log, given every message the tabs accepted (in the order the
    test typed them). Empty when:
    - seqs are 1..head without gaps or repeats (I2);
    - every accepted message is logged exactly once, under one client_msg_id, and nothing else is (I1);
    - each tab's messages are logged in the order that tab sent them (the outbox is sent oldest first).
    """
    problems: list[str] = []
    seqs = [e["seq"] for e in events]
    if seqs != list(range(1, len(events) + 1)):
        problems.append(f"seqs are not 1..{len(events)} in order: first differences at "
                        f"{[(i + 1, s) for i, s in enumerate(seqs) if s != i + 1][:5]}")
    users = [e for e in events if e["kind"] == "user_message"]
    texts = Counter(e["data"]["text"] for e in users)
    ids = Counter(e["data"]["client_msg_id"] for e in users)
    doubled = sorted(t for t, n in texts.items() if n > 1)
    if doubled:
        problems.append(f"{len(doubled)} message(s) logged more than once: {doubled[:5]}")
    doubled_ids = sorted(i for i, n in ids.items() if n > 1)
    if doubled_ids:
        problems.append(f"{len(doubled_ids)} client_msg_id(s) logged more than once: {doubled_ids[:5]}")
    missing = [t for t in sent if t not in texts]
    if missing:
        problems.append(f"{len(missing)} accepted message(s) never logged: {missing[:5]}")
    unexpected = sorted(set(texts) - set(sent))
    if unexpected:
        problems.append(f"{len(unexpected)} logged message(s) nobody sent: {unexpected[:5]}")
    per_tab: dict[int, list[int]] = {}
    for e in users:
        tag = parse_tag(e["data"]["text"])
        if tag:
            per_tab.setdefault(tag[0], []).append(tag[1])
    for tab, order in sorted(per_tab.items()):
        out_of_order = [(a, b) for a, b in zip(order, order[1:], strict=False) if b < a]
        if out_of_order:
            problems.append(f"tab {tab}'s messages are out of send order in the log: {out_of_order[:5]}")
    return problems


def shows_a_window_of(items: list[list[str]], whole: list[list[str]]) -> bool:
    """A tab that opened the conversation from its own copy holds only the newest window of it until
    the reader scrolls up (docs/pwa.md, "Long conversations"): the tail of what a fresh replay shows,
    starting at a user message (a window starts at a turn boundary), or all of it."""
    if len(items) >= len(whole):
        return items == whole
    return whole[len(whole) - len(items):] == items and bool(items) and items[0][0] == "user"


def tab_problems(name: str, view: dict[str, Any], events: list[dict[str, Any]],
                 reference_items: list[list[str]]) -> list[str]:
    """What is wrong with one tab's transcript, compared with the server's log and with the newest window of the items a
    fresh browser (nothing on the device, everything by replay) shows for the same log. `view` is
    what the tab reports: last_seq, items ([kind, key]), dom_keys (data-key of #log's children),
    user_keys and user_texts (the rendered user bubbles), outbox (its IndexedDB outbox)."""
    problems: list[str] = []
    head = events[-1]["seq"] if events else 0
    users = [e for e in events if e["kind"] == "user_message"]
    if view["last_seq"] != head:
        problems.append(f"{name}: last_seq {view['last_seq']} != server head {head}")
    if view["outbox"]:
        problems.append(f"{name}: {len(view['outbox'])} message(s) still in the outbox: {view['outbox'][:3]}")
    keys = [key for _kind, key in view["items"]]
    if len(keys) != len(set(keys)):
        problems.append(f"{name}: some items are shown twice: {sorted(k for k, n in Counter(keys).items() if n > 1)[:5]}")
    if not shows_a_window_of(view["items"], reference_items):
        diff = next((i for i, (a, b) in enumerate(zip(view["items"], reference_items, strict=False)) if a != b),
                    min(len(view["items"]), len(reference_items)))
        problems.append(f"{name}: items are not the newest window of a fresh replay of the log ({len(view['items'])} vs "
                        f"{len(reference_items)}); first difference at {diff}: "
                        f"{view['items'][diff:diff + 3]} vs {reference_items[diff:diff + 3]}")
    if view["dom_keys"] != keys:
        problems.append(f"{name}: the rendered list differs from the model's items "
                        f"({len(view['dom_keys'])} vs {len(keys)} rows)")
    shown_users = sum(1 for kind, _key in view["items"] if kind == "user")
    newest_users = users[len(users) - shown_users:]
    if view["user_keys"] != [f"u{e['seq']}" for e in newest_users]:
        problems.append(f"{name}: user message rows are not the log's newest user_message seqs")
    if view["user_texts"] != [e["data"]["text"] for e in newest_users]:
        problems.append(f"{name}: user message texts differ from the log's")
    return problems
