"""Item pipeline: clean each fetched page, then store it (or record why not)."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.boilerplate import SiteBoilerplate
from crawlers.cleaning import Cleaned, Rejected, clean
from crawlers.discovery import decode_html, host_matches
from storage.corpus import Corpus, NewDocument, pid_alive
from storage.fingerprint import simhash
from storage.ids import canonical_url, strip_tracking


def _die_with_parent(crawl: int) -> None:
    """A cleaning worker must not outlive its crawl (kill -9 of the crawl process, OOM killer).
    Its parent is the pool's fork server (or the crawl process itself): the kernel kills the
    worker when that parent dies (Linux), the fork server exits when the crawl process is gone,
    and a watchdog thread covers the rest."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def orphaned() -> bool:
        return os.getppid() != parent or not pid_alive(crawl)

    if orphaned():  # the crawl died before the guard was set
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if orphaned():
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def warm_up(crawl: int | None = None) -> None:
    """Worker start-up: never outlive the crawl process ``crawl``; load trafilatura and the
    language model (already loaded when the worker comes from the fork server)."""
    from crawlers.cleaning import detect_language

    if crawl is not None:
        _die_with_parent(crawl)
    detect_language("warm up the language identifier with a sentence")


def cleaning_pool(workers: int) -> ProcessPoolExecutor:
    """The pool of cleaning workers. Workers are forked from a fork server that has loaded the
    cleaning code once (``crawlers.workerboot``); where there is no fork server, each worker is
    a fresh interpreter. Never a plain fork of the crawl process (its reactor and threads)."""
    if "forkserver" in get_all_start_methods():
        context = get_context("forkserver")
        context.set_forkserver_preload(["crawlers.workerboot"])
    else:
        context = get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up,
                               initargs=(os.getpid(),))


def clean_job(html: str | bytes, url: str, min_chars: int, require_article: bool, charset: str | None = None,
              want_links: bool = False) -> tuple[Cleaned | Rejected, list[tuple[str, bool]] | None]:
    """The work sent to a cleaning worker (module-level, so it pickles): decoding the body,
    cleaning, the text's SimHash and, with ``want_links``, the page's links from the same
    parsed tree, so all CPU-heavy work per page happens in the worker and each page is parsed
    once. Returns (the result, the links or ``None``)."""
    if isinstance(html, bytes):
        html = decode_html(html, charset)
    links: list[tuple[str, bool]] | None = [] if want_links else None
    result = clean(html, url, min_chars=min_chars, require_article=require_article, links=links)
    if isinstance(result, Cleaned):
        result.meta["_simhash"] = simhash(result.body)
    return result, links


class CleanStorePipeline:
    """Clean a page with ``crawlers.cleaning.clean`` and store it in the corpus.

    Counters in the crawl stats: ``harvest/new``, ``harvest/updated``, ``harvest/unchanged``,
    ``harvest/duplicate``, ``harvest/skipped/<reason>``.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        workers = crawler.settings.getint("HARVEST_CLEAN_WORKERS", -1)
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        self.pool: ProcessPoolExecutor | None = None
        self.store: StoreThread | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CleanStorePipeline":
        return cls(crawler)

    def open_spider(self, spider: Any) -> None:
        if self.workers > 0:
            # Cleaning is CPU work: it runs in worker processes, off the crawl loop, so
            # downloads go on while pages are cleaned. Scrapy's scraper slot (at most
            # SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of responses in processing) is the back-pressure.
            self.pool = cleaning_pool(self.workers)

    def close_spider(self, spider: Any) -> None:
        if self.store is not None:
            self.store.close()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def _clean(self, item: dict[str, Any], source: Any) -> tuple[Cleaned | Rejected, list[tuple[str, bool]] | None]:
        args = (item["body"], item["url"], source.min_chars, not source.keep_pages, item.get("charset"),
                item.get("walk") is not None)
        if self.pool is None:
            return clean_job(*args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, clean_job, *args)
        except BrokenProcessPool:
            # A worker died (out of memory on a hostile page, killed): start a new pool and
            # record the page as failed rather than stopping the crawl.
            self.pool = cleaning_pool(self.workers)
            return Rejected("cleaning_crashed", "the cleaning worker process died on this page"), None

    async def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        source = spider.source
        if self.store is None:
            self.store = StoreThread(self.crawler.settings.get("HARVEST_CORPUS") or "corpus", source.host_aliases())
        result, links = await self._clean(item, source)
        if links:
            # The page's links, read by the worker from the tree it parsed anyway: the walk
            # from article to article goes on from here.
            hops, depth = item["walk"]
            for request in spider.follow_links(item["url"], links, hops, depth):
                self.crawler.engine.crawl(request)
        try:
            outcome = await self.store.submit(item, result, source)
        except (OSError, sqlite3.Error) as exc:
            # The corpus cannot be written (disk full, permissions): stop this source, clearly.
            self.stats.inc_value("harvest/store_errors")
            self.stats.set_value("harvest/store_error_message", f"{type(exc).__name__}: {exc}")
            spider.logger.error("cannot store %s: %s", item["url"], exc)
            self.crawler.engine.close_spider(spider, "store_error")
            raise DropItem(f"store error: {exc}") from None
        status = outcome["status"]
        if status == "skipped":
            self.stats.inc_value(f"harvest/skipped/{outcome['reason']}")
            if isinstance(result, Rejected):
                spider.logger.debug("not stored: %s (%s: %s)", item["url"], result.reason, result.detail)
            return {"url": item["url"], "status": "skipped", "reason": outcome["reason"]}
        self.stats.inc_value(f"harvest/{status}")
        if status in ("new", "updated"):
            new_items = self.stats.get_value("harvest/items", []) or []
            new_items.append(outcome["item"])
            self.stats.set_value("harvest/items", new_items)
        return {"url": item["url"], "status": status, "id": outcome["item"]["id"]}


class StoreThread:
    """Stores cleaned items in a thread of its own, with its own connection to the index, so
    the crawl loop never waits for a disk write or an fsync. Items that arrive while a batch
    is being written are stored together in the next one (group commit: one transaction and
    one folder fsync per batch, each item a savepoint of its own)."""

    BATCH = 32

    def __init__(self, folder: str, host_aliases: dict[str, str]):
        self.folder, self.host_aliases = folder, host_aliases
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="harvest-store", daemon=True)
        self.thread.start()

    def submit(self, item: dict[str, Any], result: Cleaned | Rejected, source: Any) -> "asyncio.Future[dict[str, Any]]":
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self.jobs.put((item, result, source, future, loop))
        return future

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def _run(self) -> None:
        corpus: Corpus | None = None
        done = False
        while not done:
            batch = [self.jobs.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
            if None in batch:
                done = True
                batch = [job for job in batch if job is not None]
            if not batch:
                continue
            outcomes: list[Any] = []
            try:
                if corpus is None:
                    corpus = Corpus(self.folder, host_aliases=self.host_aliases)
                with corpus.batch():
                    for item, result, source, _, _ in batch:
                        with corpus.index.write():  # a savepoint: each item all or nothing
                            outcomes.append(store_item(corpus, item, result, source))
            except (OSError, sqlite3.Error) as exc:
                # Disk full, read-only folder: the batch is taken back whole, and every item
                # of it reports the error (the source stops on it).
                outcomes = [exc] * len(batch)
            except BaseException as exc:  # a bug: reported with each item rather than lost
                outcomes = [exc] * len(batch)
            for (_, _, _, future, loop), outcome in zip(batch, outcomes):
                loop.call_soon_threadsafe(_settle, future, outcome)
        if corpus is not None:
            corpus.close()


def _settle(future: "asyncio.Future[Any]", outcome: Any) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def store_item(corpus: Corpus, item: dict[str, Any], result: Cleaned | Rejected, source: Any) -> dict[str, Any]:
    """Decide about one cleaned page and store it (in the store thread)."""
    requested = item["requested_canonical"]
    if not isinstance(result, Cleaned):
        corpus.index.mark_url(requested, source.name, "rejected", reason=result.reason)
        return {"status": "skipped", "reason": result.reason}
    fingerprint = result.meta.pop("_simhash", None)
    kept, template = SiteBoilerplate(corpus.index, source.name).learn_and_filter(result.paragraphs)
    if template:
        fingerprint = None  # the text changed: computed again when stored
        result.paragraphs = kept
        result.meta["template_paragraphs_removed"] = len(template)
        if len(result.body) < source.min_chars:
            corpus.index.mark_url(requested, source.name, "rejected", reason="too_short")
            return {"status": "skipped", "reason": "too_short"}
    # The page's own canonical link counts only when it stays within the source's hosts.
    page_url = result.canonical_url
    if not (page_url and host_matches(page_url, source.all_hosts)):
        page_url = strip_tracking(item["url"])
    canonical = canonical_url(page_url, source.host_aliases())
    meta = dict(result.meta)
    meta["discovered_via"] = item["via"]
    if page_url != item["url"]:
        meta["fetched_url"] = item["url"]
    if item.get("hint_date"):
        meta["listed_date"] = item["hint_date"]
    doc = NewDocument(
        url=page_url, source=source.name, title=result.title, paragraphs=result.paragraphs,
        canonical_url=canonical, date=result.date, language=result.language, author=result.author,
        sitename=result.sitename, fetched_at=item["fetched_at"], meta=meta, simhash=fingerprint,
    )
    stored = corpus.store(doc)
    status = "duplicate" if stored.status in ("duplicate", "near_duplicate") else "stored"
    for url in {requested, canonical}:
        corpus.index.mark_url(url, source.name, status, doc_id=stored.doc.id,
                              etag=item.get("etag"), last_modified=item.get("last_modified"))
    row = stored.doc
    return {"status": stored.status,
            "item": {"status": stored.status, "id": row.id, "file": row.file, "title": row.title,
                     "date": row.date, "language": row.language, "url": row.url}}
