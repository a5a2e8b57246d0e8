"""Tool approvals: the agent asks, any client answers, and each request ends exactly once.

The durable side is the log and the `Approval` row (store.py): a request is stored before anyone sees
it, and ending it is one transaction that only a pending row can pass (I6, I7). The live side is the
`respond` callable of the process that asked, kept here in memory; only the answer that ended the row
calls it, so the agent gets exactly one answer. When the process or the turn ends, whatever is still
pending is cancelled in the log (I8); at start-up, rows a crash left pending are cancelled too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from swe_swe import allow_rules, user_texts
from swe_swe.agents.base import CancelReason, Respond, ToolRequest
from swe_swe.errors import ErrorCode, ProtocolError
from swe_swe.hub import Hub
from swe_swe.protocol import Approve
from swe_swe.store import Approval, ApprovalEnd, ApprovalStatus, Store

log = logging.getLogger("swe_swe.approvals")

QUESTION_TOOL = "AskUserQuestion"
PLAN_TOOL = "ExitPlanMode"
MODE_AFTER_PLAN = "default"


class Decision:
    ALLOW = "allow"
    ALLOW_ALWAYS = "allow_always"
    DENY = "deny"
    ALL = (ALLOW, ALLOW_ALWAYS, DENY)


class AnsweredBy:
    """`approval_resolved.by`: a person, an allow-always rule, or the server's --approval-timeout."""

    USER = "user"
    RULE = "rule"
    TIMEOUT = "timeout"


@dataclass
class LiveAsk:
    conversation_id: str
    request: ToolRequest
    respond: Respond
    timer: asyncio.TimerHandle | None = None


@dataclass
class ModeChange:
    """A mode change an answer implies (allow always on a `setMode` suggestion, an approved plan)."""

    conversation_id: str
    mode: str


def approval_kind(tool: str) -> str:
    if tool == QUESTION_TOOL:
        return "question"
    if tool == PLAN_TOOL:
        return "plan"
    return "tool"


def allow_response(request: ToolRequest, answers: dict[str, Any] | None = None, keep: bool = False) -> dict[str, Any]:
    updated = dict(request.input)
    if answers is not None:
        updated["answers"] = answers
    response: dict[str, Any] = {"behavior": "allow", "updatedInput": updated}
    if keep and request.suggestions:
        response["updatedPermissions"] = allow_rules.session_suggestions(request.suggestions)
    return response


def deny_response(message: str) -> dict[str, Any]:
    return {"behavior": "deny", "message": message}


@dataclass
class Approvals:
    store: Store
    hub: Hub
    timeout_seconds: float = 0.0
    on_mode_change: Callable[[ModeChange], Awaitable[None]] | None = None
    _live: dict[str, LiveAsk] = field(default_factory=dict)
    _timeouts: set[asyncio.Task[None]] = field(default_factory=set)  # held: the loop keeps only weak references

    # the agent's side

    async def ask(self, conversation_id: str, request: ToolRequest, respond: Respond) -> None:
        """Log the request (stored before anyone sees it), then wait for an answer, or answer it
        at once when an allow-always rule of this conversation covers it."""
        kind = approval_kind(request.tool)
        plan = allow_rules.plan_always(request.suggestions) if kind == "tool" else allow_rules.AlwaysPlan()
        approval_id = str(uuid.uuid4())
        data: dict[str, Any] = {
            "approval_id": approval_id,
            "tool": request.tool,
            "input": request.input,
            "tool_use_id": request.tool_use_id,
            "kind": kind,
            "can_always": plan.possible,
        }
        if request.description:
            data["description"] = request.description
        if plan.possible:
            data["always_label"] = plan.label
        event = self.store.add_approval(conversation_id, approval_id, request.tool, request.suggestions, data)
        self.hub.publish(conversation_id, event)
        self._live[approval_id] = LiveAsk(conversation_id, request, respond)
        rule = allow_rules.first_match(self.store.allow_rules(conversation_id), request.tool, request.input) if kind == "tool" else None
        if rule is not None:
            await self._resolve(approval_id, Approve("", approval_id, Decision.ALLOW), client_id="swe-swe", by=AnsweredBy.RULE)
            return
        if self.timeout_seconds > 0:
            loop = asyncio.get_running_loop()
            self._live[approval_id].timer = loop.call_later(self.timeout_seconds, self._start_time_out, approval_id)

    def withdraw(self, conversation_id: str, request_id: str) -> None:
        for approval_id, live in list(self._live.items()):
            if live.conversation_id == conversation_id and live.request.request_id == request_id:
                self._cancel(approval_id, CancelReason.WITHDRAWN)

    def end_all(self, conversation_id: str, reason: CancelReason) -> None:
        """I8: the process or turn that asked is over; nothing it asked may stay pending."""
        for approval_id, live in list(self._live.items()):
            if live.conversation_id == conversation_id:
                self._cancel(approval_id, reason)
        for approval in self.store.pending_approvals(conversation_id):
            self._cancel_row(approval, reason)

    def cancel_leftovers(self) -> int:
        """At start-up: rows a crash left pending were asked by processes that are gone."""
        leftovers = self.store.pending_approvals()
        for approval in leftovers:
            self._cancel_row(approval, CancelReason.INTERRUPTED)
        return len(leftovers)

    # the user's side

    async def answer(self, conversation_id: str, answer: Approve, client_id: str) -> ApprovalEnd:
        approval = self.store.get_approval(answer.approval_id)
        if approval is None or approval.conversation_id != conversation_id:
            raise ProtocolError(ErrorCode.NOT_FOUND, user_texts.APPROVAL_NOT_FOUND, answer.client_msg_id)
        if approval.status == ApprovalStatus.PENDING and answer.approval_id not in self._live:
            self._cancel_row(approval, CancelReason.INTERRUPTED)  # its process is gone (I8)
        return await self._resolve(answer.approval_id, answer, client_id, AnsweredBy.USER)

    def pending_ids(self, conversation_id: str) -> list[str]:
        return [a.approval_id for a in self.store.pending_approvals(conversation_id)]

    # ending, exactly once

    async def _resolve(self, approval_id: str, answer: Approve, client_id: str, by: str) -> ApprovalEnd:
        approval = self.store.get_approval(approval_id)
        assert approval is not None
        live = self._live.get(approval_id)
        decision = answer.decision
        if decision == Decision.ALLOW_ALWAYS and (live is None or not self._always_plan(live).possible):
            decision = Decision.ALLOW
        data: dict[str, Any] = {"approval_id": approval_id, "decision": decision, "client_id": client_id, "by": by}
        if answer.message:
            data["message"] = answer.message
        if answer.answers is not None:
            data["answers"] = answer.answers
        end = self.store.end_approval(approval, "approval_resolved", data, answer.client_msg_id or None)
        if end.duplicate or end.event is None:
            return end
        self.hub.publish(approval.conversation_id, end.event)
        live = self._take(approval_id)
        if live is None:
            return end
        await live.respond(self._response(live, decision, answer))
        await self._after_allow(live, decision)
        return end

    def _response(self, live: LiveAsk, decision: str, answer: Approve) -> dict[str, Any]:
        if decision == Decision.DENY:
            default = user_texts.KEEP_PLANNING if live.request.tool == PLAN_TOOL else user_texts.DENIED_BY_USER
            return deny_response(answer.message or default)
        return allow_response(live.request, answer.answers, keep=decision == Decision.ALLOW_ALWAYS)

    async def _after_allow(self, live: LiveAsk, decision: str) -> None:
        if decision == Decision.ALLOW_ALWAYS:
            plan = self._always_plan(live)
            for rule in plan.rules:
                self.store.add_allow_rule(live.conversation_id, rule.tool, rule.kind, rule.content, rule.label)
            if plan.mode is not None:
                await self._change_mode(live.conversation_id, plan.mode)
        if decision != Decision.DENY and live.request.tool == PLAN_TOOL:
            await self._change_mode(live.conversation_id, MODE_AFTER_PLAN)

    async def _change_mode(self, conversation_id: str, mode: str) -> None:
        if self.on_mode_change is not None:
            await self.on_mode_change(ModeChange(conversation_id, mode))

    @staticmethod
    def _always_plan(live: LiveAsk) -> allow_rules.AlwaysPlan:
        if approval_kind(live.request.tool) != "tool":
            return allow_rules.AlwaysPlan()
        return allow_rules.plan_always(live.request.suggestions)

    def _cancel(self, approval_id: str, reason: CancelReason) -> None:
        approval = self.store.get_approval(approval_id)
        self._take(approval_id)
        if approval is not None:
            self._cancel_row(approval, reason)

    def _cancel_row(self, approval: Approval, reason: CancelReason) -> None:
        data = {"approval_id": approval.approval_id, "reason": reason.value}
        end = self.store.end_approval(approval, "approval_cancelled", data)
        if end.event is not None:
            self.hub.publish(approval.conversation_id, end.event)
            log.info("approval in conversation %s cancelled: %s", approval.conversation_id, reason.value)

    def _take(self, approval_id: str) -> LiveAsk | None:
        live = self._live.pop(approval_id, None)
        if live is not None and live.timer is not None:
            live.timer.cancel()
        return live

    def _start_time_out(self, approval_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self._time_out(approval_id))
        self._timeouts.add(task)
        task.add_done_callback(self._timeouts.discard)

    async def _time_out(self, approval_id: str) -> None:
        if approval_id not in self._live:
            return
        message = user_texts.approval_timed_out(self.timeout_seconds)
        await self._resolve(approval_id, Approve("", approval_id, Decision.DENY, message), client_id="swe-swe", by=AnsweredBy.TIMEOUT)

