"""Trap defences, a spider middleware in the spirit of Scrapy's ``DepthMiddleware``.

Settings: ``HARVEST_MAX_HOPS`` (default 2): how many links an article request may be away from
a listed page (article → article → article); further ones are cut (``cut/link_depth``).
Article and listing requests whose path repeats a segment (``/a/b/a/b/…``) are cut
(``cut/repeating_path``), and a listing page is requested once whatever its session ids and
sort orders (``skipped_requests/listing_variant``).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawlers import config
from crawlers import discovery as d
from crawlers.components import RequestFilter

MAX_HOPS: int = config.default("HARVEST_MAX_HOPS")


class TrapMiddleware(RequestFilter):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_hops: int = crawler.settings.getint("HARVEST_MAX_HOPS", MAX_HOPS)
        self.listing_keys: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> TrapMiddleware:
        return cls(crawler)

    def keep(self, request: Request, spider: Any) -> Request | None:
        meta = request.meta
        role = meta.get("role")
        if role not in ("article", "listing") or "redirected_from" in meta:
            return request
        if role == "article" and meta.get("hops", 0) > self.max_hops:
            self.stats.inc_value("harvest/cut/link_depth")
            return None
        if d.repeating_path(request.url):
            self.stats.inc_value("harvest/cut/repeating_path")
            return None
        if role == "listing":
            # One request per listing page: session ids and sort orders do not make new pages.
            key = d.listing_key(request.url, getattr(spider, "aliases", {}))
            if key in self.listing_keys:
                self.stats.inc_value("harvest/skipped_requests/listing_variant")
                return None
            self.listing_keys.add(key)
        return request
