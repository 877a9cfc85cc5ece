"""Benchmark: only new items, exactly — three crawls of a news site built from real pages.

    python benchmarks/bench_onlynew.py [--articles 160] [--keep DIR]

The site is the one of benchmarks/realsite.py (real articles and non-items of ../shared/realpages/,
unpacked in benchmarks/.realpages/, in the WordPress theme of the test sites: home, news listing
with its pagination, category, tag and press-release listings, the twelve-month events calendar,
section, service, contact and search pages, robots.txt naming the sitemap index, an RSS feed of the
latest ten articles), served on 127.0.0.1 by this script, with what a scheduled crawl meets:

- a **sitemap index with one sitemap per month** (``/post-sitemap-YYYY-MM.xml``; each child with its
  ``<lastmod>`` in the index, each URL with its ``<lastmod>``) and the CMS pages' sitemap;
- a **moved article**: its old URL answers 301 to its new one (where the sitemap lists it), and the
  listings and tag pages still link the old URL;
- **dead links**: three articles link to ``/news/…`` pages that answer 404;
- **validators**: every response carries ``ETag`` and ``Last-Modified``; a matching
  ``If-None-Match`` (or, without it, an ``If-Modified-Since`` not older than the page) is answered 304;
- **a clock behind the crawler's**: every date the site gives (sitemap ``lastmod``, feed
  ``pubDate``, ``Last-Modified``) is at least two days older than the real time.

Three crawls into one corpus, each ``python -m crawlers.run`` (one source, ``delay: 0``,
``HARVEST_LOOPBACK_ONLY=1``, cleaning workers as by default):

1. the first crawl (``--articles`` articles on the site);
2. an unchanged re-crawl;
3. after the site changed: ten new articles (real pages held back from crawls 1 and 2, spread over
   the chosen ones; on listing page 1, in the feed and in the newest month's sitemap, dated behind
   the site's clock) and one edited article (a paragraph added to its text; its ``lastmod``, its
   month sitemap's ``lastmod`` in the index, its ``Last-Modified`` and ``ETag`` change, all dated
   before the second crawl started).

Every request the site receives is classified by kind — article, listing (home, news, category,
tag, press-release and search pages, with their pagination), feed, sitemap, robots, trap (the
calendar), 404, redirect (301), 304 (whatever was asked), other (sections, services, contact, real
non-items) — and printed per crawl, with the crawl summary's counters and the wall time. What a
crawl stored is read from the corpus index (a new document, or a document whose content hash
changed).

Targets (PASS / FAIL):
- crawl 2: at most 5 % of crawl 1's requests; no article body downloaded (no article request
  answered 200);
- crawl 3: exactly the ten new articles and the edited one stored (the summary's ``new`` = 10 and
  ``updated`` = 1, the edit as a revision of its document), nothing else, in at most 40 requests.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "sites"))

from sitegen import Entry, utc_iso  # noqa: E402

import realsite  # noqa: E402
from realpages import CACHE, run_project  # noqa: E402
from realsite import SOURCE, Page, build_site, choose  # noqa: E402

NEW = 10  # articles added before crawl 3
LAG = timedelta(days=3)  # the site's clock: this far behind the real time (at least 2 days)
MOVED_AT = 12  # the moved article: the 13th newest (listing page 2 in crawls 1 and 2, not in the feed)
DEAD_AT = (5, 25, 45)  # articles with a link to a removed page
DEAD = ("/news/council-budget-consultation-2019/", "/news/old-library-opening-hours/",
        "/news/spring-festival-programme-draft/")
EDIT_FROM = 40  # the edited article: the first suitable one from the 41st newest on
KINDS = ("article", "listing", "feed", "sitemap", "robots", "trap", "404", "redirect", "304", "other")
LISTING_LABELS = {"listing", "home", "tag", "search"}  # of the site's own (generated) pages
ADDED = ("<p>Update: after the consultation closed, the council confirmed that the measures described "
         "above will be reviewed at the next plenary session, and that residents who wrote in will receive "
         "a written answer from the responsible department before the end of the month.</p>")


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


# --- the site in two states ---------------------------------------------------------------------

@dataclass
class State:
    """One state of the site: its pages (with ETag and Last-Modified) and what the crawls should find."""

    pages: dict[str, Page]
    articles: dict[str, str]  # article path -> the set's URL
    newest: datetime  # the newest date the site gives


@contextlib.contextmanager
def patched(order: list[tuple[str, dict, Path]], others: list, info: dict, start: datetime,
            dates: dict[str, datetime], idents: dict[str, int], tags: dict[str, list[str]]) -> Iterator[None]:
    """realsite.build_site with these articles in this order (newest first) and with the dates, post
    ids and tags given per article, so that an article looks the same in both states of the site."""
    urls = [u for u, _, _ in order]

    def entry(**kw: Any) -> Entry:
        url = urls[kw["ident"] - 1000]
        kw.update(published=dates[url], modified=dates[url], ident=idents[url], tags=tags[url])
        return Entry(**kw)

    saved = (realsite.choose, realsite.Entry, realsite.START)
    realsite.choose = lambda n: (order, others, info)  # type: ignore[assignment]
    realsite.Entry = entry  # type: ignore[assignment,misc]
    realsite.START = start
    try:
        yield
    finally:
        realsite.choose, realsite.Entry, realsite.START = saved  # type: ignore[assignment,misc]


def add_before_body_end(body: bytes, html: bytes) -> bytes:
    """``html`` inserted before the page's last ``</body>`` (at the end without one)."""
    ends = list(re.finditer(rb"</body\s*>", body, re.IGNORECASE))
    return body[:ends[-1].start()] + html + body[ends[-1].start():] if ends else body + html


def add_paragraph(body: bytes) -> list[bytes]:
    """Candidate edits of an article: the paragraph ADDED after one of its long paragraphs."""
    out = []
    for m in re.finditer(rb"<p[\s>].*?</p\s*>", body, re.IGNORECASE | re.DOTALL):
        text = re.sub(rb"<[^>]+>", b"", m.group(0))
        if len(b" ".join(text.split())) > 150:
            out.append(body[:m.end()] + b"\n" + ADDED.encode("ascii") + body[m.end():])
            if len(out) >= 3:
                break
    return out


def sitemaps(pages: dict[str, Page], base: str, dated: list[tuple[str, datetime, datetime]],
             start: datetime) -> None:
    """The sitemap index of monthly post sitemaps (an article in the one of the month it was
    published, with its last modification as ``lastmod``; the CMS pages' sitemap), with lastmods."""
    from wordpress_parts import urlset

    months: dict[str, list[tuple[str, datetime]]] = {}
    for path, published, modified in dated:
        months.setdefault(f"{published:%Y-%m}", []).append((path, modified))
    del pages["/post-sitemap.xml"]
    children = []
    for month in sorted(months, reverse=True):
        path = f"/post-sitemap-{month}.xml"
        entries = sorted(months[month], key=lambda t: t[1], reverse=True)
        pages[path] = Page(path, urlset(entries).replace("{{BASE}}", base).encode("utf-8"),
                           "application/xml; charset=UTF-8", "file", "sitemap")
        children.append((path, max(w for _, w in entries)))
    children.append(("/page-sitemap.xml", start))
    pages["/page-sitemap.xml"].label = "sitemap"
    index = "".join(f"<sitemap><loc>{base}{p}</loc><lastmod>{utc_iso(w)}+00:00</lastmod></sitemap>"
                    for p, w in children)
    pages["/sitemap_index.xml"] = Page(
        "/sitemap_index.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
                               f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>\n'
                               ).encode(), "application/xml; charset=UTF-8", "file", "sitemap")


def build_states(base: str, n_articles: int, now: datetime) -> tuple[State, State, dict[str, Any]]:
    """The site before (crawls 1, 2) and after (crawl 3) the change, and what changed."""
    chosen, others, info = choose(n_articles + NEW)
    step = len(chosen) // NEW
    held_urls = {chosen[i][0] for i in range(step // 2, len(chosen), step)}
    held = [t for t in chosen if t[0] in held_urls][:NEW]
    held_urls = {u for u, _, _ in held}
    old = [t for t in chosen if t[0] not in held_urls]
    start = (now - LAG).replace(minute=0, second=0, microsecond=0)
    edited_at = start + timedelta(minutes=55)
    dates: dict[str, datetime] = {}
    idents: dict[str, int] = {}
    tags: dict[str, list[str]] = {}
    names = list(realsite.COUNCIL.tag_names)
    for j, (url, _, _) in enumerate(old):  # as realsite dates them: a day apart, newest first
        dates[url] = start - timedelta(days=j, hours=j % 7)
        idents[url] = 1000 + len(old) - j
        tags[url] = [names[j % 3]] if j % 2 == 0 else []
    for k, (url, _, _) in enumerate(held):  # the new ones: minutes after the newest old one
        dates[url] = start + timedelta(minutes=5 * (NEW - k))
        idents[url] = 1000 + len(old) + NEW - k
        tags[url] = [names[k % 3]] if k % 2 == 0 else []

    with patched(old, others, info, start, dates, idents, tags):
        pages_a, _ = build_site(base, len(old))
    with patched(held + old, others, info, start, dates, idents, tags):
        pages_b, info_b = build_site(base, len(old) + NEW)
    path_a = {pg.orig: p for p, pg in pages_a.items() if pg.kind == "article"}
    path_b = {pg.orig: p for p, pg in pages_b.items() if pg.kind == "article"}
    moved_paths = [u for u in path_a if path_a[u] != path_b[u]]
    if moved_paths:
        raise SystemExit(f"an article's address differs between the two states: {moved_paths[:3]}")

    # The moved article: its new address in the sitemap, its old one 301 (and still on the listings).
    moved_url = old[MOVED_AT][0]
    moved_old = path_a[moved_url]
    moved_new = f"/{dates[moved_url]:%Y/%m}{moved_old.removeprefix('/news')}"
    page = pages_a.pop(moved_old)
    page.body = page.body.replace(moved_old.encode(), moved_new.encode())
    page.path = moved_new
    pages_a[moved_new] = page
    pages_a[moved_old] = Page(moved_old, b"", "text/html; charset=utf-8", "moved", "redirect",
                              status=301, headers={"Location": f"{base}{moved_new}"})
    # Dead links.
    for j, dead in zip(DEAD_AT, DEAD, strict=True):
        pg = pages_a[path_a[old[j][0]]]
        pg.body = add_before_body_end(pg.body, f'<p class="see-also">See also: <a href="{base}{dead}">an '
                                      "earlier notice on this subject</a></p>\n".encode("ascii"))
    # The edited article: one whose cleaned text changes with the paragraph added.
    edited_url, edited_body = "", b""
    for j in range(EDIT_FROM, len(old)):
        url = old[j][0]
        if j in DEAD_AT or j == MOVED_AT or info["lengths"].get(url, 0) < 1500:
            continue
        body = pages_a[path_a[url]].body
        before = run_project(body, base + path_a[url])[0]
        edits = [e for e in add_paragraph(body) if "plenary session" in run_project(e, base + path_a[url])[0]
                 and "plenary session" not in before]
        if edits:
            edited_url, edited_body = url, edits[0]
            break
    if not edited_url:
        raise SystemExit("no article to edit: none takes an added paragraph into its cleaned text")

    # State B: the pages of state A as they were (bytes included), but the generated ones rebuilt
    # (listings, feed, home…), the ten new articles and the edited one.
    for p, pg in pages_a.items():
        if pg.kind in ("article", "non-item", "moved"):
            pages_b[p] = dataclasses.replace(pg)
    pages_b[path_a[edited_url]] = Page(path_a[edited_url], edited_body, pages_a[path_a[edited_url]].ctype,
                                       "article", "", edited_url, pages_a[path_a[edited_url]].item)
    dates_b = {**dates, edited_url: edited_at}

    def finish(pages: dict[str, Page], urls: dict[str, str], when: dict[str, datetime],
               before: dict[str, Page] | None) -> State:
        dated = [(moved_new if u == moved_url else p, dates[u], when[u]) for u, p in urls.items()]
        sitemaps(pages, base, dated, start)
        article_date = {p: w for p, _, w in dated}
        newest = max(w for _, _, w in dated)
        feed_date = max(when[u] for u in list(urls)[:10]) if urls else start
        for p, pg in pages.items():
            if pg.kind == "article":
                modified = article_date[p]
            elif pg.kind in ("non-item", "moved") or p == "/robots.txt":
                modified = start - timedelta(days=30)
            elif pg.label == "sitemap":
                modified = max([datetime.fromisoformat(d.decode())
                                for d in re.findall(rb"<lastmod>([^<]+)</lastmod>", pg.body)] or [start])
            elif p == "/feed/":
                modified = feed_date
            elif before is not None and p in before and before[p].body == pg.body:
                modified = parsedate_to_datetime(before[p].headers["Last-Modified"])
            else:
                modified = newest
            pg.headers = {**pg.headers, "ETag": etag(pg.body), "Last-Modified": http_date(modified)}
        return State(pages, {(moved_new if u == moved_url else p): u for u, p in urls.items()}, newest)

    order_a = {u: path_a[u] for u, _, _ in old}
    order_b = {u: path_b[u] for u, _, _ in held + old}
    state_a = finish(pages_a, order_a, dates, None)
    state_b = finish(pages_b, order_b, dates_b, state_a.pages)
    changes = {"new": {path_b[u] for u, _, _ in held}, "edited": path_a[edited_url], "moved": (moved_old, moved_new),
               "dead": [path_a[old[j][0]] for j in DEAD_AT], "start": start, "info": info_b}
    return state_a, state_b, changes


# --- the server ---------------------------------------------------------------------------------

class OnlyNewSite:
    """The pages of the current state, served on 127.0.0.1 with validators (304 to a matching
    conditional request); every request is recorded with the crawl it belongs to."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.phase = 0
        self.requests: list[tuple[int, str, str, int, str]] = []  # phase, method, path, status, page kind
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def fresh(self, page: Page) -> bool:
                tags = self.headers.get("If-None-Match")
                if tags is not None:
                    wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
                    return "*" in wanted or page.headers["ETag"] in wanted
                since = self.headers.get("If-Modified-Since")
                if since:
                    try:
                        return parsedate_to_datetime(page.headers["Last-Modified"]) <= parsedate_to_datetime(since)
                    except (TypeError, ValueError):
                        return False
                return False

            def answer(self, send_body: bool) -> None:
                pages = site.pages
                page = pages.get(self.path) or pages.get(self.path.split("?")[0])
                bare = self.path.split("?")[0]
                if page is None and not bare.endswith("/") and "." not in bare.rsplit("/", 1)[-1]:
                    target = pages.get(bare + "/")
                    if target is not None:  # /news/x -> /news/x/, as a CMS does
                        page = Page(self.path, b"", kind="moved", label="redirect", status=301,
                                    headers={"Location": target.path})
                body = page.body if page else b"<html><body><h1>Not Found</h1></body></html>"
                status = page.status if page else 404
                headers = dict(page.headers) if page else {}
                headers.setdefault("ETag", etag(body))
                headers.setdefault("Last-Modified", http_date(site.epoch))
                if status == 200 and page is not None and self.fresh(page):
                    status, body = 304, b""
                kind = request_kind(pages, self.path, 200 if status == 304 else status)
                with site.lock:
                    site.requests.append((site.phase, self.command, self.path, status, kind))
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", page.ctype if page else "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if send_body and body:
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self.answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self.answer(False)

        self.epoch = datetime(2020, 1, 1, tzinfo=UTC)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OnlyNewSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()



def request_kind(pages: dict[str, Page], path: str, status: int) -> str:
    """The kind of a request, for the table (what was asked for, when ``status`` is 200)."""
    if status in (304, 404):
        return str(status)
    if status in (301, 302, 307, 308):
        return "redirect"
    page = pages.get(path) or pages.get(path.split("?")[0])
    if page is None:
        return "other"
    if page.kind == "article":
        return "article"
    if page.kind == "non-item":  # a real page of another site (even a home page or a listing there)
        return "other"
    if page.label == "calendar":
        return "trap"
    if page.label in LISTING_LABELS:
        return "listing"
    if path.split("?")[0] == "/feed/":
        return "feed"
    if page.label == "sitemap":
        return "sitemap"
    if path == "/robots.txt":
        return "robots"
    return "other"


# --- the crawls ---------------------------------------------------------------------------------

def crawl(tmp: Path, config: Path, phase: int) -> tuple[dict[str, Any], float]:
    out = tmp / f"summary-{phase}.json"
    env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1",
           "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid"),
           "PREFECT_HOME": str(tmp / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("HARVEST_CLEAN_WORKERS", None)
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "crawlers.run", SOURCE, "--config", str(config), "--corpus", str(tmp / "corpus"),
           "--summary", str(out), "--log-level", "WARNING"]
    print(f"crawl {phase}: $ python " + " ".join(cmd[1:]), file=sys.stderr)
    t0 = time.monotonic()
    run = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - t0
    if run.returncode != 0:
        print(f"crawl {phase} exited {run.returncode}:\n{run.stderr[-3000:]}", file=sys.stderr)
    summary = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return summary, seconds


def documents(corpus: Path) -> dict[str, tuple[str, str, int]]:
    """id -> (url, content hash, revisions) of the source's documents in the index."""
    if not (corpus / "index.sqlite").exists():
        return {}
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        revs = Counter(r[0] for r in db.execute("SELECT doc_id FROM revisions"))
        return {i: (u or "", h or "", revs[i]) for i, u, h in
                db.execute("SELECT id, url, content_hash FROM documents WHERE source = ?", (SOURCE,))}
    finally:
        db.close()


def stored_between(before: dict[str, tuple[str, str, int]], after: dict[str, tuple[str, str, int]]
                   ) -> tuple[list[str], list[str]]:
    """URLs of the documents a crawl added, and of those it stored again (content changed)."""
    added = sorted(after[i][0] for i in after if i not in before)
    changed = sorted(after[i][0] for i in after if i in before and (after[i][1], after[i][2]) != before[i][1:])
    return added, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=160, help="real articles on the site in crawls 1 and 2")
    parser.add_argument("--keep", metavar="DIR", help="keep the corpus, config, summaries and request log here")
    args = parser.parse_args()
    if not (CACHE / "evaldata.json").exists():
        raise SystemExit(f"the real pages are not unpacked in {CACHE}: run benchmarks/realpages.py once")
    from crawlers.netguard import install

    install()  # this process, too, talks to 127.0.0.1 only
    tmp_ctx = tempfile.TemporaryDirectory(prefix="harvest-onlynew-")
    tmp = Path(args.keep).resolve() if args.keep else Path(tmp_ctx.name)
    if args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    now = datetime.now(UTC)
    site = OnlyNewSite()
    base = site.base
    state_a, state_b, changes = build_states(base, args.articles, now)
    site.epoch = changes["start"] - timedelta(days=30)
    given = [parsedate_to_datetime(pg.headers["Last-Modified"]) for s in (state_a, state_b) for pg in s.pages.values()]
    given += [datetime.fromisoformat(d.decode()) for s in (state_a, state_b) for pg in s.pages.values()
              if pg.label == "sitemap" for d in re.findall(rb"<lastmod>([^<]+)</lastmod>", pg.body)]
    config = tmp / "sources.yaml"
    config.write_text(f"sources:\n  - name: {SOURCE}\n    url: {base}/\n    delay: 0\n", encoding="utf-8")
    corpus = tmp / "corpus"

    phases: list[tuple[str, State]] = [("1 first", state_a), ("2 unchanged", state_a), ("3 changed", state_b)]
    results: list[dict[str, Any]] = []
    snapshot = documents(corpus)
    with site:
        for number, (_, state) in enumerate(phases, start=1):
            site.pages, site.phase = state.pages, number
            summary, seconds = crawl(tmp, config, number)
            after = documents(corpus)
            added, changed = stored_between(snapshot, after)
            snapshot = after
            results.append({"summary": summary, "seconds": seconds, "added": added, "changed": changed})

    # --- the table ---
    counts = [Counter("304" if s == 304 else k for n, _, _, s, k in site.requests if n == number)
              for number in (1, 2, 3)]
    not_modified_by = [Counter(k for n, _, _, s, k in site.requests if n == number and s == 304)
                       for number in (1, 2, 3)]
    articles_200 = [sum(1 for n, _, _, s, k in site.requests if n == number and s == 200 and k == "article")
                    for number in (1, 2, 3)]
    totals = [sum(c.values()) for c in counts]
    n_a = len(state_a.articles)
    print(f"\nonly new items: a news site of {n_a} real articles (then {len(state_b.articles)}), "
          f"{changes['info']['non_items']} real non-items, served on {base}; site clock "
          f"{LAG.days} days behind: newest date given {max(given):%Y-%m-%d %H:%M} UTC, real time "
          f"{now:%Y-%m-%d %H:%M} UTC")
    print(f"crawl 3 changes: {NEW} new articles, 1 edited ({changes['edited']}); moved {changes['moved'][0]} -> "
          f"{changes['moved'][1]} (301); dead links on {len(changes['dead'])} articles\n")
    labels = [label for label, _ in phases]
    print(f"{'requests by kind':<18}" + "".join(f"{lab:>13}" for lab in labels) + f"{'total':>9}")
    for kind in KINDS:
        row = [c.get(kind, 0) for c in counts]
        print(f"{kind:<18}" + "".join(f"{v:>13}" for v in row) + f"{sum(row):>9}")
    print(f"{'all requests':<18}" + "".join(f"{v:>13}" for v in totals) + f"{sum(totals):>9}")
    print(f"{'  article 200':<18}" + "".join(f"{v:>13}" for v in articles_200) + f"{sum(articles_200):>9}")
    for number, c in enumerate(not_modified_by, start=1):
        if c:
            print(f"  304s of crawl {number} by kind: " + ", ".join(f"{k} {v}" for k, v in c.most_common()))
    print()
    print(f"{'summary':<18}" + "".join(f"{lab:>13}" for lab in labels))
    for key in ("new", "updated", "unchanged", "duplicate", "near_duplicate", "not_modified", "rechecked"):
        print(f"{key:<18}" + "".join(f"{r['summary'].get(key, '-')!s:>13}" for r in results))
    skipped = [r["summary"].get("skipped") or {} for r in results]
    print(f"{'skipped':<18}" + "".join(f"{sum(s.values()):>13}" for s in skipped))
    print(f"{'status':<18}" + "".join(f"{r['summary'].get('status', '-')!s:>13}" for r in results))
    print(f"{'wall time (s)':<18}" + "".join(f"{r['seconds']:>13.1f}" for r in results))
    for number, s in enumerate(skipped, start=1):
        if s:
            print(f"  skipped in crawl {number}: " + ", ".join(f"{k} {v}" for k, v in sorted(s.items())))
    errors = [r["summary"].get("errors") or {} for r in results]
    for number, e in enumerate(errors, start=1):
        if e:
            print(f"  errors in crawl {number}: " + ", ".join(f"{k} {v}" for k, v in sorted(e.items())))

    def path_of(url: str) -> str:
        path = url[len(base):] if url.startswith(base) else url
        return path if path.endswith("/") or "?" in path else path + "/"

    first = results[0]
    found_1 = {path_of(u) for u in first["added"]} & set(state_a.articles)
    print(f"\ncrawl 1 stored {len(first['added'])} documents, {len(found_1)} of the {n_a} articles")
    r2, r3 = results[1], results[2]
    print(f"crawl 2 stored {len(r2['added'])} new, {len(r2['changed'])} again"
          + (": " + ", ".join(path_of(u) for u in (r2["added"] + r2["changed"])[:10]) if r2["added"] + r2["changed"]
             else ""))
    added3 = {path_of(u) for u in r3["added"]}
    changed3 = {path_of(u) for u in r3["changed"]}
    stored3 = added3 | changed3
    wanted = changes["new"] | {changes["edited"]}
    print(f"crawl 3 stored {len(added3)} new, {len(changed3)} again; of the {NEW} new articles: "
          f"{len(added3 & changes['new'])}; the edited one as a revision: {changes['edited'] in changed3}")
    if stored3 - wanted:
        print("  stored and not changed on the site: " + ", ".join(sorted(stored3 - wanted)))
    if wanted - stored3:
        print("  changed on the site and not stored: " + ", ".join(sorted(wanted - stored3)))

    # --- targets ---
    s3 = r3["summary"]
    targets = [
        (f"crawl 2 requests <= 5 % of crawl 1's ({totals[1]} / {totals[0]} = "
         f"{totals[1] / max(1, totals[0]):.1%})", totals[1] <= 0.05 * totals[0]),
        (f"crawl 2 article bodies downloaded = 0 ({articles_200[1]})", articles_200[1] == 0),
        (f"crawl 3 stores exactly the {NEW} new + 1 edited (new {len(added3 & changes['new'])}/{NEW}, "
         f"edited {int(changes['edited'] in changed3)}/1, other {len(stored3 - wanted)})", stored3 == wanted
         and added3 == changes["new"] and changes["edited"] in changed3),
        (f"crawl 3 summary new = {NEW}, updated = 1 (new {s3.get('new')}, updated {s3.get('updated')})",
         s3.get("new") == NEW and s3.get("updated") == 1),
        (f"crawl 3 requests <= 40 ({totals[2]})", totals[2] <= 40),
    ]
    print("\ntargets:")
    for text, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    if args.keep:
        (tmp / "requests.json").write_text(json.dumps(
            {"base": base, "changes": {k: (sorted(v) if isinstance(v, set) else v) for k, v in changes.items()
                                       if k != "info"},
             "requests": [{"crawl": n, "method": m, "path": p, "status": s, "kind": k}
                          for n, m, p, s, k in site.requests],
             "summaries": [r["summary"] for r in results]}, indent=1, default=str), encoding="utf-8")
        print(f"\nkept in {tmp}", file=sys.stderr)
    else:
        tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
