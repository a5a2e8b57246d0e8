"""Agent output is hostile: a line of any length is read within a fixed bound (issue 13)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from swe_swe.agents import process
from swe_swe.agents.leftovers import RunningAgents
from swe_swe.agents.process import AgentProcess

PRINT_LINES = """
import sys
out = sys.stdout.buffer
out.write(b'{"type":"system","n":1}\\n')
out.write(b'{"type":"assistant","text":"' + b'x' * int(sys.argv[1]) + b'"}\\n')
out.write(b'{"type":"result","n":3}\\n')
out.write(b'{"type":"tail","no_newline":true}')
out.flush()
"""


def read_all(tmp_path: Path, long_line_bytes: int) -> list[bytes]:
    async def scenario() -> list[bytes]:
        argv = [sys.executable, "-c", PRINT_LINES, str(long_line_bytes)]
        agent = await AgentProcess.spawn(argv, tmp_path, os.environ, RunningAgents(tmp_path / "data"))
        lines = []
        while (line := await agent.read_line()) is not None:
            lines.append(line)
        await agent.wait(5)
        return lines

    return asyncio.run(scenario())


def test_a_line_over_the_cap_is_kept_as_a_bounded_marker(tmp_path: Path) -> None:
    size = process.STDOUT_LINE_LIMIT + 1024 * 1024
    lines = read_all(tmp_path, size)
    assert len(lines) == 4
    assert json.loads(lines[0]) == {"type": "system", "n": 1}
    marker = json.loads(lines[1])
    assert marker["type"] == "system" and marker["subtype"] == "output_truncated"
    assert marker["bytes"] == size + len(b'{"type":"assistant","text":""}')
    assert marker["head"].startswith('{"type":"assistant","text":"xxx')
    assert len(lines[1]) <= process.TRUNCATED_HEAD_BYTES + 200
    # the rest of the long line is not mistaken for lines of its own
    assert json.loads(lines[2]) == {"type": "result", "n": 3}
    assert json.loads(lines[3]) == {"type": "tail", "no_newline": True}


def test_a_line_under_the_cap_is_read_whole(tmp_path: Path) -> None:
    size = process.STDOUT_LINE_LIMIT - 100
    lines = read_all(tmp_path, size)
    assert len(lines) == 4 and len(lines[1]) == size + len(b'{"type":"assistant","text":""}')
    assert json.loads(lines[1])["type"] == "assistant"


def test_the_cap_is_a_few_mebibytes_not_64() -> None:
    assert process.STDOUT_LINE_LIMIT <= 8 * 1024 * 1024
