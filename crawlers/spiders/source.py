"""One generic spider for every source: discovery by robots.txt, sitemaps, feeds, the
WordPress REST API, listing pages with pagination, and links between pages.

A source needs no code: the spider is configured by its ``Source`` entry. Article pages
become ``page`` items; cleaning and storing happen in ``crawlers.pipelines``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

from crawlers import discovery as d
from crawlers.middlewares import network_error_kind
from crawlers.sources import Source, load_sources
from crawlers.state import corpus_for
from storage.ids import canonical_url, strip_tracking
from storage.index import StorageError, utcnow

_HTML_TYPES = (b"text/html", b"application/xhtml")
_SKIP_SITEMAPS = re.compile(r"(taxonom|users|author|categor|tags?[-_]|[-_]tag)", re.IGNORECASE)
_DISCOVERY = {"handle_httpstatus_all": True}
MAX_HOPS = 2  # links followed from article pages: article → article → article
_LISTED = ("sitemap", "feed", "wp-api")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_SITEMAP_DEPTH = 3  # sitemap indexes nested below the first sitemap
MAX_SITEMAPS = 200  # sitemap files requested per crawl
_UNREACHABLE = {"dns": "DNS lookup failed (no such host)", "refused": "connection refused"}


class SourceSpider(scrapy.Spider):
    """Crawl one source. ``scrapy crawl <source-name>`` or ``harvest crawl <source-name>``."""

    name = "source"
    source_name: str | None = None

    def __init__(self, source: Source | None = None, config: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._source = source
        self._config = config

    # setup -------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "SourceSpider":
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
        self.corpus = corpus_for(self.crawler, src)
        self.scheduled: set[str] = set()  # canonical URLs of article requests made this run
        self._link_cache: dict[tuple[str, str], str | None] = {}
        self._followed: dict[str, int] = {}  # link URL -> fewest hops it was followed with
        self.listing_keys: set[str] = set()
        self.listing_pages = 0
        self.article_requests = 0
        self.sitemap_urls: set[str] = set()  # sitemap files requested this run
        self.xml_limit = self.settings.getint("DOWNLOAD_MAXSIZE") or d.MAX_XML_BYTES
        self.max_redirects = self.settings.getint("REDIRECT_MAX_TIMES", 5)
        self.discovered: dict[str, Any] = {"feeds": [], "sitemaps": [], "wordpress_api": False}
        last = self.corpus.index.last_good_run(src.name)
        # Watermark: what is older than the last complete successful run was seen by it.
        self.since = parse_date(last.get("started_at")) if last else None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.fetched_ok = 0
        self.first_error: str | None = None
        self.error_kind: str | None = None  # what the first error is (``crawlers.run.summarise``)
        self.unreachable: str | None = None  # the source's host, when it cannot be reached
        self.start_note: str | None = None  # what became of the start URL, when it gave no page
        try:
            self._setup()
        except (OSError, StorageError) as exc:  # unwritable or full corpus folder: say so, fetch nothing
            self._fail(f"cannot open the corpus: {type(exc).__name__}: {exc}", "corpus")
            self.logger.error(self.first_error)
            return
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[scrapy.Request]:
        src = self.source
        root, folder = d.site_root(src.url), d.url_dir(src.url)
        yield self._discovery(root + "/robots.txt", self.parse_robots, priority=40, guessed=True, probe=True)
        yield self._discovery(src.url, self.parse_listing, priority=30, depth=0, probe=True, start=True)
        for url in src.feeds or [folder + "feed/", root + "/feed/", root + "/rss.xml"]:
            yield self._discovery(url, self.parse_feed, priority=30, guessed=not src.feeds)
        for url in src.sitemaps or [root + "/wp-sitemap.xml", root + "/sitemap_index.xml", root + "/sitemap.xml"]:
            request = self._sitemap(url, 0, guessed=not src.sitemaps)
            if request is not None:
                yield request
        for url in src.listings:
            yield self._discovery(url, self.parse_listing, priority=20, depth=0)
        if src.wordpress:
            yield self._wp_request(root, 1)

    def _discovery(self, url: str, callback: Any, priority: int = 0, guessed: bool = False, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, priority=priority,
                              meta={**_DISCOVERY, "guessed": guessed, **meta})

    def _sitemap(self, url: str, depth: int, guessed: bool = False) -> scrapy.Request | None:
        """A request for a sitemap ``depth`` levels of sitemap indexes below the first one,
        unless it is too deep or the crawl's sitemap budget is spent (then the cut is counted)."""
        if url in self.sitemap_urls:
            return None
        if depth > MAX_SITEMAP_DEPTH:
            self._cut("sitemap_depth")
            return None
        if len(self.sitemap_urls) >= MAX_SITEMAPS:
            self._cut("sitemap_budget")
            return None
        self.sitemap_urls.add(url)
        return self._discovery(url, self.parse_sitemap, priority=25, guessed=guessed, sitemap_depth=depth)

    def _wp_request(self, root: str, page: int) -> scrapy.Request:
        url = f"{root}/wp-json/wp/v2/posts?per_page=100&page={page}&_fields=id,link,date_gmt,modified_gmt,title"
        if self.since:
            url += "&modified_after=" + self.since.strftime("%Y-%m-%dT%H:%M:%S")
        return self._discovery(url, self.parse_wp_api, priority=25, wp_root=root, wp_page=page, guessed=True)

    # discovery callbacks -------------------------------------------------------
    def _ok(self, response: Response) -> bool:
        """Whether a discovery response answered 200. Pages the source names or links to (the
        start URL, listings, declared feeds and sitemaps) count as fetched here; a guessed
        path (robots.txt, feed and sitemap paths, the REST API) only once it proves to be
        what was guessed (``_found``)."""
        if response.status == 200:
            if not response.meta.get("guessed"):
                self.fetched_ok += 1
            return True
        self._note_start(response.meta, f"answered HTTP {response.status}")
        if response.status != 304 and not response.meta.get("guessed"):
            self._count(f"http_{response.status}", "errors")
            self._fail(f"HTTP {response.status} for {response.url}", _http_kind(response.status))
        return False

    def _found(self, response: Response) -> None:
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
        meta = request.meta
        chain = [*meta.get("redirected_from", ()), request.url]
        location = _location(response)
        target = self._link(response.url, location)
        guessed = meta.get("guessed")
        problem = None
        if target is None:
            problem = "an unusable Location"
        elif not d.host_matches(target, self.allowed_domains):
            problem = "another host: not followed"
            self.crawler.stats.inc_value("harvest/skipped_requests/offsite_redirect")
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
        elif not guessed:
            self.logger.warning("%s answered %s to %s: %s", request.url, status, target or location, problem)

    def _note_start(self, meta: dict[str, Any], what: str) -> None:
        """Remember what became of the start URL (the reason of a crawl that found nothing)."""
        if meta.get("start"):
            self.start_note = f"{self.start_note}, which {what}" if self.start_note and meta.get("redirected_from") else what

    def nothing_found(self) -> str:
        """Why discovery found no article, when nothing but robots.txt was fetched."""
        start = f"start URL {self.source.url} {self.start_note or 'gave no page'}"
        feeds = "no feed" if not self.discovered["feeds"] else "feeds without articles"
        sitemaps = "no sitemap" if not self.discovered["sitemaps"] else "sitemaps without articles"
        return f"discovery found no article: {start}, {feeds}, {sitemaps}"

    def _link(self, base: str, href: str) -> str | None:
        """``href`` as an absolute http(s) URL (``crawlers.discovery.clean_link``); a malformed
        one is skipped and counted (``bad_url``)."""
        url, bad = d.parse_link(base, href)
        if bad:
            self.crawler.stats.inc_value("harvest/skipped_requests/bad_url")
        return url

    def _cut(self, reason: str) -> None:
        self.crawler.stats.inc_value(f"harvest/cut/{reason}")

    def _budget_spent(self) -> bool:
        """The page budget is spent: reading a sitemap or feed further is of no use."""
        if self.article_requests >= self.source.max_pages:
            self._cut("page_budget")
            return True
        return False

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
        if kind not in _UNREACHABLE or host != urlparse_cached(scrapy.Request(self.source.url)).netloc.lower():
            return False
        if self.unreachable is None:
            self.unreachable = host
            self._count(type(exc).__name__, "errors")
            self.first_error, self.error_kind = f"cannot reach {host}: {_UNREACHABLE[kind]}", kind
            self.logger.error("%s: %s", self.source.name, self.first_error)
            self.crawler.engine.close_spider(self, "unreachable")
        return True

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if not self._ok(response) or not isinstance(response, TextResponse):
            return
        for line in response.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                url = self._link(response.url, value.strip())
                if url and d.host_matches(url, self.allowed_domains):
                    request = self._sitemap(url, 0)
                    if request is not None:
                        yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap or sitemap index, parsed as it is read (at most ``DOWNLOAD_MAXSIZE``
        bytes once inflated) and only as far as the page budget needs."""
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if not self._ok(response):
            return
        kind, entries = d.parse_sitemap(response.body, self.xml_limit)
        if kind == "invalid":
            return
        self._found(response)
        self.discovered["sitemaps"].append(response.url)
        depth = response.meta.get("sitemap_depth", 0)
        for entry in entries:
            if self._budget_spent():
                break
            url = self._link(response.url, entry.url)
            if url is None or not d.host_matches(url, self.allowed_domains):
                continue
            if kind == "index":
                if _SKIP_SITEMAPS.search(url):
                    continue
                if self._older_than_last_run(entry.date):
                    self.crawler.stats.inc_value("harvest/skipped_requests/old_sitemap")
                    continue
                request = self._sitemap(url, depth + 1)
                if request is not None:
                    yield request
                elif depth + 1 > MAX_SITEMAP_DEPTH or len(self.sitemap_urls) >= MAX_SITEMAPS:
                    break  # every further entry would be cut too
            else:
                yield from self._follow(url, via="sitemap", hint=entry, lastmod=True, found_on=response.url)
        else:
            if entries.truncated:
                self._cut("sitemap_size")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """A feed, parsed as it is read (at most ``DOWNLOAD_MAXSIZE`` bytes once inflated) and
        only as far as the page budget needs."""
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if not self._ok(response):
            return
        entries = d.parse_feed(response.body, response.url, self.xml_limit)
        if entries is None:
            return
        self._found(response)
        self.discovered["feeds"].append(response.url)
        for entry in entries:
            if self._budget_spent():
                break
            url = self._link(response.url, entry.url)
            if url is not None and d.host_matches(url, self.allowed_domains):
                yield from self._follow(url, via="feed", hint=entry)
        else:
            if entries.truncated:
                self._cut("feed_size")

    def parse_wp_api(self, response: Response) -> Iterator[scrapy.Request]:
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if not self._ok(response):
            return
        entries = d.parse_wp_posts(response.body)
        if entries is None:
            return
        self._found(response)
        self.discovered["wordpress_api"] = True
        for entry in entries:
            url = self._link(response.url, entry.url)
            if url is not None and d.host_matches(url, self.allowed_domains):
                yield from self._follow(url, via="wp-api", hint=entry)
        page = response.meta["wp_page"]
        total = response.headers.get(b"X-WP-TotalPages")
        more = int(total) > page if total and total.isdigit() else len(entries) >= 100
        if more and page < self.source.max_listing_pages:
            yield self._wp_request(response.meta["wp_root"], page + 1)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if self._is_redirect(response):
            yield from self._redirect(response)
            return
        if not self._ok(response):
            return
        if not self._is_html(response):
            self._note_start(response.meta, "is not an HTML page")
            return
        yield from self._feeds_and_api(response)
        depth = response.meta.get("depth", 0)
        links, nexts = self._page_links(response)
        numbered = [u for u in links if d.PAGINATION_RE.search(u)]
        links = [u for u in links if u not in numbered]
        # Page through one page at a time (the "next" link, else the next page number), so
        # the walk can stop at the first page that holds nothing new.
        nexts = nexts[:1] or d.next_page(response.url, numbered)
        candidates = [u for u in links if d.classify_url(u, self.allow, self.deny) == "candidate"]
        # Items decided on before the last complete run (stored, duplicates, pages found not to be
        # articles) count as known. What a later, interrupted run took does not: the pages after
        # it may still hold items that run never reached.
        known = sum(1 for u in candidates if self._known_before_last_run(u))
        streak = response.meta.get("known_streak", 0) + 1 if candidates and known == len(candidates) else 0
        for url in links:
            yield from self._follow(url, via="listing", hops=1, depth=depth, found_on=response.url)
        # Only once a crawl has completed: an interrupted first crawl must page on.
        if self.since is not None and streak >= self.source.stop_after_known_pages > 0:
            # Every item on this page is known (and on the pages before): older pages hold
            # nothing new. Listings are always fetched again; only the paging stops.
            if nexts:
                self.crawler.stats.inc_value("harvest/skipped_requests/known_listing_pages")
            return
        for url in nexts:
            yield from self._listing(url, depth + 1, known_streak=streak)

    def _feeds_and_api(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for href in response.xpath(
            '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
        ).getall():
            url = self._link(response.url, href)
            if url and d.host_matches(url, self.allowed_domains) and not re.search(r"/comments/feed", url):
                yield self._discovery(url, self.parse_feed, priority=30)
        api = response.xpath('//link[@rel="https://api.w.org/"]/@href').get()
        if self.source.wordpress is None and (api or b"/wp-content/" in response.body):
            yield self._wp_request(d.site_root(response.url), 1)

    def _page_links(self, response: TextResponse) -> tuple[list[str], list[str]]:
        """A page's links within the source's hosts: (other links, "next page" links)."""
        return self._sort_links(response.url, d.anchors(response.selector.root))

    def _sort_links(self, base: str, anchors: list[tuple[str, bool]]) -> tuple[list[str], list[str]]:
        """Links as written on a page (``crawlers.discovery.anchors``), resolved against ``base``
        and kept within the source's hosts: (other links, "next page" links).

        Theme pages carry hundreds of menu, widget and footer links, the same on every page:
        what an absolute or root-relative href resolves to is remembered for the run."""
        links: dict[str, None] = {}
        nexts: dict[str, None] = {}
        root = d.site_root(base)
        for href, is_next in anchors:
            url = self._resolve(base, root, href)
            if url is None:
                continue
            # A "next" link to an article page (WordPress post navigation) is not pagination.
            if is_next and d.classify_url(url, self.allow, self.deny) == "candidate":
                is_next = False
            (nexts if is_next else links)[url] = None
        return list(links), list(nexts)

    def _resolve(self, base: str, root: str, href: str) -> str | None:
        """``href`` as an absolute URL within the source's hosts, else ``None``."""
        href = href.strip()
        portable = href.startswith(("http://", "https://", "#", "mailto:", "tel:", "javascript:")) or (
            href.startswith("/") and not href.startswith("//"))
        key = (root, href)
        if portable and key in self._link_cache:
            return self._link_cache[key]
        url = self._link(base, href)
        if url is not None and not d.host_matches(url, self.allowed_domains):
            url = None
        if portable:
            if len(self._link_cache) > 100_000:
                self._link_cache.clear()
            self._link_cache[key] = url
        return url

    def follow_links(self, base: str, anchors: list[tuple[str, bool]], hops: int, depth: int) -> Iterator[scrapy.Request]:
        """Follow an article page's links (read by the cleaning worker): pagination and listings
        as listings, the rest as candidates one hop further."""
        links, nexts = self._sort_links(base, anchors)
        for url in nexts:
            yield from self._listing(url, depth + 1)
        for url in links:
            yield from self._follow(url, via="link", hops=hops + 1, depth=depth)

    def _listing(self, url: str, depth: int, known_streak: int = 0) -> Iterator[scrapy.Request]:
        if d.DENY_DEFAULT.search(url) or any(p.search(url) for p in self.deny):
            return
        if d.repeating_path(url):
            self.crawler.stats.inc_value("harvest/cut/repeating_path")
            return
        # One request per listing page: session ids and sort orders do not make new pages.
        key = d.listing_key(url, self.aliases)
        if key in self.listing_keys:
            self.crawler.stats.inc_value("harvest/skipped_requests/listing_variant")
            return
        self.listing_keys.add(key)
        url = strip_tracking(url)
        if depth > self.source.max_listing_pages or self.listing_pages >= self.source.max_listing_pages * 4:
            self.crawler.stats.inc_value("harvest/cut/listing_budget")
            return
        self.listing_pages += 1
        yield self._discovery(url, self.parse_listing, priority=10, depth=depth, known_streak=known_streak)

    def _known_before_last_run(self, url: str) -> bool:
        row = self.corpus.index.url_status(canonical_url(url, self.aliases))
        if row is None:
            return False
        first = parse_date(row["first_seen"])
        return self.since is None or first is None or first < self.since

    def _known(self, canon: str) -> Any:
        """The seen-store row of an article URL that was stored or found a duplicate."""
        row = self.corpus.index.url_status(canon)
        return row if row is not None and row["status"] in ("stored", "duplicate") else None

    def _older_than_last_run(self, value: str | None) -> bool:
        when = parse_date(value)
        return bool(self.since and when and when < self.since)

    def _follow(self, url: str, via: str, hint: d.FeedEntry | None = None, hops: int = 0,
                depth: int = 0, lastmod: bool = False, found_on: str | None = None) -> Iterator[scrapy.Request]:
        """Request an article candidate unless it is known and unchanged (or out of budget)."""
        if hint is None:
            # The same link on many pages (menus, widgets, related posts): decided once, unless
            # it comes back fewer hops away. Links with a date hint (feeds, sitemaps) are always
            # looked at, as the date may make a known item worth a re-check.
            if self._followed.get(url, MAX_HOPS + 2) <= hops:
                return
            self._followed[url] = hops
        url = d.strip_view_params(url)
        kind = d.classify_url(url, self.allow, self.deny)
        if kind == "listing":
            yield from self._listing(url, depth + 1)
            return
        if kind == "deny" and d.DOCUMENT_RE.search(url):
            # A PDF or office document: recorded (not fetched, not stored as text).
            canon = canonical_url(url, self.aliases)
            if canon not in self.scheduled:
                self.scheduled.add(canon)
                self.crawler.stats.inc_value("harvest/skipped/document_link")
                self.corpus.index.mark_url(canon, self.source.name, "rejected", reason="document_link")
            return
        if kind != "candidate":
            return
        if hops > MAX_HOPS:
            self.crawler.stats.inc_value("harvest/cut/link_depth")
            return
        if d.repeating_path(url):
            self.crawler.stats.inc_value("harvest/cut/repeating_path")
            return
        url = strip_tracking(url)
        canon = canonical_url(url, self.aliases)
        if canon in self.scheduled:
            return
        self.scheduled.add(canon)
        known = self._known(canon)
        headers: dict[str, str] = {}
        if known is not None:
            if not self._may_have_changed(known, hint):
                self.crawler.stats.inc_value("harvest/skipped_requests/known")
                return
            # Re-check with a conditional request: a 304 costs no download.
            if known["etag"]:
                headers["If-None-Match"] = known["etag"]
            if known["last_modified"]:
                headers["If-Modified-Since"] = known["last_modified"]
            self.crawler.stats.inc_value("harvest/rechecked")
        elif lastmod and hint and self._older_than_last_run(hint.date):
            self.crawler.stats.inc_value("harvest/skipped_requests/old_lastmod")
            return
        if self.article_requests >= self.source.max_pages:
            self.crawler.stats.inc_value("harvest/cut/page_budget")
            return
        self.article_requests += 1
        # found_on: the sitemap or listing the link was on (its URL says news, pages, services…).
        meta = {"via": via, "found_on": found_on, "hops": hops, "depth": depth, "canonical": canon,
                "hint_date": hint.date if hint else None, "recheck": known is not None,
                "handle_httpstatus_list": [304]}
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta,
                             headers=headers or None, priority=0, dont_filter=known is not None)

    def _may_have_changed(self, known: Any, hint: d.FeedEntry | None) -> bool:
        """A known article is re-checked when a sitemap/feed/REST date is newer than our last
        check of it, or when it was last checked more than ``revisit_days`` ago."""
        checked = parse_date(known["checked_at"] or known["last_seen"])
        if checked is None:
            return True
        if hint is not None:
            changed = parse_date(hint.date)
            if changed is not None and changed > checked:
                return True
        days = self.source.revisit_days
        return bool(days) and (datetime.now(timezone.utc) - checked).total_seconds() > days * 86400

    # articles ----------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self.fetched_ok += 1
            self.crawler.stats.inc_value("harvest/not_modified")
            self.corpus.index.touch_url(response.meta["canonical"])
            return
        self.crawler.stats.inc_value("harvest/pages_fetched")
        if response.status != 200:
            return
        self.fetched_ok += 1
        if not self._is_html(response):
            self._skip(response, "not_html")
            return
        # Links between articles are a discovery path of their own; an article listed by a
        # sitemap, a feed or the REST API needs no such walk (those list the site's items).
        # The cleaning worker reads the links from the tree it parses anyway ("walk"), and
        # the pipeline follows them (``follow_links``).
        walk = None
        hops = response.meta.get("hops", 0)
        if response.meta["via"] not in _LISTED:
            if hops < MAX_HOPS:
                walk = (hops, response.meta.get("depth", 0))
            else:  # the walk from page to page stops here (calendars and other endless chains)
                self.crawler.stats.inc_value("harvest/cut/link_depth")
        yield {
            "url": response.url,
            "requested_canonical": response.meta["canonical"],
            "body": response.body,  # decoded in the cleaning worker
            "charset": _header_charset(response),
            "walk": walk,
            "via": response.meta["via"],
            "found_on": response.meta.get("found_on"),
            "hint_date": response.meta.get("hint_date"),
            "fetched_at": utcnow(),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
        }

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
        if self.unreachable is not None:  # the crawl is ending: what was still queued is moot
            return
        if request.meta.get("probe") and self.site_unreachable(request, failure.value):
            return
        name = failure.type.__name__ if failure.type else "Error"
        message = failure.getErrorMessage()
        reason = _skip_reason(name, message)
        if reason:  # not an error of the site: a page we chose not to take
            self._count(reason, "skipped")
            self._note_start(request.meta, "is disallowed by robots.txt" if reason == "robots_disallowed" else f"was skipped ({reason})")
            if "canonical" in request.meta:
                self.corpus.index.mark_url(request.meta["canonical"], self.source.name, "rejected", reason=reason)
            return
        if request.meta.get("guessed"):
            return
        self._count(name, "errors")
        message = f"{name} for {request.url}: {message}"
        self._fail(message, network_error_kind(failure.value) or "error")
        self.logger.warning(message)


def _http_kind(status: int) -> str:
    """``http_5xx``, ``http_429``, ``http_4xx``, ``http_3xx``."""
    return "http_429" if status == 429 else f"http_{status // 100}xx"


def _location(response: Response) -> str:
    """A redirect's ``Location``, percent-escaped as browsers send it (as sent when it cannot be parsed)."""
    raw = response.headers.get(b"Location") or b""
    try:
        return safe_url_string(raw)
    except ValueError:
        return raw.decode("latin-1")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def parse_date(value: str | None) -> datetime | None:
    """An ISO-8601 or RFC 822 date as an aware UTC datetime (naive ones are taken as UTC)."""
    if not value:
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _skip_reason(name: str, message: str) -> str | None:
    """A failure that is a decision, not a fault: robots.txt, size limits."""
    text = message.lower()
    if "robots.txt" in text or "forbidden by robots" in text:
        return "robots_disallowed"
    if name == "CancelledError" or "maxsize" in text or "max size" in text or "exceeds" in text or "too large" in text:
        return "too_large"
    return None


def _header_charset(response: Response) -> str | None:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
    m = re.search(r"charset=([\w-]+)", ctype, re.IGNORECASE)
    return m.group(1) if m else None
