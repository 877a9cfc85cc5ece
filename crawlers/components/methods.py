"""Discovery methods: how a source's items are found, in one registry.

Each method says which requests it makes when a crawl starts (``start``) and what it reads from
a response of its own (``parse``: requests for more discovery pages and for article candidates,
made through the spider's request builders). The spider routes every discovery response to
its method (``meta["method"]``) once redirects and HTTP errors are dealt with.

A new method joins in one place: write its ``start`` and ``parse`` functions here and
``register`` it. Methods whose items are the site's own list of items (``lists_items``:
sitemaps, feeds, the REST API) need no walk from article to article for what they find.
A method may also guess where a site keeps its pages (``guesses``: ``/feed/``,
``/sitemap_index.xml``…): those are asked for only once robots.txt and the start page have
been read and named none, and not again once one answered (it is then asked for by ``start``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawlers import discovery as d


@dataclass(frozen=True)
class Method:
    name: str
    start: Callable[[Any], Iterator[Request]]
    parse: Callable[[Any, Response], Iterator[Request]]
    lists_items: bool = False  # its items need no walk from page to page
    html: bool = False  # its responses must be HTML pages
    guesses: Callable[[Any], Iterator[Request]] | None = None  # once robots.txt and the start page named none


METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    METHODS[method.name] = method
    return method


def lists_items(via: str | None) -> bool:
    """Whether an item found ``via`` a method was listed by the site itself."""
    method = METHODS.get(via or "")
    return bool(method and method.lists_items)


# robots.txt ------------------------------------------------------------------------------
def _robots_start(spider: Any) -> Iterator[Request]:
    """Where robots.txt is obeyed, the robots.txt middleware fetches it, once per host and run,
    and hands it to the spider (``SourceSpider.robots_seen``); else it is asked for here."""
    if not spider.settings.getbool("ROBOTSTXT_OBEY"):
        root = d.site_root(spider.source.url)
        yield spider.discovery_request(root + "/robots.txt", "robots", priority=40, guessed=True, probe=True)


def robots_sitemaps(spider: Any, base: str, text: str) -> list[str]:
    """The sitemaps a robots.txt names, within the source's hosts."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = spider.link(base, value.strip())
            if url and d.host_matches(url, spider.allowed_domains):
                found.append(url)
    return found


def _robots(spider: Any, response: Response) -> Iterator[Request]:
    if not isinstance(response, TextResponse):
        return
    for url in robots_sitemaps(spider, response.url, response.text):
        spider.named["sitemap"] = True
        yield spider.sitemap_request(url, 0)


register(Method("robots", _robots_start, _robots))


# listing pages -----------------------------------------------------------------------------
def _listing_start(spider: Any) -> Iterator[Request]:
    source = spider.source
    yield spider.discovery_request(source.url, "listing", priority=30, depth=0, probe=True, start=True)
    for url in source.listings:
        yield spider.discovery_request(url, "listing", priority=20, depth=0)


def _listing(spider: Any, response: Response) -> Iterator[Request]:
    """A listing page: its feeds and REST API, its article candidates, and the next page, one
    page at a time, so the walk can stop at the first page that holds nothing new."""
    assert isinstance(response, TextResponse)
    yield from _feeds_and_api(spider, response)
    depth = response.meta.get("depth", 0)
    texts: dict[str, str] = {}  # the texts of the page's links to PDFs (a publications listing)
    links, nexts = spider.page_links(response, texts)
    numbered = [u for u in links if d.PAGINATION_RE.search(u)]
    links = [u for u in links if u not in numbered]
    nexts = nexts[:1] or d.next_page(response.url, numbered)
    candidates = [u for u in links if d.classify_url(u, spider.allow, spider.deny) == "candidate"]
    # Items decided on before the last complete run (stored, duplicates, pages found not to be
    # articles) count as known. What a later, interrupted run took does not: the pages after
    # it may still hold items that run never reached. Links met on a listing page read before in
    # this crawl are no news either: a "recent posts" widget shows this run's new items on
    # every page of every listing.
    fresh = [u for u in candidates
             if u not in spider.listing_links and not spider.seen.known_before_last_run(u, spider.aliases)]
    spider.listing_links.update(candidates)
    streak = response.meta.get("known_streak", 0) + 1 if candidates and not fresh else 0
    for url in links:
        yield from spider.follow(url, via="listing", hops=1, depth=depth, found_on=response.url,
                                 link_text=texts.get(url))
    # Only once a crawl has completed: an interrupted first crawl must page on.
    if spider.seen.since is not None and streak >= spider.source.stop_after_known_pages > 0:
        # Every item on this page is known (and on the pages before): older pages hold
        # nothing new. Listings are always fetched again; only the paging stops.
        if nexts:
            spider.crawler.stats.inc_value("harvest/skipped_requests/known_listing_pages")
        return
    for url in nexts:
        for request in spider.listing_request(url, depth + 1, known_streak=streak):
            request.meta["next"] = True
            yield request


def _feeds_and_api(spider: Any, response: TextResponse) -> Iterator[Request]:
    for href in response.xpath(
        '//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@href'
    ).getall():
        url = spider.link(response.url, href)
        if url and d.host_matches(url, spider.allowed_domains) and not re.search(r"/comments/feed", url):
            spider.named["feed"] = True
            yield spider.discovery_request(url, "feed", priority=30)
    api = response.xpath('//link[@rel="https://api.w.org/"]/@href').get()
    if spider.source.wordpress is None and (api or b"/wp-content/" in response.body):
        yield wp_request(spider, d.site_root(response.url), 1)


register(Method("listing", _listing_start, _listing, html=True))


# feeds ---------------------------------------------------------------------------------------
def _feed_start(spider: Any) -> Iterator[Request]:
    """The source's feeds; else the ones that answered in earlier crawls."""
    source = spider.source
    for url in source.feeds:
        yield spider.discovery_request(url, "feed", priority=30)
    if not source.feeds:
        for url in spider.seen.answered("feed"):
            spider.named["feed"] = True
            yield spider.discovery_request(url, "feed", priority=30, guessed=True)


def _feed_guesses(spider: Any) -> Iterator[Request]:
    if spider.source.feeds or spider.named.get("feed"):
        return
    root, folder = d.site_root(spider.source.url), d.url_dir(spider.source.url)
    for url in dict.fromkeys([folder + "feed/", root + "/feed/", root + "/rss.xml"]):
        if spider.seen.resource_due(url):
            yield spider.discovery_request(url, "feed", priority=30, guessed=True)


def _feed(spider: Any, response: Response) -> Iterator[Request]:
    """A feed, parsed as it is read (at most ``DOWNLOAD_MAXSIZE`` bytes once inflated) and only
    as far as the page budget needs."""
    entries = d.parse_feed(response.body, response.url, spider.xml_limit)
    if entries is None:
        return
    spider.found(response)
    spider.discovered["feeds"].append(response.url)
    for entry in entries:
        if spider.budget.pages_spent(spider):
            break
        url = spider.link(response.url, entry.url)
        if url is not None and d.host_matches(url, spider.allowed_domains):
            yield from spider.follow(url, via="feed", hint=entry)
    else:
        if entries.truncated:
            spider.crawler.stats.inc_value("harvest/cut/feed_size")


register(Method("feed", _feed_start, _feed, lists_items=True, guesses=_feed_guesses))


# sitemaps ------------------------------------------------------------------------------------
_SKIP_SITEMAPS = re.compile(r"(taxonom|users|author|categor|tags?[-_]|[-_]tag)", re.IGNORECASE)


def _sitemap_start(spider: Any) -> Iterator[Request]:
    """The source's sitemaps; else the top-level ones that answered in earlier crawls."""
    source = spider.source
    for url in source.sitemaps:
        yield spider.sitemap_request(url, 0)
    if not source.sitemaps:
        for url in spider.seen.answered("sitemap-root"):
            spider.named["sitemap"] = True
            yield spider.sitemap_request(url, 0, guessed=True)


def _sitemap_guesses(spider: Any) -> Iterator[Request]:
    if spider.source.sitemaps or spider.named.get("sitemap"):
        return
    root = d.site_root(spider.source.url)
    for url in [root + "/wp-sitemap.xml", root + "/sitemap_index.xml", root + "/sitemap.xml"]:
        if spider.seen.resource_due(url):
            yield spider.sitemap_request(url, 0, guessed=True)


def _sitemap(spider: Any, response: Response) -> Iterator[Request]:
    """A sitemap or sitemap index, parsed as it is read (at most ``DOWNLOAD_MAXSIZE`` bytes once
    inflated) and only as far as the page budget needs."""
    kind, entries = d.parse_sitemap(response.body, spider.xml_limit)
    if kind == "invalid":
        return
    spider.found(response)
    spider.discovered["sitemaps"].append(response.url)
    depth = response.meta.get("sitemap_depth", 0)
    for entry in entries:
        if spider.budget.pages_spent(spider):
            break
        url = spider.link(response.url, entry.url)
        if url is None or not d.host_matches(url, spider.allowed_domains):
            continue
        if kind == "index":
            if _SKIP_SITEMAPS.search(url):
                continue
            if url in spider.budget.sitemap_urls:
                continue
            if spider.seen.child_unchanged(url, entry.date):
                continue  # listed with the lastmod it had when the last complete crawl read it
            if spider.budget.sitemaps_spent(depth + 1):
                yield spider.sitemap_request(url, depth + 1)  # counted as a cut
                break  # every further entry would be cut too
            yield spider.sitemap_request(url, depth + 1, listed=entry.date)
        else:
            yield from spider.follow(url, via="sitemap", hint=entry, found_on=response.url)
    else:
        if entries.truncated:
            spider.crawler.stats.inc_value("harvest/cut/sitemap_size")


register(Method("sitemap", _sitemap_start, _sitemap, lists_items=True, guesses=_sitemap_guesses))


# the WordPress REST API ----------------------------------------------------------------------
def wp_request(spider: Any, root: str, page: int) -> Request:
    url = f"{root}/wp-json/wp/v2/posts?per_page=100&page={page}&_fields=id,link,date_gmt,modified_gmt,title"
    mark = spider.seen.wp_mark(root)
    if mark:  # the latest modified date the API gave in the last complete crawl: the site's own clock
        url += "&modified_after=" + mark
    request: Request = spider.discovery_request(url, "wp-api", priority=25, wp_root=root, wp_page=page,
                                                guessed=True)
    return request


def _wp_start(spider: Any) -> Iterator[Request]:
    if spider.source.wordpress:
        yield wp_request(spider, d.site_root(spider.source.url), 1)


def _wp_api(spider: Any, response: Response) -> Iterator[Request]:
    entries = d.parse_wp_posts(response.body)
    if entries is None:
        return
    spider.found(response)
    spider.discovered["wordpress_api"] = True
    for entry in entries:
        spider.seen.note_wp_mark(response.meta["wp_root"], entry.date)
        url = spider.link(response.url, entry.url)
        if url is not None and d.host_matches(url, spider.allowed_domains):
            yield from spider.follow(url, via="wp-api", hint=entry)
    page = response.meta["wp_page"]
    total = response.headers.get(b"X-WP-TotalPages")
    more = int(total) > page if total and total.isdigit() else len(entries) >= 100
    if more and page < spider.source.max_listing_pages:
        yield wp_request(spider, response.meta["wp_root"], page + 1)


register(Method("wp-api", _wp_start, _wp_api, lists_items=True))
