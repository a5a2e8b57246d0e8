"""The rules behind "Allow always": built from the agent's own `permission_suggestions`, and the matching of a
tool call against them.

The CLI forgets session rules it was given (claude-cli.md: it asked again for the very same command),
so swe-swe keeps the rules per conversation in SQLite and answers matching requests itself. A rule is
never written into the user's project (`destination: localSettings` is ignored; everything is kept
to the conversation).

Matching errs on the side of asking: a command prefix rule never covers a command that chains,
substitutes or redirects outside the working directory (`echo hi; rm -rf ~` and `echo hi > ~/.bashrc`
do not match `echo hi *`; `echo hi >> notes.txt` does), and a rule this module does not understand
matches nothing.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from swe_swe import user_texts

FILE_TOOLS = ("Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "Glob", "Grep")
SHELL_OPERATORS = re.compile(r"[;&|`<>\n\r]|\$\(")
# `>> notes.txt`: a redirect to a plain file name in the working directory is part of the command
LOCAL_REDIRECT = re.compile(r"\s*\d?(?:>>?|<)\s*[\w\-][\w.\-]*(?=\s|$)")
PREFIX_WILDCARDS = (":*", " *", "*")


class RuleKind:
    """`AllowRule.kind`: a CLI permission rule (`Tool` or `Tool(content)`), or a directory for file tools."""

    RULE = "rule"
    DIRECTORY = "directory"


@dataclass(frozen=True)
class RuleSpec:
    tool: str
    kind: str
    content: str
    label: str


@dataclass(frozen=True)
class AlwaysPlan:
    """What "Allow always" would keep for one request: rules, and/or a permission mode to switch to."""

    rules: tuple[RuleSpec, ...] = ()
    mode: str | None = None

    @property
    def possible(self) -> bool:
        return bool(self.rules) or self.mode is not None

    @property
    def label(self) -> str:
        labels = [rule.label for rule in self.rules]
        if self.mode is not None:
            labels.append(user_texts.mode_always_label(self.mode))
        return "; ".join(labels)


class StoredRule(Protocol):
    tool: str
    kind: str
    content: str


def _strip_wildcard(content: str) -> str | None:
    """The prefix of a prefix rule (`npm test:*`, `echo hi *`), or None for an exact rule."""
    for wildcard in PREFIX_WILDCARDS:
        if content.endswith(wildcard):
            return content[: -len(wildcard)]
    return None


def rule_label(tool: str, kind: str, content: str) -> str:
    if kind == RuleKind.DIRECTORY:
        return user_texts.directory_rule_label(content)
    if not content:
        return user_texts.tool_rule_label(tool)
    prefix = _strip_wildcard(content) if tool == "Bash" else None
    if prefix is not None:
        return user_texts.prefix_rule_label(tool, prefix.strip())
    return f"{tool}: {content}"


def plan_always(suggestions: Iterable[Any]) -> AlwaysPlan:
    """Read the CLI's suggestions; destinations are ignored (everything is kept to this conversation)."""
    rules: list[RuleSpec] = []
    mode: str | None = None
    for suggestion in suggestions:
        if not isinstance(suggestion, dict):
            continue
        kind = suggestion.get("type")
        if kind == "addRules" and suggestion.get("behavior", "allow") == "allow":
            rules.extend(_rules(suggestion.get("rules")))
        elif kind == "addDirectories":
            rules.extend(_directories(suggestion.get("directories")))
        elif kind == "setMode" and suggestion.get("mode") in ("acceptEdits", "default", "plan"):
            mode = suggestion["mode"]
    return AlwaysPlan(tuple(rules), mode)


def _rules(raw: Any) -> list[RuleSpec]:
    specs = []
    for rule in raw if isinstance(raw, list) else []:
        if not isinstance(rule, dict) or not isinstance(rule.get("toolName"), str):
            continue
        tool = rule["toolName"]
        content = rule.get("ruleContent") if isinstance(rule.get("ruleContent"), str) else ""
        specs.append(RuleSpec(tool, RuleKind.RULE, content, rule_label(tool, RuleKind.RULE, content)))
    return specs


def _directories(raw: Any) -> list[RuleSpec]:
    specs = []
    for directory in raw if isinstance(raw, list) else []:
        if isinstance(directory, str) and os.path.isabs(directory):
            normal = os.path.normpath(directory)
            specs.append(RuleSpec("*", RuleKind.DIRECTORY, normal, rule_label("*", RuleKind.DIRECTORY, normal)))
    return specs


def session_suggestions(suggestions: Iterable[Any]) -> list[dict[str, Any]]:
    """The suggestions passed back to the CLI with an allow, forced to this process's session."""
    return [{**s, "destination": "session"} for s in suggestions if isinstance(s, dict)]


def matches(rule: StoredRule, tool: str, tool_input: dict[str, Any]) -> bool:
    if rule.kind == RuleKind.DIRECTORY:
        return tool in FILE_TOOLS and _under(_input_path(tool_input), rule.content)
    if rule.kind != RuleKind.RULE or rule.tool != tool:
        return False
    if not rule.content:
        return True
    if tool == "Bash":
        return _command_matches(rule.content, tool_input.get("command"))
    if tool == "WebFetch":
        return _domain_matches(rule.content, tool_input.get("url"))
    if tool in FILE_TOOLS:
        path = _input_path(tool_input)
        return path is not None and fnmatch.fnmatchcase(path, rule.content.replace("**", "*"))
    return False


def first_match(rules: Iterable[StoredRule], tool: str, tool_input: dict[str, Any]) -> StoredRule | None:
    return next((rule for rule in rules if matches(rule, tool, tool_input)), None)


def _command_matches(content: str, command: Any) -> bool:
    if not isinstance(command, str):
        return False
    command = command.strip()
    prefix = _strip_wildcard(content)
    if prefix is None:
        return command == content.strip()
    if SHELL_OPERATORS.search(LOCAL_REDIRECT.sub(" ", command)):
        return False
    prefix = prefix.strip()
    return command == prefix or command.startswith(prefix + " ")


def _domain_matches(content: str, url: Any) -> bool:
    if not content.startswith("domain:") or not isinstance(url, str):
        return False
    domain = content.removeprefix("domain:").lower()
    host = (urlsplit(url).hostname or "").lower()
    return host == domain or host.endswith("." + domain)


def _input_path(tool_input: dict[str, Any]) -> str | None:
    for key in ("file_path", "notebook_path", "path"):
        value = tool_input.get(key)
        if isinstance(value, str) and os.path.isabs(value):
            return os.path.normpath(value)
    return None


def _under(path: str | None, directory: str) -> bool:
    if path is None:
        return False
    return path == directory or path.startswith(directory.rstrip("/") + "/")
