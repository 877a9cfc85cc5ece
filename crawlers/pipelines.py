"""Item pipeline: clean each fetched page, then store it (or record why not)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.boilerplate import SiteBoilerplate
from crawlers.cleaning import Cleaned, Rejected, clean
from crawlers.discovery import host_matches
from crawlers.state import corpus_for
from storage.corpus import NewDocument
from storage.fingerprint import simhash
from storage.ids import canonical_url, strip_tracking


def _die_with_parent(parent: int) -> None:
    """A cleaning worker must not outlive its crawl (kill -9 of the crawl process, OOM killer):
    the kernel kills it when the parent dies (Linux), and a watchdog thread covers the rest."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def warm_up(parent: int | None = None) -> None:
    """Worker start-up: never outlive the crawl process ``parent``; load trafilatura and the
    language model once."""
    from crawlers.cleaning import detect_language

    if parent is not None:
        _die_with_parent(parent)
    detect_language("warm up the language identifier with a sentence")


def clean_job(html: str, url: str, min_chars: int, require_article: bool) -> Cleaned | Rejected:
    """The work sent to a cleaning worker (module-level, so it pickles): cleaning, plus the
    text's SimHash, so all CPU-heavy work per page happens in the worker."""
    result = clean(html, url, min_chars=min_chars, require_article=require_article)
    if isinstance(result, Cleaned):
        result.meta["_simhash"] = simhash(result.body)
    return result


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

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CleanStorePipeline":
        return cls(crawler)

    def open_spider(self, spider: Any) -> None:
        if self.workers > 0:
            # Cleaning is CPU work: it runs in worker processes, off the crawl loop, so
            # downloads go on while pages are cleaned. Scrapy's scraper slot (at most
            # SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of responses in processing) is the back-pressure.
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                            initializer=warm_up, initargs=(os.getpid(),))

    def close_spider(self, spider: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def _clean(self, item: dict[str, Any], source: Any) -> Cleaned | Rejected:
        args = (item["html"], item["url"], source.min_chars, not source.keep_pages)
        if self.pool is None:
            return clean_job(*args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, clean_job, *args)
        except BrokenProcessPool:
            # A worker died (out of memory on a hostile page, killed): start a new pool and
            # record the page as failed rather than stopping the crawl.
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                            initializer=warm_up, initargs=(os.getpid(),))
            return Rejected("cleaning_crashed", "the cleaning worker process died on this page")

    async def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        source = spider.source
        corpus = corpus_for(self.crawler, source)
        result = await self._clean(item, source)
        requested = item["requested_canonical"]
        if not isinstance(result, Cleaned):
            self.stats.inc_value(f"harvest/skipped/{result.reason}")
            corpus.index.mark_url(requested, source.name, "rejected", reason=result.reason)
            spider.logger.debug("not stored: %s (%s: %s)", item["url"], result.reason, result.detail)
            return {"url": item["url"], "status": "skipped", "reason": result.reason}
        fingerprint = result.meta.pop("_simhash", None)
        kept, template = SiteBoilerplate(corpus.index, source.name).learn_and_filter(result.paragraphs)
        if template:
            fingerprint = None  # the text changed: computed again when stored
            result.paragraphs = kept
            result.meta["template_paragraphs_removed"] = len(template)
            if len(result.body) < source.min_chars:
                self.stats.inc_value("harvest/skipped/too_short")
                corpus.index.mark_url(requested, source.name, "rejected", reason="too_short")
                return {"url": item["url"], "status": "skipped", "reason": "too_short"}
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
        try:
            stored = corpus.store(doc)
        except (OSError, sqlite3.Error) as exc:
            # The corpus cannot be written (disk full, permissions): stop this source, clearly.
            self.stats.inc_value("harvest/store_errors")
            self.stats.set_value("harvest/store_error_message", f"{type(exc).__name__}: {exc}")
            spider.logger.error("cannot store %s: %s", item["url"], exc)
            self.crawler.engine.close_spider(spider, "store_error")
            raise DropItem(f"store error: {exc}") from None
        self.stats.inc_value(f"harvest/{stored.status}")
        status = "duplicate" if stored.status in ("duplicate", "near_duplicate") else "stored"
        with corpus.index.write():
            for url in {requested, canonical}:
                corpus.index.mark_url(url, source.name, status, doc_id=stored.doc.id,
                                      etag=item.get("etag"), last_modified=item.get("last_modified"))
        if stored.status in ("new", "updated"):
            new_items = self.stats.get_value("harvest/items", []) or []
            new_items.append({"status": stored.status, "id": stored.doc.id, "file": stored.doc.file,
                              "title": stored.doc.title, "date": stored.doc.date,
                              "language": stored.doc.language, "url": stored.doc.url})
            self.stats.set_value("harvest/items", new_items)
        return {"url": item["url"], "status": stored.status, "id": stored.doc.id}
