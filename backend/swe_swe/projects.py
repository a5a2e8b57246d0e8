"""The folders the agent may work in: `--workdir` (repeatable) and the git repositories under `--projects-root`.

A client names a project only by the id the server made for it; no path from a client is ever used as a
path. The id is derived from the folder's real path, so it stays the same across restarts and a
conversation keeps its project as long as the server is started with that folder. The projects root is
scanned again now and then, so a repository cloned while the server runs shows up without a restart.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swe_swe.errors import ErrorCode, ProtocolError

RESCAN_SECONDS = 5.0
PROJECT_NOT_FOUND = "This project is not served by this server."


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    path: Path
    default: bool = False

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "path": str(self.path), "default": self.default}


def project_id(path: Path) -> str:
    """Stable and opaque: 16 hex digits of the folder's real path."""
    return hashlib.sha256(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def is_git_repository(path: Path) -> bool:
    """A work tree has `.git` as a folder, a linked worktree or submodule as a file."""
    return (path / ".git").exists()


def repositories_under(root: Path) -> list[Path]:
    """The git repositories directly under `root`, by name; hidden folders are skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name.lower())
    except OSError:
        return []
    found: list[Path] = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        path = Path(entry.path)
        if is_git_repository(path):
            found.append(path)
    return found


def _unique_names(paths: list[Path]) -> list[str]:
    """Folder names, with the parent's name added where two projects would look alike."""
    names = [p.name or str(p) for p in paths]
    for i, path in enumerate(paths):
        if names.count(path.name) > 1:
            names[i] = f"{path.parent.name}/{path.name}"
    return names


class Projects:
    """The server's own list; every id a client sends is checked against it."""

    def __init__(self, workdirs: list[Path], root: Path | None = None, rescan_seconds: float = RESCAN_SECONDS) -> None:
        self._workdirs = [p.resolve() for p in workdirs]
        self._root = root.resolve() if root is not None else None
        self._rescan_seconds = rescan_seconds
        self._lock = threading.Lock()
        self._scanned_at = -1e18
        self._list: list[Project] = []
        self._by_id: dict[str, Project] = {}
        self._scan()

    def _scan(self) -> None:
        paths: list[Path] = []
        seen: set[str] = set()
        for path in [*self._workdirs, *(repositories_under(self._root) if self._root else [])]:
            key = project_id(path)
            if key not in seen:
                seen.add(key)
                paths.append(path)
        names = _unique_names(paths)
        projects = [Project(project_id(p), name, p, default=i == 0) for i, (p, name) in enumerate(zip(paths, names, strict=True))]
        self._list = projects
        self._by_id = {p.id: p for p in projects}
        self._scanned_at = time.monotonic()

    def _fresh(self) -> None:
        if self._root is None or time.monotonic() - self._scanned_at < self._rescan_seconds:
            return
        with self._lock:
            self._scan()

    def all(self) -> list[Project]:
        self._fresh()
        return list(self._list)

    @property
    def default(self) -> Project | None:
        self._fresh()
        return self._list[0] if self._list else None

    def get(self, project_id_: str | None) -> Project | None:
        """`None` or "" (a conversation from before projects existed) is the default project."""
        if not project_id_:
            return self.default
        found = self._by_id.get(project_id_)
        if found is None and self._root is not None:
            with self._lock:
                self._scan()
            found = self._by_id.get(project_id_)
        return found

    def require(self, project_id_: str | None) -> Project:
        project = self.get(project_id_)
        if project is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, PROJECT_NOT_FOUND)
        return project
