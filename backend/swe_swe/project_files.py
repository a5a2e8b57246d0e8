"""The files of a project, for the composer's `@` picker: listed once, cached, and searched fuzzily.

Listing a big repository takes a while (`git ls-files` of 50,000 files is tens of milliseconds, a walk
more), and the picker asks again at every keystroke, so each project's list is kept in memory with
what is needed to rank it, and only listed again when it may have changed:
- in a git repository the list is what `git ls-files --cached --others --exclude-standard` says (so a
  .gitignore'd file is never offered); it is listed again when the index file changes (a commit, an
  add, a checkout), and in the background when it is older than `GIT_MAX_AGE_S` (new untracked files
  do not touch the index);
- elsewhere, a walk that skips `.git` and heavy generated folders (`SKIPPED_DIRS`) and honours the
  top-level `.gitignore` (`pathspec`, git's own pattern rules), listed again after `WALK_MAX_AGE_S`.
Callers run `search` in a worker thread: listing runs a process or walks a tree. Paths are relative to
the project folder, with `/`; none comes from a client.
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

log = logging.getLogger("swe_swe.project_files")

GIT_TIMEOUT_S = 10.0
GIT_MAX_AGE_S = 10.0
WALK_MAX_AGE_S = 3.0
MAX_FILES = 200_000  # a folder with more lists only this many (and `total` says so)
MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", ".cache", ".next", ".nuxt", ".gradle", ".idea", "target", "dist", "build",
})

# Ranking tiers, best first; a tier's own adjustments stay below the gap to the next one.
_IN_NAME, _IN_PATH, _FUZZY_NAME, _FUZZY_PATH = 4, 3, 2, 1
# (sort key: starts well, gaps, path length, where the match starts, path; the file's index)
Scored = tuple[tuple[int, int, int, int, str], int]


@dataclass(frozen=True)
class FileResults:
    paths: list[str]
    total: int  # files in the project (at most MAX_FILES)
    truncated: bool  # more files matched than were returned

    def as_dict(self) -> dict[str, object]:
        return {"files": [{"path": p} for p in self.paths], "total": self.total, "truncated": self.truncated}


@dataclass
class Listing:
    """One project's files and what ranking needs, computed once per listing rather than per keystroke."""

    paths: list[str]
    signature: float | None  # the git index's mtime (None outside git): a change means list again
    listed_at: float
    lower: list[str] = field(init=False)
    names: list[str] = field(init=False)  # lower-case file names
    shallow_first: list[str] = field(init=False)  # the answer to an empty query

    def __post_init__(self) -> None:
        self.lower = [p.lower() for p in self.paths]
        self.names = [p.rsplit("/", 1)[-1] for p in self.lower]
        self.shallow_first = sorted(self.paths, key=lambda p: (p.count("/"), p))


def _git_index(folder: Path) -> Path | None:
    """The index file of the repository at `folder` (`.git` is a folder, or a file naming it in a
    worktree or submodule); None when `folder` is not the top of a work tree."""
    dot_git = folder / ".git"
    if dot_git.is_dir():
        return dot_git / "index"
    if dot_git.is_file():
        try:
            first = dot_git.read_text(errors="replace").splitlines()[0]
        except (OSError, IndexError):
            return None
        if first.startswith("gitdir:"):
            git_dir = Path(first[len("gitdir:"):].strip())
            return (git_dir if git_dir.is_absolute() else folder / git_dir) / "index"
    return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return 0.0


def git_files(folder: Path, timeout: float = GIT_TIMEOUT_S) -> list[str] | None:
    """Tracked and untracked files that are not ignored; None when git cannot say (not a repository,
    no git, too slow)."""
    try:
        out = subprocess.run(["git", "-c", "core.quotepath=off", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=folder, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("git ls-files failed in a project folder: %s", type(error).__name__)
        return None
    if out.returncode != 0:
        return None
    paths = sorted({p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p})
    return paths[:MAX_FILES]


def _top_level_ignore(folder: Path) -> pathspec.PathSpec | None:
    try:
        lines = (folder / ".gitignore").read_text(errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def walked_files(folder: Path) -> list[str]:
    """Every file under `folder` but those in skipped or ignored folders, in path order; symlinked
    folders are not followed (a loop, or a tree outside the project)."""
    ignore = _top_level_ignore(folder)
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        rel_root = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if rel_root == "." else rel_root + "/"
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS
                         and not (ignore and ignore.match_file(prefix + d + "/")))
        for name in sorted(files):
            path = prefix + name
            if ignore is None or not ignore.match_file(path):
                found.append(path)
        if len(found) >= MAX_FILES:
            break
    return sorted(found[:MAX_FILES])


def _fuzzy(query: str) -> re.Pattern[str]:
    """The query's characters in order, anything between (the shortest stretch from each start)."""
    return re.compile(".*?".join(re.escape(c) for c in query))


def rank(listing: Listing, query: str, limit: int) -> FileResults:
    """Best first: the query inside a file name, then inside a path, then its letters in order in a
    file name, then in a path. Within a tier: a name that starts with it, fewer gaps (consecutive
    runs), then shorter paths. Tiers are taken in turn until `limit` + 1 matches are known, so a common
    letter does not rank 50,000 paths."""
    total = len(listing.paths)
    query = query.strip().lower()[:MAX_QUERY_CHARS]
    if not query:
        return FileResults(listing.shallow_first[:limit], total, total > limit)
    fuzzy = _fuzzy(query)
    taken: set[int] = set()
    best: list[Scored] = []
    wanted = limit + 1
    for tier in (_IN_NAME, _IN_PATH, _FUZZY_NAME, _FUZZY_PATH):
        scored = list(_tier(listing, query, fuzzy, tier, taken))
        taken.update(i for _, i in scored)
        best.extend(heapq.nsmallest(wanted - len(best), scored))
        if len(best) >= wanted:
            break
    paths = [listing.paths[i] for _, i in best[:limit]]
    return FileResults(paths, total, len(best) > limit)


def _tier(listing: Listing, query: str, fuzzy: re.Pattern[str], tier: int, taken: set[int]) -> Iterator[Scored]:
    """(sort key, index) of every file in `tier` not already taken by a better one; smaller is better."""
    lower, names, paths = listing.lower, listing.names, listing.paths
    if tier == _IN_NAME:
        for i, name in enumerate(names):
            if query in name:
                yield (0 if name.startswith(query) else 1, 0, len(lower[i]), 0, paths[i]), i
    elif tier == _IN_PATH:
        for i, path in enumerate(lower):
            if i not in taken and query in path:
                at = path.find(query)
                yield (0 if at == 0 or path[at - 1] == "/" else 1, 0, len(path), 0, paths[i]), i
    else:
        haystack = names if tier == _FUZZY_NAME else lower
        for i, text in enumerate(haystack):
            if i in taken:
                continue
            found = fuzzy.search(text)
            if found:
                gaps = found.end() - found.start() - len(query)
                yield (0 if found.start() == 0 else 1, gaps, len(lower[i]), found.start(), paths[i]), i


class ProjectFiles:
    """Each project's file list, kept between keystrokes (see the module's docstring for when it is
    listed again). Thread-safe: `search` is called from worker threads."""

    def __init__(self, git_max_age_s: float = GIT_MAX_AGE_S, walk_max_age_s: float = WALK_MAX_AGE_S) -> None:
        self._git_max_age_s = git_max_age_s
        self._walk_max_age_s = walk_max_age_s
        self._lock = threading.Lock()
        self._listings: dict[Path, Listing] = {}
        self._folder_locks: dict[Path, threading.Lock] = {}
        self._refreshing: set[Path] = set()

    def search(self, folder: Path, query: str, limit: int = DEFAULT_LIMIT) -> FileResults:
        return rank(self.listing(folder), query, max(1, min(limit, MAX_LIMIT)))

    def listing(self, folder: Path) -> Listing:
        """The cached list when it is still good, else a new one (one lister per folder at a time)."""
        with self._lock:
            cached = self._listings.get(folder)
            folder_lock = self._folder_locks.setdefault(folder, threading.Lock())
        index = _git_index(folder)
        signature = _mtime(index) if index is not None else None
        if cached is not None and cached.signature == signature:
            age = time.monotonic() - cached.listed_at
            if index is None and age <= self._walk_max_age_s:
                return cached
            if index is not None:
                if age > self._git_max_age_s:
                    self._refresh_in_background(folder, folder_lock)
                return cached  # untracked files may have come: the next keystroke sees them
        with folder_lock:
            with self._lock:
                again = self._listings.get(folder)
            if again is not None and again is not cached and again.signature == signature:
                return again  # another thread listed it meanwhile
            return self._list(folder)

    def _list(self, folder: Path) -> Listing:
        index = _git_index(folder)
        signature = _mtime(index) if index is not None else None
        paths = git_files(folder) if index is not None else None
        listing = Listing(paths if paths is not None else walked_files(folder), signature, time.monotonic())
        with self._lock:
            self._listings[folder] = listing
        return listing

    def _refresh_in_background(self, folder: Path, folder_lock: threading.Lock) -> None:
        with self._lock:
            if folder in self._refreshing:
                return
            self._refreshing.add(folder)

        def run() -> None:
            try:
                with folder_lock:
                    self._list(folder)
            finally:
                with self._lock:
                    self._refreshing.discard(folder)

        threading.Thread(target=run, name="project-files", daemon=True).start()
