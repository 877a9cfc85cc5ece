"""Verify a corpus folder against its index, and repair what can be repaired.

Checks: the index is a readable SQLite database; every ``NNN_<id>.txt`` file has exactly one
index row and every row its file; no two files share a number; file names agree with their rows;
each crawled file's text has the content hash its row records; no stale temporary files are left
(a live writer's, written before it takes the writers' lock, is none); no document name is a
symbolic link or anything else than a regular file (links are never followed). Repairs: rows
whose file is gone are removed (with their seen-store entries, so the next crawl fetches the
item again); untracked files are registered (or set aside when their number is taken); links and
other non-files named like documents are moved to ``.orphans/`` (the links themselves,
unfollowed); hashes are recomputed from the files (the files are the truth); stale temporary
files are removed (by the opening). An index that is not a readable database is moved aside
(``index.sqlite.corrupt-<UTC time>``, with its ``-wal`` and ``-shm``) and a new one built from
the files (``rebuild_index``).

An index in PostgreSQL (``storage.index.open_index``) is checked and repaired the same way, row by
file; what is SQLite's own (its ``quick_check``, moving a damaged file aside) does not apply.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.corpus import (
    _TMP_PREFIX,
    FILE_RE,
    Corpus,
    NotRegularFile,
    read_file,
    set_aside,
    split_text,
    stale_temp_file,
)
from storage.ids import content_hash
from storage.index import INDEX_NAME, CorruptIndex, checked_location, is_corruption, open_index, read_only

NOT_FILES = ("symbolic links", "not regular files")


@dataclass
class Report:
    """Problems found, by kind (each a list of file names or descriptions)."""

    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    files: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def lines(self) -> list[str]:
        out = [f"{self.files} files, {self.rows} index rows"]
        for kind, items in sorted(self.problems.items()):
            if items:
                out.append(f"{kind}: {len(items)}: " + ", ".join(items[:10]) + (" …" if len(items) > 10 else ""))
        out.append("consistent" if self.ok else "INCONSISTENT")
        return out


def check(folder: Path, index: str | None = None) -> Report:
    """Read-only verification (a SQLite index is opened read-only) of the corpus ``folder`` whose
    index is at ``index`` (``storage.index.open_index``; None: the environment's ``HARVEST_INDEX``).
    Raises ``CorruptIndex`` when a SQLite index is not a readable database."""
    folder = Path(folder)
    report = Report()
    files: dict[str, tuple[int, str]] = {}
    by_number: dict[int, list[str]] = defaultdict(list)
    for entry in os.scandir(folder):
        m = FILE_RE.match(entry.name)
        if m:
            if entry.is_symlink():
                report.problems["symbolic links"].append(entry.name)
            elif not entry.is_file(follow_symlinks=False):
                report.problems["not regular files"].append(entry.name)
            else:
                files[entry.name] = (int(m.group(1)), m.group(2))
                by_number[int(m.group(1))].append(entry.name)
        elif entry.name.startswith(_TMP_PREFIX) and _stale_temp(entry):  # a live writer's is no problem
            report.problems["temporary files"].append(entry.name)
    for kind in NOT_FILES:
        report.problems[kind].sort()
    report.files = len(files)
    rows = _index_rows(folder, index)
    report.rows = len(rows)
    seen_files: set[str] = set()
    for ident, num, name, title, digest, url in rows:
        if name in seen_files:
            report.problems["files with two rows"].append(name)
        seen_files.add(name)
        if name not in files:
            report.problems["rows without file"].append(name)
            continue
        if files[name] != (num, ident):
            report.problems["names not matching their rows"].append(name)
        if url is not None:
            try:
                body = split_text(read_file(folder / name, errors="replace"), title)
            except (FileNotFoundError, NotRegularFile):  # replaced since the folder was listed
                report.problems["rows without file"].append(name)
                continue
            if content_hash(body) != digest:
                report.problems["content hash mismatches"].append(name)
    report.problems["files without row"] += sorted(set(files) - seen_files)
    report.problems["duplicate numbers"] += [f"{n:03d}: {', '.join(sorted(names))}"
                                             for n, names in sorted(by_number.items()) if len(names) > 1]
    return report


def _index_rows(folder: Path, location: str | None) -> list[tuple[Any, ...]]:
    """(id, num, file, title, content_hash, url) of the documents of the index: of a SQLite index
    after SQLite's own check of the file (``quick_check``)."""
    where = checked_location(folder, location)
    if where:
        backend = open_index(folder, where)
        try:
            return [(d.id, d.num, d.file, d.title, d.content_hash, d.url) for d in backend.documents()]
        finally:
            backend.close()
    index = folder / INDEX_NAME
    if not index.exists():
        return []
    try:
        with read_only(index) as db:
            verdict = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
            if verdict != ["ok"]:
                raise CorruptIndex(index, "; ".join(verdict[:3]))
            return db.execute("SELECT id, num, file, title, content_hash, url FROM documents").fetchall()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, CorruptIndex) or not is_corruption(exc):
            raise
        raise CorruptIndex(index, str(exc)) from None


def rebuild_index(folder: Path) -> Path:
    """Move an unreadable index aside (``index.sqlite.corrupt-<UTC time>``, its ``-wal`` and
    ``-shm`` with it) and build a new one from the files: every ``NNN_<id>.txt`` is registered
    with its number and id (from its name), its title (its first line) and content hash. What
    only the index knew — a crawled item's URL and metadata, the crawl state, the revisions —
    is not in the files; the next crawl of an item's URL fills its row in again (the file name
    carries the id of the canonical URL). Returns the path the bad index was moved to."""
    folder = Path(folder)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside, n = folder / f"{INDEX_NAME}.corrupt-{stamp}", 1
    while any(os.path.lexists(f"{aside}{s}") for s in ("", "-wal", "-shm")):
        aside, n = folder / f"{INDEX_NAME}.corrupt-{stamp}.{n}", n + 1
    # The log first: a stale -wal beside a new index would be read back into it.
    for suffix in ("-wal", "-shm", ""):
        path = folder / f"{INDEX_NAME}{suffix}"
        if os.path.lexists(path):
            os.replace(path, f"{aside}{suffix}")
    with Corpus(folder, index=""):  # a new SQLite index; opening registers every document file
        pass
    return aside


def repair(folder: Path, index: str | None = None) -> Report:
    """Fix what ``check`` finds (the index at ``index``, as for ``check``); return the report of a
    fresh check afterwards."""
    folder = Path(folder)
    before = check(folder, index)
    for kind in NOT_FILES:
        for name in before.problems.get(kind, []):
            set_aside(folder, folder / name)  # a link is moved, not followed
    # opening removes stale temp files and registers or sets aside untracked files
    with Corpus(folder, index=index) as corpus:
        db = corpus.index
        with db.write():
            ids = {d.file: d.id for d in db.documents()}
            for name in before.problems.get("rows without file", []):
                if name in ids:
                    db.delete_document(ids[name])  # with its seen URLs: the next crawl fetches it again
            for name in before.problems.get("content hash mismatches", []):
                doc = next((d for d in db.documents() if d.file == name), None)
                if doc is not None:
                    doc.content_hash = content_hash(corpus.read_body(doc))
                    db.upsert(doc)
    return check(folder, index)


def _stale_temp(entry: os.DirEntry[str]) -> bool:
    """Whether a temporary file is a leftover (``storage.corpus.stale_temp_file``), not a live writer's."""
    try:
        return stale_temp_file(entry.name, entry.stat(follow_symlinks=False).st_mtime)
    except FileNotFoundError:
        return False  # renamed into place meanwhile
