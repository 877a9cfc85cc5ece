"""The crawl's one writer: a thread that owns the crawl's write connection to the corpus.

Everything a crawl writes goes through it: stored pages (``store_page``, awaited by the item
pipeline) and the seen-store's URL state (``write``, from the spider's components, not
awaited). The crawl loop never waits for a disk write or an fsync, and no two connections of
one process write at once. Jobs that arrive while a batch is being written are written
together in the next one, and a batch that holds a page waits a little for more pages
(``StoreThread.LINGER``, ``BATCH_PAGES``): group commit, one transaction and one folder fsync
per batch, each job a savepoint of its own. A page (``PageJob``) is judged and its text written
to a temporary file before its batch takes the writers' lock (``Corpus.prepare``), so the lock is
not held for an fsync.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crawlers import listed as lists
from crawlers.cleaning import Cleaned
from crawlers.contracts import PageItem
from crawlers.judge import Verdict, finish, judge, patterns_of
from crawlers.sources import Source
from storage.corpus import Corpus
from storage.ids import content_hash
from storage.index import StorageError

logger = logging.getLogger(__name__)

Job = Callable[[Corpus], Any]


class StoreThread:
    """The writer thread of one crawl (``crawlers.state.store_for``), with its own ``Corpus``.

    ``submit(job)`` returns an asyncio future of ``job(corpus)``'s result (or exception);
    ``write(job)`` does not wait: a failure is counted in the crawl's stats
    (``harvest/store_errors``, ``harvest/store_error_message``), which fail the run."""

    BATCH = 32
    # A batch holds at most BATCH_PAGES pages, and one with a page in it waits up to LINGER
    # seconds after its first page for more: at crawl speed the pages come one by one, and a
    # batch of one page pays a transaction, a folder fsync and the wake-ups alone. A page is
    # stored at most LINGER seconds later. A burst of pages (a crawl's concurrent downloads
    # arriving together) is written a few pages at a time, so that a crash or a kill stops the
    # crawl with most of what it had cleaned stored. Eight pages rather than four: on 2,000 real
    # pages, 285 commits instead of 529, the commits and the folder's fsyncs 0.09 ms a page
    # instead of 0.12 in the writer's CPU.
    LINGER = 0.1
    BATCH_PAGES = 8

    def __init__(self, folder: str, host_aliases: dict[str, str], stats: Any = None, index: str | None = None):
        """A writer for the corpus ``folder`` whose index is at ``index`` (``storage.index.open_index``;
        None: the environment's ``HARVEST_INDEX``), opened by the thread at its first job."""
        self.folder, self.host_aliases, self.stats, self.index = folder, host_aliases, stats, index
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="harvest-store", daemon=True)
        self.thread.start()

    def submit(self, job: Job) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.jobs.put((job, future, loop))
        return future

    def write(self, job: Job) -> None:
        self.jobs.put((job, None, None))

    def close(self) -> None:
        """Write what is queued, then end the thread and close its connection."""
        self.jobs.put(None)
        self.thread.join()

    def _run(self) -> None:
        corpus: Corpus | None = None
        done = False
        while not done:
            batch = self._next_batch()
            if None in batch:
                done = True
                batch = [job for job in batch if job is not None]
            if not batch:
                continue
            outcomes: list[Any] = []
            try:
                if corpus is None:
                    corpus = Corpus(self.folder, host_aliases=self.host_aliases, index=self.index)
                for job, _, _ in batch:
                    if isinstance(job, PageJob):
                        job.prepare(corpus)  # before the writers' lock
                with corpus.batch():
                    for job, _, _ in batch:
                        with corpus.index.write():  # a savepoint: each job all or nothing
                            outcomes.append(job(corpus))
            except (OSError, StorageError) as exc:
                # Disk full, read-only folder: the batch is taken back whole, and every job
                # of it reports the error (the source stops on it).
                outcomes = [exc] * len(batch)
            except BaseException as exc:  # a bug: reported with each job rather than lost
                outcomes = [exc] * len(batch)
            settled: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
            for (_, future, loop), outcome in zip(batch, outcomes):
                if future is not None:
                    settled.setdefault(loop, []).append((future, outcome))
                elif isinstance(outcome, BaseException):
                    self._failed(outcome)
            for loop, results in settled.items():
                # One wake-up of the loop for the whole batch, not one per page (each is a write
                # to the loop's self-pipe and a hand-over of the interpreter lock).
                loop.call_soon_threadsafe(_settle_all, results)
        if corpus is not None:
            try:
                finish(corpus)  # the boilerplate counts still in memory
            except Exception as exc:  # noqa: BLE001 - reported: the run fails on it
                self._failed(exc)
            corpus.close()

    def _next_batch(self) -> list[Any]:
        """The jobs of the next batch: at most ``BATCH`` jobs and ``BATCH_PAGES`` pages, taken as
        they are queued; a batch that holds a page and fewer than ``BATCH_PAGES`` waits up to
        ``LINGER`` seconds after its first page for more."""
        job = self.jobs.get()
        batch = [job]
        pages = 0
        deadline: float | None = None
        while True:
            if job is not None and isinstance(job[0], PageJob):
                pages += 1
                deadline = deadline or time.monotonic() + self.LINGER
            if job is None or len(batch) >= self.BATCH or pages >= self.BATCH_PAGES:
                return batch
            wait = 0.0 if deadline is None else deadline - time.monotonic()
            try:
                job = self.jobs.get(timeout=wait) if wait > 0 else self.jobs.get_nowait()
            except queue.Empty:
                return batch
            batch.append(job)

    def _failed(self, exc: BaseException) -> None:
        logger.error("cannot write the crawl state: %s: %s", type(exc).__name__, exc)
        if self.stats is not None:
            self.stats.inc_value("harvest/store_errors")
            self.stats.set_value("harvest/store_error_message", f"{type(exc).__name__}: {exc}")


def _settle_all(results: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, outcome in results:
        if future.done():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


@dataclass
class PageJob:
    """The job of storing one page (``store_page``), prepared before its batch takes the writers'
    lock (``prepare``)."""

    page: PageItem
    source: Source
    run: int = 1
    cap: int = 32
    verdict: Verdict | None = None

    def prepare(self, corpus: Corpus) -> None:
        """Judge the page (its boilerplate counts are a short write of their own) and write the text
        of its document to a temporary file (``Corpus.prepare``). A page rejected before with the
        same text is not judged again: ``store_page`` decides it in the batch."""
        if self.verdict is None and _rejected_again(corpus, self.page) is None:
            page = copy.copy(self.page)  # judged on a copy: the page keeps its text as cleaned
            if isinstance(page.result, Cleaned):
                page.result = copy.copy(page.result)
                page.result.meta = dict(page.result.meta)
            self.verdict = judge(corpus, page, self.source)
            if self.verdict.document is not None:
                corpus.prepare(self.verdict.document)

    def __call__(self, corpus: Corpus) -> dict[str, Any]:
        return store_page(corpus, self.page, self.source, self.run, self.cap, verdict=self.verdict)


def _rejected_again(corpus: Corpus, page: PageItem) -> str | None:
    """The hash of the page's text when the page was rejected before with this very text, else None.
    A page the crawl did not ask for as a dead end checked again (``PageItem.may_be_rejected``) is
    not looked up: a read outside the batch's transaction cost 0.05 ms a page."""
    if not page.may_be_rejected:
        return None
    before = corpus.index.url_status(page.requested_canonical)
    if before is None or before["status"] != "rejected" or not isinstance(page.result, Cleaned):
        return None
    text_hash = _text_hash(page.result.paragraphs, page.result.meta.get("_digest"))
    return text_hash if before["content_hash"] == text_hash else None


def _text_hash(paragraphs: list[str], worker_digest: object) -> str:
    """The hash of the text as cleaned (``content_hash`` of its paragraphs): the cleaning worker's
    (``_digest``, read before ``judge`` takes it out of the metadata) when there is one."""
    return worker_digest if isinstance(worker_digest, str) else content_hash("\n\n".join(paragraphs))


def store_page(corpus: Corpus, page: PageItem, source: Source, run: int = 1, cap: int = 32,
               verdict: Verdict | None = None) -> dict[str, Any]:
    """Store one cleaned page as ``crawlers.judge.judge`` decides (in the store thread), and
    record its URLs in the seen-store with the response's validators and what the site lists it
    with (``listed``); a page not taken is a dead end of run ``run`` (backoff up to ``cap`` runs). Returns
    ``{"status": "skipped", "reason": …}`` or ``{"status": new|updated|unchanged|duplicate|
    near_duplicate, "item": {…}}``. ``verdict``: the page judged already (``PageJob.prepare``)."""
    requested = page.requested_canonical
    before = corpus.index.url_status(requested)
    said = {**(page.listed or {}), lists.FOUND: f"{page.via}|{page.found_on or ''}"}
    listed = lists.merge(before["listed"] if before is not None else None, said)
    # The hash of the text as cleaned (before ``judge`` takes template paragraphs out), needed
    # only for a page not taken: not computed for the pages stored.
    paragraphs = page.result.paragraphs if isinstance(page.result, Cleaned) else None
    worker_digest = page.result.meta.get("_digest") if isinstance(page.result, Cleaned) else None

    def digest() -> str | None:
        return _text_hash(paragraphs, worker_digest) if paragraphs is not None else None

    if before is not None and before["status"] == "rejected" and paragraphs is not None \
            and (text_hash := digest()) and before["content_hash"] == text_hash:
        # A page not taken, checked again, with the same text: the same decision (the site's
        # validators did not say so; its text does), and a longer wait before the next check.
        reason = before["reason"] or "rejected"
        corpus.index.dead_end(requested, source.name, reason, run, etag=page.etag, last_modified=page.last_modified,
                              listed=listed, cap=cap, status="rejected", content_hash=text_hash)
        return {"status": "skipped", "reason": reason.split(":")[0]}
    if verdict is None:
        verdict = judge(corpus, page, source)
    if verdict.document is None:
        # Not taken: left alone for a while (the source's run ``run``), then checked again,
        # conditionally, with the page's validators (and its text's hash).
        corpus.index.dead_end(requested, source.name, verdict.reason or "rejected", run, etag=page.etag,
                              last_modified=page.last_modified, listed=listed, cap=cap, status="rejected",
                              content_hash=digest())
        return {"status": "skipped", "reason": verdict.kind}
    doc, decision = verdict.document, verdict.decision
    stored = corpus.store(doc)
    if decision is not None and decision.is_item and decision.vouched and \
            stored.status in ("new", "updated", "unchanged"):
        patterns_of(corpus, source.name).add(doc.url)  # only vouched items teach URL shapes
    status = "duplicate" if stored.status in ("duplicate", "near_duplicate") else "stored"
    for url in {requested, doc.canonical_url or requested}:
        corpus.index.mark_url(url, source.name, status, doc_id=stored.doc.id,
                              etag=page.etag, last_modified=page.last_modified, listed=listed)
    row = stored.doc
    return {"status": stored.status,
            "item": {"status": stored.status, "id": row.id, "file": row.file, "title": row.title,
                     "date": row.date, "language": row.language, "url": row.url,
                     "kind": row.kind or "item"}}
