"""Codex's approval requests in swe-swe's terms, and the answers back in codex's.

The server's approvals (approvals.py) speak Claude's shapes: a `ToolRequest` with a tool name, an input
and `permission_suggestions`, answered with `{"behavior": "allow" | "deny", ...}`. Codex asks with
`item/commandExecution/requestApproval` and `item/fileChange/requestApproval` and wants a `decision`.
This module is the translation both ways, and the table from a conversation's permission mode to
codex's approval policy and sandbox (docs/sessions.md, "Codex").
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from swe_swe.agents.base import ToolRequest

COMMAND_APPROVAL = "item/commandExecution/requestApproval"
FILE_CHANGE_APPROVAL = "item/fileChange/requestApproval"
APPROVAL_METHODS = (COMMAND_APPROVAL, FILE_CHANGE_APPROVAL)

# Shown for a file change: tool "ApplyPatch", input {"changes": [{"path", "kind", "diff"}]}.
PATCH_TOOL = "ApplyPatch"
SHELL_WRAPPERS = ("bash", "sh", "zsh")


@dataclass(frozen=True)
class CodexPolicy:
    """What `thread/start` and `turn/start` are given for one permission mode."""

    approval_policy: str
    sandbox: str  # thread/start's SandboxMode

    @property
    def sandbox_policy(self) -> dict[str, Any]:
        """turn/start's SandboxPolicy object for the same sandbox."""
        kind = {"read-only": "readOnly", "workspace-write": "workspaceWrite", "danger-full-access": "dangerFullAccess"}
        return {"type": kind[self.sandbox]}


MODE_POLICIES: dict[str, CodexPolicy] = {
    "default": CodexPolicy("untrusted", "workspace-write"),
    "acceptEdits": CodexPolicy("on-request", "workspace-write"),
    "plan": CodexPolicy("untrusted", "read-only"),
    "auto": CodexPolicy("on-request", "workspace-write"),
    "dontAsk": CodexPolicy("never", "workspace-write"),
    "bypassPermissions": CodexPolicy("never", "danger-full-access"),
}


def policy_for(mode: str) -> CodexPolicy:
    return MODE_POLICIES.get(mode, MODE_POLICIES["default"])


def unwrap_shell(command: str) -> str:
    """`/bin/bash -lc 'npm test'` → `npm test`: the command the model wrote, which is what a person reads
    and what an allow-always prefix rule is matched against."""
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if len(words) == 3 and words[0].rsplit("/", 1)[-1] in SHELL_WRAPPERS and words[1] in ("-lc", "-c"):
        return words[2]
    return command


def _is_argument(word: str) -> bool:
    return word.startswith("-") or any(c in word for c in "./=~$'\"")


def prefix_rule(command: str) -> str | None:
    """`npm test --watch` → `npm test:*`, `touch notes.txt` → `touch:*`: the leading words up to the first
    that looks like an argument (an option, a path, a file name), at most two; None for a command that
    chains or redirects (allow_rules would never match it anyway)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or any(w in ("&&", "||", ";", "|", ">", ">>", "<") for w in words):
        return None
    prefix = [words[0]]
    if len(words) > 1 and not _is_argument(words[1]):
        prefix.append(words[1])
    return " ".join(prefix) + ":*"


def command_request(request_id: int | str, params: dict[str, Any]) -> ToolRequest:
    command = unwrap_shell(str(params.get("command") or ""))
    tool_input: dict[str, Any] = {"command": command}
    if isinstance(params.get("cwd"), str):
        tool_input["cwd"] = params["cwd"]
    reason = params.get("reason") if isinstance(params.get("reason"), str) else None
    if reason:
        tool_input["description"] = reason
    rule = prefix_rule(command)
    suggestions = [{"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": rule}], "behavior": "allow"}] if rule else []
    return ToolRequest(str(request_id), "Bash", tool_input, str(params.get("itemId") or ""), reason, suggestions)


def patch_changes(item: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A fileChange item's changes as `{path, kind, diff}` (kind: add | delete | update)."""
    changes = item.get("changes") if isinstance(item, dict) else None
    shown = []
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, dict):
            continue
        kind = change.get("kind")
        kind_name = kind.get("type") if isinstance(kind, dict) else kind
        shown.append({"path": str(change.get("path", "")), "kind": str(kind_name or "update"), "diff": str(change.get("diff", ""))})
    return shown


def file_change_request(
    request_id: int | str, params: dict[str, Any], item: dict[str, Any] | None, cwd: str | None = None
) -> ToolRequest:
    """The diff comes from the item codex announced just before it asked (`item/started`). "Allow always"
    offers what Claude offers for edits: accepting edits from now on (mode acceptEdits). Codex names
    files by absolute path; `cwd` (the thread's folder, as a command's request has it) lets a phone
    show them relative to it."""
    reason = params.get("reason") if isinstance(params.get("reason"), str) else None
    tool_input: dict[str, Any] = {"changes": patch_changes(item)}
    if cwd:
        tool_input["cwd"] = cwd
    if reason:
        tool_input["description"] = reason
    suggestions = [{"type": "setMode", "mode": "acceptEdits"}]
    return ToolRequest(str(request_id), PATCH_TOOL, tool_input, str(params.get("itemId") or ""), reason, suggestions)


def decision(method: str, response: dict[str, Any]) -> str:
    """The server's Claude-shaped answer as codex's `decision`.

    Codex's decline carries no reason: the model reads only that the user declined. "Allow always" on
    a command is a plain `accept`: the rule is kept by swe-swe for this conversation (allow_rules.py)
    and answers the next matching request itself. `acceptWithExecpolicyAmendment` is not used because
    codex writes it to `$CODEX_HOME/rules/default.rules` (observed: `prefix_rule(pattern=["touch",
    "one.txt"], decision="allow")`), a rule for every thread of the user that outlives the conversation.
    On a file change it is `acceptForSession` (this process only), and the mode turns to acceptEdits.
    """
    if response.get("behavior") != "allow":
        return "decline"
    if response.get("updatedPermissions") and method == FILE_CHANGE_APPROVAL:
        return "acceptForSession"
    return "accept"
