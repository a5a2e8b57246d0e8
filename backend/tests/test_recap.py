"""The recap a replacement agent session gets: the conversation in plain words, newest turns kept.

Claude's stream-json events are read by agents/claude_recap.py; the shared builder knows no agent's."""

from __future__ import annotations

from typing import Any

from swe_swe.agents.claude_recap import read_claude_event
from swe_swe.recap import HEADER, OMITTED, shorten
from swe_swe.recap import build_recap as build_any_recap

Event = tuple[str, dict[str, Any]]


def build_recap(events: list[Event], max_chars: int = 8000) -> str:
    return build_any_recap(events, read_claude_event, max_chars)


def user(text: str) -> Event:
    return ("user_message", {"client_msg_id": "c", "text": text})


def assistant(*blocks: dict[str, Any], **extra: Any) -> Event:
    return ("agent", {"type": "assistant", "message": {"role": "assistant", "content": list(blocks)}, **extra})


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool(name: str, **tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}


def result(value: str, is_error: bool = False) -> Event:
    return ("agent", {"type": "result", "subtype": "success", "result": value, "is_error": is_error})


def test_empty_log_gives_empty_recap() -> None:
    assert build_recap([]) == ""
    assert build_recap([("run_started", {"resumed": False}), ("agent", {"type": "system", "subtype": "init"})]) == ""


def test_recap_names_user_and_assistant_and_tools() -> None:
    recap = build_recap([
        user("list the files"),
        ("run_started", {"resumed": False}),
        ("agent", {"type": "system", "subtype": "init", "session_id": "x"}),
        ("agent", {"type": "user", "isReplay": True, "message": {"role": "user", "content": "list the files"}}),
        assistant(tool("Bash", command="ls -la", description="list")),
        ("agent", {"type": "user",
                   "message": {"role": "user", "content": [{"type": "tool_result", "content": "a\nb"}]}}),
        assistant(text("There are two files: a and b.")),
        result("There are two files: a and b."),
        ("run_finished", {"outcome": "ok", "exit_code": None}),
        user("thanks"),
        assistant(text("You're welcome.")),
    ])
    assert recap.startswith(HEADER)
    assert "Recap" in recap and "transcript was lost" in recap
    assert "User: list the files" in recap
    assert "(used tool Bash: ls -la)" in recap
    assert "There are two files: a and b." in recap
    assert recap.count("There are two files") == 1  # the result repeats the text: not twice
    assert "a\nb" not in recap  # tool output is left out
    assert recap.index("list the files") < recap.index("thanks") < recap.index("welcome")
    assert OMITTED not in recap


def test_result_text_used_only_when_no_assistant_text() -> None:
    recap = build_recap([user("q"), result("the final answer")])
    assert "Assistant: the final answer" in recap
    assert "boom" not in build_recap([user("q"), result("boom", is_error=True)])


def test_replays_and_subagents_are_ignored() -> None:
    recap = build_recap([
        user("q"),
        assistant(text("inner work"), parent_tool_use_id="toolu_9"),
        assistant(text("echoed"), isReplay=True),
        assistant(text("outer answer")),
    ])
    assert "inner work" not in recap and "echoed" not in recap
    assert "outer answer" in recap


def test_oldest_turns_dropped_first_and_said_so() -> None:
    events: list[Event] = []
    for i in range(200):
        events += [user(f"question {i:03d} " + "q" * 50), assistant(text(f"answer {i:03d} " + "a" * 50))]
    recap = build_recap(events, max_chars=2000)
    assert len(recap) <= 2000
    assert OMITTED in recap
    assert "question 199" in recap and "answer 199" in recap
    assert "question 000" not in recap
    kept = [i for i in range(200) if f"question {i:03d}" in recap]
    assert kept == list(range(kept[0], 200))  # a contiguous run of the newest turns


def test_huge_single_message_is_truncated() -> None:
    huge = "START " + "x" * 100_000 + " END"
    recap = build_recap([user("small ask"), assistant(text("ok")), user(huge), assistant(text("done"))], max_chars=8000)
    assert len(recap) <= 8000
    assert "START" in recap and "END" in recap and "[…]" in recap
    assert "small ask" in recap  # a huge message does not push everything else out


def test_always_within_budget() -> None:
    events = [user("u" * 5000), assistant(*[tool("Read", file_path=f"/f/{i}") for i in range(500)])]
    for budget in (300, 1000, 8000):
        assert len(build_recap(events, max_chars=budget)) <= budget


def test_shorten_keeps_head_and_tail() -> None:
    assert shorten("abc", 10) == "abc"
    out = shorten("a" * 50 + "b" * 50, 40)
    assert len(out) <= 40 and out.startswith("a") and out.endswith("b")
