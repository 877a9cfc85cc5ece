"""One generic spider for every source: it routes. Its callbacks say what a response is and
yield requests and items; the crawl's policies are Scrapy components (``crawlers.components``).

- Discovery responses (robots.txt, listing pages, feeds, sitemaps, the WordPress REST API) go
  to their method in ``crawlers.components.methods``, once redirects and HTTP errors are dealt
  with here.
- Article candidates are requests with ``meta["role"] == "article"``; the trap, seen-store and
  budget middlewares decide which are made. An article page is cleaned off the crawl loop
  (``crawlers.cleaner``, awaited here), its links are followed as requests through the same
  middlewares, and it is yielded as a ``crawlers.contracts.PageItem`` for the item pipeline
  to store.
- PDFs (publications) linked from article or listing pages, or listed by a sitemap, are
  article requests too (``meta["document"]``), with the source's size cap: a PDF response is
  read in a cleaning worker (``crawlers.pdfdoc.read_pdf``, with the link's text and the
  Last-Modified header) and yielded as a ``PageItem`` with the page that linked it
  (``linked_from``). Other document types are only recorded (``document_link``).

A source needs no code: the spider is configured by its ``Source`` entry.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached

from crawlers import discovery as d
from crawlers.cleaner import Cleaner
from crawlers.cleaning import Cleaned
from crawlers.components import component
from crawlers.components.budgets import BudgetMiddleware
from crawlers.components.methods import METHODS, lists_items, robots_sitemaps
from crawlers.components.seen import SeenStoreMiddleware
from crawlers.components.traps import TrapMiddleware
from crawlers.contracts import CleanOptions, PageItem
from crawlers.failures import (
    UNREACHABLE,
    header,
    header_charset,
    http_kind,
    redirect_location,
    skip_reason,
)
from crawlers.items import MIN_ITEM_CHARS
from crawlers.links import LinkSorter
from crawlers.middlewares import network_error_kind
from crawlers.sources import Source, load_sources
from crawlers.state import cleaner_for, release_cleaner
from crawlers.summary import read_whole_site
from storage.ids import canonical_url, strip_tracking
from storage.index import StorageError, utcnow

_HTML_TYPES = (b"text/html", b"application/xhtml")
_PDF_TYPES = (b"application/pdf", b"application/x-pdf", b"application/acrobat")
_MB = 1024 * 1024
_DISCOVERY = {"handle_httpstatus_all": True}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class SourceSpider(scrapy.Spider):
    """Crawl one source. ``scrapy crawl <source-name>`` or ``harvest crawl <source-name>``."""

    name = "source"
    source_name: str | None = None

    def __init__(self, source: Source | None = None, config: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._source = source
        self._config = config
        self.cleaner: Cleaner | None = None

    # setup -------------------------------------------------------------------
    @property
    def stats(self) -> Any:
        """The crawl's stats collector."""
        return self.crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Before the offsite middlewares read it: requests and redirects to other hosts
        # (other sites, private or link-local addresses) are never made.
        spider.allowed_domains = spider.source.all_hosts
        return spider

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
        self.documents_allow = [re.compile(p) for p in src.documents_allow]
        self.documents_max = int(src.documents_max_mb * _MB)
        self.seen = component(self.crawler, SeenStoreMiddleware)
        self.budget = component(self.crawler, BudgetMiddleware)
        self.traps = component(self.crawler, TrapMiddleware)
        self.max_hops = self.traps.max_hops
        self.links = LinkSorter(src.all_hosts, self.allow, self.deny, self.stats)
        self._followed: dict[str, int] = {}  # link URL -> fewest hops it was followed with
        self.xml_limit = self.settings.getint("DOWNLOAD_MAXSIZE") or d.MAX_XML_BYTES
        self.max_redirects = self.settings.getint("REDIRECT_MAX_TIMES", 5)
        self.discovered: dict[str, Any] = {"feeds": [], "sitemaps": [], "wordpress_api": False}
        self.named: dict[str, bool] = {}  # methods robots.txt, the start page or earlier crawls named pages of
        self.robots_sitemaps: list[str] = []
        self.listing_links: set[str] = set()  # candidate links met on listing pages in this crawl
        self._start_read = False
        self.seen.open(src)
        self.traps.open(self.seen, d.site_root(src.url))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.fetched_ok = 0
        self.first_error: str | None = None
        self.error_kind: str | None = None  # what the first error is (``crawlers.run.summarise``)
        self.unreachable: str | None = None  # the source's host, when it cannot be reached
        self.start_note: str | None = None  # what became of the start URL, when it gave no page
        self.logger.info("crawling source %s from %s", self.source.name, self.source.url)
        try:
            self._setup()
        except (OSError, StorageError) as exc:  # unwritable or full corpus folder: say so, fetch nothing
            self._fail(f"cannot open the corpus: {type(exc).__name__}: {exc}", "corpus")
            self.logger.error(self.first_error)
            return
        self.cleaner = cleaner_for(self.settings)
        for method in METHODS.values():
            for request in method.start(self):
                yield request

    def closed(self, reason: str) -> None:
        if self.cleaner is not None:
            release_cleaner(self.cleaner)
            self.cleaner = None
        seen = getattr(self, "seen", None)
        if seen is not None:
            self.traps.close()
            # What the discovery pages answered; their validators only after a crawl that read
            # the whole site (finished, something fetched, nothing cut by a budget).
            cuts = {k.rsplit("/", 1)[1] for k in self.stats.get_stats() if k.startswith("harvest/cut/")}
            complete = reason == "finished" and self.fetched_ok > 0 and read_whole_site(cuts)
            seen.flush(complete)

    # what robots.txt and the start page name ---------------------------------------------
    def robots_seen(self, netloc: str, response: Response | None) -> None:
        """robots.txt of ``netloc`` as the robots.txt middleware read it (``None``: it could not
        be read): the sitemaps it names are requested once the start page is read."""
        if netloc.lower() != urlparse_cached(scrapy.Request(self.source.url)).netloc.lower():
            return
        if response is not None and isinstance(response, TextResponse) and response.status == 200:
            self.robots_sitemaps = robots_sitemaps(self, response.url, response.text)
            if self.robots_sitemaps:
                self.named["sitemap"] = True

    def start_read(self, meta: dict[str, Any]) -> Iterator[scrapy.Request]:
        """Once the start page is read (or failed): the sitemaps robots.txt names, then the
        guessed feed and sitemap paths of the methods, when nothing named one."""
        if not meta.get("start") or self._start_read:
            return
        self._start_read = True
        for url in self.robots_sitemaps:
            yield self.sitemap_request(url, 0)
        for method in METHODS.values():
            if method.guesses is not None:
                yield from method.guesses(self)

    # request builders (the components decide which are made) ---------------------------------
    def discovery_request(self, url: str, method: str, priority: int = 0, guessed: bool = False,
                          **meta: Any) -> scrapy.Request:
        """A request of a discovery method (``crawlers.components.methods``), answered in
        ``parse_discovery`` whatever its status."""
        return scrapy.Request(url, callback=self.parse_discovery, errback=self.on_error, priority=priority,
                              meta={**_DISCOVERY, "method": method, "guessed": guessed, **meta})

    def sitemap_request(self, url: str, depth: int, guessed: bool = False,
                        listed: str | None = None) -> scrapy.Request:
        """A sitemap ``depth`` sitemap indexes below the first one (``BudgetMiddleware`` keeps
        each once, within the crawl's sitemap depth and budget); ``listed``: the lastmod its
        sitemap index gives it."""
        return self.discovery_request(url, "sitemap", priority=25, guessed=guessed, role="sitemap",
                                      sitemap_depth=depth, listed=listed)

    def listing_request(self, url: str, depth: int, known_streak: int = 0) -> Iterator[scrapy.Request]:
        """A listing page reached by pagination or a link (``TrapMiddleware`` and
        ``BudgetMiddleware`` decide whether it is made)."""
        if d.DENY_DEFAULT.search(url) or any(p.search(url) for p in self.deny):
            return
        yield self.discovery_request(strip_tracking(url), "listing", priority=10, role="listing", depth=depth,
                                     known_streak=known_streak)

    def follow(self, url: str, via: str, hint: d.FeedEntry | None = None, hops: int = 0,
               depth: int = 0, found_on: str | None = None, linked_from: str | None = None,
               link_text: str | None = None) -> Iterator[scrapy.Request]:
        """A link to an article candidate, a listing or a document, routed by its URL.
        ``linked_from`` (default ``found_on``) and ``link_text``: the page that links it and the
        link's text, kept for a PDF."""
        if hint is None:
            # The same link on many pages (menus, widgets, related posts): decided once, unless
            # it comes back fewer hops away. Links with a date hint (feeds, sitemaps) are always
            # looked at, as the date may make a known item worth a re-check.
            if self._followed.get(url, self.max_hops + 2) <= hops:
                return
            self._followed[url] = hops
        url = d.strip_view_params(url)
        if d.is_pdf_url(url):
            yield from self.follow_document(url, via, hint, hops, depth, found_on, linked_from or found_on, link_text)
            return
        kind = d.classify_url(url, self.allow, self.deny)
        if kind == "listing":
            yield from self.listing_request(url, depth + 1)
            return
        if kind == "deny" and d.DOCUMENT_RE.search(url):
            self.seen.document_link(canonical_url(url, self.aliases))
            return
        if kind != "candidate":
            return
        # found_on: the sitemap or listing the link was on (its URL says news, pages, services…).
        url = strip_tracking(url)
        meta = {"role": "article", "via": via, "found_on": found_on, "hops": hops, "depth": depth,
                "canonical": canonical_url(url, self.aliases), "hint_date": hint.date if hint else None,
                "recheck": False, "handle_httpstatus_list": [304]}
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta, priority=0)

    def follow_document(self, url: str, via: str, hint: d.FeedEntry | None, hops: int, depth: int,
                        found_on: str | None, linked_from: str | None,
                        link_text: str | None) -> Iterator[scrapy.Request]:
        """A link to a PDF: requested as an item when the source takes documents (``documents``)
        and the URL is within its hosts, ``allow``/``deny`` and ``documents_allow``; at most
        ``documents_max_mb`` is downloaded (``too_large`` past it). Otherwise recorded as a
        document link, as other document types are."""
        if not d.host_matches(url, self.allowed_domains):
            return
        canon = canonical_url(url, self.aliases)
        if not self.source.documents or not d.document_allowed(url, self.allow, self.deny, self.documents_allow):
            self.seen.document_link(canon)
            return
        url = strip_tracking(url)
        meta = {"role": "article", "document": True, "via": via, "found_on": found_on, "hops": hops,
                "depth": depth, "canonical": canon, "hint_date": hint.date if hint else None, "recheck": False,
                "linked_from": linked_from, "link_text": link_text or (hint.title if hint else None),
                "download_maxsize": self.documents_max, "handle_httpstatus_list": [304]}
        yield scrapy.Request(url, callback=self.parse_document, errback=self.on_error, meta=meta, priority=-5)

    def follow_links(self, base: str, anchors: list[d.Anchor], hops: int, depth: int,
                     walk: bool = True) -> Iterator[scrapy.Request]:
        """An article page's links (read by the cleaning worker): pagination and listings as
        listings, the rest as candidates one hop further (``walk``: the walk from page to page
        goes on from this page; without it, only its links to PDFs are followed)."""
        texts: dict[str, str] = {}
        if not walk:
            anchors = [a for a in anchors if len(a) > 2]  # the links to PDFs (``crawlers.discovery.anchors``)
        links, nexts = self.links.sort(base, anchors, texts)
        if walk:
            for url in nexts:
                yield from _walking(self.listing_request(url, depth + 1))
        for url in links:
            if d.is_pdf_url(url):
                # A publication linked from an item: not a step of the walk, whatever its hops.
                yield from self.follow(url, via="link", hops=hops + 1, depth=depth, linked_from=base,
                                       link_text=texts.get(url))
            elif walk:
                yield from _walking(self.follow(url, via="link", hops=hops + 1, depth=depth))

    # discovery responses -------------------------------------------------------------------
    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        """A response of a discovery method: a redirect is followed the same way, an HTTP error
        noted; otherwise the method reads it."""
        method = METHODS[response.meta["method"]]
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if self.seen.discovery_unchanged(response):
            # A 304, or the content the last complete crawl read: nothing to parse again. A
            # listing page's other listings and feeds are still looked at (conditionally) when the
            # site's own lists (feeds, sitemaps) do not tell what is new.
            self.fetched_ok += 1
            if method.name in ("feed", "sitemap"):
                self.discovered[method.name + "s"].append(response.url)
            if method.name == "listing" and not self._site_lists():
                yield from self._children_again(response.url)
            yield from self.start_read(response.meta)
            return
        if not self._ok(response):
            yield from self.start_read(response.meta)
            return
        if method.html and not self._is_html(response):
            self._note_start(response.meta, "is not an HTML page")
            yield from self.start_read(response.meta)
            return
        children: list[list[Any]] = []
        for request in method.parse(self, response):
            if method.name == "listing" and request.meta.get("method") in ("listing", "feed") \
                    and not request.meta.get("next"):
                children.append([request.meta["method"], request.url, request.meta.get("depth", 0)])
            yield request
        if method.name == "listing":
            self.seen.note_children(response.url, children)
        yield from self.start_read(response.meta)

    def _site_lists(self) -> bool:
        """Whether the site's own lists of items (a feed, a sitemap) are read in this crawl."""
        return bool(self.source.feeds or self.source.sitemaps or self.named.get("feed")
                    or self.named.get("sitemap"))

    def _children_again(self, url: str) -> Iterator[scrapy.Request]:
        """The listings and feeds an unchanged listing page led to when it was last read (not
        its next page: what follows an unchanged page is older still)."""
        for method, child, depth in self.seen.children(url):
            if method == "listing":
                yield from self.listing_request(child, int(depth))
            elif method == "feed":
                yield self.discovery_request(child, "feed", priority=30)

    def _ok(self, response: Response) -> bool:
        """Whether a discovery response answered 200. Pages the source names or links to (the
        start URL, listings, declared feeds and sitemaps) count as fetched here; a guessed
        path (robots.txt, feed and sitemap paths, the REST API) only once it proves to be
        what was guessed (``found``)."""
        if response.status == 200:
            if not response.meta.get("guessed"):
                self.fetched_ok += 1
            return True
        self._note_start(response.meta, f"answered HTTP {response.status}")
        if response.status != 304 and not response.meta.get("guessed"):
            self._count(f"http_{response.status}", "errors")
            self._fail(f"HTTP {response.status} for {response.url}", http_kind(response.status))
        return False

    def found(self, response: Response) -> None:
        """A guessed feed, sitemap or REST path that is one: a page fetched."""
        if response.meta.get("guessed"):
            self.fetched_ok += 1

    @staticmethod
    def _is_redirect(response: Response) -> bool:
        return response.status in _REDIRECTS and bool(response.headers.get(b"Location"))

    def _redirect(self, response: Response) -> Iterator[scrapy.Request]:
        """A discovery request (start URL, listing, feed, sitemap, REST, robots.txt) answered
        with a redirect: its target is requested the same way, with the same callback, when it
        is within the source's hosts, at most ``REDIRECT_MAX_TIMES`` hops and never in a loop."""
        request, status = response.request, response.status
        assert request is not None
        meta = request.meta
        chain = [*meta.get("redirected_from", ()), request.url]
        location = redirect_location(response)
        target = self.link(response.url, location)
        guessed = meta.get("guessed")
        problem = None
        if target is None:
            problem = "an unusable Location"
        elif not d.host_matches(target, self.allowed_domains):
            problem = "another host: not followed"
            self.stats.inc_value("harvest/skipped_requests/offsite_redirect")
        elif target in chain:
            problem = "a redirect loop"
            if not guessed:
                self._count("redirect_loop", "errors")
        elif len(chain) > self.max_redirects:
            problem = f"more than {self.max_redirects} redirects"
            if not guessed:
                self._count("too_many_redirects", "errors")
        self._note_start(meta, f"answered {status} to {target or location}" + (f" ({problem})" if problem else ""))
        if problem is None:
            kept = {k: v for k, v in meta.items() if not k.startswith(("download_", "retry_"))}
            yield request.replace(url=target, meta={**kept, "redirected_from": chain})
        else:
            if not guessed:
                self.logger.warning("%s answered %s to %s: %s", request.url, status, target or location, problem)
            yield from self.start_read(meta)

    def _note_start(self, meta: dict[str, Any], what: str) -> None:
        """Remember what became of the start URL (the reason of a crawl that found nothing)."""
        if meta.get("start"):
            again = self.start_note and meta.get("redirected_from")
            self.start_note = f"{self.start_note}, which {what}" if again else what

    def nothing_found(self) -> str:
        """Why discovery found no article, when nothing but robots.txt was fetched."""
        start = f"start URL {self.source.url} {self.start_note or 'gave no page'}"
        feeds = "no feed" if not self.discovered["feeds"] else "feeds without articles"
        sitemaps = "no sitemap" if not self.discovered["sitemaps"] else "sitemaps without articles"
        return f"discovery found no article: {start}, {feeds}, {sitemaps}"

    # links ---------------------------------------------------------------------------------
    def link(self, base: str, href: str) -> str | None:
        """``href`` as an absolute http(s) URL; a malformed one is skipped and counted."""
        return self.links.link(base, href)

    def page_links(self, response: TextResponse,
                   texts: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
        """A page's links within the source's hosts: (other links, "next page" links);
        ``texts`` receives the texts of its links to PDFs."""
        return self.links.sort(response.url, d.anchors(response.selector.root), texts)

    # articles ----------------------------------------------------------------
    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """An article page: cleaned in a worker (awaited), its links followed when the walk
        from page to page goes on from it, and yielded as a ``PageItem``."""
        meta = response.meta
        self.seen.settle(meta["canonical"])
        if response.status == 304:
            self.fetched_ok += 1
            self.seen.not_modified(meta)
            return
        self.stats.inc_value("harvest/pages_fetched")
        if response.status != 200:
            return
        self.fetched_ok += 1
        if not self._is_html(response):
            # A publication behind a URL that does not end in .pdf (``/download/123``,
            # ``?file=…``) is read as a document when the source takes them.
            if self._is_pdf(response) and self.source.documents and \
                    d.document_allowed(response.url, self.allow, self.deny, self.documents_allow):
                self.stats.inc_value("harvest/documents_fetched")
                async for item in self._read_document(response):
                    yield item
                return
            self._skip(response, "not_html")
            return
        # Links between articles are a discovery path of their own; an article listed by a
        # sitemap, a feed or the REST API needs no such walk (those list the site's items),
        # even when a listing page or a link led to it first.
        # The cleaning worker reads the links from the tree it parses anyway.
        walk = None
        hops = meta.get("hops", 0)
        listed_by = self.seen.found(meta["canonical"])
        if not lists_items(meta["via"]) and not (listed_by is not None and lists_items(listed_by[0])):
            if hops < self.max_hops:
                walk = (hops, meta.get("depth", 0))
            else:  # the walk from page to page stops here (calendars and other endless chains)
                self.stats.inc_value("harvest/cut/link_depth")
        fetched_at = utcnow()
        # No article-marker or length rule in the cleaning: what is an item is decided when the
        # page is stored (``crawlers.items.decide``), from every signal. The links are read
        # when the walk goes on, or for the PDFs the page links to.
        options = CleanOptions(min(self.source.min_chars, MIN_ITEM_CHARS), False, header_charset(response),
                               walk is not None or self.source.documents,
                               only_document_links=walk is None)
        assert self.cleaner is not None
        try:
            result, links = await self.cleaner.clean(response.body, response.url, options, self._tally_cleaning)
        except Exception:  # a bug of the cleaning on this page: said, and the page tried again next run
            self.logger.exception("cannot clean %s", response.url)
            self._count("cleaning_error", "skipped")
            return
        if getattr(result, "reason", None) in ("clean_timeout", "cleaning_crashed"):
            # The worker was replaced; the page is recorded as skipped and the crawl goes on.
            self.logger.warning("%s: %s (%s)", response.url, result.detail, result.reason)  # type: ignore[union-attr]
        if links:
            follows = self.follow_links(response.url, links, *walk) if walk is not None else \
                self.follow_links(response.url, links, hops, meta.get("depth", 0), walk=False)
            for request in follows:
                yield request
        # Where the page was found: the strongest place this crawl found it in so far (a feed or
        # sitemap read after the listing that led here still counts).
        via, found_on, hint_date = self.seen.found(meta["canonical"]) or (
            meta["via"], meta.get("found_on"), meta.get("hint_date"))
        yield PageItem(url=response.url, requested_canonical=meta["canonical"], result=result, via=via,
                       walked=bool(meta.get("walk")),
                       fetched_at=fetched_at, found_on=found_on, hint_date=hint_date,
                       etag=header(response, b"ETag"), last_modified=header(response, b"Last-Modified"),
                       listed=self.seen.listed(meta["canonical"]), may_be_rejected=bool(meta.get("dead")))

    async def parse_document(self, response: Response) -> AsyncIterator[Any]:
        """A PDF: read in a cleaning worker (``crawlers.pdfdoc.read_pdf``, with its time limit
        ``HARVEST_PDF_TIMEOUT``) and yielded as a ``PageItem``. A ``.pdf`` URL that answers
        something else (an HTML page) is skipped as ``not_pdf``."""
        meta = response.meta
        self.seen.settle(meta["canonical"])
        if response.status == 304:
            self.fetched_ok += 1
            self.seen.not_modified(meta)
            return
        self.stats.inc_value("harvest/pages_fetched")
        self.stats.inc_value("harvest/documents_fetched")
        if response.status != 200:
            return
        self.fetched_ok += 1
        if not self._is_pdf(response):
            self._skip(response, "not_pdf")
            return
        async for item in self._read_document(response):
            yield item

    async def _read_document(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        fetched_at = utcnow()
        last_modified = header(response, b"Last-Modified")
        options = CleanOptions(document=True, link_text=meta.get("link_text"), last_modified=last_modified)
        assert self.cleaner is not None
        try:
            result, _ = await self.cleaner.clean(response.body, response.url, options, self._tally_cleaning)
        except Exception:  # a bug of the reading of this file: said, and the file tried again next run
            self.logger.exception("cannot read %s", response.url)
            self._count("cleaning_error", "skipped")
            return
        if isinstance(result, Cleaned):
            result.meta["linked_from"] = meta.get("linked_from")
        else:
            self.logger.warning("%s: %s (%s)", response.url, result.detail, result.reason)
        via, found_on, hint_date = self.seen.found(meta["canonical"]) or (
            meta["via"], meta.get("found_on"), meta.get("hint_date"))
        yield PageItem(url=response.url, requested_canonical=meta["canonical"], result=result, via=via,
                       fetched_at=fetched_at, found_on=found_on, hint_date=hint_date,
                       etag=header(response, b"ETag"), last_modified=last_modified,
                       listed=self.seen.listed(meta["canonical"]), linked_from=meta.get("linked_from"))

    @staticmethod
    def _is_pdf(response: Response) -> bool:
        """Whether a response is a PDF: it says so (Content-Type) or starts like one."""
        ctype = (response.headers.get(b"Content-Type") or b"").lower()
        return ctype.startswith(_PDF_TYPES) or b"%PDF-" in response.body[:1024]

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"").lower()
        return isinstance(response, TextResponse) and (not ctype or ctype.startswith(_HTML_TYPES))

    def _skip(self, response: Response, reason: str) -> None:
        self._count(reason, "skipped")
        self.seen.rejected(response.meta["canonical"], reason)

    # errors ----------------------------------------------------------------
    def _tally_cleaning(self, cpu: float) -> None:
        """A page cleaned (or a document read) and the CPU seconds it took its worker: the run
        summary's ``cleaning``."""
        self.stats.inc_value("harvest/cleaning/pages")
        self.stats.inc_value("harvest/cleaning/cpu_seconds", cpu, start=0.0)

    def _count(self, reason: str, kind: str) -> None:
        self.stats.inc_value(f"harvest/{kind}/{reason}")

    def _fail(self, message: str, kind: str) -> None:
        """Remember the crawl's first error and its kind (a short keyword)."""
        if self.first_error is None:
            self.first_error, self.error_kind = message, kind

    def site_unreachable(self, request: scrapy.Request, exc: BaseException | None) -> bool:
        """Whether ``exc`` says the source's own host is not there: it does not resolve, or it
        refuses the connection. Then the crawl ends at once, with one error line saying why:
        nothing else of the source can be fetched, and waiting would not change that."""
        kind = network_error_kind(exc)
        host = urlparse_cached(request).netloc.lower()
        if kind not in UNREACHABLE or host != urlparse_cached(scrapy.Request(self.source.url)).netloc.lower():
            return False
        if self.unreachable is None:
            self.unreachable = host
            self._count(type(exc).__name__, "errors")
            self.first_error, self.error_kind = f"cannot reach {host}: {UNREACHABLE[kind]}", kind
            self.logger.error("%s: %s", self.source.name, self.first_error)
            engine: Any = self.crawler.engine
            engine.close_spider(self, "unreachable")
        return True

    def on_error(self, failure: Any) -> Iterator[scrapy.Request]:
        """A request that failed: a decision (robots.txt, size), a dead end (404, 410) or an
        error of the site (the crawl's first error). A failed start URL still lets discovery go
        on from robots.txt's sitemaps and the guessed paths."""
        request = failure.request
        if self.unreachable is not None:  # the crawl is ending: what was still queued is moot
            return
        if request.meta.get("probe") and self.site_unreachable(request, failure.value):
            return
        name = failure.type.__name__ if failure.type else "Error"
        message = failure.getErrorMessage()
        reason = skip_reason(name, message)
        if reason:  # not an error of the site: a page we chose not to take
            self._count(reason, "skipped")
            what = "is disallowed by robots.txt" if reason == "robots_disallowed" else f"was skipped ({reason})"
            self._note_start(request.meta, what)
            yield from self.start_read(request.meta)
            if "canonical" in request.meta:
                if reason == "too_large":
                    self.seen.dead(request.meta["canonical"], reason)
                else:
                    self.seen.rejected(request.meta["canonical"], reason)
            return
        yield from self.start_read(request.meta)
        status = getattr(getattr(failure.value, "response", None), "status", None)
        if "canonical" in request.meta and status in (404, 410):
            self.seen.dead(request.meta["canonical"], f"http_{status}")
        if request.meta.get("guessed"):
            return
        self._count(name, "errors")
        message = f"{name} for {request.url}: {message}"
        self._fail(message, network_error_kind(failure.value) or "error")
        self.logger.warning(message)


def _walking(requests: Iterator[scrapy.Request]) -> Iterator[scrapy.Request]:
    """Requests of the walk from article to article (``TrapMiddleware`` bounds it)."""
    for request in requests:
        if not request.meta.get("document"):
            request.meta["walk"] = True
        yield request
