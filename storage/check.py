"""Verify a corpus folder against its index, and repair what can be repaired.

Checks: every ``NNN_<id>.txt`` file has exactly one index row and every row its file; no two
files share a number; file names agree with their rows; each crawled file's text has the
content hash its row records; no temporary files are left. Repairs: rows whose file is gone
are removed (with their seen-store entries, so the next crawl fetches the item again);
untracked files are registered (or set aside when their number is taken); hashes are
recomputed from the files (the files are the truth); temporary files are removed.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from storage.corpus import _TMP_PREFIX, FILE_RE, Corpus, split_text
from storage.ids import content_hash
from storage.index import INDEX_NAME


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


def check(folder: Path) -> Report:
    """Read-only verification (the index is opened read-only)."""
    folder = Path(folder)
    report = Report()
    files: dict[str, tuple[int, str]] = {}
    by_number: dict[int, list[str]] = defaultdict(list)
    for entry in os.scandir(folder):
        m = FILE_RE.match(entry.name)
        if m:
            files[entry.name] = (int(m.group(1)), m.group(2))
            by_number[int(m.group(1))].append(entry.name)
        elif entry.name.startswith(_TMP_PREFIX):
            report.problems["temporary files"].append(entry.name)
    report.files = len(files)
    index = folder / INDEX_NAME
    rows = []
    if index.exists():
        db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT id, num, file, title, content_hash, url FROM documents").fetchall()
        finally:
            db.close()
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
            body = split_text((folder / name).read_text(encoding="utf-8", errors="replace"), title)
            if content_hash(body) != digest:
                report.problems["content hash mismatches"].append(name)
    report.problems["files without row"] += sorted(set(files) - seen_files)
    report.problems["duplicate numbers"] += [f"{n:03d}: {', '.join(sorted(names))}"
                                             for n, names in sorted(by_number.items()) if len(names) > 1]
    return report


def repair(folder: Path) -> Report:
    """Fix what ``check`` finds; return the report of a fresh check afterwards."""
    folder = Path(folder)
    before = check(folder)
    with Corpus(folder) as corpus:  # opening removes stale temp files and registers or sets aside untracked files
        db = corpus.index
        with db.write():
            for name in before.problems.get("rows without file", []):
                row = db.db.execute("SELECT id FROM documents WHERE file = ?", (name,)).fetchone()
                if row:
                    db.db.execute("DELETE FROM urls WHERE doc_id = ?", (row[0],))
                    db.db.execute("DELETE FROM bands WHERE doc_id = ?", (row[0],))
                    db.db.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            for name in before.problems.get("content hash mismatches", []):
                doc = next((d for d in db.documents() if d.file == name), None)
                if doc is not None:
                    doc.content_hash = content_hash(corpus.read_body(doc))
                    db.upsert(doc)
    return check(folder)
