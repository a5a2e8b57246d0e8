"""What makes a Claude transcript resumable (as the real CLI judges it), how cheap a repeated check is, and
finding a turn's line (transcripts.py, agents/claude_transcript.py)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from swe_swe import transcripts
from swe_swe.agents import claude_transcript
from swe_swe.agents.claude_transcript import (
    UuidSearch,
    contains_uuid,
    is_message_line,
    transcript_validator,
    wait_for_uuid,
)
from swe_swe.transcripts import TranscriptState, TranscriptValidator, scan_transcript

SID = "81407d78-753d-45ec-9783-bb3c0a8ade0a"
UUID_A = "0992bbe6-cf88-4b5a-9a1e-e4867f076c4d"
UUID_B = "b84b8f62-2d25-4201-896d-ce0f6fd0b51f"


def line(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":")) + "\n"


def user_line(uuid: str = UUID_A, parent: str | None = None, **extra: Any) -> str:
    record: dict[str, Any] = {"parentUuid": parent, "type": "user", "message": {"role": "user", "content": "hello"},
                              "uuid": uuid, "timestamp": "2025-01-01T00:00:00.000Z", "sessionId": SID}
    record.update(extra)
    return line(record)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("content", "state"),
    [
        ("", TranscriptState.EMPTY_OR_INVALID),
        (line({"type": "summary", "summary": "x", "leafUuid": UUID_A}), TranscriptState.EMPTY_OR_INVALID),
        ("not json\n{{{\n", TranscriptState.EMPTY_OR_INVALID),
        (line({"type": "last-prompt", "lastPrompt": "hi", "sessionId": SID}), TranscriptState.EMPTY_OR_INVALID),
        (user_line(timestamp=None), TranscriptState.EMPTY_OR_INVALID),
        (user_line(timestamp=""), TranscriptState.EMPTY_OR_INVALID),
        (user_line(message=None), TranscriptState.EMPTY_OR_INVALID),
        ("[1,2]\n", TranscriptState.EMPTY_OR_INVALID),
        (user_line(), TranscriptState.RESUMABLE),
        (user_line().rstrip("\n"), TranscriptState.RESUMABLE),
        ("garbage\n" + user_line(), TranscriptState.RESUMABLE),
        (user_line(timestamp=12345), TranscriptState.RESUMABLE),
        (line({"type": "assistant", "uuid": UUID_B, "timestamp": "2025-01-01T00:00:00.000Z",
               "message": {"role": "assistant", "content": [{"type": "text", "text": "hi"}]}}),
         TranscriptState.RESUMABLE),
    ],
)
def test_scan_judges_like_the_cli(tmp_path: Path, content: str, state: TranscriptState) -> None:
    assert scan_transcript(write(tmp_path / "t.jsonl", content), is_message_line) is state


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert scan_transcript(tmp_path / "nope.jsonl", is_message_line) is TranscriptState.MISSING
    assert transcript_validator().check(tmp_path / "nope.jsonl") is TranscriptState.MISSING
    assert scan_transcript(tmp_path, is_message_line) is TranscriptState.EMPTY_OR_INVALID


def test_is_message_line_needs_a_dict() -> None:
    assert not is_message_line(["user"])
    assert not is_message_line({"type": "attachment", "timestamp": "x", "message": {}})


def test_scan_stops_at_first_qualifying_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", user_line() + "x" * 10_000_000 + "\n")
    started = time.perf_counter()
    assert scan_transcript(path, is_message_line) is TranscriptState.RESUMABLE
    assert time.perf_counter() - started < 0.05


def test_over_long_lines_are_skipped_not_held(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", line({"type": "summary", "summary": "y" * 5000}) + user_line())
    assert scan_transcript(path, is_message_line, max_line_bytes=1000) is TranscriptState.RESUMABLE
    only_long = write(tmp_path / "u.jsonl", user_line(extra_text="z" * 5000))
    assert scan_transcript(only_long, is_message_line, max_line_bytes=1000) is TranscriptState.EMPTY_OR_INVALID


def test_repeated_check_costs_one_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "t.jsonl", "garbage\n" * 1000 + user_line())
    validator = transcript_validator()
    assert validator.check(path) is TranscriptState.RESUMABLE
    scans: list[Path] = []

    def counting_scan(p: Path, *_: object) -> TranscriptState:
        scans.append(p)
        return TranscriptState.MISSING

    monkeypatch.setattr(transcripts, "scan_transcript", counting_scan)
    started = time.perf_counter()
    for _ in range(1000):
        assert validator.check(path) is TranscriptState.RESUMABLE
    per_check = (time.perf_counter() - started) / 1000
    assert scans == []
    assert per_check < 0.0005


def test_cache_notices_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", "")
    validator = transcript_validator()
    assert validator.check(path) is TranscriptState.EMPTY_OR_INVALID
    with open(path, "a") as handle:
        handle.write(user_line())
    assert validator.check(path) is TranscriptState.RESUMABLE
    replacement = write(tmp_path / "new.jsonl", "x" * (path.stat().st_size - 1) + "\n")
    assert replacement.stat().st_size == path.stat().st_size
    os.utime(replacement, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(replacement, path)  # same size and mtime, new inode
    assert validator.check(path) is TranscriptState.EMPTY_OR_INVALID
    path.unlink()
    assert validator.check(path) is TranscriptState.MISSING


def test_cache_is_bounded(tmp_path: Path) -> None:
    validator = TranscriptValidator(is_message_line, max_entries=3)
    for i in range(10):
        validator.check(write(tmp_path / f"{i}.jsonl", user_line()))
    assert len(validator) == 3


def test_contains_uuid_matches_own_uuid_not_parent(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", user_line(UUID_A))
    assert contains_uuid(path, UUID_A)
    assert not contains_uuid(path, UUID_B)
    with open(path, "a") as handle:
        handle.write(user_line(UUID_B, parent=UUID_A))
    assert contains_uuid(path, UUID_B)
    child_only = write(tmp_path / "c.jsonl", user_line(UUID_B, parent=UUID_A))
    assert not contains_uuid(child_only, UUID_A)
    assert not contains_uuid(tmp_path / "missing.jsonl", UUID_A)


def test_contains_uuid_across_chunk_boundaries_and_tail_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claude_transcript, "READ_CHUNK_BYTES", 7)
    path = write(tmp_path / "t.jsonl", user_line(UUID_A) + "x" * 100 + "\n")
    assert contains_uuid(path, UUID_A)
    assert not contains_uuid(path, UUID_A, tail_bytes=50)


def test_wait_for_uuid(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", user_line(UUID_A))

    async def scenario() -> tuple[bool, bool]:
        async def append_later() -> None:
            await asyncio.sleep(0.05)
            with open(path, "a") as handle:
                handle.write(user_line(UUID_B, parent=UUID_A))

        writer = asyncio.create_task(append_later())
        found = await wait_for_uuid(path, UUID_B, timeout_s=2)
        await writer
        missing = await wait_for_uuid(path, "00000000-0000-4000-8000-000000000000", timeout_s=0.05)
        return found, missing

    assert asyncio.run(scenario()) == (True, False)


def test_uuid_search_reads_only_what_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: each look reads the bytes appended since the last one, starting where the vault's copy ends."""
    monkeypatch.setattr(claude_transcript, "READ_CHUNK_BYTES", 64)
    held = user_line(UUID_A) + "x" * 10_000 + "\n"
    path = write(tmp_path / "t.jsonl", held)
    search = UuidSearch(path, UUID_B, offset=len(held))
    reads: list[int] = []
    real_open = open

    class CountingFile:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> CountingFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def read(self, n: int) -> bytes:
            data = self.handle.read(n)
            reads.append(len(data))
            return data

    monkeypatch.setattr(claude_transcript, "open", lambda *a, **k: CountingFile(real_open(*a, **k)), raising=False)
    assert not search.poll()
    assert sum(reads) == 0
    with open(path, "a") as handle:
        handle.write(user_line(UUID_B, parent=UUID_A)[:40])
    assert not search.poll()
    with open(path, "a") as handle:
        handle.write(user_line(UUID_B, parent=UUID_A)[40:])
    assert search.poll()
    assert sum(reads) <= len(user_line(UUID_B, parent=UUID_A))  # never a byte of what was there before
    assert not UuidSearch(path, UUID_A, offset=len(held)).poll()  # before the offset: not looked at
    assert UuidSearch(path, UUID_A).poll()  # no offset: the tail, as contains_uuid


def test_uuid_search_starts_over_on_a_shorter_file(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", user_line(UUID_A) * 20)
    search = UuidSearch(path, UUID_B, offset=path.stat().st_size)
    write(path, user_line(UUID_B))  # recreated by the CLI, holding only new lines
    assert search.poll()


def test_wait_for_uuid_from_an_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", user_line(UUID_A))
    size = path.stat().st_size
    assert asyncio.run(wait_for_uuid(path, UUID_A, timeout_s=0.05, start_offset=0))
    assert not asyncio.run(wait_for_uuid(path, UUID_A, timeout_s=0.05, start_offset=size))
