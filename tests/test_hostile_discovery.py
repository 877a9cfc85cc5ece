"""Hostile discovery, as real crawl processes (``python -m crawlers.run``) against the
programmable local site of ``testing/faultsite.py``: sitemap and feed budgets (nesting, count,
inflated size, memory), malformed URLs wherever discovery reads links, and redirected
discovery requests (start URL, listings, feeds, sitemaps).
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawlers.components.budgets import MAX_SITEMAP_DEPTH, MAX_SITEMAPS
from testing.faultsite import (
    Article,
    FaultSite,
    NewsSite,
    Req,
    article_html,
    generated_article,
    not_found_html,
    redirect,
)
from tests.conftest import write_config
from tests.test_crawl_e2e import site_entry
from tests.test_robustness import (  # noqa: F401  (``site`` is a fixture)
    MEMORY_LIMIT_MB,
    Crawl,
    assert_ok,
    assert_stored_once,
    check_layout,
    docs_at,
    documents,
    run_crawl,
    site,
    start_crawl,
)

pytestmark = pytest.mark.slow

XML = {"Content-Type": "application/xml; charset=UTF-8"}
GZIP = {"Content-Type": "application/x-gzip"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(urls: list[str]) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">'
            + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>\n")


def sitemap_index(urls: list[str]) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
            + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls) + "</sitemapindex>\n")


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link></item>\n" for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>News</title>\n'
            f'{items}</channel></rss>\n')


def robots(*sitemaps: str) -> str:
    return "User-agent: *\nDisallow: /wp-admin/\n\n" + "".join(f"Sitemap: {s}\n" for s in sitemaps)


def serve_generated(site: FaultSite, news: NewsSite, prefix: str) -> None:
    """Every ``/en/<prefix>-<n>/`` is a distinct generated article."""
    def item(req: Req) -> tuple[int, dict[str, str], str]:
        m = re.fullmatch(rf"/en/{prefix}-(\d+)/", req.path)
        if not m:
            return 404, {}, not_found_html(news.base)
        article = generated_article(int(m.group(1)), prefix)
        return 200, {}, article_html(news.base, article, req.path, **news.chrome())  # type: ignore[arg-type]
    site.prefix(f"/en/{prefix}-", item)


def extra(news: NewsSite, prefix: str, n: int) -> list[tuple[str, Article]]:
    """``n`` articles served but linked from nowhere (the test links them where it wants)."""
    out = []
    for i in range(n):
        article = generated_article(i, prefix)
        out.append((news.add_article(article, f"/en/{prefix}-{i}/", register=False), article))
    return out


def stored(corpus: Path, news: NewsSite, paths: list[str]) -> dict[str, int]:
    return {p: len(docs_at(corpus, news.base, p)) for p in paths}


def no_crash(crawl: Crawl) -> None:
    assert "Traceback" not in crawl.log and "ValueError" not in crawl.log, crawl.brief()


# -- peak memory of the crawl process ------------------------------------------------------

@dataclass
class Measured:
    crawl: Crawl
    vm_hwm_mb: float  # peak resident memory (VmHWM of /proc/<pid>/status) of the crawl process


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_measured(tmp_path: Path, corpus: Path, url: str, extra_yaml: str = "", timeout: float = 120) -> Measured:
    """One crawl of ``url`` as source ``site`` in its own process, its VmHWM read while it runs
    (the last reading before it exits is its peak; ``ru_maxrss`` from ``wait4`` checks it)."""
    config = write_config(tmp_path / "sources.yaml", site_entry("site", url, extra_yaml))
    summary_path, log_path = tmp_path / "measured.json", tmp_path / "measured.log"
    t0 = time.monotonic()
    proc = start_crawl(config, corpus, summary_path, log_path)
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            break
        peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid) or 0)
        if time.monotonic() - t0 > timeout:
            proc.kill()
            os.wait4(proc.pid, 0)
            pytest.fail(f"the crawl did not end within {timeout:.0f} s")
        time.sleep(0.02)
    proc.returncode = code
    log = log_path.read_text(encoding="utf-8", errors="replace")
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    crawl = Crawl(code, summary, time.monotonic() - t0, usage.ru_maxrss / 1024, log)
    assert summary, f"no summary written (exit {code})\n{log[-2000:]}"
    check_layout(corpus)
    # VmHWM read while it ran; ru_maxrss also counts the test runner's pages before the exec.
    return Measured(crawl, peak_kb / 1024 if peak_kb else crawl.maxrss_mb)


# -- sitemap and feed budgets ---------------------------------------------------------------

def test_sitemap_index_chain_is_cut_at_depth(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """An endless chain of sitemap indexes, each listing the next one and a urlset of one
    article: followed MAX_SITEMAP_DEPTH levels below the first, then cut and reported."""
    news = NewsSite(site)
    serve_generated(site, news, "chained")

    def chain(req: Req) -> tuple[int, dict[str, str], str]:
        m = re.fullmatch(r"/sitemaps/chain-(\d+)\.xml", req.path)
        if not m:
            return 404, {}, not_found_html(news.base)
        n = int(m.group(1))
        return 200, XML, sitemap_index([f"{news.base}/sitemaps/posts-{n}.xml",
                                        f"{news.base}/sitemaps/chain-{n + 1}.xml"])

    def posts(req: Req) -> tuple[int, dict[str, str], str]:
        n = int(re.fullmatch(r"/sitemaps/posts-(\d+)\.xml", req.path).group(1))  # type: ignore[union-attr]
        return 200, XML, urlset([f"{news.base}/en/chained-{n}/"])

    site.prefix("/sitemaps/chain-", chain)
    site.prefix("/sitemaps/posts-", posts)
    site.page("/robots.txt", robots(f"{news.base}/sitemaps/chain-0.xml"), headers={"Content-Type": "text/plain"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    chain_hits = sorted(h.path for h in site.hits(prefix="/sitemaps/chain-"))
    assert len(chain_hits) == 1 + MAX_SITEMAP_DEPTH, chain_hits
    assert crawl.summary["cut"].get("sitemap_depth", 0) >= 1, crawl.brief()
    # The urlsets listed by the indexes within the depth are read: chained-0 .. chained-(depth-1).
    levels = stored(seeded_corpus, news, [f"/en/chained-{n}/" for n in range(MAX_SITEMAP_DEPTH + 1)])
    assert list(levels.values()) == [1] * MAX_SITEMAP_DEPTH + [0], levels
    assert crawl.seconds < 30, crawl.seconds


def test_sitemap_budget_per_crawl(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """A sitemap index of 1,000 sitemaps: at most MAX_SITEMAPS sitemap files per crawl."""
    news = NewsSite(site)
    site.page("/sitemaps/wide.xml", sitemap_index([f"{news.base}/sitemaps/part-{i}.xml" for i in range(1000)]),
              headers=XML)
    site.prefix("/sitemaps/part-", lambda req: (200, XML, urlset([f"{news.base}{news.article_paths[0]}"])))
    site.page("/robots.txt", robots(f"{news.base}/sitemaps/wide.xml"), headers={"Content-Type": "text/plain"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=90)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    sitemap_requests = [h for h in site.log if "sitemap" in h.path]
    assert len(sitemap_requests) <= MAX_SITEMAPS, f"{len(sitemap_requests)} sitemap requests"
    assert len(site.hits(prefix="/sitemaps/part-")) >= MAX_SITEMAPS - 10
    assert crawl.summary["cut"].get("sitemap_budget", 0) >= 1, crawl.brief()


@functools.cache
def million_item_feed(base: str, count: int = 1_000_000) -> bytes:
    """A gzip RSS feed of ``count`` items (about 2.6 MB; 70 MB inflated)."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>News</title>\n')
        batch = []
        for i in range(count):
            batch.append(f"<item><link>{base}/en/feed-item-{i}/</link></item>\n")
            if len(batch) == 10_000:
                gz.write("".join(batch).encode())
                batch = []
        gz.write(("".join(batch) + "</channel></rss>\n").encode())
    return raw.getvalue()


def test_million_item_gzip_feed_is_streamed_within_the_page_budget(site: FaultSite, tmp_path: Path,
                                                                  seeded_corpus: Path) -> None:
    news = NewsSite(site)
    body = million_item_feed(news.base)
    site.page("/en/feed/", body, headers={"Content-Type": "application/rss+xml"})
    serve_generated(site, news, "feed-item")
    run = run_measured(tmp_path, seeded_corpus, news.url, "    max_pages: 25\n")
    crawl = run.crawl
    print(f"1,000,000-item gzip feed ({len(body) / 1e6:.1f} MB): crawl process VmHWM {run.vm_hwm_mb:.0f} MB "
          f"(ru_maxrss {crawl.maxrss_mb:.0f} MB), {crawl.seconds:.1f} s")
    assert_ok(crawl)
    no_crash(crawl)
    assert len(site.hits(path="/en/feed/")) == 1
    items = site.hits(prefix="/en/feed-item-")
    assert 1 <= len(items) <= 25, f"{len(items)} feed items requested with max_pages: 25"
    assert crawl.summary["cut"].get("page_budget", 0) >= 1, crawl.brief()
    assert run.vm_hwm_mb < MEMORY_LIMIT_MB, f"peak memory of the crawl process {run.vm_hwm_mb:.0f} MB"
    assert crawl.seconds < 60, crawl.seconds


def _padded(kind: str, base: str, first: str, last: str, padding: int = 200_000) -> bytes:
    """A sitemap or feed: ``first``, ``padding`` entries on another host (12 MB inflated), ``last``."""
    others = [f"http://example.org/news/archive/{i:07d}/" for i in range(padding)]
    text = urlset([first, *others, last]) if kind == "sitemap" else rss([first, *others, last])
    return gzip.compress(text.encode(), compresslevel=6, mtime=0)


@pytest.mark.parametrize("kind,encoding", [("sitemap", "file"), ("feed", "file"), ("sitemap", "content-encoding")])
def test_gzip_sitemap_or_feed_is_inflated_up_to_the_size_limit(kind: str, encoding: str, site: FaultSite,
                                                             tmp_path: Path, seeded_corpus: Path) -> None:
    """A ``.xml.gz`` sitemap or gzip feed file is inflated by the project as it is parsed, and
    read up to DOWNLOAD_MAXSIZE (8 MB) inflated: the entries after that are not read and the
    cut is reported. Served with ``Content-Encoding: gzip`` instead, Scrapy inflates it and
    drops it as too large."""
    news = NewsSite(site)
    (first, _), (last, _) = extra(news, f"{kind}-edge", 2)
    body = _padded(kind, news.base, news.base + first, news.base + last)
    headers = dict(GZIP) if encoding == "file" else {"Content-Type": "application/xml", "Content-Encoding": "gzip"}
    if kind == "sitemap":
        site.page("/sitemap-archive.xml.gz", body, headers=headers)
        site.page("/robots.txt", robots(f"{news.base}/sitemap-archive.xml.gz"), headers={"Content-Type": "text/plain"})
    else:
        site.page("/en/feed/", body, headers=headers)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    no_crash(crawl)
    assert_stored_once(seeded_corpus, news)
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB and crawl.seconds < 30, (crawl.maxrss_mb, crawl.seconds)
    assert site.hits(path=last) == [], "an entry after DOWNLOAD_MAXSIZE of inflated XML was read"
    if encoding == "file":
        assert stored(seeded_corpus, news, [first]) == {first: 1}, crawl.brief()
        assert crawl.summary["cut"].get(f"{kind}_size", 0) == 1, crawl.brief()
    else:
        assert crawl.summary["skipped"].get("too_large", 0) == 1, crawl.brief()


# -- malformed URLs ---------------------------------------------------------------------------

BAD_LINKS = ("http://127.0.0.1:99999/en/port-out-of-range/", "http://[::1/en/unclosed-bracket/",
             "//[::1/en/protocol-relative-unclosed/")


@pytest.mark.parametrize("place", ["listing", "article", "feed", "sitemap", "robots"])
def test_malformed_urls_are_skipped_and_the_rest_is_used(place: str, site: FaultSite, tmp_path: Path,
                                                         seeded_corpus: Path) -> None:
    """A port out of range or an unclosed IPv6 bracket in a listing, an article (its links and
    its canonical link), a feed item, a sitemap entry or a robots.txt ``Sitemap:`` line: the
    link is skipped and counted (``bad_url``), everything else on that page is used."""
    news = NewsSite(site)
    wanted = extra(news, f"after-bad-{place}", 2)  # reachable only from the page with bad links
    paths = [p for p, _ in wanted]
    bad = list(BAD_LINKS)
    if place == "listing":  # /en/news/: the bad links, then the wanted articles
        news.listing_extra = lambda req: "".join(f'<p><a href="{u}">Broken link</a></p>' for u in bad)
        news.listing_links += [(p, a.title, "…") for p, a in wanted]
    elif place == "article":
        links = "".join(f'<p><a href="{u}">related</a></p>' for u in [*bad, *(news.base + p for p in paths)])
        host = news.article_paths[0]
        article = news.articles[0]
        news.add_article(article, host, body_extra=links, canonical=bad[0])
    elif place == "feed":
        site.page("/en/feed/", rss([*bad, *(news.base + p for p in paths)]),
                  headers={"Content-Type": "application/rss+xml"})
    elif place == "sitemap":
        site.page("/sitemap-news.xml", urlset([*bad, *(news.base + p for p in paths)]), headers=XML)
        site.page("/robots.txt", robots(f"{news.base}/sitemap-news.xml"), headers={"Content-Type": "text/plain"})
    else:
        site.page("/sitemap-news.xml", urlset([news.base + p for p in paths]), headers=XML)
        site.page("/robots.txt", robots("http://[::1/sitemap.xml", "http://127.0.0.1:99999/sitemap.xml",
                                        f"{news.base}/sitemap-news.xml"), headers={"Content-Type": "text/plain"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    no_crash(crawl)
    assert_stored_once(seeded_corpus, news)
    assert stored(seeded_corpus, news, paths) == {p: 1 for p in paths}, crawl.brief()
    assert crawl.summary["skipped_requests"].get("bad_url", 0) >= 1, crawl.brief()
    assert crawl.summary["errors"] == {}, crawl.brief()
    if place == "article":
        again = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
        assert_ok(again)
        assert len(site.hits(path=news.article_paths[0])) == 1, "the article with bad links was fetched again"
        doc = docs_at(seeded_corpus, news.base, news.article_paths[0])[0]
        assert doc["url"] == news.base + news.article_paths[0], dict(doc)


# -- redirected discovery ---------------------------------------------------------------------------

def test_redirected_discovery_requests_are_followed(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Same-site redirects of the start URL, a listing, a feed and a robots.txt sitemap are
    followed like Scrapy follows an article's: the items behind each are stored."""
    news = NewsSite(site)
    listed, fed, mapped = extra(news, "listed", 2), extra(news, "fed", 2), extra(news, "mapped", 2)
    news.listing_links += [(p, a.title, "…") for p, a in listed]
    site.route("/en/", redirect("/en/home/", 301))
    site.route("/en/home/", news._home)
    site.route("/en/news/", redirect("/en/all-news/", 302))
    site.route("/en/all-news/", news._listing)
    site.route("/en/feed/", redirect("/feeds/main.xml", 301))
    site.page("/feeds/main.xml", rss([news.base + p for p, _ in fed]), headers={"Content-Type": "application/rss+xml"})
    site.route("/old-sitemap.xml", redirect("/sitemaps/new.xml", 308))
    site.page("/sitemaps/new.xml", urlset([news.base + p for p, _ in mapped]), headers=XML)
    site.page("/robots.txt", robots(f"{news.base}/old-sitemap.xml"), headers={"Content-Type": "text/plain"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    paths = [p for p, _ in (*listed, *fed, *mapped)]
    assert stored(seeded_corpus, news, paths) == {p: 1 for p in paths}, crawl.brief()
    assert [len(site.hits(path=p)) for p in ("/en/home/", "/en/all-news/", "/feeds/main.xml", "/sitemaps/new.xml")] \
        == [1, 1, 1, 1]
    assert crawl.summary["errors"] == {}, crawl.brief()


@pytest.mark.parametrize("case", ["other-host", "loop"])
def test_start_url_redirect_that_leads_nowhere_fails_with_the_reason(case: str, site: FaultSite, tmp_path: Path,
                                                                    seeded_corpus: Path) -> None:
    news = NewsSite(site)
    other = f"http://localhost:{site.port}/en/"
    if case == "other-host":
        site.route("/en/", redirect(other, 301))
    else:
        site.route("/en/", redirect("/en/welcome/", 301))
        site.route("/en/welcome/", redirect("/en/", 302))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    assert (crawl.summary["error_kind"], crawl.summary["retryable"]) == ("nothing_found", False), crawl.brief()
    error = crawl.summary["error"]
    assert error.startswith("discovery found no article: start URL ") and "no feed" in error and "no sitemap" in error
    if case == "other-host":
        assert f"answered 301 to {other}" in error, error
        assert not [h for h in site.log if h.headers.get("Host", "").startswith("localhost")]
    else:
        assert "answered 301 to" in error and "redirect loop" in error, error
        assert len(site.hits(path="/en/")) == 1 and len(site.hits(path="/en/welcome/")) == 1
    assert documents(seeded_corpus)[5:] == []


def test_start_url_5xx_fails_although_robots_txt_answers(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """robots.txt answering 200 is no page of the source: a start page answering 500 (no feed,
    no sitemap) fails the source, and its watermark does not move."""
    news = NewsSite(site)
    site.page("/en/", "<h1>500 Internal Server Error</h1>", status=500)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    assert (crawl.summary["error_kind"], crawl.summary["retryable"]) == ("http_5xx", True), crawl.brief()
    assert "HTTP 500" in crawl.summary["error"] and news.url in crawl.summary["error"], crawl.brief()
