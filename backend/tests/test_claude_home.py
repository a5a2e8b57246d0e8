"""Where the CLI keeps transcripts: the expected names below were observed with the real CLI 2.1.197."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from swe_swe.agents.claude_home import (
    base36,
    config_dir,
    encode_project_dir,
    java_string_hash,
    transcript_path,
)

SID = "81407d78-753d-45ec-9783-bb3c0a8ade0a"


def test_config_dir_prefers_claude_config_dir() -> None:
    assert config_dir({"CLAUDE_CONFIG_DIR": "/srv/claude", "HOME": "/home/x"}) == Path("/srv/claude")


def test_config_dir_defaults_to_home_dot_claude() -> None:
    assert config_dir({"HOME": "/home/x"}) == Path("/home/x/.claude")
    assert config_dir({"CLAUDE_CONFIG_DIR": "", "HOME": "/home/x"}) == Path("/home/x/.claude")


def test_encode_replaces_everything_but_ascii_letters_and_digits() -> None:
    assert encode_project_dir("/tmp/my.proj_v2 x") == "-tmp-my-proj-v2-x"
    assert encode_project_dir("/tmp/café") == "-tmp-caf-"


def test_encode_counts_utf16_code_units_like_javascript() -> None:
    # observed: an emoji (one code point, two UTF-16 units) becomes two dashes
    assert encode_project_dir("/tmp/a\U0001F600b") == "-tmp-a--b"


def test_encode_keeps_200_chars_and_cuts_longer_with_hash() -> None:
    exact = "/" + "a" * 199
    assert encode_project_dir(exact) == "-" + "a" * 199
    longer = "/" + "a" * 200
    encoded = encode_project_dir(longer)
    assert encoded.startswith("-" + "a" * 199 + "-")
    assert encoded == "-" + "a" * 199 + "-" + base36(abs(java_string_hash(longer)))


@pytest.mark.parametrize(
    ("cwd", "suffix"),
    [
        (os.path.join("/tmp/encrootbhtqjclk", *[f"deep.dir_x{i}" for i in range(30)]), "-oma6w9"),
        (os.path.join("/tmp/encrootbhtqjclk", "\U0001F600" * 3 + "é", *[f"segment-{i}" for i in range(25)]), "-52k81c"),
    ],
)
def test_encode_long_paths_as_observed(cwd: str, suffix: str) -> None:
    encoded = encode_project_dir(cwd)
    assert encoded.endswith(suffix)
    assert len(encoded) == 200 + len(suffix)


def test_java_string_hash_matches_java() -> None:
    assert java_string_hash("") == 0
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("polygenelubricants") == -2147483648  # abs() must not overflow


def test_base36_matches_javascript_to_string_36() -> None:
    assert base36(0) == "0"
    assert base36(35) == "z"
    assert base36(36) == "10"
    assert base36(2147483648) == "zik0zk"


def test_transcript_path_uses_realpath_of_cwd(tmp_path: Path) -> None:
    real = tmp_path / "real dir"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    config = tmp_path / "cfg"
    expected = config / "projects" / encode_project_dir(os.path.realpath(real)) / f"{SID}.jsonl"
    assert transcript_path(config, link, SID) == expected
    assert transcript_path(config, real, SID) == expected


def test_transcript_path_refuses_what_is_not_a_session_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        transcript_path(tmp_path, tmp_path, "../../etc/passwd")
