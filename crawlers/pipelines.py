"""Item pipeline: clean each fetched page, then store it (or record why not)."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.boilerplate import SiteBoilerplate
from crawlers.cleaning import Cleaned, Rejected, clean, decode_page
from crawlers.discovery import host_matches
from crawlers.items import MIN_ITEM_CHARS, UrlPatterns, decide, vouched
from crawlers.metadata import MAX_DATE, cap
from crawlers.sniff import sniff
from storage.corpus import Corpus, NewDocument, pid_alive
from storage.fingerprint import simhash
from storage.ids import canonical_url, strip_tracking
from storage.index import StorageError


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


def worker_context():  # type: ignore[no-untyped-def]
    """Where cleaning workers come from: forked from a fork server that has loaded the cleaning
    code once (``crawlers.workerboot``); where there is no fork server, each worker is a fresh
    interpreter. Never a plain fork of the crawl process (its reactor and threads)."""
    if "forkserver" in get_all_start_methods():
        context = get_context("forkserver")
        context.set_forkserver_preload(["crawlers.workerboot"])
    else:
        context = get_context("spawn")
    return context


def cleaning_pool(workers: int) -> ProcessPoolExecutor:
    """A plain executor of cleaning workers (``worker_context``), for batch work such as the
    benchmarks; a crawl cleans in a ``CleaningPool``, which has a time limit per page."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=warm_up,
                               initargs=(os.getpid(),))


CLEAN_TIMEOUT = 30.0  # seconds a worker may spend on one page (setting HARVEST_CLEAN_TIMEOUT)
START_TIMEOUT = 120.0  # seconds for a new worker to be ready (a fresh interpreter loads trafilatura)


def _worker_main(conn: Any, crawl: int) -> None:
    """A cleaning worker of a ``CleaningPool``: ``clean_job`` on each page it receives, the
    result (or the exception raised) sent back; it ends when the pool closes its pipe."""
    warm_up(crawl)
    conn.send("ready")
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, clean_job(*args))
        except Exception as exc:  # noqa: BLE001 (raised again in the crawl process)
            reply = (False, exc)
        try:
            conn.send(reply)
        except Exception:  # noqa: BLE001 (an exception that cannot be pickled: its text)
            conn.send((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))


class _Worker:
    """One worker process of a ``CleaningPool`` and the crawl process's end of its pipe."""

    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, os.getpid()), name="harvest-clean",
                                       daemon=True)
        self.process.start()
        child.close()
        try:
            ready = self.conn.poll(START_TIMEOUT) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop(kill=True)
            raise RuntimeError(f"a cleaning worker did not start (exit code {self.process.exitcode})")

    def clean(self, args: tuple[Any, ...], timeout: float | None) -> tuple[str, Any]:
        """``("ok", result)``, ``("error", exception)``, ``("timeout", None)`` when no result came
        within ``timeout`` seconds, ``("died", None)`` when the worker is gone."""
        try:
            self.conn.send(args)
            if not self.conn.poll(timeout):
                return "timeout", None
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            return "died", None
        return ("ok" if ok else "error"), value

    def stop(self, kill: bool = False) -> None:
        """End the worker: at once with ``kill``, else when it sees its pipe closed."""
        if kill:
            self.process.kill()
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class CleaningPool:
    """Cleaning worker processes (``worker_context``), with a time limit per page.

    Each worker cleans one page at a time, driven by a thread of the crawl process that sends it
    the page and waits at most ``timeout`` seconds (``None``: no limit) for the result. Past the
    limit the worker is killed — a page can hold it in C code, a regular expression or the HTML
    parser, that nothing else interrupts — and a new worker takes its place; a worker that dies
    on a page (out of memory, killed) is replaced the same way. Only that page is lost, rejected
    as ``clean_timeout`` or ``cleaning_crashed``; the other workers and their pages go on.
    ``submit`` returns a future of ``clean_job``'s result.
    """

    def __init__(self, workers: int, timeout: float | None = CLEAN_TIMEOUT) -> None:
        self.context = worker_context()
        self.timeout = timeout
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self._drive, name=f"harvest-clean-{i}", daemon=True)
                        for i in range(workers)]
        for thread in self.threads:
            thread.start()

    def submit(self, *args: Any) -> "Future[tuple[Cleaned | Rejected, list[tuple[str, bool]] | None]]":
        future: Future[Any] = Future()
        self.jobs.put((future, args))
        return future

    def shutdown(self) -> None:
        """Cancel the pages not yet started, let the workers finish theirs, stop the workers."""
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()

    def _drive(self) -> None:
        """One worker's thread: a worker is started (again) before the next page is taken."""
        worker: _Worker | None = None
        try:
            while True:
                failure: Exception | None = None
                if worker is None:
                    try:
                        worker = _Worker(self.context)
                    except (OSError, RuntimeError) as exc:
                        failure = exc
                job = self.jobs.get()
                if job is None:
                    return
                future, args = job
                if not future.set_running_or_notify_cancel():
                    continue
                if worker is None:
                    future.set_exception(failure or RuntimeError("no cleaning worker"))
                    continue
                status, value = worker.clean(args, self.timeout)
                if status == "ok":
                    future.set_result(value)
                elif status == "error":
                    future.set_exception(value)
                else:
                    worker.stop(kill=True)
                    worker = None
                    if status == "timeout":
                        rejected = Rejected("clean_timeout", f"cleaning took longer than {self.timeout:g} s")
                    else:
                        rejected = Rejected("cleaning_crashed", "the cleaning worker process died on this page")
                    future.set_result((rejected, None))
        finally:
            if worker is not None:
                worker.stop()


def clean_job(html: str | bytes, url: str, min_chars: int, require_article: bool, charset: str | None = None,
              want_links: bool = False) -> tuple[Cleaned | Rejected, list[tuple[str, bool]] | None]:
    """The work sent to a cleaning worker (module-level, so it pickles): decoding the body,
    cleaning, the text's SimHash and, with ``want_links``, the page's links from the same
    parsed tree, so all CPU-heavy work per page happens in the worker and each page is parsed
    once. Returns (the result, the links or ``None``)."""
    if isinstance(html, bytes):
        problem = sniff(html, strict=False)
        if problem:  # an image, an archive or random bytes served as text/html
            return Rejected(*problem), None
        html = decode_page(html, charset)
    links: list[tuple[str, bool]] | None = [] if want_links else None
    result = clean(html, url, min_chars=min_chars, require_article=require_article, links=links)
    if isinstance(result, Cleaned):
        result.meta["_simhash"] = simhash(result.body)
    return result, links


class CleanStorePipeline:
    """Clean a page with ``crawlers.cleaning.clean`` and store it in the corpus.

    Counters in the crawl stats: ``harvest/new``, ``harvest/updated``, ``harvest/unchanged``,
    ``harvest/duplicate``, ``harvest/skipped/<reason>``.

    Settings: ``HARVEST_CLEAN_WORKERS`` (cleaning processes: -1 one per core, 0 clean in the crawl
    process itself), ``HARVEST_CLEAN_TIMEOUT`` (seconds a worker may spend on one page, default
    30; 0 no limit). The time limit is the pool's: cleaning in the crawl process has none.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        workers = crawler.settings.getint("HARVEST_CLEAN_WORKERS", -1)
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        timeout = crawler.settings.getfloat("HARVEST_CLEAN_TIMEOUT", CLEAN_TIMEOUT)
        self.timeout = timeout if timeout > 0 else None
        self.pool: CleaningPool | None = None
        self.store: StoreThread | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CleanStorePipeline":
        return cls(crawler)

    def open_spider(self, spider: Any) -> None:
        if self.workers > 0:
            # Cleaning is CPU work: it runs in worker processes, off the crawl loop, so
            # downloads go on while pages are cleaned. Scrapy's scraper slot (at most
            # SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of responses in processing) is the back-pressure.
            self.pool = CleaningPool(self.workers, self.timeout)

    def close_spider(self, spider: Any) -> None:
        if self.store is not None:
            self.store.close()
        if self.pool is not None:
            self.pool.shutdown()

    async def _clean(self, item: dict[str, Any], source: Any,
                     spider: Any) -> tuple[Cleaned | Rejected, list[tuple[str, bool]] | None]:
        # No article-marker or length rule in the cleaning: what is an item is decided when the
        # page is stored (``crawlers.items.decide``), from every signal.
        args = (item["body"], item["url"], min(source.min_chars, MIN_ITEM_CHARS), False, item.get("charset"),
                item.get("walk") is not None)
        if self.pool is None:
            return clean_job(*args)
        result, links = await asyncio.wrap_future(self.pool.submit(*args))
        if isinstance(result, Rejected) and result.reason in ("clean_timeout", "cleaning_crashed"):
            # The worker was replaced; the page is recorded as skipped and the crawl goes on.
            spider.logger.warning("%s: %s (%s)", item["url"], result.detail, result.reason)
        return result, links

    async def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        source = spider.source
        if self.store is None:
            self.store = StoreThread(self.crawler.settings.get("HARVEST_CORPUS") or "corpus", source.host_aliases())
        result, links = await self._clean(item, source, spider)
        if links:
            # The page's links, read by the worker from the tree it parsed anyway: the walk
            # from article to article goes on from here.
            hops, depth = item["walk"]
            for request in spider.follow_links(item["url"], links, hops, depth):
                self.crawler.engine.crawl(request)
        try:
            outcome = await self.store.submit(item, result, source)
        except (OSError, StorageError) as exc:
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
            except (OSError, StorageError) as exc:
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


def _patterns(corpus: Corpus, source: str) -> UrlPatterns:
    """The URL shapes of the source's stored items (its latest 500), read once per corpus
    connection and kept up to date as items are stored."""
    cache: dict[str, UrlPatterns] = corpus.__dict__.setdefault("_item_patterns", {})
    if source not in cache:
        rows = corpus.index.item_urls(source, limit=500)
        cache[source] = UrlPatterns(url for url, why in rows if why is None or vouched(why))
    return cache[source]


def store_item(corpus: Corpus, item: dict[str, Any], result: Cleaned | Rejected, source: Any) -> dict[str, Any]:
    """Decide about one cleaned page and store it (in the store thread)."""
    requested = item["requested_canonical"]
    if not isinstance(result, Cleaned):
        corpus.index.mark_url(requested, source.name, "rejected", reason=result.reason)
        return {"status": "skipped", "reason": result.reason}
    fingerprint = result.meta.pop("_simhash", None)
    structure = result.meta.pop("structure", None)
    kept, template = SiteBoilerplate(corpus.index, source.name).learn_and_filter(result.paragraphs)
    if template:
        fingerprint = None  # the text changed: computed again when stored
        result.paragraphs = kept
        result.meta["template_paragraphs_removed"] = len(template)
    patterns = _patterns(corpus, source.name)
    decision = decide(
        url=item["url"], chars=len(result.body), structure=structure, page_kind=result.meta.get("page_kind"),
        date=result.date, date_source=result.meta.get("date_source"), via=item.get("via"),
        found_on=item.get("found_on"), pattern=patterns.judge(item["url"]),
        allowed=bool(source.allow) and any(re.search(p, item["url"]) for p in source.allow),
        min_chars=source.min_chars, title=result.title)
    if not decision.is_item and not source.keep_pages:
        corpus.index.mark_url(requested, source.name, "rejected", reason=decision.reason)
        return {"status": "skipped", "reason": decision.kind}
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
        meta["listed_date"] = cap(str(item["hint_date"]), MAX_DATE)
    doc = NewDocument(
        url=page_url, source=source.name, title=result.title, paragraphs=result.paragraphs,
        canonical_url=canonical, date=result.date, language=result.language, author=result.author,
        sitename=result.sitename, fetched_at=item["fetched_at"], meta=meta, simhash=fingerprint,
        kind=decision.kind, why=decision.why,
    )
    stored = corpus.store(doc)
    if decision.is_item and decision.vouched and stored.status in ("new", "updated", "unchanged"):
        patterns.add(page_url)  # only items something vouches for teach the source's URL shapes
    status = "duplicate" if stored.status in ("duplicate", "near_duplicate") else "stored"
    for url in {requested, canonical}:
        corpus.index.mark_url(url, source.name, status, doc_id=stored.doc.id,
                              etag=item.get("etag"), last_modified=item.get("last_modified"))
    row = stored.doc
    return {"status": stored.status,
            "item": {"status": stored.status, "id": row.id, "file": row.file, "title": row.title,
                     "date": row.date, "language": row.language, "url": row.url}}
