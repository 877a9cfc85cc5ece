"""The corpus folder: seed-style text files ``NNN_<16 hex>.txt`` plus ``index.sqlite``.

Writing a document:
1. reserve a number (a committed transaction bumps ``next_num``), so two processes never
   get the same number and a crash leaves at most a gap;
2. write the text to a hidden temporary file, fsync, and rename it into place: a file is
   there completely or not at all;
3. insert the index row. A crash between 2 and 3 leaves a file without a row; the next
   ``Corpus`` opening imports it (``url`` unknown) and the next crawl of its URL fills the
   row in, because the file name carries the id of the canonical URL.
So the index never points at a missing file.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from storage.ids import canonical_url, content_hash, doc_id
from storage.index import INDEX_NAME, DocumentRow, Index, utcnow

log = logging.getLogger(__name__)

FILE_RE = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")
_TMP_PREFIX = ".tmp-"
TITLE_MAX = 200


def file_name(num: int, ident: str) -> str:
    """``NNN_<id>.txt``: three digits at least, more after 999."""
    if not re.fullmatch(r"[0-9a-f]{16}", ident):
        raise ValueError(f"not a document id: {ident!r}")
    return f"{num:03d}_{ident}.txt"


def render_text(title: str | None, paragraphs: list[str]) -> str:
    """The file format of the seeds: title, blank line, paragraphs separated by blank lines."""
    blocks = ([title.strip()] if title and title.strip() else []) + [p.strip() for p in paragraphs if p.strip()]
    return "\n\n".join(blocks) + "\n"


def split_text(text: str, title: str | None) -> str:
    """The body of a stored file: its text without the leading title line."""
    stripped = text.lstrip("\n")
    if title:
        first, _, rest = stripped.partition("\n")
        if first.strip() == title.strip():
            return rest.strip("\n")
    return stripped.rstrip("\n")


@dataclass
class NewDocument:
    """A cleaned item ready to be stored."""

    url: str
    source: str
    title: str | None
    paragraphs: list[str]
    canonical_url: str | None = None
    date: str | None = None
    language: str | None = None
    author: str | None = None
    sitename: str | None = None
    fetched_at: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class StoreResult:
    """What ``Corpus.store`` did: ``new``, ``updated``, ``unchanged`` or ``duplicate``."""

    status: str
    doc: DocumentRow
    duplicate_of: str | None = None


class Corpus:
    """A corpus folder and its index."""

    def __init__(self, folder: Path | str, host_aliases: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        if not os.access(self.folder, os.W_OK):
            raise PermissionError(f"corpus folder is not writable: {self.folder}")
        self.host_aliases = host_aliases or {}
        self.index = Index(self.folder / INDEX_NAME)
        self._remove_stale_temp_files()
        self._import_untracked()

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading -----------------------------------------------------------------
    def files(self) -> Iterator[tuple[int, str, Path]]:
        """(number, id, path) of every document file present."""
        for entry in os.scandir(self.folder):
            m = FILE_RE.match(entry.name)
            if m and entry.is_file():
                yield int(m.group(1)), m.group(2), Path(entry.path)

    def documents(self) -> Iterator[DocumentRow]:
        return self.index.documents()

    def read_body(self, doc: DocumentRow) -> str:
        return split_text((self.folder / doc.file).read_text(encoding="utf-8"), doc.title)

    # writing -----------------------------------------------------------------
    def store(self, new: NewDocument) -> StoreResult:
        """Store a cleaned item once; see the module docstring for the write protocol."""
        canon = new.canonical_url or canonical_url(new.url, self.host_aliases)
        ident = doc_id(canon)
        text = render_text(new.title, new.paragraphs)
        digest = content_hash(new.body)
        existing = self.index.get(ident)
        if existing is not None and existing.url is not None:
            if existing.content_hash == digest:
                return StoreResult("unchanged", existing)
            return self._update(existing, new, text, digest)
        if existing is None:
            twin = self.index.find_by_hash(digest)
            if twin is not None:
                self._add_alias(twin.id, new.url)
                return StoreResult("duplicate", twin, duplicate_of=twin.id)
            num = self._reserve_number()
            name = file_name(num, ident)
        else:  # a file without metadata (seed or crash leftover) for this very URL
            num, name = existing.num, existing.file
        row = self._row(new, ident, num, name, canon, digest)
        self._write_file(name, text)
        with self.index.write():
            # Another process may have stored the same item meanwhile: check again under the lock.
            current = self.index.get(ident)
            twin = self.index.find_by_hash(digest)
            winner = current if current is not None and current.url is not None else twin
            if existing is None and winner is not None and (winner.id != ident or winner.file != name):
                (self.folder / name).unlink(missing_ok=True)
                return StoreResult("duplicate", winner, duplicate_of=winner.id)
            self.index.upsert(row)
        return StoreResult("new", row)

    def _row(self, new: NewDocument, ident: str, num: int, name: str, canon: str, digest: str) -> DocumentRow:
        return DocumentRow(
            id=ident, num=num, file=name, url=new.url, canonical_url=canon, source=new.source,
            title=new.title, date=new.date, language=new.language, author=new.author,
            sitename=new.sitename, fetched_at=new.fetched_at or utcnow(), content_hash=digest,
            chars=len(new.body), meta=dict(new.meta),
        )

    def _update(self, existing: DocumentRow, new: NewDocument, text: str, digest: str) -> StoreResult:
        """The item's text changed: rewrite its file in place and keep the revision trail."""
        row = self._row(new, existing.id, existing.num, existing.file, existing.canonical_url or "", digest)
        revisions = list(existing.meta.get("revisions", []))
        revisions.append({"content_hash": existing.content_hash, "fetched_at": existing.fetched_at})
        row.meta = {**existing.meta, **row.meta, "revisions": revisions}
        self._write_file(existing.file, text)
        with self.index.write():
            self.index.upsert(row)
        return StoreResult("updated", row)

    def _add_alias(self, ident: str, url: str) -> None:
        with self.index.write():
            doc = self.index.get(ident)
            if doc is None:
                return
            aliases = list(doc.meta.get("aliases", []))
            if url not in aliases and url != doc.url:
                aliases.append(url)
                doc.meta["aliases"] = aliases
                self.index.upsert(doc)

    def _reserve_number(self) -> int:
        with self.index.write() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'next_num'").fetchone()
            num = max(int(row[0]) if row else 0, self.index.max_num() + 1)
            db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('next_num', ?)", (str(num + 1),))
        return num

    def _write_file(self, name: str, text: str) -> None:
        final = self.folder / name
        if final.parent != self.folder:
            raise ValueError(f"refusing to write outside the corpus folder: {name!r}")
        tmp = self.folder / f"{_TMP_PREFIX}{os.getpid()}-{name}"
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    # opening -------------------------------------------------------------------
    def _remove_stale_temp_files(self) -> None:
        for entry in os.scandir(self.folder):
            if not entry.name.startswith(_TMP_PREFIX):
                continue
            pid = entry.name[len(_TMP_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and _pid_alive(int(pid)):
                continue
            Path(entry.path).unlink(missing_ok=True)

    def _import_untracked(self) -> None:
        """Register files the index does not know (the seeds, or a crash leftover)."""
        known = {row[0] for row in self.index.db.execute("SELECT file FROM documents")}
        top = -1
        untracked = []
        for num, ident, path in self.files():
            top = max(top, num)
            if path.name not in known:
                untracked.append((num, ident, path))
        with self.index.write() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'next_num'").fetchone()
            next_num = max(int(row[0]) if row else 0, top + 1, self.index.max_num() + 1)
            db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('next_num', ?)", (str(next_num),))
            for num, ident, path in sorted(untracked):
                if self.index.get(ident) is not None:
                    log.warning("%s: id already indexed under another file; left alone", path.name)
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
                title = _guess_title(text)
                body = split_text(text, title)
                self.index.upsert(DocumentRow(
                    id=ident, num=num, file=path.name, title=title, content_hash=content_hash(body),
                    chars=len(body), fetched_at=utcnow(), meta={"imported": True},
                ))


def _guess_title(text: str) -> str | None:
    """First line of a file when it looks like a heading (short, no final full stop)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            if len(line) <= TITLE_MAX and not line.endswith((".", ":", ";")):
                return line
            return None
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
