"""Item 9 of issue 13: a short seed of `make fuzz` (backend/tests/fuzz_server.py), and what it found."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from fuzz_server import fuzz, report
from server_process import ServerProcess

SEED = int(os.environ.get("SWE_SWE_FUZZ_SEED", "13"))


def test_a_short_fuzz_run_keeps_the_server_up_and_every_socket_answered(tmp_path: Path) -> None:
    stats = fuzz(400, SEED, tmp_path / "data")
    print(report(stats, SEED, 0))
    assert stats.cases >= 400
    assert not stats.failures, "\n".join(stats.failures)
    assert stats.answered["error"] > 0 and stats.statuses, "the cases reached the server"


def _raw(server: ServerProcess, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_target_that_is_not_a_url_is_answered_400_without_a_traceback(server: ServerProcess) -> None:
    """Sanic built its 400's placeholder request from the same bad target, raised again, and dropped the
    connection with a traceback in the log (found by the fuzzer)."""
    for target in (b"?after=-1", b"/" + b"a" * 70_000):
        answer = _raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert answer.split(b" ", 2)[1] in (b"400", b"413", b"414"), answer[:200]
    assert "Traceback" not in server.log_text()
