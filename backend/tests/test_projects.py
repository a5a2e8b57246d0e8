"""Projects: `--workdir` repeated and `--projects-root`; each conversation works in its own project's folder."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path

import pytest

from claude_harness import claude_server
from http_client import call
from server_process import ServerProcess
from swe_swe.agents import claude_home
from swe_swe.cli import build_parser, config_from_args
from swe_swe.errors import ProtocolError
from swe_swe.projects import Projects, project_id, repositories_under
from swe_swe.store import SCHEMA_VERSION, Store
from ws_client import Client, run_finished


async def turn(client: Client, text: str) -> None:
    last = client.events[-1]["seq"] if client.events else 0
    await client.send_message(text)
    await client.wait_event(lambda e: run_finished(e) and e["seq"] > last, timeout=60)


def _repo(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / ".git").mkdir()
    return path


def test_projects_from_workdirs_and_root(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    root = tmp_path / "root"
    _repo(root / "zeta")
    _repo(root / "alpha")
    (root / "not-a-repo").mkdir()
    _repo(root / ".hidden")
    projects = Projects([a, b, a], root, rescan_seconds=0)
    listed = projects.all()
    assert [p.name for p in listed] == ["a", "b", "alpha", "zeta"]
    assert [p.default for p in listed] == [True, False, False, False]
    assert projects.get(None) == listed[0] and projects.get("") == listed[0]
    assert projects.get(project_id(b)) == listed[1]
    _repo(root / "later")
    assert "later" in [p.name for p in projects.all()], "a repository cloned while serving shows up"


def test_project_ids_are_stable_and_unknown_ids_refused(tmp_path: Path) -> None:
    assert project_id(tmp_path) == project_id(tmp_path / "." ) and len(project_id(tmp_path)) == 16
    projects = Projects([tmp_path])
    with pytest.raises(ProtocolError) as refused:
        projects.require("../../etc")
    assert refused.value.code == "not_found"
    assert projects.get("/tmp") is None, "a path is never taken for a project"


def test_repositories_under_a_missing_root_is_empty(tmp_path: Path) -> None:
    assert repositories_under(tmp_path / "nope") == []


def test_cli_repeated_workdir_and_projects_root(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    root = tmp_path / "root"
    _repo(root / "r1")
    args = build_parser({}).parse_args(["--workdir", str(a), "--workdir", str(b), "--projects-root", str(root)])
    config = config_from_args(args, {})
    assert (config.workdir, config.more_workdirs, config.projects_root) == (a.resolve(), (b.resolve(),), root.resolve())
    only_root = config_from_args(build_parser({}).parse_args(["--projects-root", str(root)]), {})
    assert only_root.workdir == (root / "r1").resolve() and only_root.more_workdirs == ()


def test_store_migrates_to_projects(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("create table conversation_old as select * from conversation")
    db.execute("drop table conversation")
    db.execute("create table conversation as select id, title, agent, agent_session_id, lost_agent_session_id, status, "
               "head_seq, created_at, last_active_at, permission_mode from conversation_old")
    db.execute("insert into conversation values ('c1', 't', 'demo', null, null, 'idle', 0, 1, 1, 'default')")
    db.execute("update schemainfo set value='2' where key='schema_version'")
    db.commit()
    db.close()
    store = Store(path)
    conversation = store.get_conversation("c1")
    assert conversation is not None and conversation.project_id == ""
    assert store.create_conversation("demo", project_id="p1").project_id == "p1"
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("select value from schemainfo where key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)


def test_api_lists_projects_and_hello_picks_one(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--workdir", str(a), "--workdir", str(b)]).start()
    try:
        status, body = call("GET", f"{server.base_url}/api/projects")
        assert status == 200
        ids = [p["id"] for p in body["projects"]]
        assert [p["name"] for p in body["projects"]] == ["a", "b"] and body["projects"][0]["default"] is True

        async def scenario() -> None:
            plain = await Client.connect(server.ws_url)
            assert (await plain.hello())["project_id"] == ids[0]
            await plain.close()
            second = await Client.connect(server.ws_url)
            welcome = await second.hello(project_id=ids[1])
            assert welcome["project_id"] == ids[1]
            await second.close()
            wrong = await Client.connect(server.ws_url)
            await wrong.send_json({"type": "hello", "protocol": 1, "client_id": "t", "conversation_id": None,
                                   "last_seq": 0, "project_id": str(b)})
            error = await wrong.recv_type("error")
            assert error["code"] == "not_found"
            await wrong.close()
            return welcome["conversation_id"]

        conversation_id = asyncio.run(scenario())
        listed = call("GET", f"{server.base_url}/api/conversations")[1]["conversations"]
        assert {c["id"]: c["project_id"] for c in listed}[conversation_id] == ids[1]
        assert all(c["project_id"] in ids for c in listed)
        details = call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]
        assert details["project_id"] == ids[1] and details["workdir"] == str(b.resolve())
    finally:
        server.terminate()


def test_claude_works_in_the_chosen_project(tmp_path: Path) -> None:
    """The real CLI: a conversation of the second project runs there, and its transcript is where the
    CLI of that folder looks, so the next turn resumes it."""
    second = tmp_path / "second"
    subprocess.run(["git", "init", "-q", str(second)], check=True)
    with claude_server(tmp_path, ["--workdir", str(second)]) as (server, api, config_dir):
        projects = call("GET", f"{server.base_url}/api/projects")[1]["projects"]
        assert [p["name"] for p in projects] == ["work", "second"]

        async def scenario() -> tuple[dict[str, object], str]:
            client = await Client.connect(server.ws_url)
            welcome = await client.hello(project_id=projects[1]["id"])
            await turn(client, "where")
            await turn(client, "again")
            init = next(e["data"] for e in client.events if e["kind"] == "agent" and e["data"].get("subtype") == "init")
            results = [e["data"]["result"] for e in client.events if e["kind"] == "agent" and e["data"].get("type") == "result"]
            assert "[turns=2]" in results[-1], "the second turn resumed the session of that project"
            await client.close()
            return init, welcome["conversation_id"]

        init, conversation_id = asyncio.run(scenario())
        assert init["cwd"] == str(second.resolve())
        session_id = call("GET", f"{server.base_url}/api/conversations/{conversation_id}")[1]["agent_session_id"]
        assert (claude_home.project_dir(config_dir, second) / f"{session_id}.jsonl").exists()
        assert not (claude_home.project_dir(config_dir, tmp_path / "work") / f"{session_id}.jsonl").exists()
