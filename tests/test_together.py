"""Every source at once: `harvest crawl` of several sources runs them in one crawl process,
each on its own (politeness, log, summary, task run), and a hanging source is cut at its time
without holding the others back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from testing.faultsite import FaultSite, NewsSite, generated_article, slow
from tests.conftest import write_config

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def crawl_processes() -> list[list[str]]:
    """The command lines of the crawl processes running now (``python -m crawlers.run``)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            args = Path(entry.path, "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode("utf-8", "replace") for a in args if a]
        if "crawlers.run" in words:
            found.append(words)
    return found


class ProcessWatch:
    """Samples the crawl processes while a command runs."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            for words in crawl_processes():
                self.seen.setdefault(" ".join(words), words)
            time.sleep(0.1)

    def done(self) -> list[list[str]]:
        self.stop.set()
        self.thread.join()
        return list(self.seen.values())


def news_site(first: int, count: int) -> tuple[FaultSite, NewsSite]:
    site = FaultSite().start()
    return site, NewsSite(site, [generated_article(first + i) for i in range(count)])


def fetched_span(site: FaultSite) -> tuple[float, float]:
    times = [hit.time for hit in site.log]
    return min(times), max(times)


def test_sources_crawl_at_once_in_one_process_and_a_hanging_one_is_cut(
        tmp_path: Path, seeded_corpus: Path, prefect_server: dict[str, Any]) -> None:
    (site_a, news_a), (site_b, news_b) = news_site(0, 2), news_site(100, 2)
    hanging = FaultSite().start()
    NewsSite(hanging, [generated_article(200 + i) for i in range(3)])
    hanging.prefix("/en/", slow(40, lambda req: (200, {"Content-Type": "text/html"}, "<html></html>")))
    try:
        # Politeness on (one request a second per site): one after the other, the two sites
        # would take twice as long as one.
        config = write_config(
            tmp_path / "sources.yaml",
            f"  - name: alpha\n    url: {site_a.url}/en/\n    delay: 1\n",
            f"  - name: beta\n    url: {site_b.url}/en/\n    delay: 1\n",
            f"  - name: stuck\n    url: {hanging.url}/en/\n    delay: 1\n",
        )
        env = {**os.environ, "PREFECT_API_URL": prefect_server["api"], "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        watch = ProcessWatch()
        run = subprocess.run([sys.executable, "-m", "flows.cli", "crawl", "--config", str(config), "--corpus",
                              str(seeded_corpus), "--timeout", "30", "--retries", "0", "--json"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        processes = watch.done()
    finally:
        for site in (site_a, site_b, hanging):
            site.stop()
    assert run.returncode == 1, run.stderr
    summaries = {s["source"]: s for s in json.loads(run.stdout)}
    # The good sources stored all their articles; the hanging one was cut at its time.
    for name, news in (("alpha", news_a), ("beta", news_b)):
        assert summaries[name]["status"] == "ok", summaries[name]
        assert summaries[name]["new"] == len(news.articles), summaries[name]
    stuck = summaries["stuck"]
    assert (stuck["status"], stuck["error_kind"], stuck["error"]) == ("failed", "timeout", "timed out after 30 s")
    # One crawl process for the three sources.
    processes = [words for words in processes if str(config) in words]
    assert len(processes) == 1, processes
    assert {"alpha", "beta", "stuck"} <= set(processes[0]), processes
    # Fetched at once: each site's requests overlap the other's in time, and politeness held
    # (at least a second between two requests to one site, after robots.txt).
    (a0, a1), (b0, b1) = fetched_span(site_a), fetched_span(site_b)
    assert a0 < b1 and b0 < a1, ((a0, a1), (b0, b1))
    for site in (site_a, site_b):
        pages = sorted(hit.time for hit in site.log if not hit.path.endswith("robots.txt"))
        gaps = [later - earlier for earlier, later in zip(pages, pages[1:])]
        assert gaps and min(gaps) >= 0.5, gaps  # DOWNLOAD_DELAY 1 s, randomised 0.5–1.5 s by Scrapy
    # Each source's log file has its own lines only.
    logs = {path.name.split("-", 1)[1][:-4]: path.read_text(encoding="utf-8")
            for path in (seeded_corpus / ".logs").glob("*.log")}
    assert site_a.url in logs["alpha"] and site_b.url not in logs["alpha"] and hanging.url not in logs["alpha"]
    assert site_b.url in logs["beta"] and site_a.url not in logs["beta"]
    assert "[scrapy.core.engine] INFO: Spider opened" in logs["alpha"] and "@alpha" not in logs["alpha"]
    # In Prefect: one flow run, a task run per source with its own end.
    api = prefect_server["api"]
    names = ["crawl-alpha", "crawl-beta", "crawl-stuck"]  # of this test only (the server is the session's)
    tasks = httpx.post(f"{api}/task_runs/filter", json={"task_runs": {"name": {"any_": names}}},
                       timeout=30).json()
    assert len(tasks) == 3 and len({t["flow_run_id"] for t in tasks}) == 1, tasks
    states = {t["name"]: t["state"]["type"] for t in tasks}
    assert states == {"crawl-alpha": "COMPLETED", "crawl-beta": "COMPLETED", "crawl-stuck": "FAILED"}, states
    logs_of = httpx.post(f"{api}/logs/filter", json={"logs": {"task_run_id": {"any_": [
        next(t["id"] for t in tasks if t["name"] == "crawl-alpha")]}}, "limit": 200}, timeout=30).json()
    text = "\n".join(entry["message"] for entry in logs_of)
    assert "alpha: ok" in text and site_b.url not in text, text[-2000:]
