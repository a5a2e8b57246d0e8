"""The `@` picker's file search: what is listed (git's view, or a walk that honours .gitignore), how it
ranks, when it lists again, and the route's guards (token, project ids from the server's own list)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from http_client import call
from server_process import ServerProcess
from swe_swe.project_files import Listing, ProjectFiles, rank, walked_files


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e"})


def make_files(folder: Path, paths: list[str]) -> None:
    for path in paths:
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(path)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    make_files(folder, ["app.py", "a/p/p.py", "src/mapper.py", "docs/apple.md", "secret.env", "build/out.js",
                        "README.md"])
    (folder / ".gitignore").write_text("*.env\nbuild/\n")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "init")
    make_files(folder, ["untracked_app.txt"])
    return folder


def listing(paths: list[str]) -> Listing:
    return Listing(paths, None, time.monotonic())


def test_git_lists_tracked_and_untracked_but_not_ignored(repo: Path) -> None:
    found = ProjectFiles().search(repo, "", 100)
    assert sorted(found.paths) == [".gitignore", "README.md", "a/p/p.py", "app.py", "docs/apple.md", "src/mapper.py",
                                   "untracked_app.txt"]
    assert found.total == 7 and not found.truncated
    assert found.paths[:4] == [".gitignore", "README.md", "app.py", "untracked_app.txt"], "top-level files first"


def test_a_folder_inside_a_repository_is_listed_by_git(repo: Path) -> None:
    make_files(repo, ["src/local.env", "src/sub/deep.py"])  # *.env is ignored by the repository's .gitignore
    found = ProjectFiles().search(repo / "src", "", 100)
    assert sorted(found.paths) == ["mapper.py", "sub/deep.py"], "relative to the project folder"


def test_only_the_last_projects_are_kept(tmp_path: Path) -> None:
    files = ProjectFiles(max_projects=2)
    folders = [tmp_path / name for name in ("one", "two", "three")]
    for folder in folders:
        make_files(folder, ["x.txt"])
        files.search(folder, "x")
    assert list(files._listings) == folders[1:]


def test_app_ranks_before_scattered_letters() -> None:
    found = rank(listing(["a/p/p.py", "zzz/happy.py", "app.py", "src/mapper.py", "lib/app/x.py", "apps/long/name/app.py"]),
                 "app", 10)
    assert found.paths[0] == "app.py"
    assert found.paths.index("apps/long/name/app.py") < found.paths.index("zzz/happy.py"), "a name that starts with it first"
    assert found.paths.index("lib/app/x.py") < found.paths.index("a/p/p.py"), "in the path before scattered letters"
    assert found.paths[-1] == "a/p/p.py"
    assert "src/mapper.py" in found.paths


def test_fuzzy_prefers_consecutive_runs_and_is_case_blind() -> None:
    found = rank(listing(["s/c/r/i/p/t.py", "src/Script.py", "srcipt.md"]), "SCRIPT", 10)
    assert found.paths[0] == "src/Script.py"
    assert rank(listing(["x/conversation_view.js", "x/c_o_n_v.js"]), "convview", 10).paths == ["x/conversation_view.js"]


@pytest.mark.parametrize("query", ["../..", "a.*[(", "]^-\\", "x" * 5000, "a\nb", "\u00e9\u0000", "%2e%2e", "/"])
def test_hostile_queries_are_only_text(query: str) -> None:
    found = rank(listing(["a/b.py", "x]^-\\.txt", "../up.md"]), query, 5)
    assert found.total == 3 and len(found.paths) <= 3


def test_limit_and_truncated() -> None:
    paths = [f"f{i}.py" for i in range(30)]
    found = rank(listing(paths), "f", 5)
    assert len(found.paths) == 5 and found.truncated and found.total == 30
    assert not rank(listing(paths), "f29", 5).truncated


def test_walk_outside_git_skips_heavy_folders_and_honours_gitignore(tmp_path: Path) -> None:
    make_files(tmp_path, ["main.py", "node_modules/x/index.js", ".git/config", "logs/today.log", "keep.log",
                          "src/util.py", "src/__pycache__/util.pyc"])
    (tmp_path / ".gitignore").write_text("logs/\n*.log\n!keep.log\n")
    assert walked_files(tmp_path) == [".gitignore", "keep.log", "main.py", "src/util.py"]


def test_listed_again_when_the_index_changes_or_a_walk_is_old(repo: Path, tmp_path: Path) -> None:
    files = ProjectFiles(walk_max_age_s=0.2)
    assert "new.py" not in files.search(repo, "new", 10).paths
    make_files(repo, ["new.py"])
    git(repo, "add", "new.py")  # the index changes
    assert files.search(repo, "new", 10).paths == ["new.py"]
    plain = tmp_path / "plain"
    plain.mkdir()
    make_files(plain, ["one.txt"])
    assert files.search(plain, "", 10).paths == ["one.txt"]
    make_files(plain, ["two.txt"])
    assert files.search(plain, "", 10).paths == ["one.txt"], "cached meanwhile"
    time.sleep(0.3)
    assert files.search(plain, "", 10).paths == ["one.txt", "two.txt"]


def test_route_guards(repo: Path, tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", extra_args=["--workdir", str(repo)]).start()
    try:
        base = server.base_url
        project = call("GET", f"{base}/api/projects")[1]["projects"][0]
        url = f"{base}/api/projects/{project['id']}/files"
        status, body = call("GET", f"{url}?q=app&limit=3")
        assert status == 200
        assert body["files"][0] == {"path": "app.py"} and len(body["files"]) == 3
        assert body["total"] == 7 and body["truncated"] is True
        assert call("GET", f"{url}?q=app", token=None)[0] == 401
        assert call("GET", f"{url}?limit=lots")[0] == 400
        assert call("GET", f"{url}?limit=-1")[0] == 400
        assert len(call("GET", f"{url}?limit=100000")[1]["files"]) == 7, "at most MAX_LIMIT, here every file"
        for hostile in ("../../etc/passwd", "%00", "a.*[(", "x" * 3000):
            assert call("GET", f"{url}?q={urllib.parse.quote(hostile)}")[0] == 200
        for bad in ("nope", "..", "%2e%2e%2f%2e%2e%2fetc", urllib.parse.quote(str(repo), safe=""), ""):
            status, body = call("GET", f"{base}/api/projects/{bad}/files?q=a")
            assert status == 404, bad
            message = body["error"]["message"]
            assert "/" not in message and str(repo) not in message, message
    finally:
        server.terminate()
