"""The crawl's policies as Scrapy components, each configured through settings
(``crawlers.settings``) and enabled in ``SPIDER_MIDDLEWARES``:

- ``traps.TrapMiddleware``: hops from article to article, repeating paths, listing variants;
- ``seen.SeenStoreMiddleware``: the seen-store: known items not fetched again unless they may
  have changed, conditional requests when they are, the last run's watermark;
- ``budgets.BudgetMiddleware``: the page, listing and sitemap budgets of a crawl;
- ``methods``: the discovery methods (robots.txt, sitemaps, feeds, the WordPress REST API), in a
  registry a new method joins in one place.

The spider (``crawlers.spiders.source``) only routes: its callbacks say what a response is
and yield requests (marked in their ``meta``) and items; these components decide which
requests are made. Requests pass them in this order: traps, seen-store, budgets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

from scrapy import Request

T = TypeVar("T")


def component(crawler: Any, cls: type[T]) -> T:
    """The crawler's enabled spider middleware of class ``cls`` (a clear error when it is not
    enabled in ``SPIDER_MIDDLEWARES``: the spider relies on it)."""
    engine = getattr(crawler, "engine", None)
    scraper = getattr(engine, "scraper", None)
    for middleware in getattr(getattr(scraper, "spidermw", None), "middlewares", ()):
        if isinstance(middleware, cls):
            return middleware
    raise RuntimeError(f"{cls.__module__}.{cls.__name__} is not enabled in SPIDER_MIDDLEWARES")


class RequestFilter:
    """A spider middleware that lets each request through, changed, or drops it
    (``keep``), for the spider's output and its start requests alike; items pass untouched."""

    def keep(self, request: Request, spider: Any) -> Request | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _pass(self, obj: Any, spider: Any) -> Any:
        return self.keep(obj, spider) if isinstance(obj, Request) else obj

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Any) -> Iterable[Any]:
        for obj in result:
            obj = self._pass(obj, spider)
            if obj is not None:
                yield obj

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any],
                                          spider: Any) -> AsyncIterator[Any]:
        async for obj in result:
            obj = self._pass(obj, spider)
            if obj is not None:
                yield obj

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            obj = self._pass(obj, self.spider)
            if obj is not None:
                yield obj

    @property
    def spider(self) -> Any:
        return self.crawler.spider  # type: ignore[attr-defined]
