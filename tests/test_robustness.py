"""Robustness, as an executable specification: real crawl processes (``python -m
crawlers.run``) against a programmable local site (``testing/faultsite.py``) full of crawler
traps, HTTP faults, hostile content and unsafe links, plus kill -9 at random moments.

Each test asserts what a user of a mature crawler expects: the crawl ends by itself within a
bounded number of requests (counted in the server log), the summary says what was cut,
skipped or failed and why, memory stays bounded, nothing unsafe is requested or stored, and
the corpus folder holds only ``NNN_<16 hex>.txt`` files, ``index.sqlite*`` and hidden entries.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawlers.sources import Source
from storage.ids import canonical_url, doc_id
from testing.faultsite import (
    ACCENTED_WORDS,
    MINIMAL_PDF,
    RESET,
    Article,
    FaultSite,
    NewsSite,
    Req,
    accented_article,
    article_html,
    billion_laughs,
    binary_junk,
    entity_bomb_sitemap,
    flaky,
    generated_article,
    gzip_bomb,
    huge_robots,
    huge_sitemap_gz,
    listing_html,
    not_found_html,
    oversized_html,
    page_html,
    redirect,
    retry_after,
    slow,
)
from tests.conftest import write_config
from tests.test_crawl_e2e import free_port, site_entry

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FILE_RE = re.compile(r"^\d{3,}_[0-9a-f]{16}\.txt$")
MEMORY_LIMIT_MB = 500
# Trap tests run with the sources' defaults: the crawler's own defences are under test.
MAX_LISTING_PAGES = Source.__dataclass_fields__["max_listing_pages"].default  # 50
RETRY_TIMES = 2  # crawlers/settings.py: every URL gets at most 1 + 2 attempts

# Runs ``crawlers.run`` with some project settings changed first (only the slow-page test
# uses it: the project's 30 s download timeout would make it last minutes).
_BOOT = (
    "import json, runpy, sys\n"
    "import crawlers.settings as s\n"
    "for k, v in json.loads(sys.argv.pop(1)).items(): setattr(s, k, v)\n"
    "sys.argv[0] = 'crawlers.run'\n"
    "runpy.run_module('crawlers.run', run_name='__main__', alter_sys=True)\n"
)


# -- running crawls -------------------------------------------------------------------------

@dataclass
class Crawl:
    code: int
    summary: dict[str, Any]
    seconds: float
    maxrss_mb: float  # peak resident memory of the crawl process
    log: str

    @property
    def status(self) -> str | None:
        return self.summary.get("status")

    def reasons(self) -> dict[str, int]:
        """Every counted reason of the summary: errors, skipped pages, cut and skipped requests."""
        out: dict[str, int] = {}
        for key in ("errors", "skipped", "cut", "skipped_requests"):
            for reason, n in (self.summary.get(key) or {}).items():
                out[f"{key}/{reason}"] = n
        return out

    def brief(self) -> str:
        keys = ("status", "error", "requests", "pages_fetched", "new", "duplicate", "skipped", "errors", "cut",
                "skipped_requests")
        return json.dumps({k: self.summary.get(k) for k in keys}) + "\n--- log tail ---\n" + self.log[-1500:]


def _command(source: str, config: Path, corpus: Path, summary: Path, settings: dict[str, Any] | None) -> list[str]:
    args = [source, "--config", str(config), "--corpus", str(corpus), "--summary", str(summary)]
    if settings:
        return [sys.executable, "-c", _BOOT, json.dumps(settings), *args]
    return [sys.executable, "-m", "crawlers.run", *args]


def start_crawl(config: Path, corpus: Path, summary: Path, log: Path,
                settings: dict[str, Any] | None = None) -> subprocess.Popen[bytes]:
    with open(log, "wb") as fh:
        return subprocess.Popen(_command("site", config, corpus, summary, settings), cwd=ROOT, stdout=fh,
                                stderr=subprocess.STDOUT)


def tree_hwm_kb(pid: int) -> int:
    """The largest peak resident size (``VmHWM``) among process ``pid`` and its descendants."""
    peak, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return peak


def wait_child(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int | None, float]:
    """(exit code, peak RSS in MB) of one crawl process and its cleaning workers.

    The peak is the processes' own ``VmHWM``, read while they run (``ru_maxrss`` of ``wait4``
    also counts the pages of the forking process — the test runner — before the exec).
    Exit code ``None``: still running at the deadline (then killed)."""
    deadline = time.monotonic() + timeout
    peak_kb = 0
    while True:
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, peak_kb / 1024
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            return None, peak_kb / 1024
        peak_kb = max(peak_kb, tree_hwm_kb(proc.pid))
        time.sleep(0.02)


_RUNS = Counter()


def run_crawl(tmp_path: Path, corpus: Path, url: str, extra: str = "", *, settings: dict[str, Any] | None = None,
              timeout: float = 90) -> Crawl:
    """One crawl of ``url`` as source ``site``, in its own process; checks the corpus folder."""
    _RUNS[tmp_path] += 1
    n = _RUNS[tmp_path]
    config = write_config(tmp_path / "sources.yaml", site_entry("site", url, extra))
    summary_path, log_path = tmp_path / f"summary-{n}.json", tmp_path / f"crawl-{n}.log"
    t0 = time.monotonic()
    proc = start_crawl(config, corpus, summary_path, log_path, settings)
    code, rss = wait_child(proc, timeout)
    seconds = time.monotonic() - t0
    log = log_path.read_text(encoding="utf-8", errors="replace")
    if code is None:
        hint = ""
        if "doConnect" in log and "TypeError" in log:
            hint = (" — it tried to connect outside 127.0.0.1: the network guard refused the connection and "
                    "Twisted's connect hung on it")
        pytest.fail(f"the crawl did not end by itself within {timeout:.0f} s (killed){hint}\n"
                    + "\n".join(line for line in log.splitlines()
                                if " ERROR: " in line or " WARNING: " in line)[-2500:])
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    crawl = Crawl(code, summary, seconds, rss, log)
    assert summary, f"no summary written (exit {code})\n{log[-2000:]}"
    assert "network guard" not in log, "the crawl tried to connect outside 127.0.0.1\n" + crawl.brief()
    check_layout(corpus)
    return crawl


# -- looking at the corpus --------------------------------------------------------------------

def check_layout(corpus: Path) -> None:
    """Only ``NNN_<16 hex>.txt``, ``index.sqlite*`` and hidden entries in the corpus folder."""
    strays = sorted(p.name for p in corpus.iterdir()
                    if not (FILE_RE.match(p.name) and p.is_file()) and not p.name.startswith(("index.sqlite", ".")))
    assert strays == [], f"unexpected entries in the corpus folder: {strays}"


@contextlib.contextmanager
def db(corpus: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the index, closed on exit (an open one keeps the volume busy)."""
    con = sqlite3.connect(f"file:{corpus / 'index.sqlite'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        yield con
    finally:
        con.close()


def documents(corpus: Path) -> list[sqlite3.Row]:
    with db(corpus) as con:
        return con.execute("SELECT * FROM documents ORDER BY num").fetchall()


def docs_at(corpus: Path, base: str, path: str) -> list[sqlite3.Row]:
    """Documents stored for ``base + path`` (any query, trailing slash or not)."""
    url = (base + path).rstrip("/")
    return [d for d in documents(corpus) if d["url"] and d["url"].split("?")[0].rstrip("/") == url]


def url_rows(corpus: Path, needle: str) -> list[sqlite3.Row]:
    with db(corpus) as con:
        try:
            return con.execute("SELECT * FROM urls WHERE url LIKE ?", (f"%{needle}%",)).fetchall()
        except sqlite3.OperationalError:  # the crawl has not created its tables yet
            return []


def text_of(corpus: Path, doc: sqlite3.Row) -> str:
    return (corpus / doc["file"]).read_text(encoding="utf-8")


def assert_stored_once(corpus: Path, news: NewsSite, articles: list[Article] | None = None) -> None:
    missing, doubled = [], []
    for article in articles if articles is not None else news.articles:
        found = docs_at(corpus, news.base, news.path(article))
        if not found:
            missing.append(article.slug)
        elif len(found) > 1:
            doubled.append(article.slug)
        else:
            assert text_of(corpus, found[0]).startswith(article.title), article.slug
    assert (missing, doubled) == ([], []), f"articles not stored: {missing}; stored twice: {doubled}"


def assert_ok(crawl: Crawl) -> None:
    assert (crawl.code, crawl.status) == (0, "ok"), crawl.brief()


def gaps(hits: list[Any]) -> list[float]:
    return [round(b.time - a.time, 2) for a, b in zip(hits, hits[1:])]


def wrap(site: FaultSite, path: str, make: Callable[[Callable[[Req], Any]], Callable[[Req], Any]]) -> None:
    """Replace the handler of ``path`` with ``make(old handler)``."""
    site.route(path, make(site.routes[path]))


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


def extra_article(i: int, prefix: str = "extra") -> Article:
    return generated_article(i, prefix)


# -- crawler traps ------------------------------------------------------------------------------

def test_infinite_calendar_is_cut_and_reported(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)

    def calendar(req: Req) -> tuple[int, dict[str, str], str]:
        try:
            month = int(req.params.get("month", "0"))
        except ValueError:
            month = 0
        days = "".join(f"<td>{d}</td>" + ("</tr><tr>" if d % 7 == 0 else "") for d in range(1, 31))
        main = (f'<h1 class="page-title">Events &ndash; month {month}</h1>'
                f'<nav class="tribe-events-nav"><a rel="prev" href="?month={month - 1}">&laquo; Previous month</a> '
                f'<a rel="next" href="?month={month + 1}">Next month &raquo;</a></nav>'
                f'<table class="tribe-events-calendar"><tr>{days}</tr></table>'
                '<p>There are no upcoming events this month.</p>')
        return 200, {}, page_html(news.base, f"Events month {month}", main, **news.chrome())  # type: ignore[arg-type]

    site.route("/en/events/", calendar)
    news.footer_extra = f'<p><a href="{news.base}/en/events/">Events calendar</a></p>'
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    calendar_hits = site.hits(path="/en/events/")
    # At worst one listing walk per direction, each at most max_listing_pages pages.
    assert len(calendar_hits) <= 2 * MAX_LISTING_PAGES + 1, f"{len(calendar_hits)} calendar pages fetched"
    assert crawl.summary.get("cut"), (
        f"the calendar walk stopped after {len(calendar_hits)} pages but the summary's 'cut' says nothing\n"
        + crawl.brief())
    assert docs_at(seeded_corpus, news.base, "/en/events/") == []


def test_session_ids_do_not_multiply_pages(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    news.link_suffix = lambda: "PHPSESSID=" + secrets.token_hex(13)  # a fresh session id on every link
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    per_page = Counter(h.path for h in site.log if h.path != "/robots.txt")
    again = {path: n for path, n in per_page.items() if n > 1}
    assert again == {}, f"pages fetched again under another session id ({len(site.log)} requests): {again}"
    assert not any("PHPSESSID" in (d["url"] or "") for d in documents(seeded_corpus))


def test_sort_orders_do_not_multiply_listing_pages(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site, per_page=2)  # 5 articles: /en/news/, /en/news/page/2/, /en/news/page/3/
    news.listing_extra = lambda req: ('<div class="sort-by">Sort by: ' + " | ".join(
        f'<a href="?sort={order}">{order}</a>' for order in ("asc", "desc", "date", "title")) + "</div>")
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    listing = site.hits(prefix="/en/news/")
    pages = 3
    assert len(listing) <= 2 * pages, (
        f"{len(listing)} listing requests for a {pages}-page listing: "
        + ", ".join(sorted({h.target for h in listing})))
    assert not [d for d in documents(seeded_corpus) if d["url"] and "sort=" in d["url"]]


def test_ever_deeper_relative_links_are_cut(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    # A theme bug: a relative "archive/" link in the footer of every page. Any path ending in
    # /archive/ answers with the archive, whose footer again links "archive/"…
    news.footer_extra = '<p><a href="archive/">News archive</a></p>'

    def archive(req: Req) -> tuple[int, dict[str, str], str]:
        if not req.path.endswith("/archive/"):
            return 404, {}, not_found_html(news.base)
        items = [(news.href(news.path(a)), a.title, a.paragraphs[0][:150]) for a in news.articles]
        return 200, {}, listing_html(news.base, "News archive", items, **news.chrome())  # type: ignore[arg-type]

    site.prefix("/en/", archive)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    pathological = sorted({h.path for h in site.log if re.search(r"(/[^/]+)\1{3,}/", h.path)})
    assert pathological == [], (
        f"{len(pathological)} URLs with a path segment repeated 4+ times were requested, e.g. {pathological[-1]} "
        f"({len(site.hits(contains='archive/'))} archive requests in all)")
    assert crawl.summary.get("cut") or crawl.summary.get("skipped_requests"), \
        "the summary does not say the ever-deeper paths were cut\n" + crawl.brief()


# -- HTTP faults -----------------------------------------------------------------------------

def _unavailable(status: int) -> tuple[int, dict[str, str], str]:
    return status, {}, f"<html><body><h1>{status} Service Unavailable</h1><p>Try again later.</p></body></html>"


def test_503_is_retried_with_backoff(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    path = news.path(news.articles[1])
    wrap(site, path, lambda ok: flaky([_unavailable(503), _unavailable(503)], ok))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    hits = site.hits(path=path)
    assert [h.status for h in hits] == [503, 503, 200]
    g = gaps(hits)
    assert g[0] >= 0.5 and g[1] >= g[0], f"retries of a 503 came {g} s apart: no backoff"
    assert crawl.summary.get("errors") == {}, crawl.brief()


def test_429_retry_after_is_honoured(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    path = news.path(news.articles[2])
    wrap(site, path, lambda ok: retry_after(2, ok))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    hits = site.hits(path=path)
    assert [h.status for h in hits] == [429, 200], [h.status for h in hits]
    assert 1.9 <= gaps(hits)[0] <= 15, f"Retry-After: 2 but the retry came {gaps(hits)[0]} s later"
    assert crawl.summary.get("errors") == {}, crawl.brief()


def test_slow_page_times_out_and_the_rest_is_stored(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    slow_article = extra_article(1, "slow")
    path = news.add_article(slow_article, register=False)
    news.listing_links.append((path, slow_article.title, slow_article.paragraphs[0][:150]))
    wrap(site, path, lambda ok: slow(12, ok))
    # The project's timeout is 30 s; 3 s here keeps the test short (same code path).
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, settings={"DOWNLOAD_TIMEOUT": 3}, timeout=60)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert docs_at(seeded_corpus, news.base, path) == []
    assert 1 <= len(site.hits(path=path)) <= 1 + RETRY_TIMES
    assert any("timeout" in k.lower() for k in crawl.summary.get("errors", {})), crawl.brief()
    assert crawl.seconds < 30, f"a 3 s timeout made the crawl last {crawl.seconds:.0f} s"


def test_connection_reset_is_counted_and_the_rest_is_stored(site: FaultSite, tmp_path: Path,
                                                             seeded_corpus: Path) -> None:
    news = NewsSite(site)
    broken = extra_article(2, "reset")
    path = news.add_article(broken, register=False)
    news.listing_links.append((path, broken.title, broken.paragraphs[0][:150]))
    site.route(path, lambda req: RESET)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert sum(crawl.summary.get("errors", {}).values()) >= 1, (
        "the reset page is not counted as an error\n" + crawl.brief())
    tries = len(site.hits(path=path))
    assert 1 <= tries <= 1 + RETRY_TIMES, (
        f"{tries} requests to a page that resets the connection; "
        f"at most 1 + RETRY_TIMES = {1 + RETRY_TIMES} attempts expected")
    assert docs_at(seeded_corpus, news.base, path) == []


def test_redirect_chain_stores_the_target_once(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    target = extra_article(3, "moved")
    final = news.add_article(target, "/en/regional-assembly-elects-new-board/", register=False)
    site.route("/en/old-link/", redirect("/en/hop-2/", 301))
    site.route("/en/hop-2/", redirect("/en/hop-3/", 302))
    site.route("/en/hop-3/", redirect(final, 307))
    news.listing_links.append(("/en/old-link/", target.title, target.paragraphs[0][:150]))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert [len(site.hits(path=p)) for p in ("/en/old-link/", "/en/hop-2/", "/en/hop-3/", final)] == [1, 1, 1, 1]
    stored = docs_at(seeded_corpus, news.base, final)
    assert len(stored) == 1 and text_of(seeded_corpus, stored[0]).startswith(target.title)
    assert not [d for d in documents(seeded_corpus) if d["url"] and ("old-link" in d["url"] or "hop-" in d["url"])]


def test_redirect_loop_is_an_error_and_ends(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    site.route("/en/loop-a/", redirect("/en/loop-b/", 301))
    site.route("/en/loop-b/", redirect("/en/loop-a/", 302))
    news.listing_links.append(("/en/loop-a/", "Statement of the Executive Bureau", "The Executive Bureau met in…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    loop = site.hits(prefix="/en/loop-")
    assert len(loop) <= 2 * 6, f"{len(loop)} requests in the redirect loop"
    assert any("redirect" in k.lower() for k in crawl.reasons()), (
        "the redirect loop is not reported (errors/skipped)\n" + crawl.brief())


def test_soft_404_is_not_stored(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    site.page("/en/annual-report-2019-launched/", not_found_html(news.base))  # 200, "Page not found"
    news.listing_links.append(("/en/annual-report-2019-launched/", "Annual Report 2019 Launched", "The annual…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert len(site.hits(path="/en/annual-report-2019-launched/")) == 1
    assert docs_at(seeded_corpus, news.base, "/en/annual-report-2019-launched/") == []
    assert not [d for d in documents(seeded_corpus) if "not found" in (d["title"] or "").lower()
                or "can’t be found" in text_of(seeded_corpus, d)]
    rows = url_rows(seeded_corpus, "annual-report-2019-launched")
    assert [r["status"] for r in rows] == ["rejected"] and rows[0]["reason"], [dict(r) for r in rows]


@pytest.mark.parametrize("robots", [
    "missing",
    "error-500",
    "huge-5MB",
])
def test_robots_txt_missing_error_or_huge(robots: str, site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Missing (404): no rules, crawl everything, and a missing robots.txt is no error.
    500: RFC 9309 §2.3.1.3 — unreachable robots.txt means complete disallow: nothing else is
    requested, the source fails and says robots.txt is why.
    5 MB: the rules are read (RFC 9309 requires at least the first 500 KiB), the crawl goes on
    with bounded memory and time, and a disallowed article is not requested."""
    news = NewsSite(site, robots=None)
    private = extra_article(4, "private")
    private_path = news.add_article(private, "/en/private-briefing-for-members/", register=False)
    news.listing_links.append((private_path, private.title, private.paragraphs[0][:150]))
    if robots == "error-500":
        site.page("/robots.txt", "<h1>500 Internal Server Error</h1>", status=500)
    elif robots == "huge-5MB":
        site.page("/robots.txt", huge_robots(head="Disallow: /en/private-"), headers={"Content-Type": "text/plain"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=120)
    if robots == "error-500":
        others = sorted({h.target for h in site.log if h.path != "/robots.txt"})
        assert others == [], f"robots.txt answered 500 but {len(others)} other URLs were requested: {others[:8]}"
        assert documents(seeded_corpus)[5:] == []
        assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
        assert "robots" in (crawl.summary.get("error") or ""), crawl.brief()
        # Not cured by crawling the source again minutes later.
        assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == ("robots_unavailable", False), \
            crawl.brief()
        return
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    if robots == "huge-5MB":
        assert site.hits(path=private_path) == [], "a URL disallowed at the top of robots.txt was requested"
        assert crawl.maxrss_mb < MEMORY_LIMIT_MB and crawl.seconds < 60, (crawl.maxrss_mb, crawl.seconds)
        assert crawl.summary.get("errors") == {}, (
            "a URL disallowed by robots.txt is counted as an error (expected: skipped, with a robots reason)\n"
            + crawl.brief())
        assert any("robots" in k for k in crawl.reasons()), crawl.brief()
    else:
        assert len(docs_at(seeded_corpus, news.base, private_path)) == 1
        assert crawl.summary.get("errors") == {}, "a missing robots.txt (404) is reported as an error\n" + crawl.brief()


# -- content ---------------------------------------------------------------------------------

def _size_reason(crawl: Crawl) -> list[str]:
    return [k for k in crawl.reasons() if re.search(r"size|large|big|bomb|max", k, re.IGNORECASE)]


def test_oversized_page_is_dropped_with_a_reason(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    big = extra_article(5, "big")
    path = "/en/photo-report-from-the-climate-summit/"
    site.page(path, oversized_html(news.base, big, path))  # 12 MB, with Content-Length
    news.listing_links.append((path, big.title, big.paragraphs[0][:150]))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert docs_at(seeded_corpus, news.base, path) == []
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB, f"peak memory {crawl.maxrss_mb:.0f} MB"
    assert _size_reason(crawl), "the 12 MB page is dropped without a size reason in the summary\n" + crawl.brief()


def test_gzip_bomb_is_dropped_with_bounded_memory(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    bomb = gzip_bomb()  # ~1 MB on the wire, 1 GiB of zeros decompressed
    path = "/en/minutes-of-the-general-assembly/"
    site.page(path, bomb, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    news.listing_links.append((path, "Minutes of the General Assembly", "The minutes…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=120)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert docs_at(seeded_corpus, news.base, path) == []
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB, f"peak memory {crawl.maxrss_mb:.0f} MB"
    assert crawl.seconds < 60, f"{crawl.seconds:.0f} s"
    assert _size_reason(crawl), "the gzip bomb is dropped without a size reason in the summary\n" + crawl.brief()


def test_entity_bomb_sitemap_is_not_expanded(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    site.page("/robots.txt", f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {news.base}/sitemap.xml\n",
              headers={"Content-Type": "text/plain"})
    site.page("/sitemap.xml", entity_bomb_sitemap(news.base), headers={"Content-Type": "application/xml"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=60)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert [h.target for h in site.log if "lol" in h.target] == [], "an entity of the sitemap was expanded into a URL"
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB and crawl.seconds < 30, (crawl.maxrss_mb, crawl.seconds)
    assert not [d for d in documents(seeded_corpus) if "lol" in (d["url"] or "")]


def test_huge_sitemap_is_parsed_with_bounded_memory_and_time(site: FaultSite, tmp_path: Path,
                                                             seeded_corpus: Path) -> None:
    news = NewsSite(site)
    site.page("/robots.txt", f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {news.base}/sitemap-archive.xml.gz\n",
              headers={"Content-Type": "text/plain"})
    site.page("/sitemap-archive.xml.gz", huge_sitemap_gz(news.base), headers={"Content-Type": "application/x-gzip"})

    def item(req: Req) -> tuple[int, dict[str, str], str]:
        m = re.fullmatch(r"/en/archive-item-(\d{6})/", req.path)
        if not m:
            return 404, {}, not_found_html(news.base)
        article = generated_article(int(m.group(1)), "item")
        return 200, {}, article_html(news.base, article, req.path, **news.chrome())  # type: ignore[arg-type]

    site.prefix("/en/archive-item-", item)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, "    max_pages: 25\n", timeout=120)
    assert_ok(crawl)
    items = site.hits(prefix="/en/archive-item-")
    assert len(items) <= 25, f"{len(items)} sitemap items requested with max_pages: 25"
    assert 1 <= crawl.summary.get("new", 0) <= 25
    assert crawl.summary.get("cut"), (
        "200,000 sitemap URLs and max_pages 25, but the summary's 'cut' is empty\n" + crawl.brief())
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB, f"peak memory {crawl.maxrss_mb:.0f} MB"
    assert crawl.seconds < 60, f"{crawl.seconds:.0f} s"


def _feed(base: str, items: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<rss version="2.0"><channel><title>News</title>'
            f"<link>{base}/en/</link>\n{items}</channel></rss>\n").encode()


@pytest.mark.parametrize("kind", ["entity-bomb", "huge-40000-items"])
def test_hostile_feed_is_parsed_with_bounded_memory_and_time(kind: str, site: FaultSite, tmp_path: Path,
                                                              seeded_corpus: Path) -> None:
    """A feed whose item link is a "billion laughs" entity is not expanded; a 6 MB feed of
    40,000 items is read within the page budget (``max_pages: 25``) and the cut is reported."""
    news = NewsSite(site)
    if kind == "entity-bomb":
        body = _feed(news.base, f"<item><title>x</title><link>{news.base}/en/&lol9;/</link></item>\n",
                     billion_laughs("rss"))
    else:
        body = _feed(news.base, "".join(
            f"<item><title>Item {i}</title><link>{news.base}/en/feed-item-{i:06d}/</link>"
            f"<pubDate>Mon, 15 Apr 2024 10:00:00 +0000</pubDate></item>\n" for i in range(40_000)))

        def item(req: Req) -> tuple[int, dict[str, str], str]:
            m = re.fullmatch(r"/en/feed-item-(\d{6})/", req.path)
            if not m:
                return 404, {}, not_found_html(news.base)
            article = generated_article(int(m.group(1)), "feed")
            return 200, {}, article_html(news.base, article, req.path, **news.chrome())  # type: ignore[arg-type]

        site.prefix("/en/feed-item-", item)
    site.page("/en/feed/", body, headers={"Content-Type": "application/rss+xml"})
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, "    max_pages: 25\n", timeout=120)
    assert_ok(crawl)
    assert len(site.hits(path="/en/feed/")) == 1
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB and crawl.seconds < 60, (crawl.maxrss_mb, crawl.seconds)
    if kind == "entity-bomb":
        assert_stored_once(seeded_corpus, news)
        assert [h.target for h in site.log if "lol" in h.target] == [], "an entity of the feed was expanded into a URL"
    else:
        items = site.hits(prefix="/en/feed-item-")
        assert 1 <= len(items) <= 25, f"{len(items)} feed items requested with max_pages: 25"
        assert crawl.summary.get("cut"), "40,000 feed items and max_pages 25, but 'cut' is empty\n" + crawl.brief()


CHARSET_CASES = {
    # name: (Content-Type header, <meta charset> or None, how the bytes are encoded)
    "windows-1252, no charset anywhere": ("text/html", None, "cp1252"),
    "UTF-8 with BOM, no charset anywhere": ("text/html", None, "utf-8-sig"),
    "UTF-8, <meta charset> says ISO-8859-1": ("text/html", "ISO-8859-1", "utf-8"),
    "windows-1252, header says UTF-8": ("text/html; charset=UTF-8", "UTF-8", "cp1252"),
}


def test_charsets_are_decoded_correctly(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    paths = {}
    for i, (case, (ctype, meta, codec)) in enumerate(CHARSET_CASES.items()):
        article = accented_article(i, f"charset-case-{i}")
        path = f"/en/{article.slug}/"
        body = article_html(news.base, article, path, charset_meta=meta, **news.chrome()).encode(codec)  # type: ignore[arg-type]
        site.page(path, body, headers={"Content-Type": ctype})
        news.listing_links.append((path, article.title, "Accents…"))
        paths[case] = (path, article)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    problems = {}
    for case, (path, _article) in paths.items():
        found = docs_at(seeded_corpus, news.base, path)
        if len(found) != 1:
            problems[case] = f"stored {len(found)} times"
            continue
        text = text_of(seeded_corpus, found[0])
        wrong = [w for w in ACCENTED_WORDS if w not in text]
        junk = [j for j in ("Ã", "â€", "\ufffd", "\ufeff") if j in text]
        if wrong or junk or (found[0]["title"] or "").startswith("\ufeff"):
            sample = re.search(r"reopened .{0,60}", text)
            problems[case] = f"missing {wrong[:4]}, mojibake {junk}: {sample.group(0) if sample else text[:80]!r}"
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_malformed_html_is_still_extracted(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    soup_article, ctrl_article = extra_article(6, "soup"), extra_article(7, "ctrl")
    soup = (
        '<html><head><meta charset="utf-8"><title>{t} - Mediterranean Cities Network</title>\n'
        '<meta property="og:type" content="article"><meta property="article:published_time" content="{d}">\n'
        '<body class=single><body><div id=page><div class="menu">'
        '<ul><li><a href=/en/>Home<li><a href=/en/news/>News</ul>\n'
        '<table><tr><td><div class="entry-content"><h1 class=entry-title>{t}</h1>\n'
        '{paras}\n</td></tr></span></font></center>\n<<>> <b><i>&nbsp&copy stray </b></i> <p align=center"broken>\n'
        '<div class="footer">&copy; 2024 Mediterranean Cities Network <!-- unterminated comment'
    ).format(t=soup_article.title, d=soup_article.published,
             paras="\n".join(f"<p>{p}" + ("<div>" if i % 2 else "") for i, p in enumerate(soup_article.paragraphs)))
    site.page("/en/tag-soup-article/", soup)
    ctrl_page = article_html(news.base, ctrl_article, "/en/control-characters-article/", **news.chrome())  # type: ignore[arg-type]
    ctrl_page = ctrl_page.replace(". ", ".\x00 ", 2).replace(", ", ",\x0b ", 2).replace("<p>", "<p>\x1b", 1)
    site.page("/en/control-characters-article/", ctrl_page)
    for path, article in (("/en/tag-soup-article/", soup_article), ("/en/control-characters-article/", ctrl_article)):
        news.listing_links.append((path, article.title, "…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    for path, article in (("/en/tag-soup-article/", soup_article), ("/en/control-characters-article/", ctrl_article)):
        found = docs_at(seeded_corpus, news.base, path)
        assert len(found) == 1, (
            f"{path} not stored: {[(r['status'], r['reason']) for r in url_rows(seeded_corpus, path.strip('/'))]}")
        text = " ".join(text_of(seeded_corpus, found[0]).split())
        for para in article.paragraphs:
            first = " ".join(para.split(". ")[0].split())
            assert first in text, (path, first)
        assert "\x00" not in text and "\x1b" not in text


def test_binary_and_empty_pages_are_skipped_with_a_reason(site: FaultSite, tmp_path: Path,
                                                          seeded_corpus: Path) -> None:
    news = NewsSite(site)
    site.page("/en/photo-gallery-of-the-summit/", binary_junk(), headers={"Content-Type": "text/html"})
    site.page("/en/statement-on-the-budget/", b"", headers={"Content-Type": "text/html; charset=utf-8"})
    news.listing_links += [("/en/photo-gallery-of-the-summit/", "Photo gallery", "Photos…"),
                           ("/en/statement-on-the-budget/", "Statement on the budget", "The statement…")]
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    for slug in ("photo-gallery-of-the-summit", "statement-on-the-budget"):
        assert docs_at(seeded_corpus, news.base, f"/en/{slug}/") == []
        rows = url_rows(seeded_corpus, slug)
        assert len(rows) == 1 and rows[0]["status"] == "rejected" and rows[0]["reason"], \
            f"{slug}: {[dict(r) for r in rows]}"
    assert sum((crawl.summary.get("skipped") or {}).values()) >= 2 + 1, crawl.brief()  # + the About page


def test_pdf_is_recorded_not_stored_as_text(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    pdf = {"Content-Type": "application/pdf"}
    site.page("/files/report.pdf", MINIMAL_PDF, headers=pdf)
    site.page("/en/download/", MINIMAL_PDF,
              headers={**pdf, "Content-Disposition": 'inline; filename="annual-report.pdf"'})
    news.listing_links += [("/files/report.pdf", "Annual report 2023 (PDF)", "Download the report"),
                           ("/en/download/?file=annual-report-2023", "Annual report 2023", "Download")]
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    for d in documents(seeded_corpus):
        assert "%PDF" not in text_of(seeded_corpus, d) and "report.pdf" not in (d["url"] or "") \
            and "/en/download" not in (d["url"] or ""), dict(d)
    recorded = {name: [dict(r) for r in url_rows(seeded_corpus, name)] for name in ("report.pdf", "annual-report-2023")}
    assert all(recorded.values()), f"PDF links not recorded in the crawl state: {recorded}"


# -- safety ------------------------------------------------------------------------------------

UNSAFE_TARGETS = {
    "offsite": "http://example.com/news/cities-and-climate/",
    "private-10": "http://10.0.0.1/admin/",
    "metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "router": "http://192.168.1.1/",
    "file": "file:///etc/passwd",
    "ftp": "ftp://127.0.0.1:{port}/pub/report.txt",
}


def _assert_nothing_left_the_site(crawl: Crawl, site: FaultSite, news: NewsSite, corpus: Path) -> None:
    assert crawl.summary.get("requests") == len(site.log), (
        f"the crawl made {crawl.summary.get('requests')} requests, this site saw {len(site.log)}: "
        "some went elsewhere\n" + crawl.brief())
    for marker in ("NonLoopbackConnection", "DNSLookupError", "ConnectionRefused"):
        assert marker not in crawl.log and not any(marker in k for k in crawl.reasons()), crawl.brief()
    assert [d["url"] for d in documents(corpus) if d["url"] and not d["url"].startswith(news.base)] == []
    assert not [d for d in documents(corpus) if "root:x:0:0" in text_of(corpus, d)]


def test_unsafe_links_are_never_requested(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Links to other hosts, private and link-local addresses, file: and ftp: on every page."""
    news = NewsSite(site)
    targets = {k: v.format(port=free_port()) for k, v in UNSAFE_TARGETS.items()}
    links = "".join(f'<li><a href="{url}">{name}</a></li>' for name, url in targets.items())
    links += '<li><a href="//example.org/protocol-relative/">partner</a></li>'
    news.footer_extra = f'<ul class="partners">{links}</ul>'
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=30)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    _assert_nothing_left_the_site(crawl, site, news, seeded_corpus)


def test_unsafe_redirects_are_never_followed(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """The site's own pages redirect to other hosts, private/link-local addresses, file: and ftp:."""
    news = NewsSite(site)
    targets = {k: v.format(port=free_port()) for k, v in UNSAFE_TARGETS.items()}
    for name, url in targets.items():
        site.route(f"/en/go/{name}/", redirect(url, 302))
        news.listing_links.append((f"/en/go/{name}/", f"Partner news: {name}", "Read on our partner's site"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=30)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    _assert_nothing_left_the_site(crawl, site, news, seeded_corpus)
    assert sorted(h.path for h in site.hits(prefix="/en/go/")) == sorted(f"/en/go/{n}/" for n in targets)


def test_hostile_title_never_reaches_file_names(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site)
    hostile = Article("notice-on-the-protection-of-personal-data", "../../etc/passwd", "2024-02-02T08:00:00+01:00",
                      extra_article(8, "hostile").paragraphs)
    path = news.add_article(hostile)
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    found = docs_at(seeded_corpus, news.base, path)
    assert len(found) == 1, crawl.brief()
    doc = found[0]
    assert (doc["file"] == f"{doc['num']:03d}_{doc_id(canonical_url(news.base + path))}.txt"
            == f"{doc['num']:03d}_{doc['id']}.txt")
    assert (seeded_corpus / doc["file"]).is_file()
    assert [p for p in tmp_path.rglob("*") if p.name in ("passwd", "etc") or ".." in p.name] == []


# -- kill -9 -----------------------------------------------------------------------------------

def check_index_files(corpus: Path, complete: bool) -> None:
    """The index never points at a missing file; when ``complete``, every file has its row too."""
    files = {p.name for p in corpus.iterdir() if FILE_RE.match(p.name)}
    if not (corpus / "index.sqlite").exists():
        return
    rows = [r["file"] for r in documents(corpus)]
    assert len(rows) == len(set(rows)), "two index rows share a file"
    assert sorted(set(rows) - files) == [], "index rows without their file"
    if complete:
        assert sorted(files - set(rows)) == [], "files without an index row"


# The site outlasts 20 killed crawls: a crawl's 16 concurrent downloads arrive together, and up to
# 16 new files land between the moment a kill is decided and the kill.
KILLS, KILL_ARTICLES = 20, 320


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def cmdline(pid: int) -> str:
    """A process's command line, or "" once it has ended (a child listed a moment ago, such as
    the workers' fork server while it is being stopped, can be gone when it is read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Child processes, theirs, and so on (the cleaning workers are children of the pool's
    fork server, itself a child of the crawl, until every worker has started: then the fork
    server is gone and the workers are the crawl's own children)."""
    out = children(pid)
    return out + [g for c in out for g in descendants(c)]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def corpus_files(corpus: Path) -> int:
    return sum(1 for p in corpus.iterdir() if FILE_RE.match(p.name))


def test_kill_9_at_random_moments_leaves_a_consistent_corpus(site: FaultSite, tmp_path: Path,
                                                            seeded_corpus: Path) -> None:
    """A 320-article site (listing + WordPress sitemap) crawled 20 times and killed with SIGKILL at
    a seeded random moment of each run — after it stored 1–4 new files, plus 0–100 ms, so the
    kill lands while items are being written — then crawled to completion."""
    articles = [generated_article(i, "kill") for i in range(KILL_ARTICLES)]
    news = NewsSite(site, articles, per_page=10, article_delay=1.0, sitemap=True)
    config = write_config(tmp_path / "sources.yaml", site_entry("site", news.url))
    rnd = random.Random(20240917)
    kills: list[int] = []
    workers: list[int] = []  # the fork servers and cleaning workers of the killed crawls
    for k in range(KILLS):
        before = corpus_files(seeded_corpus)
        wanted, extra = rnd.randint(1, 4), rnd.uniform(0, 0.1)
        proc = start_crawl(config, seeded_corpus, tmp_path / f"kill-{k}.json", tmp_path / f"kill-{k}.log")
        deadline = time.monotonic() + 60
        while proc.poll() is None and corpus_files(seeded_corpus) < before + wanted and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(extra)
        if proc.poll() is None:
            workers += descendants(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            kills.append(corpus_files(seeded_corpus) - before)
        proc.wait(timeout=30)
        check_index_files(seeded_corpus, complete=False)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [p for p in workers if alive(p)]:
        time.sleep(0.1)
    survivors = [p for p in workers if alive(p)]
    # Each killed crawl had two processes at least: its cleaning workers (a file was stored), or
    # the fork server and the first worker.
    assert len(workers) >= 2 * len(kills), f"{len(workers)} processes under {len(kills)} killed crawls"
    assert survivors == [], f"{len(survivors)} of {len(workers)} cleaning processes outlived their crawl"
    stored_before = len(documents(seeded_corpus)) - 5
    final = run_crawl(tmp_path, seeded_corpus, news.url, timeout=120)
    where = f"({len(kills)} kills; {stored_before} articles stored before the final crawl)"
    leftovers = [p.name for p in seeded_corpus.rglob(".tmp-*")]
    assert leftovers == [], f"temporary files left {where}: {leftovers}"
    check_index_files(seeded_corpus, complete=True)
    numbers = [int(p.name.split("_")[0]) for p in seeded_corpus.iterdir() if FILE_RE.match(p.name)]
    assert sorted(set(numbers)) == sorted(numbers), f"two files share a number {where}"
    assert sorted(numbers)[:5] == [0, 1, 2, 3, 4], "the seed files are gone"
    assert_stored_once(seeded_corpus, news)
    assert len(documents(seeded_corpus)) == 5 + KILL_ARTICLES, where
    assert_ok(final)
    assert len(kills) == KILLS, (
        f"only {len(kills)} of {KILLS} kills landed during a crawl (new files at each kill: {kills})")
    print(f"kill -9: {len(kills)} kills, new files at each kill {kills}, {stored_before} stored before the "
          f"final crawl, {final.summary['new']} by it, {len(documents(seeded_corpus)) - 5} in the end; "
          "inconsistencies: 0")


def test_the_workers_fork_server_is_gone_once_they_run_and_they_die_with_the_crawl(
        site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Once both cleaning workers have started, their fork server is stopped (its memory is a
    copy of what they inherited) and the crawl process adopts them: they are its own children,
    none has a child, and after a kill -9 of the crawl they end within seconds."""
    articles = [generated_article(i, "adopt") for i in range(120)]  # a crawl that outlasts the workers' start-up
    news = NewsSite(site, articles, per_page=10, article_delay=1.0, sitemap=True)
    config = write_config(tmp_path / "sources.yaml", site_entry("site", news.url))
    proc = start_crawl(config, seeded_corpus, tmp_path / "adopt.json", tmp_path / "adopt.log",
                       settings={"HARVEST_CLEAN_WORKERS": 2})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until both workers have started and the crawl is under way
            assert proc.poll() is None, (tmp_path / "adopt.log").read_text()
            workers = [c for c in children(proc.pid) if "forkserver" in cmdline(c)]
            if corpus_files(seeded_corpus) >= 5 + 2 and len(workers) == 2:
                break
            time.sleep(0.05)
        tree = [(c, children(c), cmdline(c)[:60]) for c in children(proc.pid)]
        assert len(workers) == 2, tree
        assert [children(w) for w in workers] == [[], []], f"a fork server with workers under it is still there: {tree}"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [w for w in workers if alive(w)]:
        time.sleep(0.1)
    assert [w for w in workers if alive(w)] == [], "a cleaning worker outlived its crawl"


def test_interrupted_crawl_is_resumed_by_the_next_one(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """A listing-only site (no sitemap, no feed — like many councils' sites), 3 listing pages of
    10. The first crawl is killed once it stored the 10 items of page 1 (and decided on every
    other link of that page) while the items of pages 2–3 were still downloading. The next
    crawl must still walk pages 2–3 and store their items."""
    articles = [generated_article(i, "resume") for i in range(30)]
    news = NewsSite(site, articles, per_page=10)
    release = threading.Event()
    for article in articles[10:]:
        wrap(site, news.path(article), lambda ok: (lambda req: (release.wait(20), ok(req))[1]))
    config = write_config(tmp_path / "sources.yaml", site_entry("site", news.url))
    proc = start_crawl(config, seeded_corpus, tmp_path / "first.json", tmp_path / "first.log")
    page1 = [news.path(a) for a in articles[:10]]
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (seeded_corpus / "index.sqlite").exists() and url_rows(seeded_corpus, "/en/about-us") \
                    and all(docs_at(seeded_corpus, news.base, p) for p in page1):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the first crawl ended before it could be interrupted"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        release.set()
    assert len(documents(seeded_corpus)) == 5 + 10
    again = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(again)
    missing = [a.slug for a in articles if not docs_at(seeded_corpus, news.base, news.path(a))]
    walked = sorted({h.path for h in site.log[-again.summary.get("requests", 0):] if h.path.startswith("/en/news/")})
    assert missing == [], (f"{len(missing)} of 30 articles (listing pages 2-3) never stored after an interrupted "
                           f"crawl; the re-crawl walked only {walked}; summary: {again.brief()[:400]}")
    assert_stored_once(seeded_corpus, news)


# -- disk full, read-only corpus --------------------------------------------------------------

@pytest.fixture
def small_volume(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of its own (needs root: mounting is how a full disk is made real)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    volume = tmp_path / "volume"
    volume.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(volume)], check=True)
    try:
        yield volume
    finally:
        subprocess.run(["umount", "-l", str(volume)], check=False)


def fill(volume: Path, leave: int) -> Path:
    """Fill ``volume`` up to ``leave`` free bytes with a hidden file."""
    stat = os.statvfs(volume)
    free = stat.f_bavail * stat.f_frsize
    filler = volume / "corpus" / ".filler"
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def consistent(corpus: Path) -> None:
    assert [p.name for p in corpus.rglob(".tmp-*")] == [], "half-written files left"
    check_index_files(corpus, complete=True)
    with db(corpus) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("fault", ["disk-full", "read-only"])
def test_disk_full_or_read_only_corpus_fails_clearly_and_loses_nothing(
        fault: str, small_volume: Path, site: FaultSite, tmp_path: Path) -> None:
    """A first crawl stores the site; 40 new articles appear; the disk is then full (a few KB
    left) or the corpus read-only. The crawl fails with a clear error, leaves no half-written
    file and an index that matches the files; once space is back, the next crawl stores
    every article exactly once."""
    corpus = small_volume / "corpus"
    corpus.mkdir()
    for seed in sorted((ROOT / "corpus").glob("[0-9][0-9][0-9]_*.txt")):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    news = NewsSite(site)
    assert_ok(run_crawl(tmp_path, corpus, news.url))
    before = len(documents(corpus))
    for i in range(40):
        news.add_article(generated_article(i, "full"))
    if fault == "disk-full":
        filler = fill(small_volume, leave=48 * 1024)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_volume)], check=True)
    crawl = run_crawl(tmp_path, corpus, news.url)
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    words = ("no space", "disk is full") if fault == "disk-full" else ("read-only", "readonly", "not writable")
    assert any(w in (crawl.summary.get("error") or "").lower() for w in words), crawl.brief()
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == ("corpus", False), crawl.brief()
    if fault == "disk-full":
        assert crawl.summary.get("new", 0) < 40, "the disk was not full after all"
    consistent(corpus)
    stored_while_failing = len(documents(corpus)) - before
    if fault == "disk-full":
        filler.unlink()
    else:
        subprocess.run(["mount", "-o", "remount,rw", str(small_volume)], check=True)
    again = run_crawl(tmp_path, corpus, news.url)
    assert_ok(again)
    consistent(corpus)
    assert_stored_once(corpus, news)
    assert len(documents(corpus)) == before + 40
    assert again.summary["new"] == 40 - stored_while_failing, again.brief()
