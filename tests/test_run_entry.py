"""The crawl entry point ``crawlers/run.py``: ``python -m crawlers.run`` in a process of its own,
as the flows start it (exit status and summary file are its whole contract), and its pure
parts (``crawl_settings``, ``summarise``) as units."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawlers.run import NOT_RETRYABLE, crawl_settings, summarise
from crawlers.sources import Source
from tests.conftest import ROOT, write_config

# --- the process --------------------------------------------------------------------------------


def site_entry(name: str, url: str, extra: str = "") -> str:
    """A source entry of a sources YAML, without politeness delay (local sites only)."""
    return f"  - name: {name}\n    url: {url}\n    delay: 0\n{extra}"


def run_entry(tmp_path: Path, source: str, config: Path | None, *, summary: bool = True, extra: tuple[str, ...] = (),
              timeout: float = 120, workers: int = 0) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    """``python -m crawlers.run SOURCE`` (cleaning in the crawl process, or in ``workers``
    cleaning workers), and the summary it wrote."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    summary_path = tmp_path / "summary.json"
    args = [sys.executable, "-m", "crawlers.run", source, "--corpus", str(corpus), *extra]
    if config is not None:
        args += ["--config", str(config)]
    if summary:
        args += ["--summary", str(summary_path)]
    env = {**os.environ, "HARVEST_CLEAN_WORKERS": str(workers)}  # the network guard's variable comes from conftest
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    written = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else None
    return proc, written


def closed_port() -> int:
    """A loopback port where nothing listens (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_an_unknown_source_is_a_configuration_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", site_entry("known", "http://127.0.0.1:9/news/"))
    proc, summary = run_entry(tmp_path, "unknown", config)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("harvest: ") and "unknown source 'unknown'" in proc.stderr, proc.stderr
    assert summary is not None
    assert (summary["source"], summary["status"], summary["error_kind"], summary["retryable"]) == (
        "unknown", "failed", "config", False)
    assert "unknown source 'unknown'" in summary["error"]
    assert not list((tmp_path / "corpus").iterdir())  # nothing was crawled or stored


@pytest.mark.slow
def test_an_unknown_source_without_a_summary_file_says_so_on_stderr(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", site_entry("known", "http://127.0.0.1:9/news/"))
    proc, summary = run_entry(tmp_path, "unknown", config, summary=False)
    assert (proc.returncode, proc.stdout, summary) == (2, "", None)
    assert proc.stderr.startswith("harvest: ") and "unknown source 'unknown'" in proc.stderr, proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "sources:\n  - name: broken\n    url: [unclosed\n",          # not YAML
    "sources:\n  - name: broken\n",                             # no url
    "sources:\n  - name: broken\n    url: https://x.example.org/\n    max_pages: many\n",  # a wrong type
])
def test_a_bad_config_file_is_a_configuration_error(tmp_path: Path, text: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(text, encoding="utf-8")
    proc, summary = run_entry(tmp_path, "broken", config)
    assert proc.returncode == 2, proc.stderr
    assert summary is not None
    assert (summary["status"], summary["error_kind"], summary["retryable"]) == ("failed", "config", False)
    assert "sources.yaml" in summary["error"], summary["error"]
    assert proc.stderr.startswith("harvest: "), proc.stderr


@pytest.mark.slow
def test_a_missing_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    proc, summary = run_entry(tmp_path, "any", tmp_path / "no-such.yaml")
    assert proc.returncode == 2 and summary is not None
    assert (summary["error_kind"], summary["retryable"]) == ("config", False)


@pytest.mark.slow
def test_a_site_that_refuses_connections_fails_as_refused(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/news/"
    config = write_config(tmp_path / "sources.yaml", site_entry("closed", url))
    proc, summary = run_entry(tmp_path, "closed", config, timeout=60)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert summary is not None, proc.stderr[-2000:]
    assert (summary["source"], summary["status"], summary["error_kind"]) == ("closed", "failed", "refused")
    assert summary["retryable"] is True  # a server being restarted refuses connections for a moment
    assert "127.0.0.1" in summary["error"]
    assert summary["new"] == 0 and summary["pages_fetched"] == 0


@pytest.mark.slow
def test_a_source_file_as_the_flows_hand_it_over(tmp_path: Path) -> None:
    """The flows pass the source's entry as JSON (``--source-file``): no sources file is read."""
    source = Source(name="closed", url=f"http://127.0.0.1:{closed_port()}/news/", delay=0)
    source_file = tmp_path / "source.json"
    source_file.write_text(json.dumps(asdict(source)), encoding="utf-8")
    proc, summary = run_entry(tmp_path, "closed", None, extra=("--source-file", str(source_file)), timeout=60)
    assert proc.returncode == 1 and summary is not None, proc.stderr[-2000:]
    assert (summary["source"], summary["status"], summary["error_kind"]) == ("closed", "failed", "refused")
    # The entry must be the source asked for.
    proc, summary = run_entry(tmp_path, "other", None, extra=("--source-file", str(source_file)))
    assert proc.returncode == 2 and summary is not None, proc.stderr[-2000:]
    assert (summary["source"], summary["error_kind"], summary["retryable"]) == ("other", "config", False)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2])
def test_a_small_site_is_crawled_and_stored(tmp_path: Path, wordpress_site: Any, workers: int) -> None:
    """In the crawl process and in cleaning workers; the summary says what the cleaning cost
    (every page cleaned, and its CPU, as the crawl process or the workers measured it)."""
    config = write_config(tmp_path / "sources.yaml", site_entry("wp", f"{wordpress_site.url}/en/"))
    proc, summary = run_entry(tmp_path, "wp", config, workers=workers)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert summary is not None
    assert (summary["source"], summary["status"], summary["error"], summary["error_kind"]) == ("wp", "ok", None, None)
    assert summary["new"] > 0 and summary["pages_fetched"] >= summary["new"]
    assert summary["requests"] >= summary["pages_fetched"]  # crawlers.middlewares.CountingDownloaderStats
    assert len(summary["items"]) == summary["new"] + summary["updated"]
    stored = sorted(p.name for p in (tmp_path / "corpus").glob("*.txt"))
    assert len(stored) == summary["new"]
    assert {item["file"] for item in summary["items"]} == set(stored)
    cleaned = summary["cleaning"]
    assert summary["new"] <= cleaned["pages"] <= summary["pages_fetched"]
    assert 0 < cleaned["cpu_seconds"] < 60
    assert proc.stdout == ""  # the summary went to its file


LOOP_SHORTCUTS = """
import asyncio, sys
from scrapy.utils import defer as scrapy_defer
from crawlers.run import _loop_shortcuts

_loop_shortcuts()
_loop_shortcuts()  # once is enough: a second call changes nothing
try:
    scrapy_defer.is_asyncio_reactor_installed()
except RuntimeError:
    print("no reactor yet")
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import reactor
print("asyncio reactor", scrapy_defer.is_asyncio_reactor_installed())
outside = scrapy_defer._get_asyncio_event_loop()
print("outside, the reactor's loop", outside is reactor._asyncioEventloop)

async def job():
    await asyncio.sleep(0)
    return scrapy_defer._get_asyncio_event_loop() is asyncio.get_running_loop()

def run():
    d = scrapy_defer.deferred_from_coro(job())
    d.addCallback(lambda same: print("inside, the running loop", same))
    d.addBoth(lambda _: reactor.stop())

reactor.callWhenRunning(run)
reactor.run()
"""


def test_scrapy_is_told_the_event_loop_directly() -> None:
    """``crawlers.run._loop_shortcuts``: Scrapy's coroutines still become Deferreds on the
    reactor's loop, and the reactor's kind is asked once it is installed, not before."""
    proc = subprocess.run([sys.executable, "-c", LOOP_SHORTCUTS], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["no reactor yet", "asyncio reactor True",
                                        "outside, the reactor's loop True", "inside, the running loop True"]


# --- crawl_settings -----------------------------------------------------------------------------


def test_a_delay_of_0_switches_autothrottle_off(tmp_path: Path) -> None:
    settings = crawl_settings(Source(name="local", url="http://127.0.0.1:8000/", delay=0),
                              str(tmp_path / "corpus"), str(tmp_path / "sources.yaml"), "WARNING")
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 8
    assert settings.get("HARVEST_CORPUS") == str(tmp_path / "corpus")
    assert settings.get("HARVEST_CONFIG") == str(tmp_path / "sources.yaml")
    assert settings.get("LOG_LEVEL") == "WARNING"


def test_the_default_and_a_positive_delay_keep_autothrottle() -> None:
    default = crawl_settings(Source(name="site", url="https://site.example.org/"), "corpus", None)
    assert default.getbool("AUTOTHROTTLE_ENABLED") is True
    assert default.getfloat("DOWNLOAD_DELAY") == 1.0
    assert default.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert default.get("HARVEST_CONFIG") is None and default.get("LOG_LEVEL") == "INFO"
    slow = crawl_settings(Source(name="site", url="https://site.example.org/", delay=2.5), "corpus", None)
    assert slow.getbool("AUTOTHROTTLE_ENABLED") is True and slow.getfloat("DOWNLOAD_DELAY") == 2.5
    # The project's own settings are there underneath.
    assert default.get("DUPEFILTER_CLASS") == "crawlers.middlewares.ReportingDupeFilter"
    assert default.getbool("ROBOTSTXT_OBEY") is True


# --- summarise ----------------------------------------------------------------------------------


SOURCE = Source(name="site", url="https://site.example.org/news/")


def summarised(stats: dict[str, Any], **spider: Any) -> dict[str, Any]:
    """``summarise`` (the summary's JSON object) for a spider with the given attributes."""
    return dict(summarise(SOURCE, stats, SimpleNamespace(**spider), "2026-01-01T00:00:00Z", 3.14159))


def test_a_good_crawl_is_ok_with_its_counts() -> None:
    stats = {
        "downloader/request_count": 14, "harvest/pages_fetched": 11, "harvest/new": 3, "harvest/updated": 1,
        "harvest/unchanged": 6, "harvest/duplicate": 1, "harvest/not_modified": 2,
        "harvest/skipped/too_short": 2, "harvest/errors/http_404": 1, "harvest/cut/max_pages": 5,
        "harvest/skipped_requests/offsite": 4, "harvest/items": [{"title": "A", "status": "new"}],
        "finish_reason": "finished", "log_count/INFO": 20,
    }
    s = summarised(stats, fetched_ok=11, discovered={"feeds": 1})
    assert (s["source"], s["status"], s["error"], s["error_kind"], s["retryable"]) == ("site", "ok", None, None, False)
    assert (s["requests"], s["pages_fetched"], s["new"], s["updated"], s["unchanged"]) == (14, 11, 3, 1, 6)
    assert (s["duplicate"], s["near_duplicate"], s["not_modified"], s["rechecked"]) == (1, 0, 2, 0)
    assert s["skipped"] == {"too_short": 2} and s["errors"] == {"http_404": 1}
    assert s["cut"] == {"max_pages": 5} and s["skipped_requests"] == {"offsite": 4}
    assert s["items"] == [{"title": "A", "status": "new"}] and s["discovered"] == {"feeds": 1}
    assert (s["started_at"], s["seconds"], s["finish_reason"]) == ("2026-01-01T00:00:00Z", 3.14, "finished")
    assert s["finished_at"]


def test_nothing_fetched_with_a_first_error_fails_with_its_kind() -> None:
    s = summarised({"harvest/errors/dns": 1}, fetched_ok=0,
                   first_error="site: cannot reach site.example.org: host not found", error_kind="dns")
    assert (s["status"], s["error"], s["error_kind"], s["retryable"]) == (
        "failed", "site: cannot reach site.example.org: host not found", "dns", False)
    assert s["errors"] == {"dns": 1}
    s = summarised({}, fetched_ok=0, first_error="the start URL timed out", error_kind="timeout")
    assert (s["status"], s["error_kind"], s["retryable"]) == ("failed", "timeout", True)
    # A first error of no declared kind.
    s = summarised({}, fetched_ok=0, first_error="something went wrong", error_kind=None)
    assert (s["status"], s["error_kind"], s["retryable"]) == ("failed", "error", True)


def test_nothing_fetched_and_no_error() -> None:
    s = summarised({}, fetched_ok=0)
    assert (s["status"], s["error"], s["error_kind"], s["retryable"]) == (
        "failed", "nothing could be fetched", "nothing_fetched", True)
    # A spider that keeps discovery notes says what it looked for.
    s = summarised({}, fetched_ok=0, discovered={}, nothing_found=lambda: "no feed, no sitemap, no links")
    assert (s["status"], s["error"], s["error_kind"], s["retryable"]) == (
        "failed", "no feed, no sitemap, no links", "nothing_found", False)


def test_store_errors_fail_the_run_as_corpus() -> None:
    stats = {"harvest/pages_fetched": 5, "harvest/new": 2, "harvest/store_errors": 3,
             "harvest/store_error_message": "OSError: [Errno 28] No space left on device",
             "spider_exceptions/ValueError": 1}
    s = summarised(stats, fetched_ok=5)
    assert (s["status"], s["error_kind"], s["retryable"]) == ("failed", "corpus", False)
    assert s["error"] == "3 item(s) could not be stored: OSError: [Errno 28] No space left on device"
    assert s["new"] == 2  # what was stored is still counted


def test_spider_crashes_fail_the_run_as_spider_error() -> None:
    stats = {"harvest/pages_fetched": 5, "spider_exceptions/ValueError": 2, "spider_exceptions/KeyError": 1}
    s = summarised(stats, fetched_ok=5)
    assert (s["status"], s["error_kind"], s["retryable"]) == ("failed", "spider_error", False)
    assert s["error"].startswith("3 page(s) made the spider fail")


@pytest.mark.parametrize("kind", sorted(NOT_RETRYABLE | {"refused", "timeout", "connection_lost", "http_5xx",
                                                          "network"}))
def test_retryable_follows_not_retryable(kind: str) -> None:
    s = summarised({}, fetched_ok=0, first_error=f"failed: {kind}", error_kind=kind)
    assert s["error_kind"] == kind
    assert s["retryable"] is (kind not in NOT_RETRYABLE)


def test_the_kinds_that_a_later_attempt_meets_again() -> None:
    assert {"dns", "robots_unavailable", "http_4xx", "corpus", "config", "spider_error"} <= NOT_RETRYABLE
    assert not {"refused", "timeout", "connection_lost", "http_5xx"} & NOT_RETRYABLE


def test_a_cleaning_worker_runs_the_entry_module_without_its_heavy_imports() -> None:
    """A cleaning worker of ``python -m crawlers.run`` runs the module's top again (multiprocessing's
    main-module fixup: ``runpy.run_module(name, run_name="__mp_main__")``, after the fork server's
    preload): it must not load pydantic, yaml, Scrapy or the index there, at every crawl's start."""
    script = (
        "import json, runpy, sys\n"
        "import crawlers.workerboot\n"
        "before = set(sys.modules)\n"
        "runpy.run_module('crawlers.run', run_name='__mp_main__', alter_sys=True)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    added = json.loads(out.stdout.strip().splitlines()[-1])
    heavy = [m for m in added if m.split(".")[0] in {"pydantic", "pydantic_core", "yaml", "scrapy", "twisted",
                                                      "storage", "cronsim"}]
    assert not heavy, heavy
    assert "crawlers.netguard" in added  # what the entry module does import is still imported
