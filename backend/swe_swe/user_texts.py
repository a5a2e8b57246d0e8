"""Words the server says to people (and, for denials, to the agent): kept here so they read as one voice.

No paths beyond the user's own rule, no ids, no stderr (docs/protocol.md).
"""

from __future__ import annotations

MODE_NAMES = {
    "default": "Ask before edits and commands",
    "acceptEdits": "Accept file edits",
    "plan": "Plan only",
    "bypassPermissions": "Bypass every approval",
}

DENIED_BY_USER = "The user denied this tool call."
KEEP_PLANNING = "The user wants to keep planning: do not start the work yet; refine the plan and present it again."
BYPASS_NOT_ALLOWED = "This server does not allow bypassing approvals; start it with --allow-bypass to offer that mode."
BYPASS_AS_ROOT = "Bypassing approvals is not available: claude refuses that mode when the server runs as root."
MODE_UNKNOWN = "That permission mode does not exist."
APPROVAL_NOT_FOUND = "This approval does not exist in this conversation."
ANSWERS_REQUIRED = "Choose an answer to each question, or deny."
RULE_REVOKED = "No longer allowed always: {label}."
ATTACHMENT_NOT_UPLOADED = "An attachment of this message has not been uploaded to the server: send it again."


def approval_timed_out(seconds: float) -> str:
    """Told to the agent as the denial's reason, so it can say why nothing happened."""
    minutes = seconds / 60
    span = f"{minutes:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
    return (
        f"No answer came from the user within {span}, so swe-swe denied this tool call. "
        "Tell the user what you wanted to do and ask again if it is still needed."
    )


def agent_fallback(asked: str, used: str) -> str:
    """A new conversation asked for an agent this server does not offer and got the default one."""
    shown = "".join(ch for ch in asked if ch.isprintable())[:40] or "?"
    return f"The agent picked on this device ({shown}) is not available on this server, so this conversation uses {used}."


def prefix_rule_label(tool: str, prefix: str) -> str:
    return f"{tool} commands starting with: {prefix}"


def tool_rule_label(tool: str) -> str:
    return f"Every {tool} call"


def directory_rule_label(directory: str) -> str:
    return f"File tools inside {directory}"


def mode_always_label(mode: str) -> str:
    return f"Switch this conversation to: {MODE_NAMES.get(mode, mode)}"
