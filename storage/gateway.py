"""The storage gateway: what the rest of the code may ask of a corpus and of its index.

Four interfaces of the index, each a ``typing.Protocol``:

- ``DocumentIndex``: the documents (rows of the text files), their near-duplicate bands and
  revisions;
- ``CrawlState``: the seen-store of article URLs (dead ends included), the discovery pages
  of each source and the site-level boilerplate counts;
- ``RunLog``: one record per source crawl;
- ``IndexBackend``: the three together, with the write transaction they share.

``DocumentStore`` is the other side of a corpus: its text files, and the index beside them.

``storage.index.Index`` (SQLite) and ``storage.corpus.Corpus`` satisfy them structurally;
another backend implements ``IndexBackend`` with the same names and signatures, and passes the
same tests (tests/test_gateway.py, its ``backend`` fixture). The protocols are
``runtime_checkable``: ``isinstance`` checks that the names are there, not their signatures
(mypy does).

Rows read back by column name (``url_status``, ``resource``, ``revisions``…) are typed ``Record``: SQLite gives
a ``sqlite3.Row``, another backend may give a ``dict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from storage.index import DocumentRow

if TYPE_CHECKING:
    from storage.corpus import NewDocument, StoreResult


class Record(Protocol):
    """A row whose columns are read by name: ``row["status"]``."""

    def __getitem__(self, key: str, /) -> Any: ...


@runtime_checkable
class DocumentIndex(Protocol):
    """The documents of a corpus: one row per text file, its near-duplicate bands, its revisions.

    Writing methods are called inside the backend's ``write()``."""

    def max_num(self) -> int:
        """The highest document number in the index, -1 when there is none."""
        ...

    def get(self, doc_id: str) -> DocumentRow | None:
        """The document with this id, or None."""
        ...

    def find_by_hash(self, content_hash: str) -> DocumentRow | None:
        """The crawled document (with a URL) of this content hash with the smallest number, or None."""
        ...

    def documents(self) -> Iterator[DocumentRow]:
        """Every document, by number."""
        ...

    def count(self) -> int:
        """How many documents there are (seed documents included)."""
        ...

    def document_files(self) -> list[tuple[int, str]]:
        """(number, file name) of every document."""
        ...

    def next_num(self) -> int:
        """The number a new document takes: after every number in use and not below ``set_next_num``'s."""
        ...

    def set_next_num(self, num: int) -> None:
        """From now on ``next_num`` is ``num`` at least (inside ``write()``)."""
        ...

    def item_urls(self, source: str, limit: int = 500) -> list[tuple[str, str | None]]:
        """(URL, reasons as stored: JSON text or None) of the source's latest ``limit`` crawled
        documents taken for items (or stored before the item decision), newest first."""
        ...

    def upsert(self, doc: DocumentRow) -> None:
        """Insert the document, or replace the one with its id."""
        ...

    def near_candidates(self, probes: list[tuple[int, list[int]]]) -> list[tuple[str, int, int]]:
        """(id, simhash, number) of crawled documents with a band value among ``probes`` ((band, values))."""
        ...

    def rebuild_bands(self, scheme: str, bands_of: Callable[[int], list[int]]) -> int:
        """Recompute every document's bands if the banding ``scheme`` changed; how many documents were banded."""
        ...

    def refingerprint(self, scheme: str, fingerprint_of: Callable[[DocumentRow], int | None]) -> int:
        """If the fingerprint ``scheme`` changed: every document with a fingerprint gets
        ``fingerprint_of(document)`` instead (None: none), and its bands are rebuilt by the next
        ``rebuild_bands``; how many documents were fingerprinted again."""
        ...

    def set_bands(self, doc_id: str, band_values: list[int], fresh: bool = False) -> None:
        """The document's bands become ``band_values`` (band i has value ``band_values[i]``);
        ``fresh``: a document that has none yet (its row was just inserted), nothing to delete."""
        ...

    def add_revision(self, doc_id: str, content_hash: str, url: str | None) -> None:
        """Record that the document was seen now with this content hash, at this URL."""
        ...

    def revisions(self, doc_id: str) -> Sequence[Record]:
        """The document's revisions (doc_id, content_hash, seen_at, url), oldest first."""
        ...

    def replace_document(self, old_id: str, new: DocumentRow) -> None:
        """``new`` takes ``old_id``'s place: its number; its revisions, bands and seen URLs follow."""
        ...

    def delete_document(self, doc_id: str) -> None:
        """Delete the document (inside ``write()``): its row, its bands, and the seen URLs leading
        to it, so the next crawl fetches them again; its revisions stay."""
        ...


@runtime_checkable
class CrawlState(Protocol):
    """What the crawl remembers between runs: the seen-store of article URLs (decided on:
    stored, duplicate, rejected with a reason, or dead ends left alone for a number of runs),
    the discovery pages of each source (robots.txt, feeds, sitemaps, listing and REST pages)
    and the boilerplate counts of each source."""

    def url_status(self, url: str) -> Record | None:
        """The seen-store row of a canonical URL (url, source, doc_id, status, reason, first_seen,
        last_seen, etag, last_modified, checked_at, listed, target, backoff, recheck_run), or None."""
        ...

    def mark_url(self, url: str, source: str, status: str, doc_id: str | None = None,
                 reason: str | None = None, etag: str | None = None, last_modified: str | None = None,
                 *, listed: str | None = None) -> None:
        """Record the decision about a URL now (first_seen kept; doc_id, validators, listed and target kept
        when not given; backoff and recheck_run cleared)."""
        ...

    def set_listed(self, url: str, listed: str | None) -> None:
        """Replace what the site's lists said of ``url``; nothing else of its row changes."""
        ...

    def dead_end(self, url: str, source: str, kind: str, run: int, *, etag: str | None = None,
                 last_modified: str | None = None, target: str | None = None, listed: str | None = None,
                 cap: int = 32, status: str = "dead", content_hash: str | None = None) -> int:
        """Record the URL dead or rejected (reason ``kind``) in run ``run``: backoff 1, doubled while it
        stays dead or rejected up to ``cap``, recheck_run = run + backoff + 1; the new backoff."""
        ...

    def dead_ends(self, source: str) -> list[Record]:
        """The source's dead ends and rejected pages by URL (url, status, reason, backoff, recheck_run, target,
        last_seen, etag, last_modified)."""
        ...

    def resource(self, url: str) -> Record | None:
        """The row of a discovery page (url, source, kind, status, etag, last_modified, listed, content_hash,
        first_seen, checked_at, backoff, recheck_run), or None."""
        ...

    def mark_resource(self, url: str, source: str, kind: str, status: str, *, run: int, etag: str | None = None,
                      last_modified: str | None = None, listed: str | None = None,
                      content_hash: str | None = None, cap: int = 32, children: str | None = None) -> None:
        """Record a discovery page ok, missing or error in run ``run``, with the pages it led to (``children``;
        first_seen and values not given kept):
        missing/error back off like ``dead_end``, ok clears backoff and recheck_run."""
        ...

    def resources(self, source: str) -> list[Record]:
        """The rows of the source's discovery pages, by kind then URL."""
        ...

    def touch_url(self, url: str) -> None:
        """A conditional re-check answered 304: the URL's checked_at becomes now."""
        ...

    def learn_boilerplate(self, source: str, samples: dict[str, str], cap: int,
                          trim_every: int) -> tuple[int, dict[str, int]]:
        """Count one more page of ``source`` and of each paragraph hash in ``samples``, in one
        write; (pages seen, page count of each of these hashes), the rows cut back to ``cap``
        every ``trim_every`` pages."""
        ...

    def add_boilerplate(self, source: str, counts: dict[str, tuple[int, str]], pages: int,
                        cap: int) -> tuple[int, list[str]]:
        """Add ``pages`` pages of ``source``, and to each hash of ``counts`` (hash → (pages, text))
        its pages, in one write; the rows cut back to ``cap``; (pages seen, the hashes the cut
        forgot)."""
        ...

    def boilerplate_counts(self, source: str) -> tuple[int, dict[str, int]]:
        """(pages seen of ``source``, page count of every hash of the source, the oldest row first)."""
        ...

    def pages_seen(self, source: str) -> int:
        """How many pages ``learn_boilerplate`` has counted for ``source``."""
        ...

    def boilerplate_samples(self, source: str, min_pages: float) -> list[tuple[str, int]]:
        """(sample, pages) of the source's paragraphs seen on at least ``min_pages`` pages, most first."""
        ...


@runtime_checkable
class RunLog(Protocol):
    """One record per source crawl: its status, its summary, whether it read the whole site."""

    def record_run(self, source: str, started_at: str, status: str, summary: dict[str, Any],
                   complete: bool = False) -> None:
        """Record a crawl of ``source`` finished now (``complete``: it read the whole site)."""
        ...

    def last_good_run(self, source: str) -> dict[str, Any] | None:
        """The summary of the source's last complete successful run among its last 20 successful ones, or None."""
        ...

    def recent_runs(self, source: str, limit: int) -> list[dict[str, Any]]:
        """The source's last ``limit`` run summaries, newest first."""
        ...

    def run_number(self, source: str) -> int:
        """The number of the source's run about to be made: its recorded runs plus one."""
        ...


@runtime_checkable
class IndexBackend(DocumentIndex, CrawlState, RunLog, Protocol):
    """A whole index: documents, crawl state and run log, written in shared transactions."""

    def write(self) -> AbstractContextManager[object]:
        """A write transaction holding the write lock from its start; nested, a savepoint (its
        failure takes back only its own changes); durable with the outermost one."""
        ...

    @property
    def in_transaction(self) -> bool:
        """Whether a ``write()`` block is open."""
        ...

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the outermost transaction has committed (inside ``write()`` only)."""
        ...

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` if the enclosing savepoint or transaction is rolled back (inside ``write()`` only)."""
        ...

    def reset_source(self, source: str) -> tuple[int, int]:
        """Forget a source's seen URLs, discovery pages and runs (its documents stay); (URLs, runs) forgotten."""
        ...

    def close(self) -> None:
        """Close the index; it is not used afterwards."""
        ...


@runtime_checkable
class DocumentStore(Protocol):
    """A corpus: the text files of its documents, and the index beside them."""

    @property
    def index(self) -> IndexBackend:
        """The corpus's index."""
        ...

    def files(self) -> Iterator[tuple[int, str, Path]]:
        """(number, id, path) of every document file present (regular files only)."""
        ...

    def documents(self) -> Iterator[DocumentRow]:
        """Every document of the index, by number."""
        ...

    def read_body(self, doc: DocumentRow) -> str:
        """The text of the document's file without its title line."""
        ...

    def store(self, new: NewDocument) -> StoreResult:
        """Store a cleaned item once: new, updated in place, unchanged, or a (near-)duplicate of a stored one."""
        ...

    def batch(self) -> AbstractContextManager[Self]:
        """Several ``store`` calls in one transaction, durable together; a batch that cannot
        commit takes back every file it wrote."""
        ...

    def prepare(self, new: NewDocument) -> None:
        """Write ``new``'s text before the next ``batch`` takes the writers' lock (a ``store`` of
        it in that batch then only renames the file into place); what the batch does not store is
        removed when it ends."""
        ...

    def reset(self, source: str) -> tuple[int, int]:
        """Forget the source's crawl state (seen URLs, runs) so its next crawl is a full one; (URLs, runs)."""
        ...

    def close(self) -> None:
        """Close the corpus (its index)."""
        ...

    def __enter__(self) -> Self:
        """The corpus itself."""
        ...

    def __exit__(self, *exc: object) -> None:
        """Close the corpus."""
        ...
