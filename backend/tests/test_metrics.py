"""`GET /api/metrics`: Prometheus text, behind the token, counting what the event log says (issue 13)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid

from prometheus_client.parser import text_string_to_metric_families

from http_client import call
from server_process import ServerProcess
from swe_swe.metrics import Metrics
from swe_swe.store import LoggedEvent
from ws_client import Client, run_finished


def event(seq: int, kind: str, ts: int, **data: object) -> LoggedEvent:
    return LoggedEvent(seq, kind, ts, json.dumps(data))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(server: ServerProcess) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    request = urllib.request.Request(f"{server.base_url}/api/metrics", headers={"Authorization": "Bearer test-token"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return samples(response.read().decode())


def test_turns_recoveries_and_approvals_are_read_off_the_log() -> None:
    metrics = Metrics()
    cid = str(uuid.uuid4())
    for e in [event(1, "run_started", 1_000, resumed=False), event(2, "run_finished", 4_500, outcome="ok", exit_code=None),
              event(3, "session_lost", 5_000, reason="gone", recovery="restored"),
              event(4, "approval_resolved", 6_000, approval_id="a", decision="deny"),
              event(5, "approval_cancelled", 7_000, approval_id="b", reason="stopped")]:
        metrics.observe_event(cid, e)
    found = samples(metrics.render().decode())
    assert found[("swe_swe_turns_total", (("outcome", "ok"),))] == 1
    assert found[("swe_swe_turn_seconds_sum", ())] == 3.5
    assert found[("swe_swe_recoveries_total", (("kind", "restored"),))] == 1
    assert found[("swe_swe_approvals_total", (("outcome", "deny"),))] == 1
    assert found[("swe_swe_approvals_total", (("outcome", "cancelled"),))] == 1
    # every metric the issue names exists from the start, so a dashboard never sees it appear
    names = {name for name, _ in found} | {name for name, _ in samples(Metrics().render().decode())}
    for name in ("swe_swe_sockets_open", "swe_swe_events_replayed_total", "swe_swe_pushes_total",
                 "swe_swe_storage_errors_total", "swe_swe_duplicates_refused_total", "swe_swe_reconnects_total"):
        assert name in names or any(n.startswith(name.removesuffix("_total")) for n in names), name


def test_two_apps_in_one_process_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.sockets_open.inc()
    assert samples(second.render().decode())[("swe_swe_sockets_open", ())] == 0


def test_the_metrics_route_needs_the_token_and_counts_a_session(server: ServerProcess) -> None:
    assert call("GET", f"{server.base_url}/api/metrics", token=None)[0] == 401

    async def scenario() -> str:
        client = await Client.connect(server.ws_url)
        welcome = await client.hello()
        mid = await client.send_message("count me")
        await client.wait_event(run_finished)
        await client.send_message("again", client_msg_id=mid)
        await client.recv_type("ack")
        assert scrape(server)[("swe_swe_sockets_open", ())] == 1
        await client.close()
        back = await Client.connect(server.ws_url)
        await back.hello(welcome["conversation_id"], last_seq=1)
        await back.close()
        return welcome["conversation_id"]

    asyncio.run(scenario())
    found = scrape(server)
    assert found[("swe_swe_turns_total", (("outcome", "ok"),))] == 1
    assert found[("swe_swe_turn_seconds_count", ())] == 1
    assert found[("swe_swe_duplicates_refused_total", (("via", "ws"),))] == 1
    assert found[("swe_swe_reconnects_total", ())] == 1
    assert found[("swe_swe_replays_total", ())] == 2
    assert found[("swe_swe_events_replayed_total", ())] >= 3
    assert found[("swe_swe_sockets_open", ())] == 0
    assert 0 <= found[("swe_swe_loop_lag_p99_seconds", ())] <= found[("swe_swe_loop_lag_worst_seconds", ())] < 5


def test_the_asyncio_task_count_follows_the_sockets(server: ServerProcess) -> None:
    """`swe_swe_asyncio_tasks` (what `make soak` watches for leaks): each socket holds its handler, sender
    and keep-alive tasks, and gives them back when it closes."""
    async def scenario() -> tuple[float, float, float]:
        before = scrape(server)[("swe_swe_asyncio_tasks", ())]
        clients = [await Client.connect(server.ws_url) for _ in range(5)]
        for client in clients:
            await client.hello()
        during = scrape(server)[("swe_swe_asyncio_tasks", ())]
        for client in clients:
            await client.close()
        for _ in range(100):
            after = scrape(server)[("swe_swe_asyncio_tasks", ())]
            if after <= before:
                break
            await asyncio.sleep(0.05)
        return before, during, after

    before, during, after = asyncio.run(scenario())
    assert before > 0 and during >= before + 15 and after <= before
