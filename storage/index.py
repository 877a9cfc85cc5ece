"""The corpus index: one SQLite file beside the text files.

Tables
- ``documents``: one row per stored text file (seed documents included): number, file,
  URL, source and the metadata of the item.
- ``urls``: the crawl state. Every article URL the crawler has decided about (stored,
  duplicate, skipped with a reason, or a dead end: a 404, a redirect, a trap… with the runs it
  is left alone for, doubling each time it is found dead again), keyed by canonical URL, with
  its validators and what the site's lists last said of it (``listed``).
- ``resources``: the discovery pages of each source (robots.txt, feeds, sitemaps, listing and
  REST pages): whether they answered, their validators and content hash, and for a missing or
  failing one the runs it is left alone for. Listing pages, feeds and sitemaps are never
  recorded in ``urls``.
- ``runs``: one row per source crawl with its summary, and whether the crawl read the whole
  site (``complete``, as the crawler judged it: ``crawlers.summary``).
- ``boilerplate``: per source, how many pages each short paragraph was seen on (the counts of
  ``crawlers.boilerplate``); the pages seen so far are the setting ``pages_seen:<source>``.

This module is the only code that knows SQLite: the layers above call its methods and catch
``StorageError`` (tests/test_layering.py). ``Index`` is the SQLite backend of the interfaces of
``storage.gateway``, in three sections that each touch only their own tables: the document
index (``documents``, ``bands``, ``revisions``), the crawl state (``urls``, ``resources``,
``boilerplate``) and the run log (``runs``). ``settings`` is shared by key: ``band_scheme``,
``fingerprint_scheme`` and ``next_num`` belong to the documents, ``pages_seen:<source>`` to the crawl state.

Writers take SQLite's write lock with ``BEGIN IMMEDIATE``, so several crawl processes
can share one corpus: numbers are allocated and rows inserted inside one transaction.

``open_index`` opens a corpus's index where ``HARVEST_INDEX`` (or the caller) says: this file, or a
PostgreSQL database (``storage.pgindex``, imported only then), which the folder's marker
``.index-location`` names from its first opening on.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.gateway import Record
    from storage.pgindex import PgIndex

INDEX_NAME = "index.sqlite"
SCHEMA_VERSION = 2  # 2: documents.kind and documents.why (the item decision)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id            TEXT PRIMARY KEY,
    num           INTEGER NOT NULL UNIQUE,
    file          TEXT NOT NULL UNIQUE,
    url           TEXT,
    canonical_url TEXT,
    source        TEXT,
    title         TEXT,
    date          TEXT,
    language      TEXT,
    author        TEXT,
    sitename      TEXT,
    fetched_at    TEXT,
    content_hash  TEXT,
    chars         INTEGER,
    meta          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS urls (
    url        TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    doc_id     TEXT,
    status     TEXT NOT NULL,
    reason     TEXT,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS urls_source ON urls(source);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS revisions (
    doc_id       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    url          TEXT
);
CREATE INDEX IF NOT EXISTS revisions_doc ON revisions(doc_id);
CREATE TABLE IF NOT EXISTS bands (
    band   INTEGER NOT NULL,
    value  INTEGER NOT NULL,
    doc_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bands_lookup ON bands(band, value);
CREATE INDEX IF NOT EXISTS bands_doc ON bands(doc_id);
CREATE TABLE IF NOT EXISTS boilerplate (
    source TEXT NOT NULL,
    hash   TEXT NOT NULL,
    pages  INTEGER NOT NULL,
    sample TEXT,
    PRIMARY KEY (source, hash)
);
CREATE TABLE IF NOT EXISTS resources (
    url           TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    listed        TEXT,
    content_hash  TEXT,
    first_seen    TEXT NOT NULL,
    checked_at    TEXT NOT NULL,
    backoff       INTEGER,
    recheck_run   INTEGER
);
CREATE INDEX IF NOT EXISTS resources_source ON resources(source);
"""
# Columns added after the first release: (table, column, declaration).
_MIGRATIONS = [
    ("documents", "simhash", "INTEGER"),
    ("urls", "etag", "TEXT"),
    ("urls", "last_modified", "TEXT"),
    ("urls", "checked_at", "TEXT"),
    ("documents", "kind", "TEXT"),
    ("documents", "why", "TEXT"),
    ("runs", "complete", "INTEGER"),
    ("urls", "listed", "TEXT"),
    ("urls", "target", "TEXT"),
    ("urls", "backoff", "INTEGER"),
    ("urls", "recheck_run", "INTEGER"),
    ("resources", "children", "TEXT"),
    ("urls", "content_hash", "TEXT"),
]
# What a document stored before the item decision existed is taken to be, when the columns are added.
_BACKFILL = {
    ("documents", "kind"): "UPDATE documents SET kind = CASE WHEN url IS NULL THEN 'seed' ELSE 'item' END,"
                           " why = CASE WHEN url IS NULL THEN '[\"imported\"]' ELSE '[\"stored-before-decision\"]' END"
                           " WHERE kind IS NULL",
    # A run recorded before runs.complete existed is judged by the rule it was recorded under:
    # partial when its summary's ``cut`` names a budget or a size cap.
    ("runs", "complete"): "UPDATE runs SET complete = CASE"
                          " WHEN NOT json_valid(summary) THEN 0"
                          " WHEN json_type(summary) != 'object' THEN 0"
                          " WHEN EXISTS (SELECT 1 FROM json_each(summary, '$.cut')"
                          " WHERE CASE WHEN json_type(summary, '$.cut') = 'array' THEN value ELSE key END"
                          " IN ('page_budget', 'listing_budget', 'sitemap_budget', 'sitemap_size', 'feed_size'))"
                          " THEN 0 ELSE 1 END"
                          " WHERE complete IS NULL",
}

DOC_COLUMNS = (
    "id", "num", "file", "url", "canonical_url", "source", "title", "date", "language",
    "author", "sitename", "fetched_at", "content_hash", "chars", "simhash", "kind", "why",
)


StorageError = sqlite3.Error
"""The base of every error of the index, on either backend (a lock held too long, a full disk, a
read-only or damaged file — ``CorruptIndex`` is one —, a database server gone: ``IndexServerError``
is one too): what the layers above catch (``except (OSError, StorageError)``), without knowing
which backend it is. SQLite's errors are its subclasses; the PostgreSQL backend raises
``IndexServerError``, a subclass of it as well, so one class catches both (``sqlite3`` is in the
standard library: catching costs no import of the PostgreSQL driver)."""


class IndexServerError(StorageError):
    """An error of an index in a database server (``storage.pgindex``: PostgreSQL): the server
    gone, the connection reset or terminated, the write lock waited for too long, a statement
    that failed. The driver's error is its ``__cause__`` (and its SQLSTATE code ``sqlstate``,
    None when the server gave none); its message never holds the location's password.

    Never a damaged SQLite file (``is_corruption`` is false for it). Defined here, not beside
    the backend, so that catching storage errors never imports the PostgreSQL driver."""

    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


# SQLite's primary result codes for a file that is no database, or a damaged one.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


class CorruptIndex(sqlite3.DatabaseError):
    """The index file is not a readable SQLite database (garbage, truncated, damaged pages).

    The files of the corpus are the truth: ``harvest check --repair`` rebuilds the index from them."""

    def __init__(self, path: Path | str, detail: str):
        self.path, self.detail = Path(path), detail
        super().__init__(f"{path} is not a readable index ({detail}): "
                         "run 'harvest check --repair' to rebuild it from the files")


def is_corruption(exc: BaseException) -> bool:
    """Whether a SQLite error says the database file is damaged or is no database at all
    (not a lock, a full disk or a permission problem)."""
    if isinstance(exc, CorruptIndex):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return type(exc) is sqlite3.DatabaseError


@contextmanager
def read_only(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an existing index file (nothing is created or written; no lock
    taken beyond reading), closed on leaving."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def ok_run_summaries(path: Path | str) -> list[tuple[str, dict[str, Any]]]:
    """(source, summary) of every successful run recorded in the index file ``path``, oldest
    first, read without opening it for writing; none when the file is missing or cannot be read
    (a file that cannot even be opened raises ``StorageError``)."""
    if not Path(path).exists():
        return []
    with read_only(path) as db:
        try:
            rows = db.execute("SELECT source, summary FROM runs WHERE status = 'ok' ORDER BY id").fetchall()
        except sqlite3.Error:
            return []
    return [(source, json.loads(summary)) for source, summary in rows]


# The columns of a dead end and of a discovery page that ``crawl_state`` gives (None where an index
# written before the column existed has not got it: a read-only view adds no column).
_DEAD_END_COLUMNS = ("url", "status", "reason", "backoff", "recheck_run", "target", "last_seen", "etag",
                     "last_modified")
_RESOURCE_COLUMNS = ("url", "kind", "status", "etag", "last_modified", "listed", "content_hash", "first_seen",
                     "checked_at", "backoff", "recheck_run")


def crawl_state(path: Path | str, source: str) -> dict[str, Any]:
    """A source's crawl state in the index file ``path``, read without opening it for writing, as
    plain values: ``next_run`` (the number of its next run), ``runs`` (recorded so far),
    ``last_complete_run`` (number, started_at, finished_at of the last successful complete run
    among its last 20 successful ones, the one ``last_good_run`` gives; None), ``documents``
    (stored, by kind), ``urls`` (seen URLs by status), ``dead_ends`` (its dead ends and rejected
    pages, by URL, as ``dead_ends`` gives them) and ``resources`` (its discovery pages, by kind
    then URL). A missing file is an empty state."""
    state: dict[str, Any] = {"source": source, "next_run": 1, "runs": 0, "last_complete_run": None,
                             "documents": {}, "urls": {}, "dead_ends": [], "resources": []}
    if not Path(path).exists():
        return state
    with read_only(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

        def columns(table: str) -> set[str]:
            return {r[1] for r in db.execute(f"PRAGMA table_info({table})")} if table in tables else set()

        def select(table: str, wanted: tuple[str, ...], where: str, order: str) -> list[dict[str, Any]]:
            have = columns(table)
            if not have:
                return []
            picked = ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)
            cursor = db.execute(f"SELECT {picked} FROM {table} WHERE {where} ORDER BY {order}", (source,))
            return [dict(zip(wanted, row)) for row in cursor]

        if "runs" in tables:
            state["runs"] = int(db.execute("SELECT COUNT(*) FROM runs WHERE source = ?", (source,)).fetchone()[0])
            state["next_run"] = state["runs"] + 1
            if "complete" in columns("runs"):
                row = db.execute(
                    "SELECT (SELECT COUNT(*) FROM runs r WHERE r.source = last.source AND r.id <= last.id),"
                    " started_at, finished_at FROM (SELECT id, source, started_at, finished_at, complete FROM runs"
                    " WHERE source = ? AND status = 'ok' ORDER BY id DESC LIMIT 20) AS last"
                    " WHERE complete = 1 ORDER BY id DESC LIMIT 1", (source,)).fetchone()
                if row is not None:
                    state["last_complete_run"] = {"number": int(row[0]), "started_at": row[1],
                                                  "finished_at": row[2]}
        if "documents" in tables:
            kind = "COALESCE(kind, 'item')" if "kind" in columns("documents") else "'item'"
            state["documents"] = {k: int(n) for k, n in db.execute(
                f"SELECT {kind} AS k, COUNT(*) FROM documents WHERE source = ? GROUP BY k ORDER BY k", (source,))}
        if "urls" in tables:
            state["urls"] = {s: int(n) for s, n in db.execute(
                "SELECT status, COUNT(*) FROM urls WHERE source = ? GROUP BY status ORDER BY status", (source,))}
        state["dead_ends"] = select("urls", _DEAD_END_COLUMNS, "source = ? AND status IN ('dead', 'rejected')",
                                    "url")
        state["resources"] = select("resources", _RESOURCE_COLUMNS, "source = ?", "kind, url")
    return state


def utcnow() -> str:
    """ISO-8601 UTC timestamp with seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class DocumentRow:
    """One document of the index."""

    id: str
    num: int
    file: str
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    title: str | None = None
    date: str | None = None
    language: str | None = None
    author: str | None = None
    sitename: str | None = None
    fetched_at: str | None = None
    content_hash: str | None = None
    chars: int | None = None
    simhash: int | None = None
    kind: str | None = None  # the item decision (crawlers.items): item, listing, calendar, page…
    why: list[str] | None = None  # its reasons
    meta: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """Flat dict: the columns, then the extra metadata keys."""
        record = {c: getattr(self, c) for c in DOC_COLUMNS if c != "simhash"}
        for key, value in self.meta.items():
            record.setdefault(key, value)
        return record


def document_row(row: Record) -> DocumentRow:
    """The ``DocumentRow`` of a ``documents`` row read by column name (either backend's)."""
    data = {c: row[c] for c in DOC_COLUMNS}
    data["why"] = _json_list(data["why"])
    return DocumentRow(**data, meta=json.loads(row["meta"] or "{}"))


def document_values(doc: DocumentRow) -> list[Any]:
    """The values of ``doc``'s row: its ``DOC_COLUMNS``, then ``meta`` (``why`` and ``meta`` as JSON)."""
    return [json.dumps(doc.why, ensure_ascii=False) if c == "why" and doc.why is not None else getattr(doc, c)
            for c in DOC_COLUMNS] + [json.dumps(doc.meta, ensure_ascii=False)]


# What both backends (``Index`` here, ``storage.pgindex.PgIndex``) do alike ----------------------
class _Backend:
    """The base of both backends' connections: ``_exec`` runs a statement written with ``?``
    placeholders (each backend its own way), and the callbacks of the open write transactions."""

    # One list of (on commit?, callback) per open write() block, outermost first.
    _hooks: list[list[tuple[bool, Callable[[], None]]]]

    def _exec(self, query: str, params: Sequence[Any] = ()) -> int:
        """Run a statement with ``?`` placeholders; the number of rows it changed."""
        raise NotImplementedError

    @property
    def in_transaction(self) -> bool:
        return bool(self._hooks)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the outermost transaction has committed."""
        self._hooks[-1].append((True, callback))

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` if the enclosing savepoint or transaction is rolled back."""
        self._hooks[-1].append((False, callback))


class _DocumentStatements(_Backend):
    """The writes of the document index that are the same statements on both backends."""

    def upsert(self, doc: DocumentRow) -> None:
        raise NotImplementedError

    def _replace_document_row(self, old_id: str, new: DocumentRow) -> None:
        """``new`` takes ``old_id``'s row and number; its bands and revisions follow."""
        self._exec("DELETE FROM documents WHERE id = ?", (old_id,))
        self.upsert(new)
        self._exec("UPDATE revisions SET doc_id = ? WHERE doc_id = ?", (new.id, old_id))
        self._exec("DELETE FROM bands WHERE doc_id = ?", (old_id,))

    def _delete_document_row(self, doc_id: str) -> None:
        """Delete the document's row and its bands (its revisions stay)."""
        self._exec("DELETE FROM bands WHERE doc_id = ?", (doc_id,))
        self._exec("DELETE FROM documents WHERE id = ?", (doc_id,))


class _CrawlStateStatements(_Backend):
    """The writes of the crawl state that are the same statements on both backends."""

    def set_listed(self, url: str, listed: str | None) -> None:
        """Replace what the site's lists said of ``url`` (nothing else of its row changes)."""
        self._exec("UPDATE urls SET listed = ? WHERE url = ?", (listed, url))

    def touch_url(self, url: str) -> None:
        """A conditional re-check answered 304: the URL was checked now, nothing changed."""
        self._exec("UPDATE urls SET checked_at = ? WHERE url = ?", (utcnow(), url))

    def _move_urls(self, old_id: str, new_id: str) -> None:
        """The seen URLs of document ``old_id`` now lead to ``new_id`` (it took its place)."""
        self._exec("UPDATE urls SET doc_id = ? WHERE doc_id = ?", (new_id, old_id))

    def _forget_document_urls(self, doc_id: str) -> int:
        """Forget the seen URLs that lead to document ``doc_id`` (their next crawl fetches them
        again); how many."""
        return self._exec("DELETE FROM urls WHERE doc_id = ?", (doc_id,))

    def _forget_urls(self, source: str) -> int:
        """Forget the source's seen URLs; how many."""
        return self._exec("DELETE FROM urls WHERE source = ?", (source,))

    def _forget_resources(self, source: str) -> int:
        """Forget the source's discovery pages; how many."""
        return self._exec("DELETE FROM resources WHERE source = ?", (source,))


class _RunStatements(_Backend):
    """The writes of the run log that are the same statements on both backends."""

    def _forget_runs(self, source: str) -> int:
        """Forget the source's runs; how many."""
        return self._exec("DELETE FROM runs WHERE source = ?", (source,))


class _SpanningOperations(_DocumentStatements, _CrawlStateStatements, _RunStatements):
    """The operations that span the three sections, the same on both backends."""

    def replace_document(self, old_id: str, new: DocumentRow) -> None:
        """``new`` takes ``old_id``'s place (its number; its URLs, bands and revisions follow)."""
        self._replace_document_row(old_id, new)
        self._move_urls(old_id, new.id)

    def delete_document(self, doc_id: str) -> None:
        """Delete the document: its row, its bands and the seen URLs leading to it (its revisions stay)."""
        self._forget_document_urls(doc_id)
        self._delete_document_row(doc_id)

    def reset_source(self, source: str) -> tuple[int, int]:
        """Forget a source's crawl state (seen URLs, discovery pages, runs); its documents stay.
        Returns the counts of URLs and runs forgotten."""
        self._forget_resources(source)
        urls = self._forget_urls(source)
        runs = self._forget_runs(source)
        return urls, runs


# SQLite -----------------------------------------------------------------------------------
class _SqliteConnection(_Backend):
    """The connection and its write transactions, shared by the three sections of ``Index``."""

    db: sqlite3.Connection

    def close(self) -> None:
        self.db.close()

    def _exec(self, query: str, params: Sequence[Any] = ()) -> int:
        return self.db.execute(query, params).rowcount

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding SQLite's write lock from its start.

        Nested inside another one it is a savepoint: its failure takes back only its own
        changes (and runs the ``on_rollback`` callbacks registered within it), and everything
        becomes durable with the outermost transaction, which then runs the ``on_commit``
        callbacks (or, if it fails, every ``on_rollback`` callback)."""
        depth = len(self._hooks)
        self.db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT w{depth}")
        self._hooks.append([])
        try:
            yield self.db
        except BaseException:
            hooks = self._hooks.pop()
            if depth == 0:
                self._end(False, hooks)
            else:
                try:
                    self.db.execute(f"ROLLBACK TO w{depth}")
                    self.db.execute(f"RELEASE w{depth}")
                except sqlite3.Error:
                    pass  # SQLite already rolled the whole transaction back (disk full, I/O error)
                finally:
                    _run_hooks(hooks, False)
            raise
        hooks = self._hooks.pop()
        if depth == 0:
            self._end(True, hooks)
        else:
            self.db.execute(f"RELEASE w{depth}")
            self._hooks[-1].extend(hooks)

    def _end(self, commit: bool, hooks: list[tuple[bool, Callable[[], None]]]) -> None:
        try:
            self.db.execute("COMMIT" if commit else "ROLLBACK")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            _run_hooks(hooks, False)
            raise
        _run_hooks(hooks, commit)


class _SqliteDocuments(_SqliteConnection, _DocumentStatements):
    """The document index (``storage.gateway.DocumentIndex``): tables ``documents``, ``bands``,
    ``revisions``, and the settings ``band_scheme``, ``fingerprint_scheme`` and ``next_num``."""

    def max_num(self) -> int:
        row = self.db.execute("SELECT MAX(num) FROM documents").fetchone()
        return -1 if row[0] is None else int(row[0])

    def get(self, doc_id: str) -> DocumentRow | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return document_row(row) if row else None

    def find_by_hash(self, content_hash: str) -> DocumentRow | None:
        row = self.db.execute(
            "SELECT * FROM documents WHERE content_hash = ? AND url IS NOT NULL ORDER BY num LIMIT 1", (content_hash,)
        ).fetchone()
        return document_row(row) if row else None

    def documents(self) -> Iterator[DocumentRow]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY num"):
            yield document_row(row)

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def document_files(self) -> list[tuple[int, str]]:
        """(number, file name) of every document."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT num, file FROM documents")]

    def next_num(self) -> int:
        """The number a new document takes: after every number in use, and not below the setting
        ``next_num`` (numbers handed out before)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'next_num'").fetchone()
        return max(int(row[0]) if row else 0, self.max_num() + 1)

    def set_next_num(self, num: int) -> None:
        """The setting ``next_num`` becomes ``num`` (call inside ``write()``)."""
        self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('next_num', ?)", (str(num),))

    def item_urls(self, source: str, limit: int = 500) -> list[tuple[str, str | None]]:
        """(URL, reasons as stored: JSON text or None) of the source's latest ``limit`` crawled
        documents taken for items (or stored before the item decision), newest first."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT url, why FROM documents WHERE source = ? AND url IS NOT NULL AND (kind IS NULL OR kind = 'item')"
            " ORDER BY num DESC LIMIT ?", (source, limit))]

    def upsert(self, doc: DocumentRow) -> None:
        """Insert or replace one document row (call inside ``write()``)."""
        cols = ", ".join(DOC_COLUMNS + ("meta",))
        marks = ", ".join("?" * (len(DOC_COLUMNS) + 1))
        self.db.execute(f"INSERT OR REPLACE INTO documents({cols}) VALUES({marks})", document_values(doc))

    # near-duplicates -------------------------------------------------------------
    def near_candidates(self, probes: list[tuple[int, list[int]]]) -> list[tuple[str, int, int]]:
        """(id, simhash, number) of crawled documents with a band value among ``probes``
        ((band, values) pairs), in one query (each band's look-up by the ``bands_lookup`` index)."""
        if not probes:
            return []
        where = " OR ".join(f"(b.band = ? AND b.value IN ({','.join('?' * len(values))}))" for _, values in probes)
        rows = self.db.execute(
            f"SELECT DISTINCT d.id, d.simhash, d.num FROM bands b JOIN documents d ON d.id = b.doc_id"
            f" WHERE ({where}) AND d.url IS NOT NULL AND d.simhash IS NOT NULL",
            [x for band, values in probes for x in (band, *values)]).fetchall()
        return [(row[0], row[1], row[2]) for row in rows]

    def rebuild_bands(self, scheme: str, bands_of: Callable[[int], list[int]]) -> int:
        """Recompute every document's bands when the banding ``scheme`` changed (inside a write)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'band_scheme'").fetchone()
        if row is not None and row[0] == scheme:
            return 0
        self.db.execute("DELETE FROM bands")
        docs = self.db.execute("SELECT id, simhash FROM documents WHERE simhash IS NOT NULL").fetchall()
        self.db.executemany("INSERT INTO bands(band, value, doc_id) VALUES(?, ?, ?)",
                            [(i, v, d[0]) for d in docs for i, v in enumerate(bands_of(d[1]))])
        self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('band_scheme', ?)", (scheme,))
        return len(docs)

    def refingerprint(self, scheme: str, fingerprint_of: Callable[[DocumentRow], int | None]) -> int:
        """Recompute every fingerprint when the fingerprint ``scheme`` changed (inside a write)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'fingerprint_scheme'").fetchone()
        if row is not None and row[0] == scheme:
            return 0
        docs = [DocumentRow(id=r["id"], num=r["num"], file=r["file"], title=r["title"])
                for r in self.db.execute("SELECT id, num, file, title FROM documents WHERE simhash IS NOT NULL")]
        self.db.executemany("UPDATE documents SET simhash = ? WHERE id = ?", [(fingerprint_of(d), d.id) for d in docs])
        self.db.execute("DELETE FROM settings WHERE key = 'band_scheme'")  # the bands follow: rebuild_bands
        self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES('fingerprint_scheme', ?)", (scheme,))
        return len(docs)

    def set_bands(self, doc_id: str, band_values: list[int], fresh: bool = False) -> None:
        if not fresh:
            self.db.execute("DELETE FROM bands WHERE doc_id = ?", (doc_id,))
        self.db.executemany("INSERT INTO bands(band, value, doc_id) VALUES(?, ?, ?)",
                            [(i, v, doc_id) for i, v in enumerate(band_values)])

    def add_revision(self, doc_id: str, content_hash: str, url: str | None) -> None:
        self.db.execute("INSERT INTO revisions(doc_id, content_hash, seen_at, url) VALUES(?, ?, ?, ?)",
                        (doc_id, content_hash, utcnow(), url))

    def revisions(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM revisions WHERE doc_id = ? ORDER BY rowid", (doc_id,)).fetchall()



# The backoff of a row found dead or failing again: ``:cap`` at most, twice the last one when the
# row was already ``{failing}`` (``status`` and ``backoff`` are the row's before the update), else 1.
_NEXT_BACKOFF = ("MAX(1, CASE WHEN status IN ({failing}) AND backoff IS NOT NULL"
                 " THEN MIN(backoff * 2, :cap) ELSE 1 END)")


class _SqliteCrawlState(_SqliteConnection, _CrawlStateStatements):
    """The crawl state (``storage.gateway.CrawlState``): tables ``urls`` (the seen-store, dead
    ends included), ``resources`` (the discovery pages) and ``boilerplate``, and the settings
    ``pages_seen:<source>``."""

    def url_status(self, url: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()
        return row

    def mark_url(self, url: str, source: str, status: str, doc_id: str | None = None,
                 reason: str | None = None, etag: str | None = None, last_modified: str | None = None,
                 *, listed: str | None = None) -> None:
        """Record the decision about an article URL, its validators (ETag, Last-Modified) and what
        the site's lists last said of it (``listed``: a sitemap's lastmod, a feed's updated, as given).

        A decision ends a dead end: the backoff and the run of the next re-check are cleared; the
        validators, ``listed`` and a redirect's ``target`` not given again stay."""
        now = utcnow()
        self.db.execute(
            "INSERT INTO urls(url, source, doc_id, status, reason, first_seen, last_seen, etag, last_modified,"
            " checked_at, listed) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET doc_id=COALESCE(excluded.doc_id, doc_id),"
            " status=excluded.status, reason=excluded.reason, last_seen=excluded.last_seen,"
            " etag=COALESCE(excluded.etag, etag), last_modified=COALESCE(excluded.last_modified, last_modified),"
            " checked_at=excluded.checked_at, listed=COALESCE(excluded.listed, listed),"
            " backoff=NULL, recheck_run=NULL",
            (url, source, doc_id, status, reason, now, now, etag, last_modified, now, listed),
        )

    def dead_end(self, url: str, source: str, kind: str, run: int, *, etag: str | None = None,
                 last_modified: str | None = None, target: str | None = None, listed: str | None = None,
                 cap: int = 32, status: str = "dead", content_hash: str | None = None) -> int:
        """Record the URL as a dead end (status ``dead``, reason ``kind``: http_404, redirect,
        too_large…; or status ``rejected``: a page decided not to be an item, reason why, with the
        hash of its text) met in the source's run number ``run``; the new backoff.

        Found dead for the first time (or after any other decision) its backoff is 1, then twice
        the last one each time it is found dead again, ``cap`` at most: it is skipped during the
        next ``backoff`` runs and checked again from run ``run + backoff + 1`` (``recheck_run``).
        first_seen, the validators and ``listed`` not given again stay; ``target`` (where a
        redirect leads) is the one given."""
        now = utcnow()
        backoff = _NEXT_BACKOFF.format(failing="'dead', 'rejected'")
        row = self.db.execute(
            "INSERT INTO urls(url, source, status, reason, first_seen, last_seen, checked_at, etag, last_modified,"
            " target, listed, backoff, recheck_run, content_hash)"
            " VALUES(:url, :source, :status, :kind, :now, :now, :now, :etag, :last_modified, :target, :listed,"
            " 1, :run + 2, :content_hash)"
            " ON CONFLICT(url) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
            " last_seen=excluded.last_seen,"
            " checked_at=excluded.checked_at, etag=COALESCE(excluded.etag, etag),"
            " last_modified=COALESCE(excluded.last_modified, last_modified), target=excluded.target,"
            " content_hash=COALESCE(excluded.content_hash, content_hash),"
            f" listed=COALESCE(excluded.listed, listed), backoff={backoff}, recheck_run=:run + {backoff} + 1"
            " RETURNING backoff",
            {"url": url, "source": source, "kind": kind, "now": now, "etag": etag, "last_modified": last_modified,
             "target": target, "listed": listed, "cap": cap, "run": run, "status": status,
             "content_hash": content_hash},
        ).fetchone()
        return int(row[0])

    def dead_ends(self, source: str) -> list[Record]:
        """The source's dead ends and rejected pages (url, status, reason, backoff, recheck_run,
        target, last_seen, etag, last_modified), by URL."""
        return self.db.execute(
            "SELECT url, status, reason, backoff, recheck_run, target, last_seen, etag, last_modified FROM urls"
            " WHERE source = ? AND status IN ('dead', 'rejected') ORDER BY url", (source,)).fetchall()

    # discovery pages -------------------------------------------------------------------
    def resource(self, url: str) -> sqlite3.Row | None:
        """The row of a discovery page (robots.txt, feed, sitemap, listing or REST page), or None."""
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM resources WHERE url = ?", (url,)).fetchone()
        return row

    def mark_resource(self, url: str, source: str, kind: str, status: str, *, run: int, etag: str | None = None,
                      last_modified: str | None = None, listed: str | None = None,
                      content_hash: str | None = None, cap: int = 32, children: str | None = None) -> None:
        """Record what a discovery page answered in the source's run number ``run``: ``ok``,
        ``missing`` (404, 410) or ``error``, with its validators, the lastmod its sitemap index gave
        it (``listed``), the hash of its content and the discovery pages it led to (``children``,
        as the crawler writes them).

        A page missing or failing is left alone like a dead end (``dead_end``): backoff 1 the first
        time, twice the last one while it keeps missing or failing, ``cap`` at most, checked again
        from run ``run + backoff + 1``; an ``ok`` clears both. first_seen, and the validators,
        ``listed`` and hash not given again, stay."""
        now = utcnow()
        backoff = _NEXT_BACKOFF.format(failing="'missing', 'error'")
        self.db.execute(
            "INSERT INTO resources(url, source, kind, status, etag, last_modified, listed, content_hash, first_seen,"
            " checked_at, backoff, recheck_run, children)"
            " VALUES(:url, :source, :kind, :status, :etag, :last_modified, :listed, :content_hash, :now, :now,"
            " CASE WHEN :status = 'ok' THEN NULL ELSE 1 END,"
            " CASE WHEN :status = 'ok' THEN NULL ELSE :run + 2 END, :children)"
            " ON CONFLICT(url) DO UPDATE SET kind=excluded.kind, status=excluded.status,"
            " children=COALESCE(excluded.children, children),"
            " etag=COALESCE(excluded.etag, etag), last_modified=COALESCE(excluded.last_modified, last_modified),"
            " listed=COALESCE(excluded.listed, listed), content_hash=COALESCE(excluded.content_hash, content_hash),"
            " checked_at=excluded.checked_at,"
            f" backoff=CASE WHEN excluded.status = 'ok' THEN NULL ELSE {backoff} END,"
            f" recheck_run=CASE WHEN excluded.status = 'ok' THEN NULL ELSE :run + {backoff} + 1 END",
            {"url": url, "source": source, "kind": kind, "status": status, "etag": etag,
             "last_modified": last_modified, "listed": listed, "content_hash": content_hash, "now": now,
             "cap": cap, "run": run, "children": children},
        )

    def resources(self, source: str) -> list[Record]:
        """The rows of the source's discovery pages, by kind then URL."""
        return self.db.execute("SELECT * FROM resources WHERE source = ? ORDER BY kind, url", (source,)).fetchall()

    # site-level boilerplate ----------------------------------------------------------
    def learn_boilerplate(self, source: str, samples: dict[str, str], cap: int,
                          trim_every: int) -> tuple[int, dict[str, int]]:
        """Count one more page of ``source`` and one more page for each of its paragraphs
        (``samples``: hash → text, 200 characters of it kept), in one write transaction.

        Returns the pages seen of the source (this one included) and the page counts of these
        hashes. Every ``trim_every`` pages the source's rows are cut back to ``cap``, the ones
        seen on fewest pages (then the oldest) forgotten first."""
        with self.write():
            self.db.executemany(
                "INSERT INTO boilerplate(source, hash, pages, sample) VALUES(?, ?, 1, ?)"
                " ON CONFLICT(source, hash) DO UPDATE SET pages = pages + 1",
                [(source, k, p[:200]) for k, p in samples.items()],
            )
            seen = int(self.db.execute(
                "INSERT INTO settings(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE"
                " SET value = CAST(value AS INTEGER) + 1 RETURNING value", (f"pages_seen:{source}",)
            ).fetchone()[0])
            counts = dict(self.db.execute(
                f"SELECT hash, pages FROM boilerplate WHERE source = ? AND hash IN ({','.join('?' * len(samples))})",
                [source, *samples],
            ).fetchall()) if samples else {}
            if seen % trim_every == 0:  # amortised: trimming sorts the source's rows
                self._trim_boilerplate(source, cap)
        return seen, counts

    def _trim_boilerplate(self, source: str, cap: int) -> list[str]:
        """Cut the source's rows back to ``cap``: the ones seen on fewest pages, then the oldest, go.
        Returns their hashes."""
        (count,) = self.db.execute("SELECT COUNT(*) FROM boilerplate WHERE source = ?", (source,)).fetchone()
        if count <= cap:
            return []
        return [row[0] for row in self.db.execute(
            "DELETE FROM boilerplate WHERE rowid IN (SELECT rowid FROM boilerplate WHERE source = ?"
            " ORDER BY pages, rowid LIMIT ?) RETURNING hash", (source, count - cap),
        ).fetchall()]

    def add_boilerplate(self, source: str, counts: dict[str, tuple[int, str]], pages: int,
                        cap: int) -> tuple[int, list[str]]:
        """Add ``pages`` pages to the pages seen of ``source``, and to each paragraph hash of
        ``counts`` (hash → (pages, text: 200 characters of it kept)) its pages, in one write
        transaction; then cut the source's rows back to ``cap`` (the ones seen on fewest pages,
        then the oldest, forgotten first).

        Returns the pages seen of the source and the hashes the cut forgot: a crawl that keeps
        the counts in memory (``crawlers.boilerplate.BufferedBoilerplate``) forgets them too,
        without reading the source's rows back."""
        with self.write():
            if counts:
                self.db.executemany(
                    "INSERT INTO boilerplate(source, hash, pages, sample) VALUES(?, ?, ?, ?)"
                    " ON CONFLICT(source, hash) DO UPDATE SET pages = pages + excluded.pages",
                    [(source, k, n, p[:200]) for k, (n, p) in counts.items()],
                )
            seen = int(self.db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE"
                " SET value = CAST(value AS INTEGER) + excluded.value RETURNING value",
                (f"pages_seen:{source}", str(pages))).fetchone()[0])
            forgotten = self._trim_boilerplate(source, cap)
        return seen, forgotten

    def boilerplate_counts(self, source: str) -> tuple[int, dict[str, int]]:
        """The pages seen of ``source`` and the page counts of all its paragraph hashes, oldest first."""
        counts = dict(self.db.execute("SELECT hash, pages FROM boilerplate WHERE source = ? ORDER BY rowid",
                                      (source,)).fetchall())
        return self.pages_seen(source), counts

    def pages_seen(self, source: str) -> int:
        """How many pages ``learn_boilerplate`` has counted for ``source``."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (f"pages_seen:{source}",)).fetchone()
        return int(row[0] if row else 0)

    def boilerplate_samples(self, source: str, min_pages: float) -> list[tuple[str, int]]:
        """(sample, pages) of the source's paragraphs seen on at least ``min_pages`` pages, most first."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT sample, pages FROM boilerplate WHERE source = ? AND pages >= ? ORDER BY pages DESC",
            (source, min_pages))]


class _SqliteRuns(_SqliteConnection, _RunStatements):
    """The run log (``storage.gateway.RunLog``): table ``runs``."""

    def record_run(self, source: str, started_at: str, status: str, summary: dict[str, Any],
                   complete: bool = False) -> None:
        """Record one source crawl: its status, its summary (JSON) and whether it read the whole
        site (``complete``; a run not said to be complete is partial: the next crawl reads all)."""
        self.db.execute(
            "INSERT INTO runs(source, started_at, finished_at, status, summary, complete) VALUES(?, ?, ?, ?, ?, ?)",
            (source, started_at, utcnow(), status, json.dumps(summary, ensure_ascii=False), int(complete)),
        )

    def last_good_run(self, source: str) -> dict[str, Any] | None:
        """The summary of the source's last successful run that was complete (recorded with
        ``complete``: the crawler judged that it read the whole site), among its last 20
        successful runs."""
        row = self.db.execute(
            "SELECT summary FROM (SELECT id, summary, complete FROM runs WHERE source = ? AND status = 'ok'"
            " ORDER BY id DESC LIMIT 20) WHERE complete = 1 ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[0])
        return data

    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        """The source's last ``limit`` run summaries, newest first."""
        rows = self.db.execute(
            "SELECT summary FROM runs WHERE source = ? ORDER BY id DESC LIMIT ?", (source, limit)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def run_number(self, source: str) -> int:
        """The number of the source's run about to be made: its runs recorded so far, plus one."""
        return int(self.db.execute("SELECT COUNT(*) FROM runs WHERE source = ?", (source,)).fetchone()[0]) + 1


class Index(_SqliteDocuments, _SqliteCrawlState, _SqliteRuns, _SpanningOperations):
    """Access to ``index.sqlite``; one connection per process.

    Three sections, each with its own tables: the document index (``_SqliteDocuments``), the
    crawl state (``_SqliteCrawlState``) and the run log (``_SqliteRuns``); the write transactions
    are shared (``_SqliteConnection``). The operations that span sections, and the statements that are
    the same on both backends, are shared with ``storage.pgindex.PgIndex`` (``_SpanningOperations``)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self._hooks = []
        with self.opening():
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=60000")
            with self.write():
                self._create()

    @contextmanager
    def opening(self) -> Iterator[None]:
        """Turns a damaged index met while opening into ``CorruptIndex`` (the connection closed)."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            self.db.close()
            if isinstance(exc, CorruptIndex):
                raise
            raise CorruptIndex(self.path, str(exc)) from None

    def _create(self) -> None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.db.execute(statement)
        backfills = []
        for table, column, decl in _MIGRATIONS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
                if (table, column) in _BACKFILL:
                    backfills.append(_BACKFILL[(table, column)])
        for statement in backfills:  # once every column is there
            self.db.execute(statement)
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES('schema_version', ?) ON CONFLICT(key) DO UPDATE SET"
            " value = excluded.value WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)",
            (str(SCHEMA_VERSION),))


def _json_list(text: str | None) -> list[str] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _run_hooks(hooks: list[tuple[bool, Callable[[], None]]], committed: bool) -> None:
    for on_commit, callback in hooks:
        if on_commit == committed:
            callback()


# Where the index is -----------------------------------------------------------------------
LOCATION_NAME = ".index-location"
"""The marker of a corpus folder whose index is not its ``index.sqlite`` but in PostgreSQL: the
index's location without its password, written when the folder is first opened that way (a
hidden file, like the folder's ``.logs/`` and ``.orphans/``: not a document, not the index)."""
_POSTGRESQL = ("postgresql://", "postgres://")


class IndexLocationError(ValueError):
    """An index location that is no location (neither empty nor a ``postgresql://`` URL), that
    cannot be opened, or that is not where the corpus folder's index is (a second index would
    start beside the first): a configuration problem, told in one line."""


def index_location(location: str | None) -> str:
    """The index location to use: ``location``, or when it is None the environment's
    ``HARVEST_INDEX`` (unset: ``""``, the corpus's own ``index.sqlite``)."""
    return (os.environ.get("HARVEST_INDEX", "") if location is None else location).strip()


def public_location(location: str) -> str:
    """``location`` without its password (in the user part or a ``password`` parameter): what the
    marker holds and messages show."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(location)
    except ValueError:
        return "<not a URL>"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _passwords(location: str) -> list[str]:
    """The passwords ``location`` holds (in its user part, in a ``password`` parameter)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(location)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    return [p for secret in found for p in {secret, unquote(secret)}]


def marked_location(folder: Path) -> str | None:
    """The location the marker of ``folder`` names (``.index-location``), or None when it has none."""
    try:
        text = (Path(folder) / LOCATION_NAME).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return text or None


def checked_location(folder: Path, location: str | None) -> str:
    """The index location of the corpus ``folder`` (``index_location``), after the checks that
    need no connection: it is empty or a ``postgresql://`` URL, and agrees with the folder's
    marker (a folder marked for PostgreSQL is not opened with its own SQLite file, nor with
    another database). ``IndexLocationError`` otherwise."""
    where = index_location(location)
    if where and not where.startswith(_POSTGRESQL):
        raise IndexLocationError(f"not an index location: {public_location(where)!r} (HARVEST_INDEX or --index: "
                                 f"empty for the corpus's {INDEX_NAME}, or a postgresql:// URL)")
    marked = marked_location(folder)
    if marked is None:
        return where
    if not where:
        raise IndexLocationError(f"{folder}: its index is in PostgreSQL, at {marked} ({LOCATION_NAME}): set "
                                 "HARVEST_INDEX or --index to that URL (with its password); opened with "
                                 f"{INDEX_NAME}, the folder would get a second index")
    if public_location(where) != marked:
        raise IndexLocationError(f"{folder}: its index is at {marked} ({LOCATION_NAME}), not at "
                                 f"{public_location(where)}")
    return where


def open_index(folder: Path, location: str | None) -> Index | PgIndex:
    """The index of the corpus ``folder``: with an empty ``location`` its ``index.sqlite``
    (``Index``); with a ``postgresql://`` URL that database (``storage.pgindex.PgIndex``,
    imported only then); None: the environment's ``HARVEST_INDEX``.

    The first opening of a folder with PostgreSQL writes its marker (``.index-location``), so the
    folder is never opened with its SQLite file afterwards, nor the other way round: a folder whose
    ``index.sqlite`` holds documents is not opened with a database that has none (its files would be
    registered again as seeds, without their URLs). ``IndexLocationError`` says which."""
    folder = Path(folder)
    where = checked_location(folder, location)
    if not where:
        return Index(folder / INDEX_NAME)
    public = public_location(where)
    from storage.pgindex import PgIndex

    try:
        index = PgIndex(where)
    except IndexServerError as exc:  # no server, a wrong password, no such database
        detail = " ".join(str(exc.__cause__ or exc).split())
        for secret in _passwords(where):  # should the driver's message quote it
            detail = detail.replace(secret, "***")
        raise IndexLocationError(f"cannot open the index at {public}: {detail}") from None
    if marked_location(folder) is None:
        try:
            local = _sqlite_documents(folder / INDEX_NAME)
            if local and index.count() == 0:
                raise IndexLocationError(f"{folder}: its {INDEX_NAME} holds {local} document(s) and the index at "
                                         f"{public} none: unset HARVEST_INDEX and --index to use {INDEX_NAME}, or "
                                         "move it away to start the PostgreSQL index from the files")
            _write_marker(folder, public)
        except BaseException:
            index.close()
            raise
    return index


def _sqlite_documents(path: Path) -> int:
    """How many documents the SQLite index ``path`` holds (0: no file, no table, or unreadable)."""
    if not path.exists():
        return 0
    try:
        with read_only(path) as db:
            return int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def _write_marker(folder: Path, public: str) -> None:
    """Write the marker ``.index-location`` whole (a temporary file renamed into place)."""
    tmp = folder / f"{LOCATION_NAME}.{os.getpid()}"
    tmp.write_text(public + "\n", encoding="utf-8")
    os.replace(tmp, folder / LOCATION_NAME)
