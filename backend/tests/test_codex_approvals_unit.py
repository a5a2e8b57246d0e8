"""codex's approval requests in swe-swe's terms, and back (no process)."""

from __future__ import annotations

from swe_swe import allow_rules
from swe_swe.agents import codex_approvals as ca


def test_the_shell_wrapper_is_unwrapped_and_a_prefix_rule_suggested() -> None:
    request = ca.command_request(0, {"command": "/bin/bash -lc 'npm test --watch'", "cwd": "/w", "itemId": "call_1"})
    assert request.tool == "Bash" and request.input == {"command": "npm test --watch", "cwd": "/w"}
    plan = allow_rules.plan_always(request.suggestions)
    assert [r.content for r in plan.rules] == ["npm test:*"]
    assert ca.prefix_rule("touch notes.txt") == "touch:*"
    assert ca.prefix_rule("git commit -m x") == "git commit:*"
    assert ca.prefix_rule("echo hi > f.txt") is None


def test_answers_become_codex_decisions() -> None:
    assert ca.decision(ca.COMMAND_APPROVAL, {"behavior": "deny", "message": "no"}) == "decline"
    assert ca.decision(ca.COMMAND_APPROVAL, {"behavior": "allow", "updatedInput": {}}) == "accept"
    always = {"behavior": "allow", "updatedInput": {}, "updatedPermissions": [{}]}
    assert ca.decision(ca.COMMAND_APPROVAL, always) == "accept", "the rule is kept by swe-swe, not in codex's global rules"
    assert ca.decision(ca.FILE_CHANGE_APPROVAL, always) == "acceptForSession"


def test_a_file_change_shows_the_announced_diff() -> None:
    item = {"type": "fileChange", "id": "call_2", "changes": [{"path": "/w/a.txt", "kind": {"type": "add"}, "diff": "+hi\n"}]}
    request = ca.file_change_request(3, {"itemId": "call_2", "reason": "write a"}, item)
    assert request.tool == "ApplyPatch"
    assert request.input == {"changes": [{"path": "/w/a.txt", "kind": "add", "diff": "+hi\n"}], "description": "write a"}
    assert allow_rules.plan_always(request.suggestions).mode == "acceptEdits"
    with_folder = ca.file_change_request(3, {"itemId": "call_2"}, item, "/w")
    assert with_folder.input["cwd"] == "/w", "the thread's folder, so a phone shows a.txt, not /w/a.txt"


def test_modes_map_to_a_policy_and_a_sandbox() -> None:
    assert ca.policy_for("default") == ca.CodexPolicy("untrusted", "workspace-write")
    assert ca.policy_for("plan").sandbox_policy == {"type": "readOnly"}
    assert ca.policy_for("unknown") == ca.policy_for("default")
