"""Trap defences, a spider middleware in the spirit of Scrapy's ``DepthMiddleware``.

Settings: ``HARVEST_MAX_HOPS`` (default 2): how many links an article request may be away from
a listed page (article → article → article); further ones are cut (``cut/link_depth``), but
not a PDF an article links to (a publication of the item, not a step of the walk).
Article and listing requests whose path repeats a segment (``/a/b/a/b/…``) are cut
(``cut/repeating_path``), and a listing page is requested once whatever its session ids and
sort orders (``skipped_requests/listing_variant``).

The walk from article to article (requests marked ``walk`` in their meta: an article page's
links) goes on only while it finds items: once ``HARVEST_FRUITLESS_WALK`` of its requests (default
5), or as many as the run has stored new items if that is more, brought no new item, the rest
of the walk is cut (``cut/fruitless_walk``). A run whose walk found nothing is remembered: the
next runs do not walk at all (``cut/fruitless_walk``) until a re-check that backs off like a
dead end (1, 2, 4… runs).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawlers import config
from crawlers import discovery as d
from crawlers.components import RequestFilter

MAX_HOPS: int = config.default("HARVEST_MAX_HOPS")
FRUITLESS_WALK: int = config.default("HARVEST_FRUITLESS_WALK")
WALK = "#walk"  # the key of a source's walk outcome among its discovery pages


class TrapMiddleware(RequestFilter):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_hops: int = crawler.settings.getint("HARVEST_MAX_HOPS", MAX_HOPS)
        self.listing_keys: set[str] = set()
        self.fruitless_limit: int = crawler.settings.getint("HARVEST_FRUITLESS_WALK", FRUITLESS_WALK)
        self.walk_requests = 0  # requests of the walk made this run
        self.walk_items = 0  # new items the walk found this run
        self.walking = True  # False: the last runs' walks found nothing, and no re-check is due

    def open(self, seen: Any, root: str) -> None:
        """Read what the last runs' walks found (``seen``: the crawl's seen-store)."""
        self.seen, self.key = seen, root + WALK
        row = seen.resource_row(self.key)
        self.walking = row is None or row["status"] == "ok" or seen.resource_due(self.key)

    def walked(self, new_item: bool) -> None:
        """A page of the walk was stored (``new_item``) or not."""
        if new_item:
            self.walk_items += 1

    def close(self) -> None:
        """Note what this run's walk found, for the next runs."""
        if not self.walking or not hasattr(self, "seen"):
            return
        if self.walk_items:
            self.seen.note_resource(self.key, "walk", "ok")
        elif self.walk_requests >= self.fruitless_limit:
            self.seen.note_resource(self.key, "walk", "missing")

    @classmethod
    def from_crawler(cls, crawler: Any) -> TrapMiddleware:
        return cls(crawler)

    def keep(self, request: Request, spider: Any) -> Request | None:
        meta = request.meta
        role = meta.get("role")
        if role not in ("article", "listing") or "redirected_from" in meta:
            return request
        if role == "article" and meta.get("hops", 0) > self.max_hops and not meta.get("document"):
            self.stats.inc_value("harvest/cut/link_depth")
            return None
        if meta.get("walk"):
            allowed = max(self.fruitless_limit, int(self.stats.get_value("harvest/new", 0)))
            if not self.walking or self.walk_requests - self.walk_items >= allowed:
                self.stats.inc_value("harvest/cut/fruitless_walk")
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
        if meta.get("walk"):
            self.walk_requests += 1
        return request
