"""Item pipeline: store each cleaned page (``crawlers.contracts.PageItem``), or record why not.

The spider has cleaned the page already (``crawlers.cleaner``); what the page becomes is
decided and written in the crawl's store thread (``crawlers.store``). Counters in the crawl
stats: ``harvest/new``, ``harvest/updated``, ``harvest/unchanged``, ``harvest/duplicate``,
``harvest/near_duplicate``, ``harvest/skipped/<reason>``; the new and updated items in
``harvest/items``.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawlers.contracts import PageItem
from crawlers.state import store_for
from crawlers.store import PageJob
from storage.index import StorageError


class NewItems(list):  # type: ignore[type-arg]
    """The run's new and updated items (``harvest/items``): a list whose repr is its length, so that
    Scrapy's stats dump at the end of a crawl (formatted whatever the log level) neither prints
    nor formats thousands of items (about 0.3 ms a stored page, profiled in a crawl of 2,000 real pages)."""

    def __repr__(self) -> str:
        return f"<{len(self)} new or updated items>"


class StorePipeline:
    """Stores ``PageItem``s through the crawl's one writer (``crawlers.state.store_for``)."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Any, spider: Any) -> dict[str, Any]:
        if not isinstance(item, PageItem):
            raise DropItem(f"not a page: {type(item).__name__}")
        source = spider.source
        try:
            seen = spider.seen
            job = PageJob(page=item, source=source, run=seen.run, cap=seen.cap)
            outcome = await store_for(self.crawler, source).submit(job)
        except (OSError, StorageError) as exc:
            # The corpus cannot be written (disk full, permissions): stop this source, clearly.
            self.stats.inc_value("harvest/store_errors")
            self.stats.set_value("harvest/store_error_message", f"{type(exc).__name__}: {exc}")
            spider.logger.error("cannot store %s: %s", item.url, exc)
            self.crawler.engine.close_spider(spider, "store_error")
            raise DropItem(f"store error: {exc}") from None
        status = outcome["status"]
        if status == "skipped":
            self.stats.inc_value(f"harvest/skipped/{outcome['reason']}")
            return {"url": item.url, "status": "skipped", "reason": outcome["reason"]}
        if item.walked:
            spider.traps.walked(status == "new")
        self.stats.inc_value(f"harvest/{status}")
        if status in ("new", "updated"):
            new_items = self.stats.get_value("harvest/items")
            if new_items is None:
                new_items = NewItems()
                self.stats.set_value("harvest/items", new_items)
            new_items.append(outcome["item"])
        return {"url": item.url, "status": status, "id": outcome["item"]["id"]}
