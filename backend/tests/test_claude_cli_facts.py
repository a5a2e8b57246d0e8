"""Facts about the REAL `claude` CLI that session recovery is built on, checked against a loopback fake API.

If a new CLI version moves transcripts or changes what it accepts, these fail first. The binary comes from
`npm install` (package.json); a missing binary fails the run rather than skipping it, so CI cannot
pass without having tested against the real thing.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fake_messages_api import FakeMessagesAPI
from swe_swe.agents.claude_home import transcript_path
from swe_swe.agents.claude_recap import read_claude_event
from swe_swe.agents.claude_transcript import contains_uuid, transcript_validator
from swe_swe.recap import build_recap
from swe_swe.transcripts import TranscriptState
from swe_swe.vault import Vault

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CLAUDE_BIN = REPO_ROOT / "node_modules/.bin/claude"
STREAM_ARGS = ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
               "--replay-user-messages"]
TURN_TIMEOUT_S = 30.0
WRITE_TIMEOUT_S = 3.0


@dataclass
class Turn:
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        return next(e for e in self.events if e.get("type") == "result")

    @property
    def last_uuid(self) -> str:
        """The uuid of the turn's last transcript line: results themselves are never written."""
        return str([e for e in self.events if e.get("type") in ("assistant", "user")][-1]["uuid"])


class ClaudeProcess:
    """One long-lived CLI, fed a turn at a time like the server does (lines sent together merge into one turn)."""

    def __init__(self, binary: Path, cwd: Path, env: dict[str, str], args: list[str]) -> None:
        self.proc = subprocess.Popen([str(binary), *STREAM_ARGS, *args], cwd=cwd, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def turn(self, text: str) -> Turn:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"type": "user", "message": {"role": "user", "content": text}}) + "\n")
        self.proc.stdin.flush()
        return self.read_until_result()

    def read_until_result(self) -> Turn:
        turn = Turn()
        deadline = time.monotonic() + TURN_TIMEOUT_S
        while True:
            line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line is None:
                return turn
            event = json.loads(line)
            turn.events.append(event)
            if event.get("type") == "result":
                return turn

    def close(self) -> tuple[int, str]:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout=TURN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        return code, self.proc.stderr.read()


@dataclass
class Sandbox:
    binary: Path
    api: FakeMessagesAPI
    config: Path
    home: Path

    def env(self) -> dict[str, str]:
        """Built from scratch: an outer Claude Code session's variables must not leak into the CLI under test."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "ANTHROPIC_BASE_URL": self.api.base_url,
            "ANTHROPIC_API_KEY": "dummy",
            "CLAUDE_CODE_MAX_RETRIES": "0",
            "CLAUDE_CONFIG_DIR": str(self.config),
        }

    def start(self, cwd: Path, *args: str) -> ClaudeProcess:
        return ClaudeProcess(self.binary, cwd, self.env(), list(args))

    def transcript(self, cwd: Path, session_id: str) -> Path:
        return transcript_path(self.config, cwd, session_id)


def claude_binary() -> Path:
    configured = os.environ.get("SWE_SWE_CLAUDE_BIN", "")
    binary = Path(configured) if configured else DEFAULT_CLAUDE_BIN
    if not binary.exists():
        pytest.fail(f"the real claude CLI is missing at {binary}: run `npm install` in {REPO_ROOT} "
                    "(or point SWE_SWE_CLAUDE_BIN at a claude binary)")
    return binary


@pytest.fixture(scope="module")
def api() -> Iterator[FakeMessagesAPI]:
    with FakeMessagesAPI() as fake:
        yield fake


@pytest.fixture
def sandbox(api: FakeMessagesAPI, tmp_path: Path) -> Sandbox:
    (tmp_path / "home").mkdir()
    return Sandbox(binary=claude_binary(), api=api, config=tmp_path / "claude-config", home=tmp_path / "home")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work dir.v2"
    path.mkdir()
    return path


def wait_written(path: Path, event_uuid: str) -> None:
    """The CLI writes the turn a moment (observed 40 to 100 ms) after printing `result`."""
    deadline = time.monotonic() + WRITE_TIMEOUT_S
    while not contains_uuid(path, event_uuid):
        assert time.monotonic() < deadline, "the turn never reached the transcript"
        time.sleep(0.01)


def reply_text(turn: Turn) -> str:
    return str(turn.result.get("result", ""))


# the fake itself


def _post(port: int, body: dict[str, Any], path: str = "/v1/messages?beta=true") -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return bytes(response.read())


def test_fake_api_script_echoes_and_counts_turns() -> None:
    script = Path(__file__).with_name("fake_messages_api.py")
    proc = subprocess.Popen([sys.executable, str(script), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().split()
        assert first[0] == "PORT"
        port = int(first[1])
        messages = [
            {"role": "user", "content": [{"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
                                         {"type": "text", "text": "one"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "echo: one"}]},
            {"role": "user", "content": "two"},
        ]
        plain = json.loads(_post(port, {"messages": messages, "system": "You are helpful"}))
        assert plain["content"][0]["text"] == "echo: two [turns=2] [recap=no]"
        streamed = _post(port, {"messages": messages[:1], "stream": True,
                                "system": [{"type": "text", "text": "Recap of the earlier conversation"}]}).decode()
        names = [line.split(": ", 1)[1] for line in streamed.splitlines() if line.startswith("event: ")]
        assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
        deltas = [json.loads(line[6:])["delta"].get("text", "") for line in streamed.splitlines()
                  if line.startswith("data: ") and '"text_delta"' in line]
        assert len(deltas) > 1 and "".join(deltas) == "echo: one [turns=1] [recap=yes]"
        assert json.loads(_post(port, {"messages": []}, "/v1/messages/count_tokens")) == {"input_tokens": 10}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/anything", timeout=5) as response:
            assert json.loads(response.read()) == {}
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# the real CLI


def test_session_id_turns_land_where_we_look(sandbox: Sandbox, tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*[f"deep.dir_{i}" for i in range(25)])  # over 200 characters: hashed name
    deep.mkdir(parents=True)
    session_id = str(uuid.uuid4())
    cli = sandbox.start(deep, "--session-id", session_id)
    first = cli.turn("hello")
    second = cli.turn("again")  # a second line after a result: a second turn, same process
    code, stderr = cli.close()
    assert code == 0, stderr
    init = next(e for e in first.events if e.get("subtype") == "init")
    assert init["session_id"] == session_id
    assert reply_text(first) == "echo: hello [turns=1] [recap=no]"
    assert reply_text(second) == "echo: again [turns=2] [recap=no]"
    path = sandbox.transcript(deep, session_id)
    assert len(path.parent.name) > 200
    assert path.is_file(), sorted(p.name for p in (sandbox.config / "projects").iterdir())
    assert contains_uuid(path, second.last_uuid)
    assert "uuid" in second.result and not contains_uuid(path, second.result["uuid"])
    assert transcript_validator().check(path) is TranscriptState.RESUMABLE


def test_resume_of_missing_session_fails_fast(sandbox: Sandbox, workdir: Path) -> None:
    session_id = str(uuid.uuid4())
    assert transcript_validator().check(sandbox.transcript(workdir, session_id)) is TranscriptState.MISSING
    requests_before = len(sandbox.api.requests)
    cli = sandbox.start(workdir, "--resume", session_id)
    turn = cli.read_until_result()  # the CLI answers before reading any input
    code, stderr = cli.close()
    assert code == 1
    assert f"No conversation found with session ID: {session_id}" in stderr
    assert turn.result["is_error"] is True
    assert any("No conversation found" in error for error in turn.result.get("errors", []))
    assert len(sandbox.api.requests) == requests_before  # refused before any model call


@pytest.mark.parametrize("content", ["", '{"type":"summary","summary":"x"}\n', "garbage\n"])
def test_cli_refuses_what_the_validator_refuses(sandbox: Sandbox, workdir: Path, content: str) -> None:
    session_id = str(uuid.uuid4())
    path = sandbox.transcript(workdir, session_id)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert transcript_validator().check(path) is TranscriptState.EMPTY_OR_INVALID
    cli = sandbox.start(workdir, "--resume", session_id)
    cli.read_until_result()
    code, stderr = cli.close()
    assert code == 1 and "No conversation found with session ID" in stderr


def test_vault_restore_resumes_with_full_context(sandbox: Sandbox, workdir: Path, tmp_path: Path) -> None:
    session_id = str(uuid.uuid4())
    cli = sandbox.start(workdir, "--session-id", session_id)
    first = cli.turn("remember me")
    path = sandbox.transcript(workdir, session_id)
    wait_written(path, first.last_uuid)
    vault = Vault(tmp_path / "vault", transcript_validator())
    assert vault.save(session_id, path)
    assert cli.close()[0] == 0
    path.unlink()  # the CLI's cleanup, a wiped HOME...
    assert vault.restore(session_id, path)
    cli = sandbox.start(workdir, "--resume", session_id)
    resumed = cli.turn("still there?")
    code, stderr = cli.close()
    assert code == 0, stderr
    init = next(e for e in resumed.events if e.get("subtype") == "init")
    assert init["session_id"] == session_id  # --resume keeps the id and the file
    assert reply_text(resumed) == "echo: still there? [turns=2] [recap=no]"
    assert vault.save(session_id, path)  # the resumed transcript extends the copy


def test_fallback_session_gets_the_recap(sandbox: Sandbox, workdir: Path) -> None:
    recap = build_recap([("user_message", {"text": "build a parser"}),
                         ("agent", {"type": "assistant", "message": {"content": [{"type": "text", "text": "Done."}]}})],
                        read_claude_event)
    cli = sandbox.start(workdir, "--session-id", str(uuid.uuid4()), "--append-system-prompt", recap)
    turn = cli.turn("next step?")
    code, stderr = cli.close()
    assert code == 0, stderr
    assert reply_text(turn) == "echo: next step? [turns=1] [recap=yes]"


def test_default_permission_mode_denies_bash_writes(sandbox: Sandbox, workdir: Path) -> None:
    cli = sandbox.start(workdir, "--session-id", str(uuid.uuid4()))
    read_only = cli.turn("BASH:echo hi-from-bash")
    writing = cli.turn("BASH:touch made-by-bash")
    code, stderr = cli.close()
    assert code == 0, stderr
    assert reply_text(read_only) == "done: hi-from-bash"
    assert read_only.result["permission_denials"] == []
    assert not (workdir / "made-by-bash").exists()
    denial = writing.result["permission_denials"][0]
    assert denial["tool_name"] == "Bash" and denial["tool_input"]["command"] == "touch made-by-bash"
    tool_results = [block for event in writing.events if event.get("type") == "user" and not event.get("isReplay")
                    for block in event["message"]["content"] if block.get("type") == "tool_result"]
    assert tool_results and tool_results[0]["is_error"] is True
    assert writing.result["is_error"] is False  # a denial does not fail the turn


def test_init_lists_slash_commands_and_a_command_sent_as_text_runs(sandbox: Sandbox, workdir: Path) -> None:
    commands = workdir / ".claude" / "commands"
    commands.mkdir(parents=True)
    (commands / "say-pineapple.md").write_text("Say the word PINEAPPLE-42.\n")
    cli = sandbox.start(workdir, "--session-id", str(uuid.uuid4()))
    first = cli.turn("hello")
    command = cli.turn("/say-pineapple")  # what the composer's `/` picker sends
    code, stderr = cli.close()
    assert code == 0, stderr
    inits = [next(e for e in turn.events if e.get("subtype") == "init") for turn in (first, command)]
    names = inits[-1]["slash_commands"]  # every turn starts with an init, so the newest one is current
    assert names[0] == "say-pineapple", names  # the project's own commands come first
    assert {"compact", "clear", "init", "review"} <= set(names)
    assert all(isinstance(n, str) and n and not n.startswith("/") for n in names)
    assert inits[0]["slash_commands"] == names
    assert "Say the word PINEAPPLE-42." in reply_text(command)  # the command's prompt reached the model


def test_an_at_path_in_the_text_gives_the_model_that_file(sandbox: Sandbox, workdir: Path) -> None:
    (workdir / "src").mkdir()
    (workdir / "src" / "notes.txt").write_text("BANANA-7\n")
    cli = sandbox.start(workdir, "--session-id", str(uuid.uuid4()))
    before = len(sandbox.api.requests)
    cli.turn("look at @src/notes.txt please")  # what the composer's `@` picker writes: a path from the project folder
    code, stderr = cli.close()
    assert code == 0, stderr
    sent = json.dumps(sandbox.api.requests[before:])
    assert "BANANA-7" in sent, "the CLI read the file and put it in the request"
