"""A source whose site is not there fails at once, with one line saying why; a site that is
there but in trouble is still retried. Real crawl processes (``python -m crawlers.run``)
against hosts that do not resolve (the reserved ``.invalid`` TLD), a loopback port where
nothing listens, and the programmable local site of ``testing/faultsite.py``.

Every failed summary says what kind of failure it was (``error_kind``) and whether a new
attempt of the whole source later could cure it (``retryable``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testing.faultsite import RESET, FaultSite, NewsSite, flaky, generated_article, slow
from tests.conftest import write_config
from tests.test_crawl_e2e import free_port
from tests.test_robustness import (
    RETRY_TIMES,
    ROOT,
    Crawl,
    assert_ok,
    assert_stored_once,
    check_layout,
    docs_at,
    run_crawl,
    start_crawl,
    wait_child,
)

pytestmark = pytest.mark.slow

UNRESOLVABLE = "no-such-host.invalid"  # RFC 2606: .invalid never resolves
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[^\]]+\] (ERROR|WARNING|CRITICAL): (.*)$", re.MULTILINE)


def crawl_entry(tmp_path: Path, entry: str, corpus: Path | None = None, timeout: float = 60) -> Crawl:
    """One crawl of the single source ``site`` declared by ``entry`` (YAML), in its own process."""
    if corpus is None:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
    config = write_config(tmp_path / "sources.yaml", entry)
    summary_path, log_path = tmp_path / "summary.json", tmp_path / "crawl.log"
    t0 = time.monotonic()
    proc = start_crawl(config, corpus, summary_path, log_path)
    code, rss = wait_child(proc, timeout)
    seconds = time.monotonic() - t0
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert code is not None, f"the crawl did not end by itself within {timeout:.0f} s\n{log[-2500:]}"
    assert summary_path.exists(), f"no summary written (exit {code})\n{log[-2000:]}"
    check_layout(corpus)
    return Crawl(code, json.loads(summary_path.read_text(encoding="utf-8")), seconds, rss, log)


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


def problems(log: str) -> list[tuple[str, str]]:
    """The (level, message) of every WARNING, ERROR and CRITICAL line of a crawl log."""
    return LOG_LINE.findall(log)


def assert_failed_fast(crawl: Crawl, host: str, kind: str, why: str, retryable: bool = False) -> None:
    s = crawl.summary
    assert (crawl.code, s.get("status")) == (1, "failed"), crawl.brief()
    assert crawl.seconds < 10, f"an unreachable site took {crawl.seconds:.1f} s to fail\n" + crawl.brief()
    assert host in (s.get("error") or "") and why in (s.get("error") or ""), crawl.brief()
    assert (s.get("error_kind"), s.get("retryable")) == (kind, retryable), crawl.brief()
    assert s.get("finish_reason") == "unreachable", crawl.brief()
    # robots.txt and the start URL, perhaps one more that was already under way; no retries.
    assert 1 <= s.get("requests", 0) <= 3, crawl.brief()
    assert "Retrying" not in crawl.log and "Gave up retrying" not in crawl.log, crawl.brief()
    # One line says why, and it names the source and the host.
    assert problems(crawl.log) == [("ERROR", f"site: cannot reach {host}: {why}")], crawl.brief()


def test_unresolvable_host_ends_the_source_at_once(tmp_path: Path) -> None:
    crawl = crawl_entry(tmp_path, f"  - name: site\n    url: http://{UNRESOLVABLE}/en/\n")
    assert_failed_fast(crawl, UNRESOLVABLE, "dns", "DNS lookup failed (no such host)")
    assert crawl.summary.get("errors") == {"DNSLookupError": 1}, crawl.brief()


def test_refused_connection_ends_the_source_at_once(tmp_path: Path) -> None:
    host = f"127.0.0.1:{free_port()}"  # nothing listens there
    crawl = crawl_entry(tmp_path, f"  - name: site\n    url: http://{host}/en/\n    delay: 0\n")
    # A server being restarted refuses connections for a moment: the source may be retried later.
    assert_failed_fast(crawl, host, "refused", "connection refused", retryable=True)
    assert crawl.summary.get("errors") == {"ConnectionRefusedError": 1}, crawl.brief()


def test_unresolvable_alias_host_does_not_end_the_crawl(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    """Only the source's own host ends the crawl: an article linked on another of its hosts that
    does not resolve is one error (not retried), and the rest is stored."""
    news = NewsSite(site)
    lost = generated_article(1, "lost")
    lost_url = f"http://{UNRESOLVABLE}/en/{lost.slug}/"
    news.listing_links.append((lost_url, lost.title, lost.paragraphs[0][:150]))
    # A source with a host that is not loopback keeps the least politeness delay.
    entry = f"  - name: site\n    url: {news.url}\n    hosts: [127.0.0.1, {UNRESOLVABLE}]\n    delay: 0.25\n"
    crawl = crawl_entry(tmp_path, entry, seeded_corpus, timeout=90)
    assert "network guard" not in crawl.log, crawl.brief()
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == (None, False), crawl.brief()
    assert crawl.summary.get("errors", {}).get("DNSLookupError") == 1, crawl.brief()
    assert "Retrying" not in crawl.log, "a host that does not resolve was asked again\n" + crawl.brief()


# -- a site that is there, in trouble: retried as before, and retryable ---------------------------

def _unavailable(req: Any) -> tuple[int, dict[str, str], str]:
    return 503, {}, "<html><body><h1>503 Service Unavailable</h1><p>Try again later.</p></body></html>"


def test_start_page_503_then_ok_is_retried_and_the_crawl_succeeds(site: FaultSite, tmp_path: Path,
                                                                 seeded_corpus: Path) -> None:
    news = NewsSite(site)
    home = site.routes["/en/"]
    site.route("/en/", flaky([_unavailable(None), _unavailable(None)], home))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert [h.status for h in site.hits(path="/en/")][:3] == [503, 503, 200], crawl.brief()
    assert_stored_once(seeded_corpus, news)
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == (None, False), crawl.brief()


# Without robots.txt (404: no rules), the start page is the only page that can be fetched.

def test_start_page_503_throughout_fails_retryable(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    NewsSite(site, robots=None)
    site.route("/en/", _unavailable)
    crawl = run_crawl(tmp_path, seeded_corpus, site.url + "/en/")
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    assert len(site.hits(path="/en/")) == 1 + RETRY_TIMES, crawl.brief()
    assert "503" in (crawl.summary.get("error") or ""), crawl.brief()
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == ("http_5xx", True), crawl.brief()


def test_start_page_reset_fails_retryable(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    NewsSite(site, robots=None)
    site.route("/en/", lambda req: RESET)
    crawl = run_crawl(tmp_path, seeded_corpus, site.url + "/en/")
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    assert len(site.hits(path="/en/")) == 1 + RETRY_TIMES, "a reset start page is retried\n" + crawl.brief()
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == ("connection_lost", True), \
        crawl.brief()


def test_start_page_timeout_fails_retryable(site: FaultSite, tmp_path: Path, seeded_corpus: Path) -> None:
    news = NewsSite(site, robots=None)
    site.route("/en/", slow(30, site.routes["/en/"]))
    # The project's timeout is 30 s; 2 s here keeps the test short (same code path).
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, settings={"DOWNLOAD_TIMEOUT": 2}, timeout=60)
    assert (crawl.code, crawl.status) == (1, "failed"), crawl.brief()
    assert len(site.hits(path="/en/")) == 1 + RETRY_TIMES, "a start page that times out is retried\n" + crawl.brief()
    assert (crawl.summary.get("error_kind"), crawl.summary.get("retryable")) == ("timeout", True), crawl.brief()
    assert docs_at(seeded_corpus, news.base, news.path(news.articles[0])) == []


def test_harvest_crawl_of_unreachable_sources_ends_quickly(tmp_path: Path) -> None:
    """``harvest crawl`` of five sources whose hosts do not resolve, two at a time, on Prefect's
    temporary local server: every source fails at once and none is crawled again."""
    names = [f"gone-{i}" for i in range(5)]
    config = write_config(tmp_path / "sources.yaml",
                          *(f"  - name: {n}\n    url: http://{n}.{UNRESOLVABLE}/en/\n" for n in names))
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "flows.cli", "crawl", "--config", str(config), "--corpus",
                          str(tmp_path / "corpus"), "--jobs", "2", "--json"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - t0
    tail = run.stderr[-3000:]
    assert run.returncode == 1, f"exit {run.returncode}\n{tail}"
    assert seconds < 60, f"five unreachable sources took {seconds:.0f} s\n{tail}"
    summaries = {s["source"]: s for s in json.loads(run.stdout[run.stdout.index("["):])}
    assert sorted(summaries) == names, run.stdout[-2000:]
    for name, s in summaries.items():
        assert (s["status"], s.get("error_kind"), s.get("retryable")) == ("failed", "dns", False), s
        assert f"{name}.{UNRESOLVABLE}" in s["error"] and s["requests"] <= 3, s


def test_config_error_is_not_retryable(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", "  - name: site\n    url: http://127.0.0.1:1/en/\n    delay: 0\n")
    summary_path = tmp_path / "summary.json"
    run = subprocess.run([sys.executable, "-m", "crawlers.run", "no-such-source", "--config", str(config),
                          "--corpus", str(tmp_path / "corpus"), "--summary", str(summary_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no-such-source" in run.stderr, run.stderr
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert (summary["status"], summary["error_kind"], summary["retryable"]) == ("failed", "config", False), summary
    assert "no-such-source" in summary["error"], summary
