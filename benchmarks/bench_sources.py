"""Benchmark: many sources, each on its own loopback address, crawled by one ``harvest crawl``.

    python benchmarks/bench_sources.py [--sites 36] [--articles 40] [--delay 1] [--singles 3]
                                       [--keep DIR]

The sites: ``--sites`` news sites, site N served on ``127.0.0.(N+1)`` (127.0.0.2, 127.0.0.3, …; Linux
routes all of 127/8 to the loopback device) by a threaded HTTP server of its own in this process,
each with ``--articles`` article pages made of the real pages of ../shared/realpages/ labelled as
items in benchmarks/item_labels.json (unpacked into benchmarks/.realpages/ as benchmarks/realpages.py
does; link-rewritten as benchmarks/realsite.py does, so that a link to an article of the same site
leads to its address there). Only pages whose trafilatura fast text has at least ``MIN_FAST_CHARS``
characters and whose text is mostly in ASCII letters (``MIN_ASCII_SHARE``: what the copies below can
change) are taken, each once (same bytes or same title: once), in a fixed order (by a hash of the
URL), and of those only the ones the project stores as items under their own URL, as saved and as a
copy, with texts ``MIN_COPY_BITS`` SimHash bits apart or more, and not for ``ORDER_DEPENDENT`` (a
calibration crawl, below): a page the crawl judges no item, or a duplicate, or whose copies would be
duplicates of each other, or one stored or not as the site's other items come before or after it,
would say nothing of many sources (benchmarks/realsite.py measures that). The articles of all sites
are one sequence over those pages, first as saved, then again in copies whose text nodes have their
letters substituted (``bench_realcost.substitute_letters``, one permutation per copy): every site gets
different pages or copies, and no article is a near-duplicate of another across the sites. Each site
has a home page (``/``, the latest five articles), a news listing of ten articles a page (``/news/``,
``/news/page/N/``), robots.txt naming its sitemap (``/sitemap.xml``, every article with its
``lastmod``), an RSS feed of the latest ten (``/feed/``, linked from every page's head) and the
articles at ``/news/<n>-<slug>/``.

The calibration: one site on 127.0.0.2 with every such page as saved and in a copy, crawled by
``python -m crawlers.run`` with ``delay: 0`` (not measured); which pages it stored, and why, is kept in
benchmarks/.realpages/bench-sources-stored.json for the same pages and the same code of crawlers/
and storage/.

The sources file has one source per site (``site01``…, ``url`` the site's home, ``delay:
--delay``: politeness on). A real ``prefect server start`` (a temporary ``PREFECT_HOME``, UI and
analytics off) is started by this script; every crawl below runs against it (``PREFECT_API_URL``),
with ``HARVEST_LOOPBACK_ONLY=1`` and otherwise the CLI's defaults, one after the other:

a) ``harvest crawl --config sources.yaml --corpus A``: every source in one run;
b) ``harvest crawl S --config sources.yaml --corpus B_S`` for the ``--singles`` sources with the most
   article bytes (the cleaning is what differs between the sites: they have the same pages
   otherwise), each alone into an empty corpus, and up to ``MISSING_ALONE`` sources that a) stored
   fewer articles of (what the crawl alone decides on those articles is printed beside a)'s); the
   slowest of them is the one a) is held against.

Each is measured with ``bench_speed.run_measured``: wall time of the whole command (start-up
included), CPU of its process tree, peak PSS of its process tree (the Prefect server, not in that
tree, apart). From the servers' side, every request's start and end (``time.monotonic``) give, over
the wall time of a): the hosts with a request in flight at once (max, and mean over time) and,
sampled every 0.1 s, the hosts fetched in the last two delays and the hosts whose crawl is under
way (between their first and last request of the run). From the index of corpus A: documents
stored per source, articles not stored (with the crawl state's reason), documents stored twice
(same URL) and non-articles stored. From the Prefect API: the flow run of a) and its task runs
(names and states).

Targets (from the issue), printed with PASS / FAIL: a)'s wall time <= ``RATIO_TARGET`` x the
slowest single source's; a)'s peak PSS <= ``PSS_TARGET_MB``; every article stored, once (sites x
articles documents, none twice); one task run per source in a)'s flow run.
"""

from __future__ import annotations

import argparse
import hashlib
import html as htmlmod
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

MIN_FAST_CHARS = 1000  # trafilatura fast text of a page taken as an article (characters, at least)
MIN_ASCII_SHARE = 0.5  # of a page's text, in ASCII letters (see ascii_share)
# A reason of a stored page that makes its storing depend on the crawl's order: the page says it is
# another type, and is taken for its URL's likeness to the source's items stored before it.
ORDER_DEPENDENT = "markers:other-type"
MIN_COPY_BITS = 16  # SimHash bits between the stored texts of a page and its copy, at least
PER_LISTING = 10  # articles per page of the news listing
HOME_LATEST = 5  # articles linked from the home page
FEED_SIZE = 10  # articles in the RSS feed
TIMELINE = 20  # parts of a)'s wall time in the timeline of the hosts being fetched
RATIO_TARGET = 1.3
MISSING_ALONE = 4  # sources with an article a) did not store, crawled alone too (at most)
PSS_TARGET_MB = 600
SAMPLE_S = 0.1  # sampling step of the hosts being fetched
FLOW_NAME = "harvest-crawl"  # flows.pipeline.FLOW_NAME (not imported: this process stays without Prefect)
START = datetime(2024, 6, 28, 9, 0, tzinfo=UTC)


# --- the sites ----------------------------------------------------------------------------------

@dataclass
class Request:
    """One request as the site's server saw it: when its answer started and ended."""

    start: float
    end: float
    path: str
    status: int


@dataclass
class Host:
    """One site on its own loopback address: its pages, served by a threaded HTTP server; every
    request is recorded with its start and end time."""

    index: int
    ip: str
    source: str = ""  # the source's name (default: site01, site02…)
    pages: dict[str, Any] = field(default_factory=dict)  # path -> realsite.Page
    articles: list[str] = field(default_factory=list)  # paths of the article pages
    article_bytes: int = 0
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.source or f"site{self.index + 1:02d}"

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://{self.ip}:{self.server.server_address[1]}"

    def bind(self) -> None:
        """Bind the server to this host's address (a free port), not serving yet."""
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, send_body: bool) -> None:
                start = time.monotonic()
                page = host.pages.get(self.path) or host.pages.get(self.path.split("?")[0])
                body = page.body if page else b"<html><body><h1>Not Found</h1></body></html>"
                status = page.status if page else 404
                self.send_response(status)
                self.send_header("Content-Type", page.ctype if page else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)
                self.wfile.flush()
                with host.lock:
                    host.requests.append(Request(start, time.monotonic(), self.path, status))

            def do_GET(self) -> None:  # noqa: N802
                self.answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self.answer(False)

        self.server = ThreadingHTTPServer((self.ip, 0), Handler)
        self.server.daemon_threads = True

    def start(self) -> None:
        assert self.server is not None
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.5},
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def requests_between(self, t0: float, t1: float) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if t0 <= r.start <= t1]


def ascii_share(data: bytes) -> float:
    """The share of ASCII letters among the non-blank bytes of a page's text nodes: what the
    letter substitution of the copies can change (a page written in another script, or in
    character references, would stay the same in every copy)."""
    from bench_realcost import _NOT_TEXT

    text = b"".join(_NOT_TEXT.split(data)[::2])
    letters = sum(1 for c in text if 65 <= c <= 90 or 97 <= c <= 122)
    return letters / max(1, sum(1 for c in text if c > 32))


def candidates() -> list[tuple[str, bytes, str]]:
    """The real pages that may be articles: (set URL, bytes as saved, content type), long enough,
    mostly in ASCII letters, each once (same bytes or same title: once), in a fixed order."""
    from realpages import CACHE, load_pages
    from realsite import LABELS, _digest, content_type, fast_lengths, page_title

    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    items = sorted(((u, i, p) for u, i, p in load_pages(CACHE) if labels.get(u, {}).get("item")),
                   key=lambda t: _digest(t[0]))
    lengths = fast_lengths(items)
    out: list[tuple[str, bytes, str]] = []
    seen: set[str] = set()
    for url, _item, path in items:
        if lengths.get(url, 0) < MIN_FAST_CHARS:
            continue
        data = path.read_bytes()
        keys = {hashlib.sha256(data).hexdigest(), " ".join(page_title(data).lower().split()) or url}
        if keys & seen or ascii_share(data) < MIN_ASCII_SHARE:
            continue
        seen |= keys
        out.append((url, data, content_type(data)))
    return out


def fill_host(host: Host, entries: list[tuple[str, bytes, str, int]]) -> None:
    """A host's pages: its articles, ``entries`` (set URL, bytes as saved, content type, copy:
    0 as saved, else letter-substituted with that copy's permutation), and the site around them."""
    from bench_realcost import letter_table, substitute_letters
    from realsite import _CANONICAL, Page, _url_key, rewrite, slug_for

    used: set[str] = set()
    ours: dict[str, str] = {}
    paths: list[str] = []
    for k, (url, data, _ctype, _copy) in enumerate(entries):
        slug = slug_for(url, f"news item {k + 1}", used)[:60].strip("-")
        path = f"/news/{k + 1}-{slug}/"
        paths.append(path)
        ours.setdefault(_url_key(url), path)  # a link to a page of the set: its first copy on this site
        m = _CANONICAL.search(data)
        if m:
            ours.setdefault(_url_key(htmlmod.unescape(next(g for g in m.groups() if g).decode("latin-1"))), path)
    tables: dict[int, bytes] = {}
    for path, (url, data, ctype, copy) in zip(paths, entries):
        body = rewrite(data, url, host.base, ours)
        if copy:
            body = substitute_letters(body, tables.setdefault(copy, letter_table(copy)))
        host.pages[path] = Page(path, body, ctype, "article", orig=url)
        host.articles.append(path)
        host.article_bytes += len(body)
    add_site_pages(host, Page)


def build_sites(hosts: list[Host], n_articles: int, real: list[tuple[str, bytes, str]]) -> int:
    """Every host's pages (see the module doc); returns the copies made of the real pages."""
    for host in hosts:
        fill_host(host, [(*real[i % len(real)], i // len(real))
                         for i in range(host.index * n_articles, (host.index + 1) * n_articles)])
    return -(-len(hosts) * n_articles // len(real))


def calibrated(real: list[tuple[str, bytes, str]], tmp: Path) -> list[tuple[str, bytes, str]]:
    """The pages of ``real`` that the project stores as items, each under its own URL, as saved
    and as a letter-substituted copy: one site on 127.0.0.2 holding both of every page, crawled by
    ``python -m crawlers.run`` (``delay: 0``: this crawl is not measured). A page it does not store
    (judged no item, or a duplicate of another page of the set) would say nothing of many sources,
    nor would one whose copy's text is close to its own (fewer than ``MIN_COPY_BITS`` SimHash bits
    apart: its text taken from what the copies leave as is, a script's JSON-LD, attributes);
    nor would one stored for ``ORDER_DEPENDENT`` (stored or not as the site's other items come
    before or after it: in a small site, sometimes not, crawled alone or not). Kept in
    benchmarks/.realpages/ for the same pages and the same code of crawlers/ and storage/."""
    from realpages import CACHE
    from storage.ids import canonical_url

    digest = hashlib.sha256()
    for url, _data, _ctype in real:
        digest.update(url.encode() + b"\n")
    for folder in ("crawlers", "storage"):
        for file in sorted((ROOT / folder).rglob("*.py")):
            digest.update(file.read_bytes())
    key = f"{MIN_FAST_CHARS} {MIN_COPY_BITS} {ORDER_DEPENDENT} {digest.hexdigest()}"
    cache = CACHE / "bench-sources-stored.json"
    if cache.exists() and (saved := json.loads(cache.read_text(encoding="utf-8"))).get("key") == key:
        known = set(saved["stored"])
        return [r for r in real if r[0] in known]
    host = Host(0, "127.0.0.2", source="calibration")
    host.bind()
    fill_host(host, [(*r, copy) for copy in (0, 1) for r in real])
    config = tmp / "calibration.yaml"
    n = len(host.articles)
    config.write_text(f"sources:\n  - name: {host.name}\n    url: {host.base}/\n    delay: 0\n"
                      f"    max_pages: {2 * n + 100}\n    max_listing_pages: {n}\n", encoding="utf-8")
    corpus = tmp / "corpus-calibration"
    env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1",
           "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid")}
    print(f"calibration: {n} pages ({len(real)} real pages as saved and in a copy) crawled once on {host.base} "
          "(python -m crawlers.run, delay 0) …", file=sys.stderr)
    t0 = time.monotonic()
    host.start()
    try:
        run = subprocess.run([sys.executable, "-m", "crawlers.run", host.name, "--config", str(config), "--corpus",
                              str(corpus), "--summary", str(tmp / "calibration-summary.json"), "--log-level",
                              "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    finally:
        host.stop()
    if run.returncode != 0:
        raise SystemExit(f"calibration crawl exited {run.returncode}: {run.stderr[-2000:]}")
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        docs = {canonical_url(u): (json.loads(w or "[]"), h)
                for u, w, h in db.execute("SELECT url, why, simhash FROM documents")}
    finally:
        db.close()
    n_real = len(real)
    both = far = 0
    kept = []
    for j, r in enumerate(real):  # the page as saved at host.articles[j], its copy at [j + n_real]
        saved, copy = (docs.get(canonical_url(host.base + host.articles[j + c * n_real])) for c in (0, 1))
        if saved is None or copy is None:
            continue
        both += 1
        if bin(((saved[1] or 0) ^ (copy[1] or 0)) & (2**64 - 1)).count("1") < MIN_COPY_BITS:
            continue
        far += 1
        if ORDER_DEPENDENT not in saved[0] and ORDER_DEPENDENT not in copy[0]:
            kept.append(r)
    print(f"calibration: {both} of {len(real)} real pages stored as saved and as a copy, {far} of them with "
          f"texts {MIN_COPY_BITS}+ SimHash bits apart, {len(kept)} of those not for {ORDER_DEPENDENT} "
          f"({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    cache.write_text(json.dumps({"key": key, "stored": [r[0] for r in kept]}), encoding="utf-8")
    return kept


def add_site_pages(host: Host, page_cls: Any) -> None:
    """The home page, the news listing with its pagination, robots.txt, the sitemap and the feed."""
    base, paths = host.base, host.articles
    title = f"Council {host.index + 1}"

    def html_page(path: str, heading: str, main: str) -> None:
        body = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{heading} - {title}</title>'
                '<link rel="alternate" type="application/rss+xml" title="News" href="/feed/"></head>\n'
                '<body><header><a href="/">Home</a> <a href="/news/">News</a></header>\n<main>\n'
                f"<h1>{heading}</h1>\n{main}</main>\n<footer>{title}</footer></body></html>\n")
        host.pages[path] = page_cls(path, body.encode("utf-8"), "text/html; charset=utf-8", "generated", "listing")

    def date(k: int) -> datetime:
        return START - timedelta(hours=7 * k + host.index)

    def teaser(k: int) -> str:
        return (f'<article><h2><a href="{paths[k]}">News item {k + 1}</a></h2>'
                f'<time datetime="{date(k).isoformat()}">{date(k):%d %B %Y}</time></article>\n')

    listing = [list(range(k, min(k + PER_LISTING, len(paths)))) for k in range(0, len(paths), PER_LISTING)]
    for number, chunk in enumerate(listing, start=1):
        here = "/news/" if number == 1 else f"/news/page/{number}/"
        nav = " ".join(f'<a class="page-numbers" href="/news/{"" if n == 1 else f"page/{n}/"}">{n}</a>'
                       for n in range(1, len(listing) + 1) if n != number)
        if number < len(listing):
            nav += f' <a class="next page-numbers" href="/news/page/{number + 1}/">Next</a>'
        html_page(here, "News" if number == 1 else f"News - page {number}",
                  "".join(teaser(k) for k in chunk) + f'<nav class="pagination">{nav}</nav>\n')
    html_page("/", title, "".join(teaser(k) for k in range(min(HOME_LATEST, len(paths))))
              + '<p><a href="/news/">All news</a></p>\n')
    host.pages["/robots.txt"] = page_cls("/robots.txt", f"User-agent: *\nDisallow:\n\nSitemap: {base}/sitemap.xml\n"
                                         .encode(), "text/plain; charset=utf-8", "file", "file")
    entries = "".join(f"<item><title>News item {k + 1}</title><link>{base}{paths[k]}</link><guid>{base}{paths[k]}"
                      f"</guid><pubDate>{date(k):%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
                      for k in range(min(FEED_SIZE, len(paths))))
    host.pages["/feed/"] = page_cls("/feed/", (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{title} - News</title>'
        f"<link>{base}/news/</link><description>News of {title}</description>{entries}</channel></rss>\n"
    ).encode(), "application/rss+xml; charset=UTF-8", "file", "file")
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{date(k).isoformat()}</lastmod></url>"
                   for k, p in enumerate(paths))
    host.pages["/sitemap.xml"] = page_cls("/sitemap.xml", (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>\n").encode(), "application/xml; charset=UTF-8", "file", "file")


def write_config(path: Path, hosts: list[Host], delay: float) -> None:
    lines = ["sources:"]
    for host in hosts:
        lines += [f"  - name: {host.name}", f"    url: {host.base}/", f"    delay: {delay:g}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- Prefect ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """A real ``prefect server start`` on 127.0.0.1 (as tests/conftest.py's ``prefect_server``
    starts one), its own ``PREFECT_HOME``, UI and analytics off, its log in ``server.log``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = home / "server.log"

    def __enter__(self) -> PrefectServer:
        import httpx

        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                      "--port", str(self.port)], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"prefect server exited: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        self.__exit__()
        raise SystemExit("prefect server did not start in 180 s")

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        import httpx

        reply = httpx.post(f"{self.api}{path}", json=body, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def flow_run_of(self, corpus: Path) -> dict[str, Any] | None:
        """The flow run of the crawl flow whose ``corpus`` parameter is ``corpus``."""
        runs = self.post("/flow_runs/filter", {"flows": {"name": {"any_": [FLOW_NAME]}}, "limit": 200})
        found = [r for r in runs if str((r.get("parameters") or {}).get("corpus")) == str(corpus)]
        return found[-1] if found else None

    def task_runs(self, flow_run_id: str, expected: int) -> list[dict[str, Any]]:
        """The flow run's task runs; asked again for a while until there are ``expected`` in a final
        state (the server records them from the run's events, a moment after they happen)."""
        runs: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = self.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run_id]}}, "limit": 200})
            final = [r for r in runs if (r.get("state_type") or "") in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")]
            if len(final) >= expected:
                break
            time.sleep(2)
        return runs


# --- the crawls ---------------------------------------------------------------------------------

@dataclass
class Run:
    """One measured ``harvest crawl``."""

    label: str
    sources: list[str]
    corpus: Path
    t0: float = 0.0
    t1: float = 0.0
    seconds: float = 0.0
    pss_mb: float = 0.0
    cpu_s: float = 0.0
    requests: int = 0
    stored: int = 0


def crawl(run: Run, config: Path, env: dict[str, str], hosts: list[Host], cwd: Path) -> None:
    """``harvest crawl`` of ``run.sources`` (all: no name given) into ``run.corpus``, measured."""
    import bench_speed

    cmd = [sys.executable, "-m", "flows.cli", "crawl", *run.sources, "--config", str(config),
           "--corpus", str(run.corpus)]
    print("$ " + " ".join(c if c != sys.executable else "python" for c in cmd), file=sys.stderr)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        run.t0 = time.monotonic()
        run.seconds, _rss, pss = bench_speed.run_measured(cmd, cwd=cwd)
        run.t1 = time.monotonic()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    run.pss_mb = pss / 2**20
    run.cpu_s = bench_speed.CPU["main"] + bench_speed.CPU["workers"]
    run.requests = sum(len(h.requests_between(run.t0, run.t1)) for h in hosts)
    run.stored = stored_documents(run.corpus)


def stored_documents(corpus: Path) -> int:
    if not (corpus / "index.sqlite").exists():
        return 0
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    finally:
        db.close()


# --- the figures --------------------------------------------------------------------------------

def in_flight(hosts: list[Host], t0: float, t1: float) -> tuple[int, float]:
    """Hosts with a request in flight at once over [t0, t1]: the max and the mean over time."""
    events: list[tuple[float, int, int]] = []  # time, +1/-1 (ends first at the same time), host
    for h in hosts:
        for r in h.requests_between(t0, t1):
            events += [(r.start, 1, h.index), (max(r.end, r.start), -1, h.index)]
    events.sort(key=lambda e: (e[0], e[1]))
    open_per_host: Counter[int] = Counter()
    busy = peak = 0
    area, last = 0.0, t0
    for t, step, index in events:
        area += busy * (t - last)
        last = t
        before = open_per_host[index] > 0
        open_per_host[index] += step
        busy += (open_per_host[index] > 0) - before
        peak = max(peak, busy)
    area += busy * (t1 - max(last, t0))
    return peak, area / max(1e-9, t1 - t0)


def sampled(hosts: list[Host], t0: float, t1: float, window: float) -> tuple[dict[str, tuple[int, float]], list[int]]:
    """Every ``SAMPLE_S`` over [t0, t1]: hosts with a request started in the last ``window``
    seconds, hosts whose crawl is under way (between their first and last request of the run);
    (max, mean) of each, and the first one's series."""
    starts = {h.index: sorted(r.start for r in h.requests_between(t0, t1)) for h in hosts}
    spans = {i: (s[0], s[-1]) for i, s in starts.items() if s}
    recent, active = [], []
    steps = int((t1 - t0) / SAMPLE_S) + 1
    import bisect

    for k in range(steps):
        t = t0 + k * SAMPLE_S
        recent.append(sum(1 for s in starts.values()
                          if s and bisect.bisect_right(s, t) > bisect.bisect_right(s, t - window)))
        active.append(sum(1 for a, b in spans.values() if a <= t <= b))

    def stat(series: list[int]) -> tuple[int, float]:
        return (max(series), sum(series) / len(series)) if series else (0, 0.0)

    return {"recent": stat(recent), "active": stat(active)}, recent


def index_report(corpus: Path, hosts: list[Host]) -> dict[str, Any]:
    """What corpus A's index holds: per source, articles stored, missing (with the crawl state's
    reason), documents stored twice by URL, documents that are no article."""
    from storage.ids import canonical_url

    db = sqlite3.connect(corpus / "index.sqlite")
    db.row_factory = sqlite3.Row
    try:
        docs = [dict(r) for r in db.execute("SELECT id, url, canonical_url, source FROM documents")]
        states = {r["url"]: dict(r) for r in db.execute("SELECT url, source, status, reason FROM urls")}
    finally:
        db.close()
    by_url = Counter(canonical_url(d["url"] or "") for d in docs)
    twice = {u: n for u, n in by_url.items() if n > 1}
    articles = {canonical_url(h.base + p): (h, p) for h in hosts for p in h.articles}
    stored = {u for u in by_url if u in articles}
    missing = []
    for url, (h, p) in articles.items():
        if url not in stored:
            st = states.get(url)
            missing.append((h.name, p, f"{st['status']}: {st['reason']}" if st else "no crawl state (never fetched?)",
                            h.pages[p].orig))
    others = sorted(u for u in by_url if u not in articles)
    per_source = Counter(d["source"] for d in docs)
    return {"documents": len(docs), "articles_stored": len(stored), "twice": twice, "missing": missing,
            "others": others, "per_source": per_source}


def state_of(corpus: Path, url: str) -> str:
    """What a corpus's index says of a URL: stored, or its crawl state and reason."""
    from storage.ids import canonical_url

    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        key = canonical_url(url)
        if any(canonical_url(u or "") == key for (u,) in db.execute("SELECT url FROM documents")):
            return "stored"
        row = db.execute("SELECT status, reason FROM urls WHERE url = ?", (key,)).fetchone()
    finally:
        db.close()
    return f"{row[0]}: {row[1]}" if row else "no crawl state"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=36, help="sites, one per loopback address (default 36)")
    parser.add_argument("--articles", type=int, default=40, help="articles per site (default 40)")
    parser.add_argument("--delay", type=float, default=1.0, help="each source's delay, seconds (default 1)")
    parser.add_argument("--singles", type=int, default=3,
                        help="sources crawled alone, those with the most article bytes (default 3; --sites: all)")
    parser.add_argument("--keep", metavar="DIR", help="keep the corpora, the sources file, logs and a report here")
    args = parser.parse_args()
    if not 1 <= args.sites <= 250:
        parser.error("--sites must be 1 to 250 (127.0.0.2 to 127.0.0.251)")
    if args.delay <= 0:
        parser.error("--delay must be positive: politeness on")
    singles = max(1, min(args.singles, args.sites))

    from bench_speed import tree_memory
    from realpages import ARCHIVE, CACHE, unpack

    unpack(ARCHIVE, CACHE)
    from crawlers.netguard import install

    install()  # this process talks to loopback only

    tmp_ctx = tempfile.TemporaryDirectory(prefix="harvest-sources-")
    tmp = Path(args.keep).resolve() if args.keep else Path(tmp_ctx.name)
    if args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    hosts = [Host(i, f"127.0.0.{i + 2}") for i in range(args.sites)]
    for h in hosts:
        try:
            h.bind()
        except OSError as exc:
            raise SystemExit(f"cannot bind {h.ip}: {exc} (is 127/8 routed to the loopback device?)") from None
    real = calibrated(candidates(), tmp)
    n_real = len(real)
    t_build = time.monotonic()
    copies = build_sites(hosts, args.articles, real)
    total_mb = sum(h.article_bytes for h in hosts) / 2**20
    print(f"{args.sites} sites on {hosts[0].ip} … {hosts[-1].ip}: {args.articles} articles each "
          f"({n_real} real pages, {copies - 1} letter-substituted copies), {total_mb:.0f} MB of article HTML; "
          f"built in {time.monotonic() - t_build:.0f} s", file=sys.stderr)
    config = tmp / "sources.yaml"
    write_config(config, hosts, args.delay)
    by_weight = sorted(hosts, key=lambda h: -h.article_bytes)[:singles]

    for h in hosts:
        h.start()
    try:
        with PrefectServer(tmp / "prefect-server") as prefect:
            env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1", "PREFECT_API_URL": prefect.api,
                   "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid"),
                   "PREFECT_HOME": str(tmp / "prefect-client"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
            for key in ("HARVEST_CONFIG", "HARVEST_CORPUS", "HARVEST_CLEAN_WORKERS"):
                env.pop(key, None)
            print(f"prefect server {prefect.api}", file=sys.stderr)
            everything = Run("a) harvest crawl, every source", [], tmp / "corpus-all")
            crawl(everything, config, env, hosts, tmp)
            server_pss = tree_memory(prefect.proc.pid)[1] / 2**20 if prefect.proc else 0.0
            flow_run = prefect.flow_run_of(everything.corpus)
            task_runs = prefect.task_runs(flow_run["id"], args.sites) if flow_run else []
            report = index_report(everything.corpus, hosts)
            lacking = [h for h in hosts if h not in by_weight and any(m[0] == h.name for m in report["missing"])]
            alone: list[Run] = []
            for h in by_weight + lacking[:MISSING_ALONE]:
                run = Run(f"b) harvest crawl {h.name}", [h.name], tmp / f"corpus-{h.name}")
                crawl(run, config, env, hosts, tmp)
                alone.append(run)
    finally:
        for h in hosts:
            h.stop()

    # --- report ---
    t0, t1 = everything.t0, everything.t1
    peak_flight, mean_flight = in_flight(hosts, t0, t1)
    stats, series = sampled(hosts, t0, t1, 2 * args.delay)
    requests_a = {h.name: h.requests_between(t0, t1) for h in hosts}
    statuses = Counter(r.status for rs in requests_a.values() for r in rs)
    slowest = max(alone, key=lambda r: r.seconds)
    ratio = everything.seconds / slowest.seconds
    expected = args.sites * args.articles

    print(f"\nMany sources: {args.sites} sites on {args.sites} loopback addresses ({hosts[0].ip} … {hosts[-1].ip}), "
          f"{args.articles} articles each ({n_real} real pages of ../shared/realpages/, then letter-substituted "
          f"copies; {total_mb * 1024 / max(1, expected):.0f} KB/article), delay {args.delay:g} s; "
          f"{os.cpu_count()} cores; Prefect server {prefect.api}\n")
    header = (f"{'run':<36} {'sources':>7} {'wall s':>7} {'stored':>7} {'requests':>9} {'CPU s':>7} "
              f"{'peak PSS MB':>12}")
    print(header)
    print("-" * len(header))
    for r in [everything, *alone]:
        print(f"{r.label:<36} {len(r.sources) or args.sites:>7} {r.seconds:>7.1f} {r.stored:>7} {r.requests:>9} "
              f"{r.cpu_s:>7.1f} {r.pss_mb:>12.0f}")
    print(f"(wall: the whole command, start-up included; CPU: user + system of the command's process tree; "
          f"peak PSS: that tree, sampled once a second; the Prefect server apart: {server_pss:.0f} MB PSS after a))")
    print(f"\na) / slowest single source ({slowest.label.split()[-1]}, {slowest.seconds:.1f} s): {ratio:.2f}x "
          f"(single sources: {', '.join(f'{r.sources[0]} {r.seconds:.1f} s' for r in alone)}; the sum of "
          f"{args.sites} such crawls one after the other would be about {args.sites * slowest.seconds:.0f} s)")

    print(f"\nhosts being fetched during a) ({t1 - t0:.1f} s, from the servers' request start and end times):")
    print(f"  with a request in flight at once: max {peak_flight}, mean {mean_flight:.3f}")
    print(f"  with a request started in the last {2 * args.delay:g} s (sampled every {SAMPLE_S:g} s): "
          f"max {stats['recent'][0]}, mean {stats['recent'][1]:.2f}")
    print(f"  whose crawl is under way (between its first and last request; sampled every {SAMPLE_S:g} s): "
          f"max {stats['active'][0]}, mean {stats['active'][1]:.2f}")
    parts = [series[len(series) * k // TIMELINE:len(series) * (k + 1) // TIMELINE] for k in range(TIMELINE)]
    print(f"  timeline, hosts with a request started in the last {2 * args.delay:g} s, mean over each "
          f"{100 // TIMELINE}% of the run: " + " ".join(f"{sum(p) / len(p):.1f}" if p else "-" for p in parts))
    spans = sorted((rs[0].start - t0, rs[-1].start - t0, h) for h, rs in
                   ((h, sorted(requests_a[h], key=lambda r: r.start)) for h in requests_a) if rs)
    if spans:
        first_start, last_start = spans[0][0], max(s[0] for s in spans)
        last_request = max(s[1] for s in spans)
        print(f"  first request of a source: {first_start:.1f} s after start; the last source's first request: "
              f"{last_start:.1f} s; the last request of all: {last_request:.1f} s (the command ended "
              f"{everything.seconds - last_request:.1f} s after it)")
    print(f"  requests: {sum(len(rs) for rs in requests_a.values())} "
          f"({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}), "
          f"{sum(len(rs) for rs in requests_a.values()) / args.sites:.1f} per source")

    per_source = report["per_source"]
    print(f"\ncorpus of a): {report['documents']} documents, {report['articles_stored']} of {expected} articles "
          f"stored; documents stored twice (same URL): {len(report['twice'])}; other documents: "
          f"{len(report['others'])}")
    short = [h.name for h in hosts if per_source.get(h.name, 0) != args.articles]
    if short:
        print("  sources with another count than " + str(args.articles) + ": "
              + ", ".join(f"{n} {per_source.get(n, 0)}" for n in short))
    corpora = {r.sources[0]: r.corpus for r in alone}
    for name, path, why, orig in report["missing"][:40]:
        host = next(h for h in hosts if h.name == name)
        there = (f"; crawled alone: {state_of(corpora[name], host.base + path)}" if name in corpora
                 else "; not crawled alone")
        print(f"  missing {name} {path}: {why}{there}  ({orig})")
    for url, n in list(report["twice"].items())[:20]:
        print(f"  stored {n}x: {url}")
    for url in report["others"][:20]:
        print(f"  not an article: {url}")

    names = Counter(str(r.get("name")) for r in task_runs)
    state_names = Counter(str(r.get("state_name") or r.get("state_type")) for r in task_runs)
    want = {f"crawl-{h.name}" for h in hosts}
    per_source_ok = len(task_runs) == args.sites and set(names) == want and all(n == 1 for n in names.values())
    print(f"\nPrefect: flow run {flow_run['name'] if flow_run else '(not found)'} "
          f"({(flow_run or {}).get('state_name', '-')}): {len(task_runs)} task runs "
          f"({', '.join(f'{s}: {n}' for s, n in state_names.most_common()) or '-'}), "
          f"{len(set(names) & want)} of {args.sites} sources with a task run"
          + (f"; more than one: {', '.join(n for n, c in names.items() if c > 1)}" if any(c > 1 for c in
                                                                                         names.values()) else ""))

    print("\nTARGETS")
    print(f"  wall of a) {everything.seconds:.1f} s <= {RATIO_TARGET} x slowest single {slowest.seconds:.1f} s = "
          f"{RATIO_TARGET * slowest.seconds:.1f} s ({ratio:.2f}x): {verdict(ratio <= RATIO_TARGET)}")
    print(f"  peak PSS of a) {everything.pss_mb:.0f} MB <= {PSS_TARGET_MB} MB: "
          f"{verdict(everything.pss_mb <= PSS_TARGET_MB)}")
    once = report["articles_stored"] == expected and not report["twice"] and report["documents"] == expected
    print(f"  {expected:,} articles stored, each once: {report['articles_stored']:,} stored, "
          f"{len(report['twice'])} twice, {len(report['others'])} others: {verdict(once)}")
    print(f"  one task run per source: {len(task_runs)} task runs for {args.sites} sources "
          f"({len(set(names) & want)} distinct sources): {verdict(per_source_ok)}")

    if args.keep:
        (tmp / "report.json").write_text(json.dumps({
            "runs": [{k: str(v) if isinstance(v, Path) else v for k, v in r.__dict__.items()}
                     for r in [everything, *alone]],
            "in_flight": {"max": peak_flight, "mean": mean_flight}, "sampled": stats,
            "index": {**report, "per_source": dict(per_source)}, "flow_run": flow_run, "task_runs": task_runs,
            "requests": {n: [[r.start - t0, r.end - t0, r.path, r.status] for r in rs] for n, rs in requests_a.items()},
        }, indent=1, default=str), encoding="utf-8")
        print(f"\nkept in {tmp}", file=sys.stderr)
    else:
        tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
