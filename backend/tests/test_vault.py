"""The vault keeps byte copies and never trades a good copy for a file that does not extend it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swe_swe import vault as vault_module
from swe_swe.agents.claude_transcript import transcript_validator
from swe_swe.transcripts import TranscriptState
from swe_swe.vault import FINGERPRINT_BLOCK_BYTES, CopyState, Vault, extends

SID = "81407d78-753d-45ec-9783-bb3c0a8ade0a"


def msg(n: int) -> bytes:
    record = {"type": "user", "uuid": f"00000000-0000-4000-8000-{n:012d}", "timestamp": "2025-01-01T00:00:00.000Z",
              "message": {"role": "user", "content": f"message {n}"}, "sessionId": SID}
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault", transcript_validator())


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "projects" / "-work" / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(msg(1) + msg(2))
    return path


def test_save_and_restore_byte_copy(vault: Vault, transcript: Path, tmp_path: Path) -> None:
    assert not vault.has(SID)
    assert vault.save(SID, transcript)
    assert vault.has(SID)
    assert vault.path_for(SID).read_bytes() == transcript.read_bytes()
    dest = tmp_path / "elsewhere" / "deep" / f"{SID}.jsonl"
    assert vault.restore(SID, dest)
    assert dest.read_bytes() == transcript.read_bytes()


def test_save_extends_copy(vault: Vault, transcript: Path) -> None:
    assert vault.save(SID, transcript)
    with open(transcript, "ab") as handle:
        handle.write(msg(3))
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == msg(1) + msg(2) + msg(3)
    assert vault.save(SID, transcript)  # unchanged: nothing to do, still held


def test_save_never_replaces_copy_with_non_extension(vault: Vault, transcript: Path) -> None:
    assert vault.save(SID, transcript)
    transcript.write_bytes(msg(3))  # the CLI recreated a deleted transcript holding only new lines
    assert not vault.save(SID, transcript)
    transcript.write_bytes(msg(1))  # shorter
    assert not vault.save(SID, transcript)
    transcript.write_bytes(msg(1) + msg(9) + msg(3))  # same start, then diverges
    assert not vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == msg(1) + msg(2)


def test_save_refuses_unresumable_or_missing(vault: Vault, transcript: Path) -> None:
    transcript.write_bytes(b'{"type":"last-prompt","lastPrompt":"hi"}\n')
    assert not vault.save(SID, transcript)
    transcript.unlink()
    assert not vault.save(SID, transcript)
    assert not vault.has(SID)


def test_save_copies_complete_lines_only(vault: Vault, transcript: Path) -> None:
    with open(transcript, "ab") as handle:
        handle.write(msg(3)[:20])  # the CLI is mid-way through a line
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == msg(1) + msg(2)
    with open(transcript, "ab") as handle:
        handle.write(msg(3)[20:])
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == msg(1) + msg(2) + msg(3)


def test_restore_leaves_a_newer_extension_alone(vault: Vault, transcript: Path) -> None:
    assert vault.save(SID, transcript)
    with open(transcript, "ab") as handle:
        handle.write(msg(3))
    assert vault.restore(SID, transcript)
    assert transcript.read_bytes() == msg(1) + msg(2) + msg(3)
    assert vault.restore(SID, transcript, force=True)
    assert transcript.read_bytes() == msg(1) + msg(2)


def test_restore_replaces_recreated_or_invalid_file(vault: Vault, transcript: Path) -> None:
    validator = transcript_validator()
    vault = Vault(vault.root, validator)
    assert vault.save(SID, transcript)
    transcript.write_bytes(msg(7))  # resumable, but lost the context
    assert validator.check(transcript) is TranscriptState.RESUMABLE
    assert vault.restore(SID, transcript)
    assert transcript.read_bytes() == msg(1) + msg(2)
    transcript.write_bytes(b"")
    assert vault.restore(SID, transcript)
    assert validator.check(transcript) is TranscriptState.RESUMABLE


def test_restore_without_copy(vault: Vault, tmp_path: Path) -> None:
    assert not vault.restore(SID, tmp_path / f"{SID}.jsonl")
    assert not (tmp_path / f"{SID}.jsonl").exists()


def test_delete(vault: Vault, transcript: Path) -> None:
    assert not vault.delete(SID)
    vault.save(SID, transcript)
    assert vault.delete(SID)
    assert not vault.has(SID)


def test_writes_leave_no_temp_files(vault: Vault, transcript: Path, tmp_path: Path) -> None:
    vault.save(SID, transcript)
    dest = tmp_path / "d" / f"{SID}.jsonl"
    vault.restore(SID, dest)
    assert sorted(p.name for p in vault.root.iterdir()) == [f"{SID}.jsonl", f"{SID}.jsonl.state"]
    assert [p.name for p in dest.parent.iterdir()] == [f"{SID}.jsonl"]
    (vault.root / f".{SID}.jsonl.abc.tmp").write_bytes(b"half")
    (vault.root / f".{SID}.jsonl.state.xyz.tmp").write_bytes(b"{")
    assert vault.remove_leftovers() == 2
    assert sorted(p.name for p in vault.root.iterdir()) == [f"{SID}.jsonl", f"{SID}.jsonl.state"]


@pytest.mark.parametrize("bad", ["", "../x", "../../etc/passwd", "81407D78-753D-45EC-9783-BB3C0A8ADE0A", "x" * 36])
def test_rejects_non_uuid_ids(vault: Vault, transcript: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        vault.save(bad, transcript)
    with pytest.raises(ValueError):
        vault.restore(bad, transcript)
    with pytest.raises(ValueError):
        vault.has(bad)
    with pytest.raises(ValueError):
        vault.delete(bad)


def test_extends(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.write_bytes(b"hello world")
    b.write_bytes(b"hello")
    assert extends(a, b)
    assert not extends(b, a)
    assert extends(a, a)
    assert not extends(a, tmp_path / "missing")


def big_msg(n: int, size: int) -> bytes:
    """A valid line of about `size` bytes (a large tool output)."""
    record = json.loads(msg(n))
    record["message"]["content"] = "x" * size
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


def test_save_appends_in_place_without_reading_the_copy(vault: Vault, transcript: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: a save costs what the turn added. The copy is appended to (same inode), never compared in full."""
    assert vault.save(SID, transcript)
    inode = vault.path_for(SID).stat().st_ino

    def no_full_compare(*args: object) -> bool:
        raise AssertionError("the copy was compared in full")

    monkeypatch.setattr(vault_module, "_is_prefix", no_full_compare)
    for n in range(3, 6):
        with open(transcript, "ab") as handle:
            handle.write(msg(n))
        assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == transcript.read_bytes()
    assert vault.path_for(SID).stat().st_ino == inode
    state = CopyState.load(vault.state_path_for(SID))
    assert state is not None and state.size == len(transcript.read_bytes())
    assert vault.held_size(SID) == state.size


def test_save_refuses_a_change_in_the_last_block_of_a_large_copy(vault: Vault, transcript: Path) -> None:
    transcript.write_bytes(msg(1) + big_msg(2, 3 * FINGERPRINT_BLOCK_BYTES) + msg(3))
    assert vault.save(SID, transcript)
    held = vault.path_for(SID).read_bytes()
    transcript.write_bytes(msg(1) + big_msg(2, 3 * FINGERPRINT_BLOCK_BYTES) + msg(4) + msg(5))  # same length start, new end
    assert not vault.save(SID, transcript)
    transcript.write_bytes(msg(7) + held[len(msg(7)):] + msg(8))  # new first line, same tail
    assert not vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == held


def test_files_are_private(vault: Vault, transcript: Path) -> None:
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).stat().st_mode & 0o777 == 0o600
    assert vault.state_path_for(SID).stat().st_mode & 0o777 == 0o600


def test_a_save_cut_short_by_a_crash_is_cut_off(vault: Vault, transcript: Path, tmp_path: Path) -> None:
    """Bytes appended without their state committed (a crash between the two) never reach a restore or the next save."""
    assert vault.save(SID, transcript)
    with open(vault.path_for(SID), "ab") as copy:
        copy.write(msg(3)[:25])  # a torn append
    dest = tmp_path / "restored.jsonl"
    assert vault.restore(SID, dest)
    assert dest.read_bytes() == msg(1) + msg(2)
    with open(vault.path_for(SID), "ab") as copy:
        copy.write(b"\0" * 100)
    with open(transcript, "ab") as handle:
        handle.write(msg(3))
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == msg(1) + msg(2) + msg(3)


def test_a_copy_without_a_state_we_trust_is_compared_in_full(vault: Vault, transcript: Path) -> None:
    """Copies made before the state file existed, or replaced by hand, take the old path once."""
    assert vault.save(SID, transcript)
    vault.state_path_for(SID).unlink()
    with open(transcript, "ab") as handle:
        handle.write(msg(3))
    assert vault.save(SID, transcript)
    assert vault.state_path_for(SID).exists()
    assert vault.path_for(SID).read_bytes() == transcript.read_bytes()
    vault.path_for(SID).write_bytes(msg(1))  # replaced by hand (the state names another size)
    assert vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == transcript.read_bytes()
    vault.state_path_for(SID).write_text("not json")
    other = msg(9) + msg(8)
    vault.path_for(SID).write_bytes(other)
    assert not vault.save(SID, transcript)
    assert vault.path_for(SID).read_bytes() == other


def test_delete_removes_the_state(vault: Vault, transcript: Path) -> None:
    assert vault.save(SID, transcript)
    assert vault.delete(SID)
    assert list(vault.root.iterdir()) == []
    assert vault.held_size(SID) == 0
