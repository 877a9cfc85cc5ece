"""Budgets of one crawl, a spider middleware in the spirit of Scrapy's ``CloseSpider``.

- article pages: at most the source's ``max_pages`` requests (``cut/page_budget``);
- listing pages reached by pagination or links: at most ``max_listing_pages`` deep and
  4 × ``max_listing_pages`` in all (``cut/listing_budget``);
- sitemaps: each file once, at most ``HARVEST_MAX_SITEMAP_DEPTH`` (default 3) indexes below the
  first sitemap (``cut/sitemap_depth``) and ``HARVEST_MAX_SITEMAPS`` (default 200) files per
  crawl (``cut/sitemap_budget``).

The spider asks ``pages_spent`` and ``sitemaps_spent`` to stop reading a long sitemap or feed
once nothing more of it could be requested.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawlers import config
from crawlers.components import RequestFilter

MAX_SITEMAP_DEPTH: int = config.default("HARVEST_MAX_SITEMAP_DEPTH")
MAX_SITEMAPS: int = config.default("HARVEST_MAX_SITEMAPS")


class BudgetMiddleware(RequestFilter):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_sitemap_depth: int = crawler.settings.getint("HARVEST_MAX_SITEMAP_DEPTH", MAX_SITEMAP_DEPTH)
        self.max_sitemaps: int = crawler.settings.getint("HARVEST_MAX_SITEMAPS", MAX_SITEMAPS)
        self.article_requests = 0
        self.listing_pages = 0
        self.sitemap_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> BudgetMiddleware:
        return cls(crawler)

    def keep(self, request: Request, spider: Any) -> Request | None:
        meta = request.meta
        role = meta.get("role")
        if "redirected_from" in meta:
            return request
        source = spider.source
        if role == "article":
            if self.article_requests >= source.max_pages:
                self.stats.inc_value("harvest/cut/page_budget")
                return None
            self.article_requests += 1
        elif role == "listing":
            limit = source.max_listing_pages
            if meta.get("depth", 0) > limit or self.listing_pages >= limit * 4:
                self.stats.inc_value("harvest/cut/listing_budget")
                return None
            self.listing_pages += 1
        elif role == "sitemap":
            if request.url in self.sitemap_urls:
                return None
            if meta.get("sitemap_depth", 0) > self.max_sitemap_depth:
                self.stats.inc_value("harvest/cut/sitemap_depth")
                return None
            if len(self.sitemap_urls) >= self.max_sitemaps:
                self.stats.inc_value("harvest/cut/sitemap_budget")
                return None
            self.sitemap_urls.add(request.url)
        return request

    def pages_spent(self, spider: Any) -> bool:
        """The page budget is spent (counted as a cut): reading a sitemap or feed further is of no use."""
        if self.article_requests >= spider.source.max_pages:
            self.stats.inc_value("harvest/cut/page_budget")
            return True
        return False

    def sitemaps_spent(self, depth: int) -> bool:
        """No sitemap ``depth`` indexes deep can be requested any more."""
        return depth > self.max_sitemap_depth or len(self.sitemap_urls) >= self.max_sitemaps
