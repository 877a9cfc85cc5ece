"""Benchmark: cost per page on real pages, every figure side by side from one run.

    python benchmarks/bench_realcost.py [--pages 5000] [--workers 2] [--profile-pages 500]
                                        [--no-profile] [--no-harvest] [--rounds 1] [--work-dir DIR]

The site, served on 127.0.0.1 by the threaded HTTP server of benchmarks/realsite.py (``Site``) in
this process, politeness off (``delay: 0``, loopback only): ``--pages`` article pages made of the
real pages of ../shared/realpages/ labelled as items in benchmarks/item_labels.json (unpacked into
benchmarks/.realpages/ as benchmarks/realpages.py does; chosen and link-rewritten as
benchmarks/realsite.py does), each first as saved, then again in copies whose text nodes have their
letters substituted (a deterministic permutation of a-z, one per copy, upper case alike; tags,
attributes, URLs, scripts, styles, comments and entities untouched): the DOM weighs the same and no
copy is a near-duplicate of another. Articles live at ``/en/news-item-<n>-<slug>/``; the site
around them is a home page (``/en/``), a news listing of 100 articles a page (``/en/news/``,
``/en/news/page/N/``), robots.txt naming a sitemap index of sitemaps of 1,000 URLs each.

Measured, each in its own process(es), on the same pages, one after the other:
1. raw cleaning, default mode and fast mode (``crawlers.cleaning.FAST``): the project's
   ``crawlers.cleaner.clean_job`` with ``CleanOptions`` as the crawl sends them for a page a
   sitemap lists (min 80 chars, no article rule, the served charset, its links to PDFs), in a
   pool of ``--workers`` cleaning workers (``crawlers.cleaner.cleaning_pool``: forked from the
   fork server), each worker reading its pages from disk; pool start-up and one warm-up page per worker not counted;
   then, the same way, ``trafilatura.extract`` alone (the page's bytes and URL, its default
   settings, then ``fast=True``): what trafilatura's own extraction costs on these pages, beside
   the project's cleaning (which runs trafilatura, and its own steps around it);
2. bare fetch: benchmarks/fetch_floor_spider.py (plain Scrapy, downloads the article URLs and
   does nothing else);
3. naive: benchmarks/naive_spider.py (Scrapy CrawlSpider, ``trafilatura.extract`` in the
   callback, JSONL out), from the news listing;
4. the project: ``python -m crawlers.run`` into an empty corpus (its default cleaning workers),
   and ``harvest crawl SOURCE`` (``python -m flows.cli crawl``: the CLI and the crawl process it
   starts, with the local Prefect server running already, as after a user's first crawl; the
   server's CPU during the crawl is added to the crawl's, its PSS printed apart) into another
   empty corpus;
5. raw cleaning, default mode, again, as in 1.: the machine's speed may drift between 1. and the
   crawls (on a shared host the same raw cleaning measured 30 to 55 ms a page within two hours),
   and the CPU target takes the mean of the raw cleaning before and after the crawls.

For each: CPU ms per page of all its processes (user + system from /proc/PID/stat of the process
and its descendants, sampled every 0.2 s until it exits: ``bench_speed.run_measured``; for the raw
cleaning, the pool workers' CPU before and after), the site server's CPU (this process's own CPU
while the command ran: the server threads and the sampler) apart, wall pages/s (pages stored, or
cleaned, or fetched, per second of the whole command including its start-up), and peak PSS
(``bench_speed.tree_memory``: /proc/PID/smaps_rollup summed over the process tree, once a second).

Interleaved rounds (``--rounds N``, N > 1): the CPU target held against the machine's drift. Round
1 is the run above: the raw cleaning and ``trafilatura.extract`` alone before the crawls, the bare
fetch, ``python -m crawlers.run``, then after the crawls the two again, paired: each job of the
pool cleans one page and extracts another (half the list away; never the same page twice in a row,
whose second call finds the first one's cached strings), the order alternating
(``paired_cleaning``), so that the two are measured in the same minutes. Each further round
measures, back to back on the same site, the bare fetch, ``python -m crawlers.run`` (into an empty
corpus) and the paired cleaning again. A round's raw cleaning (and extraction alone) is the mean
of the measures on either side of its crawl, so that a steady drift of the host's speed cancels
out. Each round gives its own bound (its raw cleaning + its bare fetch + 2 ms) and the crawl's
excess over it; the verdict takes the median excess over the rounds. The same is done with
``trafilatura.extract`` alone for the raw cleaning (the issue's own reading: the project's
cleaning steps beyond the extraction count as excess). The bound is that of the same pages: the
raw cleaning's CPU for all the article pages and the bare fetch's for all it fetched, each divided
by the pages the crawl stored, as the crawl's CPU is (the crawl cleans every article page, and
stores fewer: duplicates, pages not taken). The bound per page cleaned or fetched is printed
beside it.

Profile summary: the crawl once more, cleaning in the crawl process (``HARVEST_CLEAN_WORKERS=0``)
under cProfile with each thread's CPU clock (``time.thread_time``: waiting is not counted),
every thread profiled (the store thread too) and the profiles merged, on a
site limited to ``--profile-pages`` pages (``max_pages``) (same pages, same server). Each function's own
time goes to a step by the function's module (the project's modules, trafilatura, Scrapy/Twisted);
the own time of a function in no step (lxml, sqlite3, the standard library) goes to its callers'
steps, split as its callers' cumulative times, up to the first caller in a step. The table gives
ms per stored page (cProfile's own overhead inflated) and the share of the profiled time. The
pickling a cleaning worker's pipe costs (absent in-process) is timed apart: ``pickle.dumps`` and
``loads`` of the job (bytes, URL, options) and of the reply (``Cleaned``, links) on the same
pages, in this process.

Targets (from the issue), printed with PASS / FAIL: the project's CPU per stored page (crawl
process and its workers) <= raw cleaning (default mode, the crawl's mode; the mean of 1. and 5.)
+ bare fetch + 2 ms;
its wall pages/s >= 1.8 x the naive spider's; its peak PSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import pickle
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import string
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SOURCE = "realcost"
PER_LISTING = 100  # articles per page of the news listing
PER_SITEMAP = 1000  # URLs per sitemap of the sitemap index
PSS_TARGET_MB = 500
NAIVE_FACTOR = 1.8
CPU_MARGIN_MS = 2.0
RAW_AGAIN = "raw cleaning, after (paired)"  # measured after the crawls, paired with the extraction


# --- the pages ----------------------------------------------------------------------------------

# What is not a text node: comments, scripts, styles (with their content), tags, character references.
# A closing script or style tag ends at its first ">" (``</script`` then a line break and more, as
# browsers read it).
_NOT_TEXT = re.compile(rb"(<!--.*?-->|<script\b.*?</script\b[^>]*>|<style\b.*?</style\b[^>]*>|<[^>]*>"
                       rb"|&#?[A-Za-z0-9]+;)", re.IGNORECASE | re.DOTALL)


def letter_table(copy: int) -> bytes:
    """The byte translation of copy ``copy``: a permutation of a-z (the same one for A-Z)."""
    lower = list(string.ascii_lowercase)
    random.Random(f"realcost-{copy}").shuffle(lower)
    shuffled = "".join(lower)
    return bytes.maketrans((string.ascii_lowercase + string.ascii_uppercase).encode(),
                           (shuffled + shuffled.upper()).encode())


def substitute_letters(data: bytes, table: bytes) -> bytes:
    """``data`` with the letters of its text nodes substituted (ASCII letters only: every page of
    the set is in an ASCII-compatible charset, so multi-byte characters are left whole)."""
    parts = _NOT_TEXT.split(data)
    parts[::2] = [p.translate(table) for p in parts[::2]]
    return b"".join(parts)


def build_pages(n: int, base: str, folder: Path) -> tuple[dict[str, Any], list[tuple[str, str, str | None]], int]:
    """The site's pages by path, the articles as (file on disk, URL, charset), the real pages used."""
    from realsite import _CANONICAL, Page, _url_key, choose, content_type, page_title, rewrite, slug_for

    chosen, _others, _info = choose(10**6)  # every page labelled an item, in a fixed order
    import html as htmlmod

    used: set[str] = set()
    ours: dict[str, str] = {}
    real: list[tuple[str, bytes, str, str]] = []  # set URL, bytes, slug, content type
    for j, (url, _item, path) in enumerate(chosen):
        data = path.read_bytes()
        slug = slug_for(url, page_title(data) or f"news {j}", used)[:60].strip("-")
        ours[_url_key(url)] = f"/en/news-item-{j + 1}-{slug}/"
        real.append((url, data, slug, content_type(data)))
    for url, data, _slug, _ct in real:  # a page's own canonical link leads to it too
        m = _CANONICAL.search(data)
        if m:
            ours.setdefault(_url_key(htmlmod.unescape(next(g for g in m.groups() if g).decode("latin-1"))),
                            ours[_url_key(url)])
    pages: dict[str, Any] = {}
    articles: list[tuple[str, str, str | None]] = []
    paths: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    copies = math.ceil(n / len(real))
    rewritten = [rewrite(data, url, base, ours) for url, data, _s, _c in real]
    for copy in range(copies):
        table = letter_table(copy)
        for j, (_url, _data, slug, ctype) in enumerate(real):
            i = copy * len(real) + j
            if i >= n:
                break
            body = rewritten[j] if copy == 0 else substitute_letters(rewritten[j], table)
            here = f"/en/news-item-{i + 1}-{slug}/"
            pages[here] = Page(here, body, ctype, "article")
            file = folder / f"{i + 1}.html"
            file.write_bytes(body)
            charset = ctype.split("charset=", 1)[1] if "charset=" in ctype else None
            articles.append((str(file), base + here, charset))
            paths.append(here)

    def html_page(path: str, title: str, main: str) -> None:
        body = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
                f'<body><header><a href="/en/">Home</a> <a href="/en/news/">News</a></header>\n<main>\n'
                f"<h1>{title}</h1>\n{main}</main>\n<footer>Riverside City Council</footer></body></html>\n")
        pages[path] = Page(path, body.encode("utf-8"), "text/html; charset=utf-8", "generated", "listing")

    listing = [paths[k:k + PER_LISTING] for k in range(0, len(paths), PER_LISTING)]
    start = datetime(2024, 6, 28, 9, 0, tzinfo=UTC)
    for number, chunk in enumerate(listing, start=1):
        here = "/en/news/" if number == 1 else f"/en/news/page/{number}/"
        items = "".join(f'<article><h2><a href="{p}">News item {p.split("-")[2]}</a></h2></article>\n' for p in chunk)
        nav = " ".join(f'<a class="page-numbers" href="/en/news/{"" if k == 1 else f"page/{k}/"}">{k}</a>'
                       for k in range(1, len(listing) + 1) if k != number)
        if number < len(listing):
            nav += f' <a class="next page-numbers" href="/en/news/page/{number + 1}/">Next</a>'
        html_page(here, f"News - page {number}", f'{items}<nav class="pagination">{nav}</nav>\n')
    html_page("/en/", "Riverside City Council", '<p><a href="/en/news/">All news</a></p>\n')
    pages["/robots.txt"] = Page("/robots.txt", f"User-agent: *\nDisallow:\n\nSitemap: {base}/sitemap_index.xml\n"
                                .encode(), "text/plain; charset=utf-8", "file", "file")
    maps = [paths[k:k + PER_SITEMAP] for k in range(0, len(paths), PER_SITEMAP)]
    index = "".join(f"<sitemap><loc>{base}/sitemap-{m + 1}.xml</loc></sitemap>" for m in range(len(maps)))
    pages["/sitemap_index.xml"] = Page("/sitemap_index.xml", (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{index}</sitemapindex>\n").encode(), "application/xml; charset=UTF-8", "file", "file")
    for m, chunk in enumerate(maps):
        urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{(start - timedelta(hours=m * PER_SITEMAP + k)).isoformat()}"
                       "</lastmod></url>" for k, p in enumerate(chunk))
        pages[f"/sitemap-{m + 1}.xml"] = Page(f"/sitemap-{m + 1}.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n").encode(), "application/xml; charset=UTF-8", "file", "file")
    return pages, articles, len(real)


# --- raw cleaning -------------------------------------------------------------------------------

def clean_page(job: tuple[str, str, str | None, bool]) -> bool:
    """One page read from disk and cleaned as a crawl cleans a page a sitemap lists (in a cleaning
    worker); ``fast``: with ``crawlers.cleaning.FAST`` on. True if it gave a text."""
    from crawlers import cleaning
    from crawlers.cleaner import clean_job
    from crawlers.contracts import CleanOptions

    path, url, charset, fast = job
    cleaning.FAST = fast
    options = CleanOptions(80, False, charset, True, only_document_links=True)
    result, _ = clean_job(Path(path).read_bytes(), url, options)
    return hasattr(result, "paragraphs")


def extract_page(job: tuple[str, str, str | None, bool]) -> bool:
    """One page read from disk and given to ``trafilatura.extract`` alone, with its default
    settings (``fast``: ``fast=True``), in a cleaning worker. True if it gave a text."""
    import trafilatura

    path, url, _charset, fast = job
    return bool(trafilatura.extract(Path(path).read_bytes(), url=url, fast=fast))


def paired_page(job: tuple[str, str, str | None, str, str, str | None, bool]) -> tuple[float, float]:
    """The project's cleaning of one page and ``trafilatura.extract`` alone of another, one after
    the other in the same worker (``first_extract``: the extraction first), in default mode: the
    thread CPU seconds of each. Never the same page twice in a row: trafilatura's and htmldate's
    caches (``lru_cache`` of lines, date strings) hold what the first call saw: the cleaning of a
    page right after its extraction took 0.42-0.45 ms less at the median, 0.77-1.63 ms less in the
    mean, than right after another page's (700 and 300 real pages, one process), a saving no crawl
    has (it cleans each page once)."""
    clean_path, clean_url, clean_charset, extract_path, extract_url, extract_charset, first_extract = job
    spent = [0.0, 0.0]
    for which in ((1, 0) if first_extract else (0, 1)):
        t0 = time.thread_time()
        if which:
            extract_page((extract_path, extract_url, extract_charset, False))
        else:
            clean_page((clean_path, clean_url, clean_charset, False))
        spent[which] += time.thread_time() - t0
    return spent[0], spent[1]


class PeakPss:
    """Peak of the summed PSS of this process's child processes (the pool), sampled once a second."""

    def __init__(self) -> None:
        self.peak = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        from bench_speed import tree_memory

        while not self.done.is_set():
            total = sum(tree_memory(c)[1] for c in _children())
            self.peak = max(self.peak, total)
            self.done.wait(1.0)

    def __enter__(self) -> PeakPss:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        self.thread.join()


def _children() -> list[int]:
    """This process's child processes (the pool's fork server and its resource tracker)."""
    direct: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        try:
            direct += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return direct


def raw_cleaning(articles: list[tuple[str, str, str | None]], workers: int, fast: bool,
                 extract_only: bool = False) -> dict[str, float]:
    """Pages/s, CPU ms per page of the workers, peak PSS (MB) of the pool's processes, texts;
    ``extract_only``: ``trafilatura.extract`` alone (``extract_page``) instead of the project's
    cleaning (``clean_page``)."""
    # by module name, so that the workers can unpickle it
    from bench_realcost import clean_page, extract_page
    from bench_speed import cpu_seconds
    from crawlers.cleaner import cleaning_pool

    job = extract_page if extract_only else clean_page
    pool = cleaning_pool(workers)
    with pool, PeakPss() as pss:
        list(pool.map(job, [(*articles[0], fast)] * workers))  # every worker started and warm
        pids = list(pool._processes)  # noqa: SLF001 (the workers' CPU time, from /proc)
        cpu0 = sum(cpu_seconds(p) or 0.0 for p in pids)
        t0 = time.monotonic()
        texts = sum(pool.map(job, [(*a, fast) for a in articles], chunksize=4))
        seconds = time.monotonic() - t0
        cpu = sum(cpu_seconds(p) or 0.0 for p in pids) - cpu0
    n = len(articles)
    return {"pages": n, "seconds": seconds, "pps": n / seconds, "cpu_ms": cpu * 1000 / n, "server_ms": 0.0,
            "pss_mb": pss.peak / 2**20, "texts": texts}


def paired_cleaning(articles: list[tuple[str, str, str | None]], workers: int) -> dict[str, float]:
    """The project's cleaning and ``trafilatura.extract`` alone (default mode), each page given to
    both, in the same workers, each job cleaning one page and extracting another (the page half the
    list away: ``paired_page``), the order alternating from job to job: their CPU ms per page, from
    the threads' clocks per call, each with half of the workers' other CPU (reading the page,
    the pool's traffic). Measured in the same minutes, the two are not apart by the host's drift
    between two pools run one after the other."""
    from bench_realcost import paired_page
    from bench_speed import cpu_seconds
    from crawlers.cleaner import cleaning_pool

    pool = cleaning_pool(workers)
    with pool, PeakPss() as pss:
        list(pool.map(paired_page, [(*articles[0], *articles[-1], False)] * workers))  # every worker started and warm
        pids = list(pool._processes)  # noqa: SLF001 (the workers' CPU time, from /proc)
        cpu0 = sum(cpu_seconds(p) or 0.0 for p in pids)
        t0 = time.monotonic()
        half = len(articles) // 2
        jobs = [(*a, *articles[(i + half) % len(articles)], bool(i % 2)) for i, a in enumerate(articles)]
        spent = list(pool.map(paired_page, jobs, chunksize=4))
        seconds = time.monotonic() - t0
        cpu = sum(cpu_seconds(p) or 0.0 for p in pids) - cpu0
    n = len(articles)
    clean_s, extract_s = sum(c for c, _e in spent), sum(e for _c, e in spent)
    other = max(0.0, cpu - clean_s - extract_s) / 2
    return {"pages": n, "seconds": seconds, "pps": n / seconds, "raw": (clean_s + other) * 1000 / n,
            "job": clean_s * 1000 / n, "pool": other * 1000 / n, "alone": (extract_s + other) * 1000 / n,
            "cpu_ms": (clean_s + other) * 1000 / n, "server_ms": 0.0, "pss_mb": pss.peak / 2**20}


# --- the crawls ---------------------------------------------------------------------------------

def measured(cmd: list[str], pages_of: Any, cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """``bench_speed.run_measured`` of ``cmd`` (with ``env``), per page: ``pages_of()`` after it ran."""
    import bench_speed

    saved = dict(os.environ)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    try:
        seconds, _rss, pss = bench_speed.run_measured(cmd, cwd=cwd)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    cpu = bench_speed.CPU
    n = max(1, pages_of())
    return {"pages": pages_of(), "seconds": seconds, "pps": pages_of() / seconds,
            "cpu_ms": (cpu["main"] + cpu["workers"]) * 1000 / n, "main_ms": cpu["main"] * 1000 / n,
            "workers_ms": cpu["workers"] * 1000 / n, "server_ms": cpu["server"] * 1000 / n, "pss_mb": pss / 2**20}


def crawl_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1",
           "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid"),
           "PREFECT_HOME": str(tmp / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def write_config(path: Path, base: str, max_pages: int, listing_pages: int) -> None:
    path.write_text(f"sources:\n  - name: {SOURCE}\n    url: {base}/en/\n    delay: 0\n"
                    f"    max_pages: {max_pages}\n    max_listing_pages: {listing_pages}\n", encoding="utf-8")


def stored_documents(corpus: Path) -> int:
    """Texts the crawl stored: its new documents and the new revisions of documents it stored
    already (a copy whose canonical link names a page stored before is stored as that page's
    revision: the summary's ``updated``); one ``revisions`` row each."""
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM revisions r JOIN documents d ON d.id = r.doc_id"
                          " WHERE d.source = ?", (SOURCE,)).fetchone()[0]
    finally:
        db.close()


def last_summary(corpus: Path) -> dict[str, Any]:
    """The summary of the last run recorded in the corpus's index (the run of ``harvest crawl``)."""
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        row = db.execute("SELECT summary FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", (SOURCE,)).fetchone()
    finally:
        db.close()
    return json.loads(row[0]) if row else {}


# --- the profile ----------------------------------------------------------------------------------

def profile_run(out: str, module: str, argv: list[str]) -> int:
    """Run ``python -m module argv`` in this process under cProfile, every thread too (each with a
    profiler of its own, merged at the end), and write the merged stats to ``out``. The clock is
    each thread's CPU time: waiting (the reactor's poll, a queue, a disk flush) costs nothing."""
    import cProfile
    import runpy

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()
            with lock:
                profiles.append(profiler)

    threading.Thread.run = run  # type: ignore[method-assign]
    main = cProfile.Profile(time.thread_time)
    sys.argv = [module, *argv]
    code = 0
    main.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        main.disable()
    with lock:
        done = list(profiles)
    stats = pstats.Stats(main)
    for profiler in done:
        stats.add(profiler)
    stats.dump_stats(out)
    return code


# Steps, by the module (and for a few functions the name) of a function: the first rule that matches.
STEP_RULES: tuple[tuple[str, str, str], ...] = (
    ("crawlers/cleaning.py", "detect_language", "language detection (py3langid)"),
    ("/py3langid/", "", "language detection (py3langid)"),
    ("crawlers/cleaning.py", "", "pruning/cleaning steps (crawlers.cleaning, decoding)"),
    ("crawlers/cleaner.py", "", "pruning/cleaning steps (crawlers.cleaning, decoding)"),
    ("crawlers/sniff.py", "", "pruning/cleaning steps (crawlers.cleaning, decoding)"),
    ("crawlers/items.py", "", "item decision (crawlers.items, judge, boilerplate)"),
    ("crawlers/judge.py", "", "item decision (crawlers.items, judge, boilerplate)"),
    ("crawlers/boilerplate.py", "", "item decision (crawlers.items, judge, boilerplate)"),
    ("/trafilatura/", "", "trafilatura extraction"),
    ("/justext/", "", "trafilatura extraction"),
    ("/readability/", "", "trafilatura extraction"),
    ("crawlers/metadata.py", "", "metadata (crawlers.metadata)"),
    ("/htmldate/", "", "metadata (crawlers.metadata)"),
    ("storage/fingerprint.py", "", "SimHash (storage.fingerprint)"),
    ("crawlers/store.py", "", "storing (crawlers.store, storage.corpus, storage.index)"),
    ("crawlers/pipelines.py", "", "storing (crawlers.store, storage.corpus, storage.index)"),
    ("storage/corpus.py", "", "storing (crawlers.store, storage.corpus, storage.index)"),
    ("storage/index.py", "", "storing (crawlers.store, storage.corpus, storage.index)"),
    ("crawlers/discovery.py", "", "listing/sitemap parsing (crawlers.discovery, components.methods)"),
    ("crawlers/components/methods.py", "", "listing/sitemap parsing (crawlers.discovery, components.methods)"),
    ("/crawlers/", "", "the project's crawl logic (spider, components, middlewares, links)"),
    ("/storage/", "", "the project's crawl logic (spider, components, middlewares, links)"),
    ("/scrapy/", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("/twisted/", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("/w3lib/", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("/parsel/", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("/zope/", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("/protego", "", "Scrapy/Twisted (engine, downloader, middlewares)"),
    ("<frozen importlib", "", "start-up (imports)"),
)
OTHER = "other (no step above it)"


def step_of(func: tuple[str, int, str]) -> str | None:
    file, _line, name = func
    file = file.replace("\\", "/")
    if name == "<module>":
        return "start-up (imports)"
    for part, fname, step in STEP_RULES:
        if part in file and (not fname or fname == name):
            return step
    return None


def profile_steps(path: Path) -> tuple[dict[str, float], float]:
    """Own time per step (seconds) and the total, from a cProfile stats file (see the docstring)."""
    raw = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    shares: dict[Any, dict[str, float]] = {}
    open_calls: set[Any] = set()  # functions whose share is being worked out (a cycle of callers ends there)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))

    def share(func: Any) -> dict[str, float]:
        if func in shares:
            return shares[func]
        step = step_of(func)
        if step is not None:
            out = {step: 1.0}
        else:
            callers = raw[func][4] if func in raw else {}
            if callers and all(c in open_calls for c in callers):
                return {}  # only called back from inside a chain being worked out: that chain's share
            open_calls.add(func)
            weights = {c: edge[3] for c, edge in callers.items() if c not in open_calls}
            out = {}
            for c, w in weights.items():
                for s, f in share(c).items():
                    out[s] = out.get(s, 0.0) + f * w
            open_calls.discard(func)
            total = sum(out.values())
            out = {s: v / total for s, v in out.items()} if total > 0 else {OTHER: 1.0}
        shares[func] = out
        return out

    steps: dict[str, float] = {}
    total = 0.0
    for func, (_cc, _nc, tt, _ct, _callers) in raw.items():
        total += tt
        for s, f in share(func).items():
            steps[s] = steps.get(s, 0.0) + tt * f
    return steps, total


def pickling_ms(articles: list[tuple[str, str, str | None]], sample: int = 100) -> tuple[float, float, int]:
    """ms per page of ``pickle.dumps`` + ``loads`` of a cleaning job (bytes, URL, options) and of its
    reply (result, links), on ``sample`` pages spread over the site."""
    from multiprocessing.reduction import ForkingPickler

    from crawlers.cleaner import clean_job
    from crawlers.contracts import CleanOptions

    step = max(1, len(articles) // sample)
    jobs, replies = [], []
    for path, url, charset in articles[::step][:sample]:
        options = CleanOptions(80, False, charset, True, only_document_links=True)
        body = Path(path).read_bytes()
        jobs.append((body, url, options))
        replies.append(clean_job(body, url, options))
    rounds = 5
    t0 = time.perf_counter()
    for _ in range(rounds):
        for job in jobs:
            pickle.loads(bytes(ForkingPickler.dumps(job)))
    t1 = time.perf_counter()
    for _ in range(rounds):
        for reply in replies:
            pickle.loads(bytes(ForkingPickler.dumps(reply)))
    t2 = time.perf_counter()
    k = 1000 / (rounds * len(jobs))
    return (t1 - t0) * k, (t2 - t1) * k, len(jobs)


# --- main ---------------------------------------------------------------------------------------

def file_creation_ms(folder: Path, files: int = 1000) -> float:
    """System CPU ms to create (and close) one empty file in ``folder``: what storing a page's text
    costs the filesystem there, apart from writing it. The probe's files stay until the benchmark
    ends (see ``journal_less_ext4``: deleting them here would slow the crawls' own files down)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    before = os.times()
    for i in range(files):
        os.close(os.open(probe / f"{i}.txt", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    after = os.times()
    atexit.register(shutil.rmtree, probe, True)
    return (after.system - before.system) * 1000 / files


def journal_less_ext4(folder: Path) -> bool:
    """True if ``folder`` is on an ext4 file system without a journal. There, creating a file
    skips every inode of its block group deleted in the last minute or more (the kernel's
    ``recently_deleted``, checked only without a journal), one block lookup each: right after
    thousands of files were deleted nearby (a test run, an earlier benchmark's clean-up),
    creating one costs up to a millisecond of system CPU instead of about 0.01 ms (seen with
    ``perf record`` on this benchmark's host)."""
    try:
        device = os.stat(folder).st_dev
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split()
            major, minor = (int(x) for x in fields[2].split(":"))
            if os.makedev(major, minor) != device:
                continue
            kind, source = fields[fields.index("-") + 1:fields.index("-") + 3]
            name = Path(source).name
            return kind == "ext4" and (Path("/sys/fs/ext4") / name / "journal_task").read_text().strip() == "<none>"
    except (OSError, ValueError, IndexError):
        return False
    return False


def same_pages(raw_ms: float, raw_pages: float, bare_ms: float, bare_pages: float,
               stored: float) -> tuple[float, float, float]:
    """The raw cleaning's and the bare fetch's CPU for all the pages they handled, each over the
    ``stored`` pages of a crawl (as the crawl's CPU is counted), and the bound they give (their
    sum + ``CPU_MARGIN_MS``)."""
    stored = max(1.0, stored)
    raw, bare = raw_ms * raw_pages / stored, bare_ms * bare_pages / stored
    return raw, bare, raw + bare + CPU_MARGIN_MS


def cleaning_seconds(summary: dict[str, Any]) -> float:
    """The CPU seconds a crawl's cleaning workers spent in ``clean_job`` (its summary's
    ``cleaning``, measured by each worker's thread clock around each page)."""
    return float((summary.get("cleaning") or {}).get("cpu_seconds", 0.0))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="article pages on the site (default 5000)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the raw cleaning pool (default 2)")
    parser.add_argument("--profile-pages", type=int, default=500,
                        help="pages of the profiled crawl (its max_pages; default 500, at most --pages)")
    parser.add_argument("--no-profile", action="store_true", help="no profiled crawl")
    parser.add_argument("--no-harvest", action="store_true", help="no `harvest crawl` run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of raw cleaning, trafilatura.extract alone, bare fetch and crawlers.run "
                             "for the CPU target (default 1)")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()),
                        help="folder of the site's pages and the crawls' corpora (default: the system's "
                             "temporary folder; outside any Scrapy project, or the bare fetch and naive "
                             "spiders would run with that project's settings)")
    parser.add_argument("--profile-run", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_run:  # the profiled crawl's own process: OUT MODULE ARGS…
        return profile_run(args.profile_run[0], args.profile_run[1], args.profile_run[2:])

    from realpages import ARCHIVE, CACHE, unpack
    from realsite import Site

    unpack(ARCHIVE, CACHE)
    from crawlers.netguard import install

    install()  # this process talks to 127.0.0.1 only
    python = sys.executable
    rows: dict[str, dict[str, float]] = {}
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"work folder {args.work_dir}: creating a file there costs {file_creation_ms(args.work_dir):.3f} ms "
          "of system CPU (the crawl creates one per stored page)", file=sys.stderr)
    if journal_less_ext4(args.work_dir):
        print("  (an ext4 file system without a journal: a file created there within about a minute of many "
              "deletions nearby costs up to 1 ms of system CPU; leave a few minutes after a test run or another "
              "benchmark)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="harvest-realcost-", dir=args.work_dir) as tmp_name:
        tmp = Path(tmp_name)
        site = Site()
        base = site.base
        t0 = time.monotonic()
        pages, articles, n_real = build_pages(args.pages, base, tmp / "pages")
        site.pages = pages
        n = len(articles)
        size_mb = sum(len(pages[u[len(base):]].body) for _f, u, _c in articles) / 2**20
        print(f"site: {n} article pages ({n_real} real pages and {math.ceil(n / n_real) - 1} letter-substituted "
              f"copies), {size_mb:.0f} MB of article HTML ({size_mb * 1024 / n:.0f} KB/page), "
              f"{len(pages) - n} other pages; built in {time.monotonic() - t0:.0f} s", file=sys.stderr)

        for fast in (False, True):
            name = "raw cleaning, fast mode" if fast else "raw cleaning, default mode"
            print(f"{name} …", file=sys.stderr)
            rows[name] = raw_cleaning(articles, args.workers, fast)
        for fast in (False, True):
            name = f"trafilatura.extract alone, {'fast' if fast else 'default'}"
            print(f"{name} …", file=sys.stderr)
            rows[name] = raw_cleaning(articles, args.workers, fast, extract_only=True)

        with site:
            urls = tmp / "urls.txt"
            urls.write_text("".join(u + "\n" for _f, u, _c in articles), encoding="utf-8")
            print("bare fetch …", file=sys.stderr)
            site.requests.clear()
            rows["bare fetch (fetch_floor_spider)"] = measured(
                [python, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "fetch_floor_spider.py"),
                 "-a", f"urls={urls}"], lambda: sum(1 for p, s in site.requests if s == 200 and "news-item" in p),
                tmp)

            print("naive spider …", file=sys.stderr)
            naive_out = tmp / "naive.jsonl"
            rows["naive (Scrapy + trafilatura.extract)"] = measured(
                [python, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "naive_spider.py"), "-a",
                 f"start={base}/en/", "-o", str(naive_out)],
                lambda: sum(1 for _ in naive_out.open(encoding="utf-8")) if naive_out.exists() else 0, tmp)

            config = tmp / "sources.yaml"
            write_config(config, base, n * 2 + 100, n)
            print("python -m crawlers.run …", file=sys.stderr)
            corpus = tmp / "corpus-run"
            summary_file = tmp / "summary-run.json"
            site.requests.clear()
            rows["project: python -m crawlers.run"] = measured(
                [python, "-m", "crawlers.run", SOURCE, "--config", str(config), "--corpus", str(corpus),
                 "--summary", str(summary_file), "--log-level", "WARNING"],
                lambda: stored_documents(corpus), ROOT, crawl_env(tmp))
            run_requests = len(site.requests)
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
            rows["project: python -m crawlers.run"]["job_s"] = cleaning_seconds(summary)

            server_note = ""
            if not args.no_harvest:
                # As on a user's machine after the first crawl: the local Prefect server runs
                # already (started here, not measured); its CPU during the crawl is added to the
                # crawl's, its memory is printed apart (it stays between crawls).
                import subprocess

                env = crawl_env(tmp)
                subprocess.run([python, "-m", "flows.cli", "server", "start"], cwd=tmp, env=env, check=True,
                               stdout=subprocess.DEVNULL)
                import bench_speed

                record = json.loads((tmp / "prefect-home" / "harvest-server" / "server.json").read_text())
                server_pid = int(record["pid"])
                server_cpu0 = bench_speed.cpu_seconds(server_pid) or 0.0
                print("harvest crawl …", file=sys.stderr)
                corpus_cli = tmp / "corpus-cli"
                row = measured(
                    [python, "-m", "flows.cli", "crawl", SOURCE, "--config", str(config), "--corpus",
                     str(corpus_cli), "--json"], lambda: stored_documents(corpus_cli), tmp, env)
                server_cpu = (bench_speed.cpu_seconds(server_pid) or server_cpu0) - server_cpu0
                row["job_s"] = cleaning_seconds(last_summary(corpus_cli))
                server_ms = server_cpu * 1000 / max(1, row["pages"])
                row["cpu_ms"] += server_ms
                row["workers_ms"] += server_ms
                server_note = (f"harvest crawl: the local Prefect server (running before, pid {record['pid']}) "
                               f"spent {server_ms:.2f} ms/page during the crawl (counted in its CPU, with the "
                               f"crawl process and the workers under 'others'); its own PSS, apart: "
                               f"{bench_speed.tree_memory(server_pid)[1] / 2**20:.0f} MB")
                rows["project: harvest crawl (CLI, Prefect)"] = row
                subprocess.run([python, "-m", "flows.cli", "server", "stop", "--force"], cwd=tmp, env=env,
                               stdout=subprocess.DEVNULL, check=False)

            # The machine's speed drifts (a shared host: the same raw cleaning measured 30 to 55 ms
            # a page within two hours here): measured again after the crawls, so that the crawls
            # are held against the raw cleaning on either side of them.
            print("raw cleaning and trafilatura.extract alone, paired in the same workers, again …", file=sys.stderr)
            pair = rows[RAW_AGAIN] = paired_cleaning(articles, args.workers)
            rounds = [{"raw": (rows["raw cleaning, default mode"]["cpu_ms"] + pair["raw"]) / 2,
                       "raw_job": pair["job"], "raw_other": pair["pool"],
                       "alone": (rows["trafilatura.extract alone, default"]["cpu_ms"] + pair["alone"]) / 2,
                       "sides": (rows["raw cleaning, default mode"]["cpu_ms"], pair["raw"],
                                 rows["trafilatura.extract alone, default"]["cpu_ms"], pair["alone"]),
                       "raw_pages": n, "bare": rows["bare fetch (fetch_floor_spider)"]["cpu_ms"],
                       "bare_pages": rows["bare fetch (fetch_floor_spider)"]["pages"],
                       **rows["project: python -m crawlers.run"]}]
            # Each further round: the bare fetch, the crawl, then the raw cleaning and the extraction
            # alone, paired in the same workers; a round's crawl is held against the mean of the
            # paired measures on either side of it (the one after the previous round's crawl, and its own).
            for round_no in range(2, args.rounds + 1):
                print(f"round {round_no} of {args.rounds}: bare fetch, python -m crawlers.run, raw cleaning and "
                      "trafilatura.extract alone paired …", file=sys.stderr)
                site.requests.clear()
                bare_k = measured(
                    [python, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "fetch_floor_spider.py"),
                     "-a", f"urls={urls}"], lambda: sum(1 for p, s in site.requests if s == 200 and "news-item" in p),
                    tmp)
                corpus_k = tmp / f"corpus-round-{round_no}"
                summary_k = tmp / f"summary-round-{round_no}.json"
                crawl_k = measured(
                    [python, "-m", "crawlers.run", SOURCE, "--config", str(config), "--corpus", str(corpus_k),
                     "--summary", str(summary_k), "--log-level", "WARNING"], lambda c=corpus_k: stored_documents(c),
                    ROOT, crawl_env(tmp))
                crawl_k["job_s"] = cleaning_seconds(json.loads(summary_k.read_text(encoding="utf-8")))
                previous, pair = pair, paired_cleaning(articles, args.workers)
                rounds.append({"raw": (previous["raw"] + pair["raw"]) / 2,
                               "raw_job": (previous["job"] + pair["job"]) / 2,
                               "raw_other": (previous["pool"] + pair["pool"]) / 2,
                               "alone": (previous["alone"] + pair["alone"]) / 2,
                               "sides": (previous["raw"], pair["raw"], previous["alone"], pair["alone"]),
                               "raw_pages": n, "bare": bare_k["cpu_ms"], "bare_pages": bare_k["pages"], **crawl_k})

            profile: tuple[dict[str, float], float, int, float] | None = None
            if not args.no_profile:
                limit = min(args.profile_pages, n)
                print(f"profiled crawl ({limit} pages, cleaning in the crawl process) …", file=sys.stderr)
                pconfig = tmp / "sources-profile.yaml"
                write_config(pconfig, base, limit, n)
                pcorpus = tmp / "corpus-profile"
                out = tmp / "crawl.prof"
                t1 = time.monotonic()
                import subprocess

                subprocess.run([python, str(Path(__file__).resolve()), "--profile-run", str(out), "crawlers.run",
                                SOURCE, "--config", str(pconfig), "--corpus", str(pcorpus), "--summary",
                                str(tmp / "summary-profile.json"), "--log-level", "WARNING"], cwd=ROOT,
                               env=crawl_env(tmp, HARVEST_CLEAN_WORKERS="0"), stdout=subprocess.DEVNULL, check=False)
                steps, total = profile_steps(out)
                profile = (steps, total, stored_documents(pcorpus), time.monotonic() - t1)

        pickle_job_ms, pickle_reply_ms, pickled = pickling_ms(articles)

    # --- report ---
    print(f"\nCost per page on real pages: {n} article pages ({n_real} real pages of ../shared/realpages/, "
          f"then letter-substituted copies), {size_mb * 1024 / n:.0f} KB/page on average, served on 127.0.0.1; "
          f"{os.cpu_count()} cores, raw cleaning in {args.workers} workers\n")
    header = (f"{'run':<40} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'CPU ms/page':>12} {'(main':>7} "
              f"{'others)':>8} {'server ms/page':>15} {'peak PSS MB':>12}")
    print(header)
    print("-" * len(header))
    for name, r in rows.items():
        main_ms = f"{r['main_ms']:7.1f}" if "main_ms" in r else f"{'-':>7}"
        others = f"{r['workers_ms']:8.1f}" if "workers_ms" in r else f"{'-':>8}"
        print(f"{name:<40} {r['pages']:>6} {r['seconds']:>7.1f} {r['pps']:>8.1f} {r['cpu_ms']:>12.1f} {main_ms} "
              f"{others} {r['server_ms']:>15.2f} {r['pss_mb']:>12.0f}")
    print("\n(pages: cleaned pages for the raw cleaning (texts: "
          f"{rows['raw cleaning, default mode']['texts']:.0f} default, {rows['raw cleaning, fast mode']['texts']:.0f} "
          "fast) and for trafilatura.extract alone (texts: "
          f"{rows['trafilatura.extract alone, default']['texts']:.0f} default, "
          f"{rows['trafilatura.extract alone, fast']['texts']:.0f} fast), article pages fetched for the bare fetch, "
          "JSONL records for the naive spider, texts stored for the project (new documents and revisions); "
          "CPU ms/page: all the run's "
          "processes, user + system (main: the command's process; others: its descendants: cleaning workers and "
          "their fork server, for harvest crawl the crawl process and Prefect's server); server: the site server's "
          "threads and the sampler in the benchmark process; pages/s and ms/page per page of that column, start-up "
          "included)")
    print(f"\ncrawlers.run: {run_requests} requests, summary new {summary.get('new')}, duplicate "
          f"{summary.get('duplicate')}, near_duplicate {summary.get('near_duplicate')}, skipped "
          f"{summary.get('skipped')}, errors {summary.get('errors')}")

    if server_note:
        print(server_note)

    if profile is not None:
        steps, total, stored, wall = profile
        k = 1000 / max(1, stored)
        print(f"\nPROFILE SUMMARY: where the project's CPU per page goes (python -m crawlers.run under cProfile, "
              f"HARVEST_CLEAN_WORKERS=0, every thread; {stored} pages stored, {wall:.0f} s; profiled time "
              f"{total * k:.1f} ms/page, cProfile's overhead included)")
        width = max(len(s) for s in steps)
        crawl_ms = rows["project: python -m crawlers.run"]["cpu_ms"]
        print(f"{'step':<{width}}  {'ms/page':>8}  {'share':>6}  {'share x crawl CPU':>17}")
        for s, v in sorted(steps.items(), key=lambda t: -t[1]):
            print(f"{s:<{width}}  {v * k:>8.2f}  {v / total:>6.1%}  {v / total * crawl_ms:>17.2f}")
        print(f"{'IPC (absent in-process): pickling a job, dumps + loads':<{width}}  {pickle_job_ms:>8.2f}")
        print(f"{'IPC (absent in-process): pickling a reply, dumps + loads':<{width}}  {pickle_reply_ms:>8.2f}")
        print(f"(ms/page: profiled CPU, inflated by cProfile; share x crawl CPU: the share times the "
              f"{crawl_ms:.1f} ms/page all the processes of python -m crawlers.run spent above, an estimate of "
              f"each step's real cost; IPC: ForkingPickler.dumps + pickle.loads of (bytes, URL, CleanOptions) and "
              f"of (Cleaned, links), {pickled} pages, in the benchmark process)")

    before, after = rows["raw cleaning, default mode"]["cpu_ms"], rows[RAW_AGAIN]["cpu_ms"]
    raw_ms = (before + after) / 2
    fetch = rows["bare fetch (fetch_floor_spider)"]
    naive = rows["naive (Scrapy + trafilatura.extract)"]
    bound = raw_ms + fetch["cpu_ms"] + CPU_MARGIN_MS
    print("\nTARGETS")
    print(f"(raw cleaning, default mode: {before:.1f} ms/page before the crawls, {after:.1f} after "
          f"({(after - before) / before:+.0%}); the targets take their mean, {raw_ms:.1f})")
    for name in [r for r in rows if r.startswith("project")]:
        r = rows[name]
        print(f"{name}:")
        print(f"  CPU per stored page {r['cpu_ms']:.1f} ms <= raw cleaning {raw_ms:.1f} + bare fetch "
              f"{fetch['cpu_ms']:.1f} + {CPU_MARGIN_MS:.0f} = {bound:.1f} ms (each per page cleaned or fetched): "
              f"{verdict(r['cpu_ms'] <= bound)}")
        raw_part, bare_part, same = same_pages(raw_ms, n, fetch["cpu_ms"], fetch["pages"], r["pages"])
        print(f"  the same, the raw cleaning and bare fetch of the same pages over the {r['pages']:.0f} stored: "
              f"{r['cpu_ms']:.1f} <= {raw_part:.1f} + {bare_part:.1f} "
              f"+ {CPU_MARGIN_MS:.0f} = {same:.1f} ms: {verdict(r['cpu_ms'] <= same)}")
        extract_part, bare_part, alone = same_pages(rows["trafilatura.extract alone, default"]["cpu_ms"], n,
                                                    fetch["cpu_ms"], fetch["pages"], r["pages"])
        print(f"  the same with trafilatura.extract alone (default mode) for the raw cleaning: {r['cpu_ms']:.1f} <= "
              f"{extract_part:.1f} + {bare_part:.1f} + {CPU_MARGIN_MS:.0f} = "
              f"{alone:.1f} ms: {verdict(r['cpu_ms'] <= alone)} (the project's own cleaning steps beyond the "
              f"extraction count as excess here)")
        if r.get("job_s"):
            job_k = r["job_s"] * 1000 / max(1.0, r["pages"])
            pool_k = rows[RAW_AGAIN]["pool"] * n / max(1.0, r["pages"])
            in_crawl = job_k + pool_k + bare_part + CPU_MARGIN_MS
            print(f"  the same with the cleaning measured in the crawl's own workers (no host drift between the two): "
                  f"{r['cpu_ms']:.1f} <= {job_k:.1f} + {pool_k:.2f} (the raw pool's cost outside the cleaning) + "
                  f"{bare_part:.1f} + {CPU_MARGIN_MS:.0f} = {in_crawl:.1f} ms: {verdict(r['cpu_ms'] <= in_crawl)}")
        print(f"  wall {r['pps']:.1f} pages/s >= {NAIVE_FACTOR} x naive {naive['pps']:.1f} = "
              f"{NAIVE_FACTOR * naive['pps']:.1f} pages/s ({r['pps'] / naive['pps']:.2f}x): "
              f"{verdict(r['pps'] >= NAIVE_FACTOR * naive['pps'])}")
        print(f"  peak PSS {r['pss_mb']:.0f} MB <= {PSS_TARGET_MB} MB: {verdict(r['pss_mb'] <= PSS_TARGET_MB)}")
    print(f"(fast-mode raw cleaning, for reference: {rows['raw cleaning, fast mode']['cpu_ms']:.1f} ms/page; "
          "the crawl cleans in default mode; trafilatura.extract alone: "
          f"{rows['trafilatura.extract alone, default']['cpu_ms']:.1f} ms/page default, "
          f"{rows['trafilatura.extract alone, fast']['cpu_ms']:.1f} fast)")
    print(f"\nINTERLEAVED ROUNDS ({len(rounds)}): python -m crawlers.run's CPU per stored page against each "
          "round's own bound (round 1: the run above)")
    print("(same pages: the raw cleaning's and the bare fetch's CPU for all the pages they cleaned and fetched, "
          "over the pages the crawl stored, as the crawl's own CPU is; per page: their CPU per page cleaned or "
          "fetched, as in the table above)")
    print(f"{'round':>5} {'stored':>6} {'raw':>7} {'bare':>6} {'bound':>7} {'crawl':>7} {'(main':>7} {'workers)':>9} "
          f"{'excess':>7} {'main-bare':>10} {'workers-raw':>12} {'per page':>9} {'pages/s':>8}")
    excesses, per_page = [], []
    for i, r in enumerate(rounds, 1):
        raw_k, bare_k, bound_k = same_pages(r["raw"], r["raw_pages"], r["bare"], r["bare_pages"], r["pages"])
        excesses.append(r["cpu_ms"] - bound_k)
        per_page.append(r["cpu_ms"] - (r["raw"] + r["bare"] + CPU_MARGIN_MS))
        print(f"{i:>5} {r['pages']:>6} {raw_k:>7.1f} {bare_k:>6.1f} {bound_k:>7.1f} {r['cpu_ms']:>7.1f} "
              f"{r['main_ms']:>7.1f} {r['workers_ms']:>9.1f} {excesses[-1]:>+7.1f} {r['main_ms'] - bare_k:>+10.1f} "
              f"{r['workers_ms'] - raw_k:>+12.1f} {per_page[-1]:>+9.1f} {r['pps']:>8.1f}")
    median = statistics.median(excesses)
    print(f"  CPU per stored page, median excess over the bound of the same pages {median:+.1f} ms "
          f"(rounds {min(excesses):+.1f} to {max(excesses):+.1f}): {verdict(median <= 0)}")
    print(f"  (against the raw cleaning and bare fetch per page cleaned or fetched instead: median "
          f"{statistics.median(per_page):+.1f} ms: {verdict(statistics.median(per_page) <= 0)})")
    print("  (raw cleaning before / after each round's crawl, ms/page: "
          + "; ".join(f"{i}: {r['sides'][0]:.1f} / {r['sides'][1]:.1f}" for i, r in enumerate(rounds, 1)) + ")")
    print("\nTHE CLEANING MEASURED IN THE CRAWL'S OWN WORKERS: each worker times clean_job by its thread clock "
          "(the run summary's cleaning.cpu_seconds), in the same minutes as the rest of the crawl, so the host's "
          "drift between a raw cleaning pool and the crawl drops out; the raw pool's own cost per page outside "
          "clean_job (reading the page, the pool's traffic) is added, as the raw cleaning has it")
    print(f"{'round':>5} {'stored':>6} {'crawl job':>10} {'raw job':>8} {'raw pool':>9} {'bare':>6} {'bound':>7} "
          f"{'crawl':>7} {'excess':>7} {'workers-job':>12} {'main-bare':>10}")
    in_crawl = []
    for i, r in enumerate(rounds, 1):
        _raw_k, bare_k, _bound = same_pages(r["raw"], r["raw_pages"], r["bare"], r["bare_pages"], r["pages"])
        stored = max(1.0, r["pages"])
        job_k = r["job_s"] * 1000 / stored
        pool_k = r["raw_other"] * r["raw_pages"] / stored
        bound_k = job_k + pool_k + bare_k + CPU_MARGIN_MS
        in_crawl.append(r["cpu_ms"] - bound_k)
        print(f"{i:>5} {r['pages']:>6} {job_k:>10.1f} {r['raw_job']:>8.1f} {pool_k:>9.2f} {bare_k:>6.1f} "
              f"{bound_k:>7.1f} {r['cpu_ms']:>7.1f} {in_crawl[-1]:>+7.1f} {r['workers_ms'] - job_k:>+12.1f} "
              f"{r['main_ms'] - bare_k:>+10.1f}")
    print("  (crawl job: the crawl's clean_job CPU over its stored pages; raw job: clean_job's CPU per page in the "
          "paired raw pools on either side of the crawl (host drift between them and the crawl included); "
          "workers-job: the workers' CPU outside clean_job (the fork server's start, the pages' and replies' "
          "traffic, waits, heap trims), per stored page)")
    median = statistics.median(in_crawl)
    print(f"  CPU per stored page, median excess over the bound with the cleaning measured in the crawl "
          f"{median:+.1f} ms (rounds {min(in_crawl):+.1f} to {max(in_crawl):+.1f}): {verdict(median <= 0)}")

    print("\nThe same with trafilatura.extract alone (default mode) for the raw cleaning (the mean of the measures "
          "before and after each round's crawl); the project's cleaning steps beyond the extraction count as excess")
    print(f"{'round':>5} {'stored':>6} {'alone':>7} {'bare':>6} {'bound':>7} {'crawl':>7} {'excess':>7} "
          f"{'workers-alone':>14} {'raw-alone':>10}")
    strict = []
    for i, r in enumerate(rounds, 1):
        alone_k, bare_k, bound_k = same_pages(r["alone"], r["raw_pages"], r["bare"], r["bare_pages"], r["pages"])
        strict.append(r["cpu_ms"] - bound_k)
        print(f"{i:>5} {r['pages']:>6} {alone_k:>7.1f} {bare_k:>6.1f} {bound_k:>7.1f} {r['cpu_ms']:>7.1f} "
              f"{strict[-1]:>+7.1f} {r['workers_ms'] - alone_k:>+14.1f} {r['raw'] - r['alone']:>+10.1f}")
    median = statistics.median(strict)
    print("  (trafilatura.extract alone before / after each round's crawl, ms/page: "
          + "; ".join(f"{i}: {r['sides'][2]:.1f} / {r['sides'][3]:.1f}" for i, r in enumerate(rounds, 1)) + ")")
    print(f"  CPU per stored page, median excess over the bound with trafilatura.extract alone {median:+.1f} ms "
          f"(rounds {min(strict):+.1f} to {max(strict):+.1f}): {verdict(median <= 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
