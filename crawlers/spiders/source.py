"""One generic spider for every source: discovery by robots.txt, sitemaps, feeds, the
WordPress REST API, listing pages with pagination, and links between pages.

A source needs no code: the spider is configured by its ``Source`` entry. Article pages
become ``page`` items; cleaning and storing happen in ``crawlers.pipelines``.
"""

from __future__ import annotations

import re
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from crawlers import discovery as d
from crawlers.sources import Source, load_sources
from crawlers.state import corpus_for
from storage.ids import canonical_url
from storage.index import utcnow

_HTML_TYPES = (b"text/html", b"application/xhtml")
_SKIP_SITEMAPS = re.compile(r"(taxonom|users|author|categor|tags?[-_]|[-_]tag)", re.IGNORECASE)
_DISCOVERY = {"handle_httpstatus_all": True}
MAX_HOPS = 2  # links followed from article pages: article → article → article


class SourceSpider(scrapy.Spider):
    """Crawl one source. ``scrapy crawl <source-name>`` or ``harvest crawl <source-name>``."""

    name = "source"
    source_name: str | None = None

    def __init__(self, source: Source | None = None, config: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._source = source
        self._config = config

    # setup -------------------------------------------------------------------
    @property
    def source(self) -> Source:
        if self._source is None:
            config = self._config or self.settings.get("HARVEST_CONFIG")
            wanted = self.source_name or getattr(self, "source_arg", None)
            matches = [s for s in load_sources(config) if s.name == wanted]
            if not matches:
                raise ValueError(f"unknown source {wanted!r}")
            self._source = matches[0]
        return self._source

    def _setup(self) -> None:
        src = self.source
        self.allowed_domains = src.all_hosts
        self.aliases = src.host_aliases()
        self.allow = [re.compile(p) for p in src.allow]
        self.deny = [re.compile(p) for p in src.deny]
        self.corpus = corpus_for(self.crawler, src)
        self.scheduled: set[str] = set()  # canonical URLs of article requests made this run
        self.listing_pages = 0
        self.article_requests = 0
        self.discovered: dict[str, Any] = {"feeds": [], "sitemaps": [], "wordpress_api": False}
        self.fetched_ok = 0
        self.first_error: str | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self._setup()
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[scrapy.Request]:
        src = self.source
        root, folder = d.site_root(src.url), d.url_dir(src.url)
        yield self._discovery(root + "/robots.txt", self.parse_robots, priority=40)
        yield self._discovery(src.url, self.parse_listing, priority=30, depth=0)
        for url in src.feeds or [folder + "feed/", root + "/feed/", root + "/rss.xml"]:
            yield self._discovery(url, self.parse_feed, priority=30, guessed=not src.feeds)
        for url in src.sitemaps or [root + "/wp-sitemap.xml", root + "/sitemap_index.xml", root + "/sitemap.xml"]:
            yield self._discovery(url, self.parse_sitemap, priority=25, guessed=not src.sitemaps)
        for url in src.listings:
            yield self._discovery(url, self.parse_listing, priority=20, depth=0)
        if src.wordpress:
            yield self._wp_request(root, 1)

    def _discovery(self, url: str, callback: Any, priority: int = 0, guessed: bool = False, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, priority=priority,
                              meta={**_DISCOVERY, "guessed": guessed, **meta})

    def _wp_request(self, root: str, page: int) -> scrapy.Request:
        url = f"{root}/wp-json/wp/v2/posts?per_page=100&page={page}&_fields=id,link,date_gmt,modified_gmt,title"
        return self._discovery(url, self.parse_wp_api, priority=25, wp_root=root, wp_page=page, guessed=True)

    # discovery callbacks -------------------------------------------------------
    def _ok(self, response: Response) -> bool:
        if response.status == 200:
            self.fetched_ok += 1
            return True
        if response.status != 304 and not response.meta.get("guessed"):
            self._count(f"http_{response.status}", "errors")
            self.first_error = self.first_error or f"HTTP {response.status} for {response.url}"
        return False

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._ok(response) or not isinstance(response, TextResponse):
            return
        for line in response.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                url = urljoin(response.url, value.strip())
                if d.host_matches(url, self.allowed_domains):
                    yield self._discovery(url, self.parse_sitemap, priority=25)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._ok(response):
            return
        kind, entries = d.parse_sitemap(response.body)
        if kind == "invalid":
            return
        self.discovered["sitemaps"].append(response.url)
        for entry in entries:
            if not d.host_matches(entry.url, self.allowed_domains):
                continue
            if kind == "index":
                if not _SKIP_SITEMAPS.search(entry.url):
                    yield self._discovery(entry.url, self.parse_sitemap, priority=25)
            else:
                yield from self._follow(entry.url, via="sitemap", hint=entry)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._ok(response):
            return
        entries = d.parse_feed(response.body, response.url)
        if entries is None:
            return
        self.discovered["feeds"].append(response.url)
        for entry in entries:
            yield from self._follow(entry.url, via="feed", hint=entry)

    def parse_wp_api(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._ok(response):
            return
        entries = d.parse_wp_posts(response.body)
        if entries is None:
            return
        self.discovered["wordpress_api"] = True
        for entry in entries:
            yield from self._follow(entry.url, via="wp-api", hint=entry)
        page = response.meta["wp_page"]
        total = response.headers.get(b"X-WP-TotalPages")
        more = int(total) > page if total and total.isdigit() else len(entries) >= 100
        if more and page < self.source.max_listing_pages:
            yield self._wp_request(response.meta["wp_root"], page + 1)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._ok(response) or not self._is_html(response):
            return
        yield from self._feeds_and_api(response)
        yield from self._links(response, hops=0, depth=response.meta.get("depth", 0))

    def _feeds_and_api(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for href in response.xpath(
            '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
        ).getall():
            url = d.clean_link(response.url, href)
            if url and d.host_matches(url, self.allowed_domains) and not re.search(r"/comments/feed", url):
                yield self._discovery(url, self.parse_feed, priority=30)
        api = response.xpath('//link[@rel="https://api.w.org/"]/@href').get()
        if self.source.wordpress is None and (api or b"/wp-content/" in response.body):
            yield self._wp_request(d.site_root(response.url), 1)

    def _links(self, response: TextResponse, hops: int, depth: int) -> Iterator[scrapy.Request]:
        """Follow a page's links: pagination and listings as listings, the rest as candidates."""
        for a in response.xpath("//a[@href]"):
            url = d.clean_link(response.url, a.attrib.get("href", ""))
            if not url or not d.host_matches(url, self.allowed_domains):
                continue
            text = " ".join(a.xpath("string()").get("").split())
            rel = a.attrib.get("rel", "")
            if "next" in rel.split() or d.NEXT_TEXT.match(text):
                yield from self._listing(url, depth + 1)
            else:
                yield from self._follow(url, via="link", hops=hops + 1, depth=depth)

    def _listing(self, url: str, depth: int) -> Iterator[scrapy.Request]:
        if d.DENY_DEFAULT.search(url) or any(p.search(url) for p in self.deny):
            return
        if depth > self.source.max_listing_pages or self.listing_pages >= self.source.max_listing_pages * 4:
            self.crawler.stats.inc_value("harvest/cut/listing_budget")
            return
        self.listing_pages += 1
        yield self._discovery(url, self.parse_listing, priority=10, depth=depth)

    def _follow(self, url: str, via: str, hint: d.FeedEntry | None = None, hops: int = 0,
                depth: int = 0) -> Iterator[scrapy.Request]:
        kind = d.classify_url(url, self.allow, self.deny)
        if kind == "listing":
            yield from self._listing(url, depth + 1)
            return
        if kind != "candidate" or hops > MAX_HOPS:
            return
        canon = canonical_url(url, self.aliases)
        if canon in self.scheduled:
            return
        self.scheduled.add(canon)
        known = self.corpus.index.url_status(canon)
        if known is not None and known["status"] in ("stored", "duplicate"):
            self.crawler.stats.inc_value("harvest/skipped/known")
            return
        if self.article_requests >= self.source.max_pages:
            self.crawler.stats.inc_value("harvest/cut/page_budget")
            return
        self.article_requests += 1
        meta = {"via": via, "hops": hops, "depth": depth, "canonical": canon,
                "hint_date": hint.date if hint else None, "hint_title": hint.title if hint else None}
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta, priority=0)

    # articles ----------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        self.crawler.stats.inc_value("harvest/pages_fetched")
        if response.status != 200:
            return
        self.fetched_ok += 1
        if not self._is_html(response):
            self._skip(response, "not_html")
            return
        yield {
            "url": response.url,
            "requested_canonical": response.meta["canonical"],
            "html": response.text,
            "via": response.meta["via"],
            "hint_date": response.meta.get("hint_date"),
            "fetched_at": utcnow(),
        }
        if response.meta.get("hops", 0) < MAX_HOPS:
            yield from self._links(response, response.meta.get("hops", 0), response.meta.get("depth", 0))

    def _is_html(self, response: Response) -> bool:
        ctype = response.headers.get(b"Content-Type", b"").lower()
        return isinstance(response, TextResponse) and (not ctype or ctype.startswith(_HTML_TYPES))

    def _skip(self, response: Response, reason: str) -> None:
        self._count(reason, "skipped")
        self.corpus.index.mark_url(response.meta["canonical"], self.source.name, "rejected", reason=reason)

    def _count(self, reason: str, kind: str) -> None:
        self.crawler.stats.inc_value(f"harvest/{kind}/{reason}")

    def on_error(self, failure: Any) -> None:
        request = failure.request
        name = failure.type.__name__ if failure.type else "Error"
        if request.meta.get("guessed"):
            return
        self._count(name, "errors")
        message = f"{name} for {request.url}: {failure.getErrorMessage()}"
        self.first_error = self.first_error or message
        self.logger.warning(message)
