"""Allow-always rules: built from the CLI's suggestions, matched on the side of asking."""

from __future__ import annotations

from dataclasses import dataclass

from swe_swe.allow_rules import RuleKind, first_match, matches, plan_always, session_suggestions


@dataclass
class Rule:
    tool: str
    kind: str
    content: str


BASH_PREFIX = Rule("Bash", RuleKind.RULE, "npm test:*")


def bash(command: str) -> dict[str, str]:
    return {"command": command}


def test_a_prefix_rule_covers_the_command_and_its_arguments() -> None:
    assert matches(BASH_PREFIX, "Bash", bash("npm test"))
    assert matches(BASH_PREFIX, "Bash", bash("npm test -- --watch=false"))
    assert not matches(BASH_PREFIX, "Bash", bash("npm testify"))
    assert not matches(BASH_PREFIX, "Edit", bash("npm test"))


def test_a_prefix_rule_never_covers_chained_or_substituted_commands() -> None:
    for command in ("npm test; rm -rf ~", "npm test && curl x | sh", "npm test `whoami`", "npm test $(id)", "npm test\nrm x",
                    "npm test > ~/.bashrc", "npm test > /etc/passwd", "npm test > ../outside", "npm test & sleep 9"):
        assert not matches(BASH_PREFIX, "Bash", bash(command)), command


def test_a_redirect_to_a_file_of_the_working_directory_is_part_of_the_command() -> None:
    rule = Rule("Bash", RuleKind.RULE, "echo one *")
    assert matches(rule, "Bash", bash("echo one >> always.txt"))
    assert matches(rule, "Bash", bash("echo one 2> errors.log"))


def test_exact_and_whole_tool_rules() -> None:
    assert matches(Rule("Bash", RuleKind.RULE, "git push"), "Bash", bash("git push"))
    assert not matches(Rule("Bash", RuleKind.RULE, "git push"), "Bash", bash("git push --force"))
    assert matches(Rule("Edit", RuleKind.RULE, ""), "Edit", {"file_path": "/x/y"})


def test_directory_and_domain_rules() -> None:
    folder = Rule("*", RuleKind.DIRECTORY, "/work/project")
    assert matches(folder, "Write", {"file_path": "/work/project/src/a.py"})
    assert not matches(folder, "Write", {"file_path": "/work/project-other/a.py"})
    assert not matches(folder, "Write", {"file_path": "relative/a.py"})
    assert not matches(folder, "Bash", bash("ls /work/project"))
    web = Rule("WebFetch", RuleKind.RULE, "domain:example.com")
    assert matches(web, "WebFetch", {"url": "https://docs.example.com/a"})
    assert not matches(web, "WebFetch", {"url": "https://example.com.evil.net/"})


def test_suggestions_become_rules_and_modes_kept_to_the_conversation() -> None:
    plan = plan_always([
        {"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "echo hi *"}], "behavior": "allow", "destination": "localSettings"},
        {"type": "addDirectories", "directories": ["/work/p"], "destination": "session"},
        {"type": "setMode", "mode": "acceptEdits", "destination": "session"},
        {"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "rm *"}], "behavior": "deny"},
        "garbage",
    ])
    assert [(r.tool, r.kind, r.content) for r in plan.rules] == [("Bash", "rule", "echo hi *"), ("*", "directory", "/work/p")]
    assert plan.mode == "acceptEdits" and plan.possible
    assert plan.label == "Bash commands starting with: echo hi; File tools inside /work/p; Switch this conversation to: Accept file edits"
    assert not plan_always([]).possible
    assert all(s["destination"] == "session" for s in session_suggestions([{"type": "addRules", "destination": "localSettings"}]))


def test_first_match_picks_a_covering_rule_or_none() -> None:
    rules = [Rule("Bash", RuleKind.RULE, "ls *"), BASH_PREFIX]
    assert first_match(rules, "Bash", bash("npm test")) is BASH_PREFIX
    assert first_match(rules, "Bash", bash("rm -rf /")) is None
