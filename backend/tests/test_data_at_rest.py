"""Conversations may hold secrets: the data dir is the owner's alone, from the moment each file is
made (issue 13). Umask 022, the common default, would otherwise leave them readable by all."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from swe_swe import security
from swe_swe.agents.claude_transcript import transcript_validator
from swe_swe.agents.demo import DemoAgent
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.app import create_app
from swe_swe.config import Config
from swe_swe.errors import UnsafeDataDir
from swe_swe.vault import Vault


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_data_dir_and_the_database_are_private_from_creation(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "a" / "data", workdir=tmp_path)
    app = create_app(config, DemoAgent(config.workdir, 1.0, 1.0, RunningAgents(config.data_dir)))
    store = app.ctx.store
    conversation = store.create_conversation("demo")
    store.append_event(conversation.id, "notice", {"level": "info", "text": "secret"})
    assert mode(config.data_dir) == 0o700
    files = [config.db_path, Path(f"{config.db_path}-wal"), Path(f"{config.db_path}-shm"), config.data_dir / "token"]
    for path in files:
        assert mode(path) == 0o600, path
    store.close()


def test_the_token_file_is_made_with_o_excl_and_never_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "token").symlink_to(elsewhere)  # planted: a write would create the target
    with pytest.raises(UnsafeDataDir):
        security.load_or_create_token(data_dir, "")
    assert not elsewhere.exists()


def test_an_empty_token_file_from_a_crash_is_replaced(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "token").touch()
    token = security.load_or_create_token(data_dir, "")
    assert token and (data_dir / "token").read_text().strip() == token
    assert mode(data_dir / "token") == 0o600


def test_an_older_open_data_dir_is_closed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    security.make_private_dir(data_dir)
    assert mode(data_dir) == 0o700


def test_vault_copies_are_private(tmp_path: Path) -> None:
    sid = "81407d78-753d-45ec-9783-bb3c0a8ade0a"
    transcript = tmp_path / f"{sid}.jsonl"
    record = {"type": "user", "uuid": "00000000-0000-4000-8000-000000000001", "timestamp": "2025-01-01T00:00:00.000Z",
              "message": {"role": "user", "content": "hi"}, "sessionId": sid}
    transcript.write_text(json.dumps(record) + "\n")
    vault = Vault(tmp_path / "data" / "vault", transcript_validator())
    assert vault.save(sid, transcript)
    assert mode(vault.path_for(sid)) == 0o600


def test_running_agent_notes_are_private(tmp_path: Path) -> None:
    running = RunningAgents(tmp_path / "data")
    if running.own_dir is None:
        pytest.skip("no /proc here")
    running.note(os.getpid())
    assert mode(running.root) == 0o700 and mode(running.own_dir) == 0o700
    assert [mode(p) for p in running.own_dir.iterdir()] == [0o600]
