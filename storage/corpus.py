"""The corpus folder: seed-style text files ``NNN_<16 hex>.txt`` plus ``index.sqlite`` (or, with
``HARVEST_INDEX`` set to a ``postgresql://`` URL, an index in PostgreSQL and the marker
``.index-location`` naming it: ``storage.index.open_index``).

Writing a document:
1. before any lock, write its text to a temporary file of the folder and fsync it (``_stage``;
   for a batch, ``prepare`` writes the texts and the batch, as it starts, makes them durable
   together, before it takes the lock: ``_sync_staged``). The file's name,
   ``.tmp-<pid>@<host>-<random>-<id>``, tells whose it is;
2. take the writers' lock (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock): crawl
   processes sharing a corpus are serialised there and never pick the same number. Decide: the
   id's row, the same or nearly the same text under another URL (as before). If the text is
   unchanged or a duplicate, nothing is placed and the temporary file is removed after the lock;
3. else take the number (after the highest in the index and on disk), rename the temporary file
   into place as ``NNN_<id>.txt`` (a file is there completely or not at all) and fsync the folder;
4. insert the index row (and its fingerprint bands and revision) and commit.
If step 4 fails (disk full, read-only index), the files of step 3 are taken back: removed, or
their previous text written again. ``Corpus.batch`` groups several stores in one transaction
(one commit, one folder fsync); each store in it is a savepoint, and a batch that cannot
commit takes back all its files. A store in a batch whose text was not prepared writes it
under the lock.

Why the folder fsync stays inside the lock: the rename must be durable before the row that
names the file is. PostgreSQL (another machine, another disk) does not order its commit after
the corpus file system's journal, so after a power loss the row could survive a rename that did
not, and the index would point at a missing file. Fsyncing the folder after the rename and
before the commit costs one journal commit under the lock (measured on this machine's ext4: a
rename and folder fsync take 2.8 ms on average, against 6.1 ms for writing, fsyncing, renaming
and fsyncing the folder under the lock as before); the file's own data, the larger part, is
fsynced before the lock. A batch fsyncs the folder once, before its commit.

Temporary files exist outside the lock, so an opening removes only the stale ones
(``stale_temp_file``): those of a process of this machine that is gone, and those of another
machine older than ``TEMP_STALE`` (it cannot tell whether a process there is alive; a writer
waits for the lock a minute at most). A writer whose temporary file was removed meanwhile writes
its text again under the lock. A writer killed between steps 1 and 2 leaves only its temporary
file, nothing indexed; the next opening removes it.
A crash between 3 and 4 leaves a file without a row. The next ``Corpus`` opening imports it
(``url`` unknown) if its number is still free — the next crawl of its URL then fills the row
in, because the file name carries the id of the canonical URL — or moves it to ``.orphans/``
if its number was taken meanwhile. So the index never points at a missing file, and no two
indexed files share a number.

Several processes (on several machines: one shared folder, one PostgreSQL index) may write
and open one corpus at once. A file without a row is a crash leftover only when no writer is
between its steps 3 and 4, so an opening decides what is untracked inside a write transaction
of its own, holding the writers' lock: it lists the files and reads the rows only then, when
every writer has either committed its rows or taken its files back (``_import_untracked``). A
writer whose transaction fails takes its files back before it leaves the lock. What a writer
still does after its lock is released is short and guarded: the old copy a replacement made
redundant is removed just after the commit (an opening meanwhile leaves it alone while the
replacement is younger than ``REPLACED_GRACE``), the files of a transaction whose COMMIT itself
failed are taken back just after it, and an unused temporary file is removed.

Only regular files are documents: a symbolic link (or a FIFO, a folder…) named like one is
never listed, registered, read or exported, and corpus files are opened without following
links (``read_file``). The corpus folder itself may be a link.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.fingerprint import BAND_SCHEME, CONFIRM, NEAR_DISTANCE, bands, distance, probes, simhash, word_jaccard
from storage.fingerprint import FINGERPRINT_SCHEME as FINGERPRINTS
from storage.gateway import IndexBackend
from storage.ids import canonical_url, content_hash, doc_id
from storage.index import DocumentRow, open_index, utcnow

log = logging.getLogger(__name__)

FILE_RE = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")
_TMP_PREFIX = ".tmp-"
# A temporary file: ``.tmp-<pid>@<host>-<random>-<id or file name>``, its writer's process and machine.
_TEMP_RE = re.compile(r"^\.tmp-(\d+)@([A-Za-z0-9.]+)-")
_LEGACY_TEMP_RE = re.compile(r"^\.tmp-(\d+)-")  # made only under the lock by older versions
# How old a temporary file of another machine must be before an opening takes it for a leftover: a
# writer waits for the lock a minute at most (LOCK_TIMEOUT, SQLite's busy timeout); one slower than
# this finds its file gone and writes its text again under the lock.
TEMP_STALE = 600.0
ORPHANS = ".orphans"
TITLE_MAX = 200
# How long after a replacement its writer may still be removing the copy it replaced: an
# opening leaves such an older file alone meanwhile (the next opening sets it aside if it stays).
REPLACED_GRACE = 60.0


def _host() -> str:
    """This machine's name as it appears in temporary file names (letters, digits, dots)."""
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "localhost"


HOST = _host()


def temp_name(ident: str) -> str:
    """A new temporary file name of this process for a text of document ``ident`` (or a file name)."""
    return f"{_TMP_PREFIX}{os.getpid()}@{HOST}-{secrets.token_hex(4)}-{ident}"


def stale_temp_file(name: str, mtime: float, now: float | None = None) -> bool:
    """Whether the temporary file ``name`` (modified at ``mtime``) is a leftover that no live writer
    will rename: one of a process of this machine that is gone, one of another machine older than
    ``TEMP_STALE``, or one in an older naming (made under the lock: stale unless its process runs
    here). A live writer's file, written before it takes the lock, is never stale."""
    m = _TEMP_RE.match(name)
    if m:
        if m.group(2) == HOST:
            return not pid_alive(int(m.group(1)))
        return (time.time() if now is None else now) - mtime > TEMP_STALE
    legacy = _LEGACY_TEMP_RE.match(name)
    return not (legacy and pid_alive(int(legacy.group(1))))


# The texts ``prepare`` writes for a batch are made durable together when the batch starts, before
# it takes the lock: on Linux 5.8 and later by one ``syncfs(2)`` of the corpus's file system (which
# reports a write error from then on), else by an fsync of each. Measured on this project's machine
# (ext4, 8 texts of 8 KB a batch, 800 texts, three alternations): a text costs the writer 0.07 ms
# of CPU instead of 0.25 with an fsync each, and the whole system, kernel threads included,
# 0.13-0.16 ms instead of 0.31-0.54: the 8 texts' data and inodes go out in one pass, and, on a
# file system with a journal, in one journal commit instead of 8. A ``syncfs`` also writes what
# other programs left unwritten on that file system: one that takes longer than ``SYNCFS_SLOW``
# seconds (another program writing a lot there) makes that corpus go back to an fsync per text.
SYNCFS_SLOW = 1.0


def _syncfs() -> Any:
    """libc's ``syncfs`` where it reports write errors (Linux 5.8+), else None."""
    system = os.uname()
    if system.sysname != "Linux":
        return None
    try:
        major, minor = (int(x) for x in re.findall(r"\d+", system.release)[:2])
        if (major, minor) < (5, 8):
            return None
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, ValueError):
        return None
    call.argtypes = [ctypes.c_int]
    return call


_SYNCFS = _syncfs()


def _fsync_path(path: Path) -> None:
    """fsync the file or folder at ``path``."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_name(num: int, ident: str) -> str:
    """``NNN_<id>.txt``: three digits at least, more after 999."""
    if not re.fullmatch(r"[0-9a-f]{16}", ident):
        raise ValueError(f"not a document id: {ident!r}")
    return f"{num:03d}_{ident}.txt"


class NotRegularFile(OSError):
    """A corpus path that is a symbolic link, a FIFO, a folder… instead of a regular file."""


def read_file(path: Path | str, errors: str = "strict") -> str:
    """The text of a corpus file, read without following a symbolic link (``O_NOFOLLOW``)
    and only from a regular file (never blocking on a FIFO or reading a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(errno.ELOOP, "a symbolic link, not followed", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        fh = open(fd, encoding="utf-8", errors=errors, closefd=False)
        with fh:
            return fh.read()
    finally:
        os.close(fd)


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
    simhash: int | None = None  # precomputed (e.g. by a cleaning worker); computed here if None
    digest: str | None = None  # content_hash(body), precomputed as simhash is
    kind: str | None = "item"  # the item decision (crawlers.items) and its reasons
    why: list[str] | None = None

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

    def __init__(self, folder: Path | str, host_aliases: dict[str, str] | None = None, index: str | None = None):
        """Open the corpus ``folder`` (created if missing) and its index: ``index`` is where the
        index is (``storage.index.open_index``: empty, the folder's ``index.sqlite``; a
        ``postgresql://`` URL; None, the environment's ``HARVEST_INDEX``)."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        if not os.access(self.folder, os.W_OK):
            raise PermissionError(f"corpus folder is not writable: {self.folder}")
        self.host_aliases = host_aliases or {}
        self._undo: list[tuple[Path, str | None]] = []  # files written by the open transaction
        self._numbers: int | None = None  # the next document number, within a write transaction
        self._batched = self._dir_dirty = False
        # Texts written by prepare() for the next batch, with what store() computes of their item.
        self._staged: dict[_StagedKey, tuple[Path, _Item]] = {}
        self._unsynced: list[Path] = []  # staged texts written, not yet durable (``_sync_staged``)
        self._syncfs = _SYNCFS  # None: an fsync per text
        self._placed: set[Path] = set()  # staged texts renamed into place by the store in progress
        # CorruptIndex when index.sqlite is no readable database; IndexLocationError when the
        # location is none or not the folder's (its marker, .index-location)
        opened = open_index(self.folder, index)
        self.index: IndexBackend = opened
        with opened.opening():  # SQLite's: a damaged index met while opening is CorruptIndex
            with self.index.write():
                # An index from an older fingerprint (recomputed from the files), or banding.
                refreshed = self.index.refingerprint(FINGERPRINTS, self._stored_fingerprint)
                if refreshed:
                    log.info("%s: near-duplicate fingerprints of %d documents recomputed (%s)",
                             self.folder, refreshed, FINGERPRINTS)
                self.index.rebuild_bands(BAND_SCHEME, bands)
            with self.index.write():  # the writers' lock: no writer is between a file and its row
                self._remove_stale_temp_files()
                self._import_untracked()

    def _stored_fingerprint(self, doc: DocumentRow) -> int | None:
        """The fingerprint of a stored document's body (``split_text`` of its file); None when the
        file cannot be read."""
        try:
            return simhash(split_text(read_file(self.folder / doc.file, errors="replace"), doc.title))
        except OSError:  # NotRegularFile included
            return None

    def close(self) -> None:
        staged, self._staged = self._staged, {}
        self._unsynced = []
        for path, _ in staged.values():  # prepared for a batch that never ran
            path.unlink(missing_ok=True)
        self.index.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading -----------------------------------------------------------------
    def files(self) -> Iterator[tuple[int, str, Path]]:
        """(number, id, path) of every document file present: regular files only, a symbolic
        link is not followed (``harvest check`` reports it)."""
        for entry in os.scandir(self.folder):
            m = FILE_RE.match(entry.name)
            if m and entry.is_file(follow_symlinks=False):
                yield int(m.group(1)), m.group(2), Path(entry.path)

    def documents(self) -> Iterator[DocumentRow]:
        return self.index.documents()

    def read_body(self, doc: DocumentRow) -> str:
        return split_text(read_file(self.folder / doc.file), doc.title)

    # writing -----------------------------------------------------------------
    def store(self, new: NewDocument) -> StoreResult:
        """Store a cleaned item once; see the module docstring for the write protocol.

        ``new``: an unknown item. ``unchanged`` / ``updated``: the same canonical URL again,
        with the same / another text (rewritten in place, the revision recorded).
        ``duplicate`` / ``near_duplicate``: the same or nearly the same text is already stored
        under another URL; the copy with the earlier date (then the smaller canonical URL) is
        kept, the other URL recorded as its alias — whichever arrives first.

        Outside a batch the text is written and fsynced to a temporary file before the writers'
        lock is taken; inside one, the text ``prepare`` staged before the batch is used (else it
        is written under the lock)."""
        nested = self.index.in_transaction  # part of a batch: durable with the batch's commit
        staged: Path | None = None
        if nested and (prepared := self._staged.pop(self._staged_key(new), None)) is not None:
            staged, item = prepared
            if staged in self._unsynced:  # prepared inside the batch: made durable now
                self._sync_staged()
        else:
            item = self._item(new)
            if not nested:
                staged = self._stage(item)
        doomed: list[Path] = []
        self._undo = []
        try:
            result = self._store_locked(new, item, staged, doomed)
        except BaseException:
            undo, self._undo = self._undo, []
            self._undo_writes(undo)
            raise
        finally:
            if staged is not None and staged not in self._placed:
                staged.unlink(missing_ok=True)  # not used: unchanged, a duplicate, or a failure
            self._placed.clear()
        undo, self._undo = self._undo, []
        if nested:
            self.index.on_rollback(lambda: self._undo_writes(undo))
            self.index.on_commit(lambda: _unlink_doomed(doomed, result.doc.file))
        else:
            _unlink_doomed(doomed, result.doc.file)
        return result

    def prepare(self, new: NewDocument) -> None:
        """Write ``new``'s text to a temporary file now, before a batch takes the writers' lock: a
        ``store`` of the same item inside the next batch renames it into place instead of writing
        under the lock. The batch makes its prepared texts durable together when it starts, before
        it takes the lock (``_sync_staged``). What the batch does not use is removed when it ends."""
        key = self._staged_key(new)
        if key not in self._staged:
            item = self._item(new)
            self._staged[key] = (self._stage(item, sync=False), item)

    def _item(self, new: NewDocument) -> _Item:
        canon = new.canonical_url or canonical_url(new.url, self.host_aliases)
        return _Item(canon, doc_id(canon), render_text(new.title, new.paragraphs),
                     new.digest if new.digest is not None else content_hash(new.body),
                     new.simhash if new.simhash is not None else simhash(new.body))

    @staticmethod
    def _staged_key(new: NewDocument) -> _StagedKey:
        """What a prepared text is found again by: what its item is computed from."""
        return new.url, new.canonical_url, new.title, tuple(new.paragraphs), new.simhash

    def _stage(self, item: _Item, sync: bool = True) -> Path:
        """The text of ``item`` in a temporary file of this process, written and fsynced (its name
        tells an opening whose it is: ``stale_temp_file``); with ``sync`` false, written only, and
        made durable by the next ``_sync_staged``."""
        tmp = self.folder / temp_name(item.ident)
        try:
            with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(item.text)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
                else:
                    self._unsynced.append(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def _sync_staged(self) -> None:
        """Make the texts written by ``prepare`` durable: one ``syncfs`` of the corpus's file
        system, or an fsync of each (see ``SYNCFS_SLOW``). A text removed meanwhile (an opening
        took it for a leftover) is written again under the lock, as ``_place`` says."""
        paths, self._unsynced = self._unsynced, []
        if not paths:
            return
        if self._syncfs is not None:
            start = time.monotonic()
            fd = os.open(self.folder, os.O_RDONLY)
            try:
                if self._syncfs(fd) != 0:
                    code = ctypes.get_errno()
                    raise OSError(code, f"syncfs: {os.strerror(code)}", str(self.folder))
            finally:
                os.close(fd)
            took = time.monotonic() - start
            if took > SYNCFS_SLOW:
                self._syncfs = None
                log.info("%s: writing the file system's pending data took %.1f s (another program writes a "
                         "lot there): each text is now made durable on its own", self.folder, took)
            return
        for path in paths:
            try:
                _fsync_path(path)
            except FileNotFoundError:
                continue

    def _store_locked(self, new: NewDocument, item: _Item, staged: Path | None, doomed: list[Path]) -> StoreResult:
        # One writer at a time: decide and place the file under the lock; a failure takes the files
        # back before the lock is released (an opening never sees them without their rows).
        canon, ident, text, digest, fingerprint = item.canon, item.ident, item.text, item.digest, item.simhash
        with self.index.write(), self._taken_back_on_failure():
            existing = self.index.get(ident)
            if existing is not None and existing.url is not None:
                if existing.content_hash == digest:
                    return StoreResult("unchanged", existing)
                row = self._row(new, existing.id, existing.num, existing.file, canon, digest, fingerprint)
                row.meta = {**existing.meta, **row.meta}
                self._place(staged, existing.file, text)
                self._index_row(row)
                return StoreResult("updated", row)
            if existing is None:
                twin, kind, dist = self._find_twin(new.body, digest, fingerprint)
                if twin is not None:
                    row = self._row(new, ident, twin.num, file_name(twin.num, ident), canon, digest, fingerprint)
                    if _sort_key(twin) <= _sort_key(row):
                        self._add_alias(twin, new.url, kind, dist)
                        return StoreResult(kind, twin, duplicate_of=twin.id)
                    # The newcomer is the copy to keep: it takes the twin's number, the twin's
                    # URL becomes its alias. A crash before the old file's removal leaves an
                    # untracked file with a used number, set aside at the next opening.
                    row.meta["aliases"] = twin.meta.get("aliases", []) + [_alias(twin.url or "", kind, dist)]
                    self._place(staged, row.file, text)
                    self.index.replace_document(twin.id, row)
                    self._index_row(row)
                    doomed.append(self.folder / twin.file)
                    result = StoreResult(kind, row, duplicate_of=twin.id)
                else:
                    num = self._next_number()
                    row = self._row(new, ident, num, file_name(num, ident), canon, digest, fingerprint)
                    self._place(staged, row.file, text)
                    self._index_row(row, fresh=True)
                    result = StoreResult("new", row)
            else:  # a file without metadata (a seed, or a crash leftover) for this very URL
                row = self._row(new, ident, existing.num, existing.file, canon, digest, fingerprint)
                self._place(staged, row.file, text)
                self._index_row(row)
                result = StoreResult("new", row)
        return result

    def _row(self, new: NewDocument, ident: str, num: int, name: str, canon: str, digest: str,
             fingerprint: int | None) -> DocumentRow:
        return DocumentRow(
            id=ident, num=num, file=name, url=new.url, canonical_url=canon, source=new.source,
            title=new.title, date=new.date, language=new.language, author=new.author,
            sitename=new.sitename, fetched_at=new.fetched_at or utcnow(), content_hash=digest,
            chars=len(new.body), simhash=fingerprint, kind=new.kind, why=list(new.why) if new.why else None,
            meta=dict(new.meta),
        )

    def _index_row(self, row: DocumentRow, fresh: bool = False) -> None:
        """Row, fingerprint bands and revision of a document just written (inside the lock);
        ``fresh``: an id the index had no row for, hence no bands to replace."""
        self.index.upsert(row)
        self.index.set_bands(row.id, bands(row.simhash) if row.simhash is not None else [], fresh=fresh)
        self.index.add_revision(row.id, row.content_hash or "", row.url)

    def _find_twin(self, body: str, digest: str, fingerprint: int | None) -> tuple[DocumentRow | None, str, int]:
        """A crawled document with the same text, or a confirmed near-duplicate."""
        twin = self.index.find_by_hash(digest)
        if twin is not None:
            return twin, "duplicate", 0
        if fingerprint is None:
            return None, "", 0
        close = sorted((distance(fingerprint, h), num, ident)
                       for ident, h, num in self.index.near_candidates(probes(fingerprint)))
        for dist, _, ident in close:
            if dist > NEAR_DISTANCE:
                break
            cand = self.index.get(ident)
            try:
                similar = cand is not None and word_jaccard(body, self.read_body(cand)) >= CONFIRM
            except OSError:
                similar = False
            if similar:
                return cand, "near_duplicate", dist
        return None, "", 0

    def _add_alias(self, doc: DocumentRow, url: str, kind: str, dist: int) -> None:
        aliases = list(doc.meta.get("aliases", []))
        if url != doc.url and all(a.get("url") != url for a in aliases):
            aliases.append(_alias(url, kind, dist))
            doc.meta["aliases"] = aliases
            self.index.upsert(doc)

    def _next_number(self) -> int:
        """The number of a new document (inside the lock). Within one write transaction the
        number after the last one handed out is kept (``_numbers``): no other writer can take one
        before the transaction ends, and a batch of pages reads the index's two figures once
        instead of once a page. It is forgotten when the transaction ends and when any savepoint
        of it is rolled back (the setting written there is taken back: read again)."""
        if self._numbers is None:
            num = self.index.next_num()
            self.index.on_commit(self._forget_numbers)
        else:
            num = self._numbers
        self.index.set_next_num(num + 1)
        self._numbers = num + 1
        self.index.on_rollback(self._forget_numbers)  # in each savepoint that takes a number
        return num

    def _forget_numbers(self) -> None:
        self._numbers = None

    @contextmanager
    def _taken_back_on_failure(self) -> Iterator[None]:
        """Take back the files written so far (``_undo``) when the block fails, at once: inside the
        write transaction, before the writers' lock is released."""
        try:
            yield
        except BaseException:
            undo, self._undo = self._undo, []
            self._undo_writes(undo)
            raise

    def _undo_writes(self, undo: list[tuple[Path, str | None]]) -> None:
        """The transaction failed (disk full, read-only index…): take back the files it wrote,
        so no file is left without its row and no row describes another text."""
        for path, previous in reversed(undo):
            try:
                if previous is None:
                    path.unlink(missing_ok=True)
                else:
                    self._write_file(path.name, previous, undo=False)
            except OSError as exc:
                log.error("could not take back %s after a failed write (%s); `harvest check --repair` "
                          "will reconcile it", path.name, exc)

    def _place(self, staged: Path | None, name: str, text: str, undo: bool = True) -> None:
        """Put ``text`` in place as the file ``name`` (under the lock): the temporary file ``staged``
        written before the lock renamed into place, or, when there is none (or an opening took it
        for a leftover), the text written now. The previous file is kept for ``_undo_writes``."""
        final = self.folder / name
        if final.parent != self.folder or not FILE_RE.match(name):
            raise ValueError(f"refusing to write outside the corpus folder: {name!r}")
        if undo:
            try:
                previous: str | None = read_file(final)
            except (FileNotFoundError, NotRegularFile):
                previous = None  # a link in the way is replaced, never written through
            self._undo.append((final, previous))
        placed = False
        if staged is not None:
            try:
                os.replace(staged, final)
                placed = True
                self._placed.add(staged)
            except FileNotFoundError:
                log.warning("%s: its temporary file was removed meanwhile; written again", name)
        if not placed:
            tmp = self.folder / temp_name(name)
            try:
                with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, final)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        if self._batched:
            self._dir_dirty = True  # one folder fsync for the batch, before it commits
        else:
            self._fsync_folder()  # the new name durable before the row is: see the module docstring

    def _write_file(self, name: str, text: str, undo: bool = True) -> None:
        self._place(None, name, text, undo)

    def _fsync_folder(self) -> None:
        _fsync_path(self.folder)

    @contextmanager
    def batch(self) -> Iterator[Corpus]:
        """Store several items in one transaction (group commit): each ``store`` inside is a
        savepoint of its own, and all of them become durable together. If the batch cannot
        commit, every file it wrote is taken back. Texts staged by ``prepare`` before the batch and
        not stored in it are removed when it ends."""
        if self.index.in_transaction:
            raise RuntimeError("batches do not nest")
        self._batched, self._dir_dirty = True, False
        try:
            self._sync_staged()  # the prepared texts durable, before the lock
            with self.index.write():
                yield self
                if self._dir_dirty:
                    self._fsync_folder()  # the files' names are durable before their rows
        finally:
            self._batched = False
            staged, self._staged = self._staged, {}
            for path, _ in staged.values():
                path.unlink(missing_ok=True)

    def reset(self, source: str) -> tuple[int, int]:
        """Forget ``source``'s crawl state so the next crawl is a full one; documents stay."""
        with self.index.write():
            return self.index.reset_source(source)

    # opening -------------------------------------------------------------------
    def _remove_stale_temp_files(self) -> None:
        """Remove the temporary files of writers that died before their rename (call inside
        ``write()``). Writers write their texts before they take the lock, so a temporary file met
        even then may be a live writer's, waiting for the lock: only the stale ones
        (``stale_temp_file``) are removed."""
        now = time.time()
        for entry in os.scandir(self.folder):
            if not entry.name.startswith(_TMP_PREFIX):
                continue
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:
                continue  # renamed into place meanwhile
            if stale_temp_file(entry.name, mtime, now):
                Path(entry.path).unlink(missing_ok=True)

    def _import_untracked(self) -> None:
        """Register files the index does not know (the seeds, or a crash leftover).

        Call inside ``write()``: the files are listed and the rows read while this process holds
        the writers' lock, so every other writer has committed the rows of the files it wrote or
        taken those files back — a file without a row then is no other writer's document in the
        middle of its transaction, and is neither registered twice nor set aside while valid.
        A file whose number (or id) is in the index is set aside into ``.orphans/`` (never
        deleted), unless it is older than the file now holding its number and that file is
        younger than ``REPLACED_GRACE``: the copy a replacement has just made redundant, which its
        writer removes right after its commit."""
        rows = self.index.document_files()
        known = {name for _, name in rows}
        holder = dict(rows)  # number → file name
        top = -1
        untracked = []
        for num, ident, path in self.files():
            top = max(top, num)
            if path.name not in known:
                untracked.append((num, ident, path))
        self._numbers = None
        self.index.set_next_num(max(self.index.next_num(), top + 1))
        for num, ident, path in sorted(untracked):
            if num in holder or self.index.get(ident) is not None:
                if num in holder and self._just_replaced(path, holder[num]):
                    log.info("%s: replaced by %s just now; left to its writer", path.name, holder[num])
                    continue
                # Left by an interrupted replacement, or a clash: set aside, never deleted.
                set_aside(self.folder, path)
                log.warning("%s: number or id already in the index; moved to %s/", path.name, ORPHANS)
                continue
            try:
                text = read_file(path, errors="replace")
            except (FileNotFoundError, NotRegularFile) as exc:
                log.warning("%s: not registered: %s", path.name, exc.strerror)
                continue
            holder[num] = path.name
            title = _guess_title(text)
            body = split_text(text, title)
            self.index.upsert(DocumentRow(
                id=ident, num=num, file=path.name, title=title, content_hash=content_hash(body),
                chars=len(body), fetched_at=utcnow(), kind="seed", why=["imported"], meta={"imported": True},
            ))

    def _just_replaced(self, path: Path, holder: str) -> bool:
        """Whether ``path`` (no row) is the copy that the file ``holder``, written after it and
        less than ``REPLACED_GRACE`` ago, has just replaced under its number."""
        try:
            old = os.stat(path, follow_symlinks=False).st_mtime
            new = os.stat(self.folder / holder, follow_symlinks=False).st_mtime
        except OSError:
            return False
        return old < new and time.time() - new < REPLACED_GRACE


def set_aside(folder: Path, path: Path) -> Path:
    """Move ``path`` (a file, or a link itself: it is not followed) into ``<folder>/.orphans/``
    under a name not taken there yet; return its new path."""
    aside = folder / ORPHANS
    if aside.is_symlink():
        raise NotRegularFile(errno.ELOOP, "a symbolic link, not followed", str(aside))
    aside.mkdir(exist_ok=True)
    target, n = aside / path.name, 1
    while os.path.lexists(target):
        target, n = aside / f"{path.name}.{n}", n + 1
    os.replace(path, target)
    return target


# URL, canonical URL, title, paragraphs and simhash of a prepared item.
_StagedKey = tuple[str, str | None, str | None, tuple[str, ...], int | None]


@dataclass
class _Item:
    """What ``store`` computes of a new document before taking the lock."""

    canon: str
    ident: str
    text: str
    digest: str
    simhash: int | None


def _unlink_doomed(doomed: list[Path], kept: str) -> None:
    """Remove the files of copies replaced by a better one (once the replacement is durable)."""
    for path in doomed:
        if path.name != kept:
            path.unlink(missing_ok=True)


def _alias(url: str, kind: str, dist: int) -> dict[str, Any]:
    return {"url": url, "kind": kind, "distance": dist, "seen_at": utcnow()}


def _sort_key(doc: DocumentRow) -> tuple[str, str]:
    """Which of two copies is kept: the earlier date, then the smaller canonical URL."""
    return (doc.date or "9999-12-31", doc.canonical_url or doc.url or "~")


def _guess_title(text: str) -> str | None:
    """First line of a file when it looks like a heading (short, no final full stop)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            if len(line) <= TITLE_MAX and not line.endswith((".", ":", ";")):
                return line
            return None
    return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
