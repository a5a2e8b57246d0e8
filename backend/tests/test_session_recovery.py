"""The check both adapters run before a turn names its three answers (issue 13: it returned True,
False or None): resume as is, resume what the vault just put back, or fall back to a new session."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from swe_swe.agents.session_recovery import Resumable, SessionStep, check_resumable
from swe_swe.transcripts import TranscriptState

SESSION = "7f8e9d0c-1b2a-4c3d-8e5f-60718293a4b5"


class Steps:
    """A sink that keeps only the recovery steps it is told."""

    def __init__(self) -> None:
        self.steps: list[tuple[str | None, str, str]] = []

    def recovery(self, session_id: str | None, step: str, outcome: str, *_: Any) -> None:
        self.steps.append((session_id, step, outcome))


def check(session_id: str, state: TranscriptState, restored: bool) -> tuple[Resumable, Steps]:
    sink = Steps()
    found = asyncio.run(check_resumable(session_id, Path("/nowhere.jsonl"), lambda _: state, lambda: restored, sink))  # type: ignore[arg-type]
    return found, sink


def test_a_transcript_in_place_is_resumed_as_is_with_no_recovery_step() -> None:
    found, sink = check(SESSION, TranscriptState.RESUMABLE, restored=False)
    assert found is Resumable.AS_IS and found.can_resume
    assert sink.steps == []


def test_a_missing_transcript_put_back_from_the_vault_is_restored() -> None:
    found, sink = check(SESSION, TranscriptState.MISSING, restored=True)
    assert found is Resumable.RESTORED and found.can_resume
    assert sink.steps == [(SESSION, SessionStep.VALIDATE, "missing"), (SESSION, SessionStep.RESTORE, "restored")]


def test_a_broken_transcript_with_no_copy_is_gone() -> None:
    found, sink = check(SESSION, TranscriptState.EMPTY_OR_INVALID, restored=False)
    assert found is Resumable.GONE and not found.can_resume
    assert sink.steps == [(SESSION, SessionStep.VALIDATE, "empty_or_invalid"), (SESSION, SessionStep.RESTORE, "no_copy")]


def test_an_id_that_is_not_a_uuid_is_gone_before_any_file_is_looked_at() -> None:
    def must_not_look(_: Path) -> TranscriptState:
        raise AssertionError("a bad id must never reach the file system")

    sink = Steps()
    found = asyncio.run(check_resumable("../../etc/passwd", None, must_not_look, lambda: True, sink))  # type: ignore[arg-type]
    assert found is Resumable.GONE
    assert sink.steps == [(None, SessionStep.VALIDATE, "invalid_id")]
