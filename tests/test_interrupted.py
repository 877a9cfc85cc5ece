"""Interrupted runs and process hygiene, with real processes and signals:
- a crawl stopped by a signal (or cut by its timeout) is a partial run: the next run pages on
  through the listing, past the page the interrupted run stored, and finishes the work;
- `harvest crawl` killed with SIGKILL, or sent SIGTERM alone (not its group), leaves no
  process behind: no crawl process, cleaning worker, resource tracker or temporary Prefect
  server keeps running and writing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testing.faultsite import FaultSite, NewsSite, generated_article, slow
from tests.conftest import write_config
from tests.test_crawl_e2e import site_entry
from tests.test_stopping import processes_with, stored

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def crawl_process(config: Path, corpus: Path, summary: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "crawlers.run", "news", "--config", str(config), "--corpus",
                             str(corpus), "--summary", str(summary)], cwd=ROOT, stdout=open(log, "wb"),
                            stderr=subprocess.STDOUT)


def runs(corpus: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        return [(status, json.loads(summary).get("finish_reason"))
                for status, summary in db.execute("SELECT status, summary FROM runs ORDER BY id")]
    finally:
        db.close()


def test_an_interrupted_run_is_partial_and_the_next_run_finishes_the_listing(tmp_path: Path,
                                                                             seeded_corpus: Path) -> None:
    first = [generated_article(i, prefix="partial") for i in range(10)]
    later = [generated_article(i, prefix="partial") for i in range(10, 30)]
    with FaultSite() as site:
        news = NewsSite(site, articles=first, per_page=10)
        config = write_config(tmp_path / "sources.yaml", site_entry("news", news.url))
        # 1. A complete run: 10 articles, one listing page.
        proc = crawl_process(config, seeded_corpus, tmp_path / "s1.json", tmp_path / "c1.log")
        assert proc.wait(120) == 0, (tmp_path / "c1.log").read_text()[-2000:]
        assert len(stored(seeded_corpus, site.url)) == 10
        # 2. Twenty new articles, newest first: listing page 1 holds ten of them, page 2 the
        # other ten, page 3 the old ones. Page 2 answers slowly; the run is stopped (SIGINT)
        # once page 1's articles are stored.
        for article in reversed(later):
            news.add_article(article, register=False)
            news.articles.insert(0, article)
        page2 = "/en/news/page/2/"
        original = site.find(page2, "")
        site.route(page2, slow(60, original))
        proc = crawl_process(config, seeded_corpus, tmp_path / "s2.json", tmp_path / "c2.log")
        deadline = time.monotonic() + 120
        while len(stored(seeded_corpus, site.url)) < 20 or not site.hits(path=page2):
            assert proc.poll() is None, (tmp_path / "c2.log").read_text()[-2000:]
            assert time.monotonic() < deadline, (tmp_path / "c2.log").read_text()[-2000:]
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 1
        second = json.loads((tmp_path / "s2.json").read_text())
        assert second["status"] == "interrupted" and second["retryable"] is False, second
        assert runs(seeded_corpus)[-1] == ("interrupted", "shutdown")
        assert len(stored(seeded_corpus, site.url)) == 20
        # 3. The next run pages past page 1 (all known, but taken by the interrupted run) and
        # stores the ten articles of page 2.
        site.route(page2, original)
        proc = crawl_process(config, seeded_corpus, tmp_path / "s3.json", tmp_path / "c3.log")
        assert proc.wait(120) == 0, (tmp_path / "c3.log").read_text()[-2000:]
    third = json.loads((tmp_path / "s3.json").read_text())
    assert third["status"] == "ok" and third["new"] == 10, third
    assert stored(seeded_corpus, site.url) == sorted(site.url + news.path(a) for a in first + later)


@pytest.mark.parametrize("how", ["sigkill", "sigterm-alone"])
def test_harvest_crawl_leaves_no_process_behind(tmp_path: Path, seeded_corpus: Path, how: str) -> None:
    articles = [generated_article(i, prefix="hygiene") for i in range(8)]
    with FaultSite() as site:
        news = NewsSite(site, articles=articles, article_delay=0.0)
        for article in articles[3:]:  # these answer slowly: the crawl is busy when it is stopped
            path = news.path(article)
            site.route(path, slow(60, site.find(path, "")))
        config = write_config(tmp_path / "sources.yaml", site_entry("news", news.url))
        home = tmp_path / "prefect-home"
        env = {**os.environ, "PREFECT_HOME": str(home)}
        env.pop("PREFECT_API_URL", None)
        log = tmp_path / "harvest.log"
        proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "crawl", "--config", str(config), "--corpus",
                                 str(seeded_corpus)], cwd=tmp_path, env=env, stdout=open(log, "w"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while len(stored(seeded_corpus, site.url)) < 3 or not site.hits(path=news.path(articles[3])):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        marker = f"PREFECT_HOME={home}"
        # The command, its temporary server, the crawl, its fork server, workers and resource tracker.
        assert len(processes_with(marker)) >= 4, processes_with(marker)
        proc.send_signal(signal.SIGKILL if how == "sigkill" else signal.SIGTERM)
        proc.wait(30)
        deadline = time.monotonic() + 40
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = processes_with(marker)
        if left:  # clean up before failing
            for line in left:
                try:
                    os.kill(int(line.split(":")[0]), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        assert not left, f"still running {40} s after {how}:\n" + "\n".join(left)
        # Nothing writes to the corpus any more, and what is there is consistent.
        files = sorted(p.name for p in seeded_corpus.glob("*.txt"))
        time.sleep(2)
        assert sorted(p.name for p in seeded_corpus.glob("*.txt")) == files
        assert not list(seeded_corpus.glob(".tmp-*"))
    check = subprocess.run([sys.executable, "-m", "flows.cli", "check", "--corpus", str(seeded_corpus)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_source_timeout_stops_the_crawl_and_the_run_is_partial(tmp_path: Path, seeded_corpus: Path) -> None:
    """The per-source timeout is enforced on the crawl process (SIGTERM, then SIGKILL): the
    source fails saying so, what was stored stays, and the run is not taken as complete."""
    from flows.runner import run_source

    articles = [generated_article(i, prefix="timeout") for i in range(6)]
    with FaultSite() as site:
        news = NewsSite(site, articles=articles)
        for article in articles[2:]:
            path = news.path(article)
            site.route(path, slow(60, site.find(path, "")))
        config = write_config(tmp_path / "sources.yaml", site_entry("news", news.url))
        t0 = time.monotonic()
        summary = run_source("news", seeded_corpus, config, timeout=8)
        seconds = time.monotonic() - t0
    assert summary["status"] == "failed" and summary["error"] == "timed out after 8 s", summary
    assert (summary["error_kind"], summary["retryable"]) == ("timeout", True)
    assert seconds < 8 + 10, seconds
    assert len(stored(seeded_corpus, site.url)) == 2
    assert runs(seeded_corpus)[-1][0] == "interrupted"
