"""The files of a project, for the composer's `@` picker: listed once, cached, and searched fuzzily.

Listing a big repository takes a while (50,000 files: about 0.2 s to list with git and prepare for
ranking; a walk takes longer), and the picker asks again at every keystroke, so each project's list is kept in memory with
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

import bisect
import heapq
import itertools
import logging
import os
import re
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

log = logging.getLogger("swe_swe.project_files")

GIT_TIMEOUT_S = 10.0
GIT_MAX_AGE_S = 10.0
WALK_MAX_AGE_S = 3.0
MAX_FILES = 200_000  # a folder with more lists only this many (and `total` says so)
MAX_QUERY_CHARS = 200
MAX_PROJECTS = 8  # lists kept in memory (one of 50,000 files takes about 25 MB)
HIT_SCAN_MAX = 3000  # a query found more often is ranked by walking the files in order instead
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", ".cache", ".next", ".nuxt", ".gradle", ".idea", "target", "dist", "build",
})
WALK_BUDGET_S = 5.0  # a walk of a huge folder (a home folder given as --workdir) stops with what it found


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
    shortest_first: list[int] = field(init=False)  # indexes by (path length, path): the order within a tier
    place: list[int] = field(init=False)  # each file's place in shortest_first
    joined_names: str = field(init=False)  # one line per file, searched at C speed
    joined_paths: str = field(init=False)
    name_starts: list[int] = field(init=False)  # where each line of joined_names starts
    path_starts: list[int] = field(init=False)
    chars: dict[str, int] = field(init=False)  # character → bit set of the files whose path holds it

    def __post_init__(self) -> None:
        self.lower = [p.lower() for p in self.paths]
        self.names = [p.rsplit("/", 1)[-1] for p in self.lower]
        self.shallow_first = sorted(self.paths, key=lambda p: (p.count("/"), p))
        self.shortest_first = sorted(range(len(self.paths)), key=lambda i: (len(self.paths[i]), self.paths[i]))
        self.place = [0] * len(self.paths)
        for place, i in enumerate(self.shortest_first):
            self.place[i] = place
        self.joined_names = "\n".join(self.names)
        self.joined_paths = "\n".join(self.lower)
        self.name_starts = list(itertools.accumulate((len(n) + 1 for n in self.names[:-1]), initial=0))
        self.path_starts = list(itertools.accumulate((len(p) + 1 for p in self.lower[:-1]), initial=0))
        self.chars = _char_sets(self.lower)


def _char_sets(lower: list[str]) -> dict[str, int]:
    """For each character, the files that hold it, as one byte per file in a big integer: a fuzzy query
    ANDs its characters' sets, so only files holding all of them are matched one by one."""
    flags: dict[str, bytearray] = {}
    for i, path in enumerate(lower):
        for c in set(path):
            found = flags.get(c)
            if found is None:
                found = flags[c] = bytearray(len(lower))
            found[i] = 1
    return {c: int.from_bytes(f, "little") for c, f in flags.items()}


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


def git_index_of(folder: Path, timeout: float = GIT_TIMEOUT_S) -> Path | None:
    """The index file of the repository `folder` is in: at its top (no process needed), or above it
    (a project may be a folder inside a monorepo: git says where); None outside git."""
    found = _git_index(folder)
    if found is not None:
        return found
    try:
        out = subprocess.run(["git", "rev-parse", "--git-path", "index"], cwd=folder, capture_output=True,
                             timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.decode("utf-8", "surrogateescape").strip()
    return folder / text if out.returncode == 0 and text else None


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
    folders are not followed (a loop, or a tree outside the project). At most MAX_FILES files and
    WALK_BUDGET_S seconds: a partial list beats none."""
    ignore = _top_level_ignore(folder)
    found: list[str] = []
    deadline = time.monotonic() + WALK_BUDGET_S
    for root, dirs, files in os.walk(folder):
        rel_root = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if rel_root == "." else rel_root + "/"
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS
                         and not (ignore and ignore.match_file(prefix + d + "/")))
        for name in sorted(files):
            path = prefix + name
            if ignore is None or not ignore.match_file(path):
                found.append(path)
        if len(found) >= MAX_FILES or time.monotonic() > deadline:
            break
    return sorted(found[:MAX_FILES])


def _fuzzy(query: str) -> re.Pattern[str]:
    """The query's characters in order, each the first one after the last; possessive, so a text without
    them fails in one pass, with no backtracking (use `match`). Group 1 is the first character."""
    return re.compile("".join(f"[^{re.escape(c)}]*+{'(' if i == 0 else ''}{re.escape(c)}{')' if i == 0 else ''}"
                              for i, c in enumerate(query)))


def rank(listing: Listing, query: str, limit: int) -> FileResults:
    """Best first: the query inside a file name, then inside a path, then its letters in order in a
    file name, then in a path. Within a tier: one that starts there (a name, a folder), then fewer gaps
    between the letters (consecutive runs), then shorter paths. Tiers are taken in turn until `limit` + 1
    matches are known, so a common letter does not rank 50,000 paths."""
    total = len(listing.paths)
    query = query.strip().lower()[:MAX_QUERY_CHARS]
    if not query:
        return FileResults(listing.shallow_first[:limit], total, total > limit)
    wanted = limit + 1
    best: list[int] = []
    taken: set[int] = set()
    for tier in (_in_name, _in_path, _fuzzy_tiers):
        found = tier(listing, query, wanted - len(best), taken)
        best.extend(found)
        taken.update(found)
        if len(best) >= wanted:
            break
    return FileResults([listing.paths[i] for i in best[:limit]], total, len(best) > limit)


def _lines_holding(joined: str, starts: list[int], query: str) -> list[int]:
    """The lines of `joined` that hold `query`, found at C speed (one `find` per line that holds it)."""
    found: list[int] = []
    at = joined.find(query)
    while at >= 0:
        i = bisect.bisect_right(starts, at) - 1
        found.append(i)
        at = joined.find(query, starts[i + 1]) if i + 1 < len(starts) else -1
    return found


def _substring_tier(listing: Listing, texts: list[str], joined: str, starts: list[int], query: str, wanted: int,
                    taken: set[int], starts_well: Callable[[str, int], bool]) -> list[int]:
    """Files whose `texts` hold the query, those where it starts well first, then shortest path first."""
    if joined.count(query) <= HIT_SCAN_MAX:
        lines = [i for i in _lines_holding(joined, starts, query) if i not in taken]
        lines.sort(key=lambda i: (not starts_well(texts[i], texts[i].find(query)), listing.place[i]))
        return lines[:wanted]
    good: list[int] = []  # a common query: walk the files in order until enough start well
    other: list[int] = []
    for i in listing.shortest_first:
        text = texts[i]
        at = text.find(query)
        if at < 0 or i in taken:
            continue
        if starts_well(text, at):
            good.append(i)
            if len(good) >= wanted:
                break
        elif len(other) < wanted:
            other.append(i)
    return (good + other)[:wanted]


def _in_name(listing: Listing, query: str, wanted: int, taken: set[int]) -> list[int]:
    return _substring_tier(listing, listing.names, listing.joined_names, listing.name_starts, query, wanted, taken,
                           lambda _text, at: at == 0)


def _in_path(listing: Listing, query: str, wanted: int, taken: set[int]) -> list[int]:
    return _substring_tier(listing, listing.lower, listing.joined_paths, listing.path_starts, query, wanted, taken,
                           lambda text, at: at == 0 or text[at - 1] == "/")


def _fuzzy_tiers(listing: Listing, query: str, wanted: int, taken: set[int]) -> list[int]:
    """Files whose name, else whose path, holds the query's letters in order: only files holding every
    letter (the AND of their character sets) are matched one by one."""
    holding = -1
    for c in set(query):
        holding &= listing.chars.get(c, 0)
    if not holding:
        return []
    flags = holding.to_bytes(len(listing.paths), "little")
    pattern = _fuzzy(query)
    in_name: list[tuple[int, int, int, int]] = []
    in_path: list[tuple[int, int, int, int]] = []
    i = flags.find(1)
    while i >= 0:
        if i not in taken:
            name = listing.names[i]
            found = pattern.match(name)
            scored, text = (in_name, name) if found else (in_path, listing.lower[i])
            found = found or pattern.match(text)
            if found:
                first = found.start(1)
                at_start = first == 0 or text[first - 1] in "/_-. "
                scored.append((0 if at_start else 1, found.end() - first - len(query), listing.place[i], i))
        i = flags.find(1, i + 1)
    best = heapq.nsmallest(wanted, in_name)
    best += heapq.nsmallest(wanted - len(best), in_path)
    return [key[-1] for key in best]


class ProjectFiles:
    """Each project's file list, kept between keystrokes (see the module's docstring for when it is
    listed again), for the `max_projects` projects searched last. Thread-safe: `search` is called from
    worker threads."""

    def __init__(self, git_max_age_s: float = GIT_MAX_AGE_S, walk_max_age_s: float = WALK_MAX_AGE_S,
                 max_projects: int = MAX_PROJECTS) -> None:
        self._git_max_age_s = git_max_age_s
        self._walk_max_age_s = walk_max_age_s
        self._max_projects = max_projects
        self._lock = threading.Lock()
        self._listings: OrderedDict[Path, Listing] = OrderedDict()
        self._indexes: dict[Path, Path | None] = {}  # where each folder's git index is (None: not in git)
        self._folder_locks: dict[Path, threading.Lock] = {}
        self._refreshing: set[Path] = set()

    def search(self, folder: Path, query: str, limit: int = DEFAULT_LIMIT) -> FileResults:
        return rank(self.listing(folder), query, max(1, min(limit, MAX_LIMIT)))

    def listing(self, folder: Path) -> Listing:
        """The cached list when it is still good, else a new one (one lister per folder at a time)."""
        with self._lock:
            cached = self._listings.get(folder)
            if cached is not None:
                self._listings.move_to_end(folder)
            folder_lock = self._folder_locks.setdefault(folder, threading.Lock())
        index = self._index(folder)
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

    def _index(self, folder: Path) -> Path | None:
        """Asked of git once per folder (again if a `.git` appears: `git init` while the server runs)."""
        with self._lock:
            known = folder in self._indexes
            index = self._indexes.get(folder)
        if known and (index is not None or not (folder / ".git").exists()):
            return index
        index = git_index_of(folder)
        with self._lock:
            self._indexes[folder] = index
        return index

    def _list(self, folder: Path) -> Listing:
        index = self._index(folder)
        signature = _mtime(index) if index is not None else None
        paths = git_files(folder) if index is not None else None
        listing = Listing(paths if paths is not None else walked_files(folder), signature, time.monotonic())
        with self._lock:
            self._listings[folder] = listing
            self._listings.move_to_end(folder)
            while len(self._listings) > self._max_projects:
                self._listings.popitem(last=False)
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
