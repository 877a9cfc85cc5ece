"""Only new items, exactly: each of the crawler's change-detection mechanisms, shown end to end.

Every test crawls a small local news site (``testing/faultsite.py``) several times into one
corpus, each crawl a real ``python -m crawlers.run`` process, and checks what the site received
(requests per path, their conditional headers) and what the summary and the index say. The
site's clock runs ``LAG`` behind real time: every date it gives (sitemap ``<lastmod>``, feed
dates, ``Last-Modified``) is days older than the crawler's own clock, so nothing here may rest
on comparing the site's dates with the crawler's.

The mechanisms (``crawlers/components/seen.py``, ``crawlers/components/methods.py``):

1. a known article is fetched again, conditionally, when a list gives it another date than last
   time (older ones included); otherwise it is skipped;
2. a sitemap index's child is fetched again only when the index gives it another ``<lastmod>``;
3. discovery pages are asked for with the validators of the last complete crawl (a 304 costs no
   parsing);
4. dead ends (404, too large, not an item) are skipped, then checked again with a doubling backoff;
5. an article URL that redirects is remembered and not asked for while its target is stored;
6. robots.txt is fetched once per run;
7. guessed feed and sitemap paths only when nothing named one; a guessed path that answered 404
   is not asked again in the next run, one that answered is asked for directly;
8. the listing walk stops at the first page with nothing new ("recent posts" widgets are no news).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from storage.ids import canonical_url
from storage.index import open_index
from testing.faultsite import (
    Article,
    FaultSite,
    Hit,
    NewsSite,
    Req,
    article_html,
    generated_article,
    oversized_html,
    redirect,
    slow,
)
from tests.test_robustness import Crawl, assert_ok, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.backends]  # backends: on SQLite and on PostgreSQL

LAG = timedelta(days=3)  # how far the site's clock is behind the real time
NOW = datetime.now(UTC).replace(microsecond=0)
XML = "application/xml; charset=UTF-8"
SOURCE = "site"  # the source name ``run_crawl`` gives


@pytest.fixture(autouse=True)
def _fast_crawls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean in the crawl process itself: no worker pool to start for a handful of pages."""
    monkeypatch.setenv("HARVEST_CLEAN_WORKERS", "0")


# -- the site ------------------------------------------------------------------------------

def behind(days: float = 0.0) -> datetime:
    """A date of the site's clock: ``LAG`` plus ``days`` before now."""
    return NOW - LAG - timedelta(days=days)


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def header(hit: Hit, name: str) -> str | None:
    """A request header of a logged request, whatever its case."""
    return next((v for k, v in hit.headers.items() if k.lower() == name.lower()), None)


def conditional(hit: Hit) -> bool:
    return header(hit, "If-None-Match") is not None or header(hit, "If-Modified-Since") is not None


Handler = Callable[[Req], Any]


def validated(inner: Handler, modified: Callable[[], datetime]) -> Handler:
    """``inner`` with an ``ETag`` (a hash of its body) and a ``Last-Modified`` on its 200
    answers, and a 304 without body to a request whose ``If-None-Match`` is that ETag."""
    def handler(req: Req) -> Any:
        status, headers, body = inner(req)
        if status != 200:
            return status, headers, body
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        tag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        headers = {**headers, "ETag": tag, "Last-Modified": http_date(modified())}
        if header_of(req, "If-None-Match") == tag:
            return 304, {k: v for k, v in headers.items() if k != "Content-Type"}, b""
        return 200, headers, data
    return handler


def header_of(req: Req, name: str) -> str | None:
    return next((v for k, v in req.headers.items() if k.lower() == name.lower()), None)


class Site:
    """A ``NewsSite`` on a ``FaultSite`` whose clock runs ``LAG`` behind, with ETag and
    Last-Modified (and 304) on its articles, listings, sitemaps and feed.

    ``modified`` holds each article's date (its sitemap ``<lastmod>``, feed date and
    ``Last-Modified``); articles are rendered from ``news.articles`` at each request, so that
    ``edit``, ``redate`` and ``add`` change the site between crawls."""

    def __init__(self, fault: FaultSite, count: int, *, robots_sitemap: str | None = "/sitemap.xml",
                 sitemap: bool = True, feed: bool = False, per_page: int | None = None, prefix: str = "onlynew",
                 validators: bool = True, about: str = "page", article_delay: float = 0.0,
                 start: str = "/en/") -> None:
        self.fault, self.prefix, self.validators = fault, prefix, validators
        self.article_delay, self.start = article_delay, start
        self.modified: dict[str, datetime] = {}
        self._next = count
        articles = [self._dated(i, days=i) for i in range(count)]
        robots = "User-agent: *\nDisallow: /wp-admin/\n" + (f"\nSitemap: {fault.url}{robots_sitemap}\n"
                                                            if robots_sitemap else "")
        self.news = NewsSite(fault, articles, per_page=per_page, robots=robots)
        for article in articles:
            self._serve(article)
        newest = lambda: max(self.modified.values())  # noqa: E731
        if about == "page":  # a page that is not an item, the same at every request
            fault.page("/en/about-us/", self.news._about(None)[2])  # type: ignore[arg-type]
        else:  # the menu's "About us" is a news item of its own
            fault.route("/en/about-us/", lambda req: (200, {}, article_html(
                self.news.base, generated_article(900, prefix), req.path)))
        for path in ("/en/", "/en/news/", "/en/about-us/"):
            self._validate(path, newest)
        if per_page:
            page = fault.prefixes["/en/news/page/"]
            fault.prefix("/en/news/page/", validated(page, newest) if validators else page)
        if sitemap:
            fault.route("/sitemap.xml", self._validated(self._sitemap, newest))
        if feed:
            fault.route("/en/feed/", self._validated(self._feed, newest))

    # building
    def _dated(self, i: int, days: float) -> Article:
        article = generated_article(i, self.prefix)
        when = behind(days)
        self.modified[f"/en/{article.slug}/"] = when
        return dataclasses.replace(article, published=iso(when))

    def _validated(self, inner: Handler, modified: Callable[[], datetime]) -> Handler:
        return validated(inner, modified) if self.validators else inner

    def _validate(self, path: str, modified: Callable[[], datetime]) -> None:
        self.fault.route(path, self._validated(self.fault.routes[path], modified))

    def _serve(self, article: Article) -> None:
        path = self.news.path(article)

        def render(req: Req) -> Any:
            req.site.sleep(self.article_delay)
            current = next(a for a in self.news.articles if self.news.path(a) == path)
            return 200, {}, article_html(self.news.base, current, path, **self.news.chrome())  # type: ignore[arg-type]
        self.fault.route(path, self._validated(render, lambda: self.modified[path]))

    def _sitemap(self, req: Req) -> Any:
        return 200, {"Content-Type": XML}, urlset(self.base, [(p, self.modified[p]) for p in self.paths])

    def _feed(self, req: Req) -> Any:
        items = "".join(f"<item><title>{html.escape(a.title)}</title><link>{self.base}{self.news.path(a)}</link>"
                        f"<pubDate>{http_date(self.modified[self.news.path(a)])}</pubDate></item>\n"
                        for a in self.news.articles)
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>News</title>\n'
                f"<link>{self.base}/en/</link>\n{items}</channel></rss>\n")
        return 200, {"Content-Type": "application/rss+xml; charset=UTF-8"}, body

    # what tests use
    @property
    def base(self) -> str:
        return self.fault.url

    @property
    def url(self) -> str:
        """The source URL: the start page."""
        return self.base + self.start

    @property
    def paths(self) -> list[str]:
        return self.news.article_paths

    def add(self) -> str:
        """A new article, newest of all (first on the listings), dated by the site's clock; its path."""
        article = self._dated(self._next, days=-0.5)
        self._next += 1
        self.news.articles.insert(0, article)
        self._serve(article)
        return self.news.path(article)

    def edit(self, path: str, when: datetime) -> None:
        """A paragraph added to the article at ``path``, now dated ``when``."""
        i = self.paths.index(path)
        old = self.news.articles[i]
        more = ("Update: the council published the minutes of the meeting and the list of the projects "
                "selected, with the budget allotted to each district and the timetable of the works.")
        self.news.articles[i] = dataclasses.replace(old, paragraphs=(*old.paragraphs, more))
        self.modified[path] = when

    def hits(self, path: str) -> list[Hit]:
        return self.fault.hits(path=path)

    def article_hits(self) -> dict[str, int]:
        """Requests per article path."""
        out: dict[str, int] = {}
        for hit in self.fault.hits(prefix="/en/"):
            if hit.path in self.modified:
                out[hit.path] = out.get(hit.path, 0) + 1
        return out

    def crawl(self, tmp_path: Path, corpus: Path, **kw: Any) -> Crawl:
        """One crawl of the site (its request log cleared first); it must end ``ok``. The site has
        no REST API: the source says so."""
        self.fault.clear()
        crawl = run_crawl(tmp_path, corpus, self.url, "    wordpress: false\n", **kw)
        assert_ok(crawl)
        return crawl


def urlset(base: str, entries: list[tuple[str, datetime]]) -> str:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{iso(w)}</lastmod></url>" for p, w in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n")


@pytest.fixture
def fault() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


# -- looking at the results ------------------------------------------------------------------

def stat(crawl: Crawl, key: str) -> int:
    """A Scrapy stat of the crawl, from the stats dump at the end of its log (0 when absent)."""
    m = re.search(rf"'{re.escape(key)}': (\d+)", crawl.log)
    return int(m.group(1)) if m else 0


def url_row(corpus: Path, url: str) -> dict[str, Any]:
    """The seen-store row of the article URL ``url`` (the index keeps it canonical), from the
    corpus's index wherever it is (HARVEST_INDEX)."""
    index = open_index(corpus, None)
    try:
        row = index.url_status(canonical_url(url))
    finally:
        index.close()
    assert row is not None, url
    return dict(row)


def dead_ends(corpus: Path) -> dict[str, dict[str, Any]]:
    """``dead_ends`` of the source, by URL path (with the trailing slash the site gives
    its paths; the index keeps canonical URLs, without it)."""
    index = open_index(corpus, None)
    try:
        return {"/" + r["url"].split("/", 3)[3] + "/": dict(r) for r in index.dead_ends(SOURCE)}
    finally:
        index.close()


def resource(corpus: Path, url: str) -> dict[str, Any] | None:
    index = open_index(corpus, None)
    try:
        row = index.resource(url)
        return dict(row) if row is not None else None
    finally:
        index.close()


# -- 1. per-URL change detection --------------------------------------------------------------

def test_a_known_article_is_fetched_again_only_when_a_list_gives_it_another_date(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    # Articles answer slowly: the sitemap is read before any of them is stored (see the next test).
    site = Site(fault, 5, article_delay=0.4)
    first = site.crawl(tmp_path, seeded_corpus)
    assert first.summary["new"] == 5
    assert site.article_hits() == {p: 1 for p in site.paths}
    for path in site.paths:
        assert iso(site.modified[path]) in url_row(seeded_corpus, site.base + path)["listed"]

    # Unchanged: the start page and the sitemap answer 304, no article is asked for.
    second = site.crawl(tmp_path, seeded_corpus)
    assert [h.status for h in site.hits("/en/") + site.hits("/sitemap.xml")] == [304, 304]
    assert site.article_hits() == {}
    assert second.summary["new"] == second.summary["updated"] == 0

    # The site changes, its clock still days behind the crawler's last run: one article edited
    # (a later date, still older than the first crawl), one given an OLDER date than before.
    edited, redated = site.paths[1], site.paths[3]
    site.edit(edited, behind(-0.25))
    site.modified[redated] = site.modified[redated] - timedelta(days=30)
    assert max(site.modified.values()) < NOW - timedelta(days=2)
    third = site.crawl(tmp_path, seeded_corpus)
    assert site.article_hits() == {edited: 1, redated: 1}
    for path in (edited, redated):
        (hit,) = site.hits(path)
        assert conditional(hit), hit.headers  # asked for with the validators stored with it
    assert [h.status for h in site.hits(edited)] == [200]
    assert [h.status for h in site.hits(redated)] == [304]
    s = third.summary
    assert (s["new"], s["updated"], s["not_modified"], s["rechecked"]) == (0, 1, 1, 2)
    assert s["skipped_requests"]["known"] >= 3  # the three others, as the sitemap lists them
    # What the sitemap said of each is what the index keeps now.
    for path in (edited, redated):
        listed = url_row(seeded_corpus, site.base + path)["listed"]
        assert iso(site.modified[path]) in listed, listed


def test_what_a_sitemap_read_after_the_article_said_of_it_is_kept(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 3)
    # The sitemap answers slowly: the articles linked from the start page are stored before it is read.
    fault.route("/sitemap.xml", slow(1.5, fault.routes["/sitemap.xml"]))
    site.crawl(tmp_path, seeded_corpus)
    assert len(site.hits("/sitemap.xml")) == 1
    redated = site.paths[1]
    sitemap_said = iso(site.modified[redated])
    site.modified[redated] -= timedelta(days=30)  # the site's clock moved it back
    second = site.crawl(tmp_path, seeded_corpus)
    (hit,) = site.hits(redated)
    assert conditional(hit) and hit.status == 304
    assert second.summary["not_modified"] == 1
    # What each crawl's sitemap said of it is what the index keeps.
    assert sitemap_said != iso(site.modified[redated])
    assert iso(site.modified[redated]) in url_row(seeded_corpus, site.base + redated)["listed"]


# -- 2. sitemap index children ----------------------------------------------------------------

def test_a_sitemap_index_child_is_fetched_again_only_when_its_lastmod_changed(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 4, robots_sitemap="/sitemap_index.xml", sitemap=False)
    months = {"/post-sitemap-1.xml": site.paths[2:], "/post-sitemap-2.xml": site.paths[:2]}

    def child_lastmod(child: str) -> datetime:
        return max(site.modified[p] for p in months[child])

    def index(req: Req) -> Any:
        entries = "".join(f"<sitemap><loc>{site.base}{c}</loc><lastmod>{iso(child_lastmod(c))}</lastmod></sitemap>"
                          for c in months)
        return 200, {"Content-Type": XML}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</sitemapindex>\n")

    def child(name: str) -> Handler:
        return lambda req: (200, {"Content-Type": XML},
                            urlset(site.base, [(p, site.modified[p]) for p in months[name]]))

    fault.route("/sitemap_index.xml", validated(index, lambda: max(site.modified.values())))
    for name in months:
        fault.route(name, validated(child(name), lambda name=name: child_lastmod(name)))  # type: ignore[misc]

    first = site.crawl(tmp_path, seeded_corpus)
    assert first.summary["new"] == 4
    assert {name: len(site.hits(name)) for name in months} == {name: 1 for name in months}
    assert not any(conditional(h) for name in months for h in site.hits(name))

    # A new article in the newest month: the index gives that child another lastmod only.
    new = site.add()
    months["/post-sitemap-2.xml"] = [new, *months["/post-sitemap-2.xml"]]
    second = site.crawl(tmp_path, seeded_corpus)
    assert len(site.hits("/sitemap_index.xml")) == 1
    assert site.hits("/post-sitemap-1.xml") == []
    (changed,) = site.hits("/post-sitemap-2.xml")
    assert conditional(changed) and changed.status == 200
    assert second.summary["skipped_requests"]["unchanged_sitemap"] == 1
    assert second.summary["new"] == 1 and site.article_hits() == {new: 1}
    kept = resource(seeded_corpus, site.base + "/post-sitemap-1.xml")
    assert kept is not None and kept["status"] == "ok"
    assert kept["listed"] == iso(child_lastmod("/post-sitemap-1.xml"))


# -- 3. conditional discovery requests ---------------------------------------------------------

def test_discovery_pages_are_asked_for_with_their_validators_and_a_304_costs_no_parsing(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 4, feed=True)
    discovery = ("/en/", "/sitemap.xml", "/en/feed/")
    first = site.crawl(tmp_path, seeded_corpus)
    assert first.summary["new"] == 4
    for path in discovery:
        hits = site.hits(path)
        assert [h.status for h in hits] == [200], path
        assert not conditional(hits[0]), path
    etags = {path: validated_etag(site, path) for path in discovery}

    second = site.crawl(tmp_path, seeded_corpus)
    for path in discovery:
        (hit,) = site.hits(path)
        assert header(hit, "If-None-Match") == etags[path], (path, hit.headers)
        assert hit.status == 304, path
    # Nothing parsed: no listing page behind the start page, no article, nothing stored.
    assert site.hits("/en/news/") == [] and site.article_hits() == {}
    s = second.summary
    assert (s["new"], s["updated"], s["not_modified"]) == (0, 0, 0)
    assert s["skipped_requests"].get("known", 0) == 0  # no link was even looked at
    assert stat(second, "harvest/not_modified_discovery") == len(discovery)
    assert s["requests"] == len(discovery) + 1  # and robots.txt; no guessed path asked again


def validated_etag(site: Site, path: str) -> str:
    """The ETag the site gives ``path`` now (asked for outside the crawl's log)."""
    import urllib.request

    with urllib.request.urlopen(site.base + path, timeout=10) as answer:
        tag = answer.headers["ETag"]
    site.fault.clear()
    return str(tag)


# -- 4. dead ends ---------------------------------------------------------------------------

def test_a_404_and_a_page_too_large_are_dead_ends_skipped_in_the_next_run(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 6, sitemap=False, robots_sitemap=None, about="article")
    gone, big = "/en/council-notice-withdrawn/", "/en/annual-report-with-scans/"
    site.news.listing_links += [(gone, "A withdrawn notice", "…"), (big, "The annual report", "…")]
    fault.page(big, oversized_html(site.base, generated_article(500, "big"), big, size=1_500_000))
    limits = {"DOWNLOAD_MAXSIZE": 1_000_000, "DOWNLOAD_WARNSIZE": 0}

    first = site.crawl(tmp_path, seeded_corpus, settings=limits)
    assert [h.status for h in site.hits(gone)] == [404] and len(site.hits(big)) == 1
    assert first.summary["skipped"].get("too_large") == 1
    ends = dead_ends(seeded_corpus)
    assert {p: (e["status"], e["reason"], e["backoff"], e["recheck_run"]) for p, e in ends.items()
            if p in (gone, big)} == {gone: ("dead", "http_404", 1, 3), big: ("dead", "too_large", 1, 3)}

    site.add()  # the listing changes: its links are read again
    second = site.crawl(tmp_path, seeded_corpus, settings=limits)
    assert site.hits(gone) == [] and site.hits(big) == []
    assert second.summary["skipped_requests"]["dead_end"] == 2
    assert second.summary["new"] == 1
    assert not second.summary["errors"]


def test_a_page_that_is_not_an_item_is_checked_again_conditionally_after_one_skipped_run(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 4)
    about = "/en/about-us/"
    site.crawl(tmp_path, seeded_corpus)
    assert len(site.hits(about)) == 1
    row = dead_ends(seeded_corpus)[about]
    assert (row["status"], row["backoff"], row["recheck_run"]) == ("rejected", 1, 3)
    assert row["etag"]  # its validators, for the re-check

    site.add()
    second = site.crawl(tmp_path, seeded_corpus)  # run 2: skipped
    assert site.hits(about) == []
    assert second.summary["skipped_requests"]["dead_end"] >= 1

    site.add()
    third = site.crawl(tmp_path, seeded_corpus)  # run 3: checked again, with its ETag
    (hit,) = site.hits(about)
    assert header(hit, "If-None-Match") == row["etag"] and hit.status == 304
    assert third.summary["not_modified"] == 1 and third.summary["new"] == 1
    again = dead_ends(seeded_corpus)[about]
    assert (again["status"], again["backoff"], again["recheck_run"]) == ("rejected", 2, 3 + 2 + 1)


def test_dead_ends_are_checked_again_with_a_doubling_backoff_and_a_limit_per_run(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARVEST_DEAD_END_RECHECKS", "1")
    site = Site(fault, 3, sitemap=False, robots_sitemap=None, about="article")
    gone = ["/en/withdrawn-notice-1/", "/en/withdrawn-notice-2/"]
    site.news.listing_links += [(p, f"Withdrawn notice {i}", "…") for i, p in enumerate(gone)]

    asked: list[list[str]] = []
    summaries: list[dict[str, Any]] = []
    for run in range(1, 6):
        if run > 1:
            site.add()  # every run the listing has news: its links are read again
        crawl = site.crawl(tmp_path, seeded_corpus)
        asked.append(sorted(p for p in gone for _ in site.hits(p)))
        summaries.append(crawl.summary["skipped_requests"])
    ends = dead_ends(seeded_corpus)
    # run 1: both 404 (backoff 1: skipped in run 2, due from run 3); run 3: one re-checked (at
    # most one per run), the other waits for run 4; each is then left alone for 2 runs.
    assert asked[0] == gone and asked[1] == []
    assert len(asked[2]) == 1 and len(asked[3]) == 1 and asked[2] != asked[3] and asked[4] == []
    assert summaries[1].get("dead_end") == 2
    assert (summaries[2].get("dead_end"), summaries[2].get("dead_end_later")) == (None, 1)
    assert summaries[3].get("dead_end") == 1
    assert summaries[4].get("dead_end") == 2
    first, second = asked[2][0], asked[3][0]
    assert (ends[first]["backoff"], ends[first]["recheck_run"]) == (2, 3 + 2 + 1)
    assert (ends[second]["backoff"], ends[second]["recheck_run"]) == (2, 4 + 2 + 1)


# -- 5. redirects ------------------------------------------------------------------------------

def test_a_redirecting_article_url_is_not_asked_for_again_while_its_target_is_stored(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 3, sitemap=False, robots_sitemap=None)
    moved = site.paths[1]
    old = "/en/old-address-of-an-article/"
    fault.route(old, redirect(moved))
    site.news.listing_links.append((old, "An article under its old address", "…"))

    first = site.crawl(tmp_path, seeded_corpus)
    assert [h.status for h in site.hits(old)] == [301]
    assert len(site.hits(moved)) == 1 and first.summary["new"] == 3
    row = url_row(seeded_corpus, site.base + old)
    assert (row["status"], row["reason"]) == ("dead", "redirect")
    assert row["target"] and row["target"].endswith(moved.rstrip("/"))

    site.add()
    second = site.crawl(tmp_path, seeded_corpus)
    assert site.hits(old) == [] and site.hits(moved) == []
    assert second.summary["skipped_requests"]["redirect"] == 1
    assert second.summary["new"] == 1


# -- 6. robots.txt -----------------------------------------------------------------------------

def test_robots_txt_is_fetched_once_per_run_and_its_sitemap_used(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 3)
    for run in range(2):
        if run:
            site.add()
        crawl = site.crawl(tmp_path, seeded_corpus)
        assert [h.status for h in site.hits("/robots.txt")] == [200], f"run {run + 1}"
        assert len(site.hits("/sitemap.xml")) == 1  # the sitemap robots.txt names
        assert crawl.summary["new"] == (3 if run == 0 else 1)
    # robots.txt named a sitemap: no sitemap path was guessed.
    assert not any(site.hits(p) for p in ("/wp-sitemap.xml", "/sitemap_index.xml"))


# -- 7. guessed feed and sitemap paths ---------------------------------------------------------

GUESSES = ("/en/feed/", "/feed/", "/rss.xml", "/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")


def test_guessed_paths_are_asked_once_then_404s_left_alone_and_answers_asked_directly(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = Site(fault, 3, robots_sitemap=None, sitemap=False)
    fault.route("/wp-sitemap.xml", validated(
        lambda req: (200, {"Content-Type": XML}, urlset(site.base, [(p, site.modified[p]) for p in site.paths])),
        lambda: max(site.modified.values())))

    first = site.crawl(tmp_path, seeded_corpus)
    assert {p: [h.status for h in site.hits(p)] for p in GUESSES} == {
        "/en/feed/": [404], "/feed/": [404], "/rss.xml": [404], "/wp-sitemap.xml": [200],
        "/sitemap_index.xml": [404], "/sitemap.xml": [404]}
    assert first.summary["new"] == 3
    assert first.summary["discovered"]["sitemaps"] == [site.base + "/wp-sitemap.xml"]

    site.add()
    second = site.crawl(tmp_path, seeded_corpus)
    assert {p: [h.status for h in site.hits(p)] for p in GUESSES} == {
        "/en/feed/": [], "/feed/": [], "/rss.xml": [], "/wp-sitemap.xml": [200],
        "/sitemap_index.xml": [], "/sitemap.xml": []}
    (sitemap,) = site.hits("/wp-sitemap.xml")
    assert conditional(sitemap)  # asked for directly, with what it answered last time
    assert len(site.hits("/robots.txt")) == 1
    assert second.summary["new"] == 1


# -- 8. the listing walk -------------------------------------------------------------------------

def listing_site(fault: FaultSite) -> Site:
    """Nine articles, three a page, the source starting at the news listing (a home page showing
    the newest items would make the listing's first page no news: its items met there first)."""
    return Site(fault, 9, per_page=3, sitemap=False, robots_sitemap=None, validators=False, start="/en/news/",
                about="article")


PAGES = ("/en/news/", "/en/news/page/2/", "/en/news/page/3/", "/en/news/page/4/")


def next_second() -> None:
    """Wait for the index's clock (whole seconds) to move on: what one crawl decided on must be
    dated before the next crawl's start, as it is between scheduled crawls."""
    time.sleep(1.1)


def test_the_listing_walk_stops_at_the_first_page_with_nothing_new(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = listing_site(fault)
    first = site.crawl(tmp_path, seeded_corpus)
    assert [len(site.hits(p)) for p in PAGES] == [1, 1, 1, 0]
    assert first.summary["new"] == 9 + 1  # and the menu's "About us" item
    next_second()
    site.crawl(tmp_path, seeded_corpus)  # nothing new: the first page, the same again, is not read
    assert [len(site.hits(p)) for p in PAGES] == [1, 0, 0, 0]

    # One new article: first on page 1, and in the "recent posts" widget of every page. Page 2
    # holds nothing else: the walk stops there.
    new = site.add()
    next_second()
    third = site.crawl(tmp_path, seeded_corpus)
    assert [len(site.hits(p)) for p in PAGES] == [1, 1, 0, 0]
    # (and /en/category/news/, the same list under another address, stops at its first page)
    assert third.summary["skipped_requests"]["known_listing_pages"] >= 1
    assert third.summary["new"] == 1 and site.article_hits() == {new: 1}


def test_the_listing_walk_stops_in_the_crawl_right_after_the_first(
        fault: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    site = listing_site(fault)
    site.crawl(tmp_path, seeded_corpus)
    new = site.add()
    next_second()
    second = site.crawl(tmp_path, seeded_corpus)
    assert second.summary["new"] == 1 and site.article_hits() == {new: 1}
    assert [len(site.hits(p)) for p in PAGES] == [1, 1, 0, 0]
    assert second.summary["skipped_requests"]["known_listing_pages"] >= 1
