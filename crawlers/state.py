"""What one crawl's parts share, kept on the Scrapy crawler: the corpus the spider's
components read the seen-store from, and the one writer thread everything writes through;
and what every crawl of the process shares: the cleaning workers (``cleaner_for``)."""

from __future__ import annotations

import threading
from typing import Any

from crawlers import config
from crawlers.cleaner import Cleaner
from crawlers.sources import Source
from crawlers.store import StoreThread
from storage.corpus import Corpus

_ATTR = "_harvest_corpus"
_STORE = "_harvest_store"


def corpus_folder(crawler: Any) -> str:
    """The crawl's corpus folder (the ``HARVEST_CORPUS`` setting)."""
    return str(crawler.settings.get("HARVEST_CORPUS") or config.default("HARVEST_CORPUS"))


def index_location(crawler: Any) -> str | None:
    """Where the crawl's corpus index is (the ``HARVEST_INDEX`` setting: empty for the corpus's
    ``index.sqlite``, or a ``postgresql://`` URL); None when the settings lack it: the
    environment's (``storage.index.open_index``)."""
    location = crawler.settings.get("HARVEST_INDEX")
    return None if location is None else str(location)


def corpus_for(crawler: Any, source: Source) -> Corpus:
    """The crawl's ``Corpus`` for reading (opened once, from the ``HARVEST_CORPUS`` and
    ``HARVEST_INDEX`` settings)."""
    corpus = getattr(crawler, _ATTR, None)
    if corpus is None:
        corpus = Corpus(corpus_folder(crawler), host_aliases=source.host_aliases(), index=index_location(crawler))
        setattr(crawler, _ATTR, corpus)
    return corpus


def opened_corpus(crawler: Any) -> Corpus | None:
    """The crawl's ``Corpus`` if ``corpus_for`` opened it, else None (nothing is opened)."""
    return getattr(crawler, _ATTR, None)


def store_for(crawler: Any, source: Source) -> StoreThread:
    """The crawl's writer thread (``crawlers.store.StoreThread``), started when first asked
    for and closed, with everything queued written, when the spider closes."""
    store = getattr(crawler, _STORE, None)
    if store is None:
        from scrapy import signals

        store = StoreThread(corpus_folder(crawler), source.host_aliases(), stats=crawler.stats,
                            index=index_location(crawler))
        setattr(crawler, _STORE, store)
        crawler.signals.connect(_closer(crawler), signal=signals.spider_closed, weak=False)
    return store


def close_store(crawler: Any) -> None:
    """Write what the crawl's writer has queued and end it (nothing if it never started)."""
    store = getattr(crawler, _STORE, None)
    if store is not None:
        setattr(crawler, _STORE, None)
        store.close()


def _closer(crawler: Any) -> Any:
    def close(**_: Any) -> None:
        close_store(crawler)
    return close


_cleaner_lock = threading.Lock()
_cleaner: Cleaner | None = None
_cleaner_users = 0


def cleaner_for(settings: Any) -> Cleaner:
    """The process's ``Cleaner``: the crawls of one process (all the sources a crawl process
    was given) share one pool of cleaning workers, sized to the cores, instead of a pool each.
    Started by the first crawl that asks (with its settings); ``release_cleaner`` when done."""
    global _cleaner, _cleaner_users
    with _cleaner_lock:
        if _cleaner is None:
            _cleaner = Cleaner.from_settings(settings)
        _cleaner_users += 1
        return _cleaner


def release_cleaner(cleaner: Cleaner) -> None:
    """One crawl is done with the process's ``Cleaner``; the last one closes its workers."""
    global _cleaner, _cleaner_users
    with _cleaner_lock:
        if cleaner is not _cleaner:  # not the shared one (closed already): close it alone
            cleaner.close()
            return
        _cleaner_users -= 1
        if _cleaner_users > 0:
            return
        _cleaner = None
    cleaner.close()
