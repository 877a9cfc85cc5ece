"""The crawl flow under ``prefect_test_harness``: real crawl processes against local sites."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SITES, write_config
from tests.test_crawl_e2e import expected, free_port, site_entry, stored_docs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def api(path: str, body: dict[str, Any]) -> Any:
    """POST to the Prefect API in use (the harness's, or PREFECT_API_URL)."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    response = httpx.post(f"{PREFECT_API_URL.value()}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def artifacts_of(flow_run_id: Any) -> dict[str, dict[str, Any]]:
    found = api("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [str(flow_run_id)]}}, "limit": 200})
    return {a["key"]: a for a in found}


def task_runs_of(flow_run_id: Any) -> dict[str, dict[str, Any]]:
    runs = api("/task_runs/filter", {"flow_runs": {"id": {"any_": [str(flow_run_id)]}}, "limit": 200})
    return {r["name"]: r for r in runs}


def test_failing_source_fails_alone_and_artifacts_show_the_run(harness: None, tmp_path: Path, seeded_corpus: Path,
                                                               wordpress_site: Any) -> None:
    from flows.pipeline import crawl_flow, summaries_of

    config = write_config(tmp_path / "sources.yaml", site_entry("mewa-like", f"{wordpress_site.url}/en/"),
                          site_entry("unreachable", f"http://127.0.0.1:{free_port()}/en/"))
    state = crawl_flow(config=str(config), corpus=str(seeded_corpus), retries=0, return_state=True)
    assert state.is_failed()
    assert state.message == "1 of 2 source(s) failed: unreachable"
    summaries = {s["source"]: s for s in summaries_of(state)}
    articles = expected("wordpress")["articles"]
    assert summaries["mewa-like"]["status"] == "ok" and summaries["mewa-like"]["new"] == len(articles)
    assert summaries["unreachable"]["status"] == "failed" and "connection refused" in summaries["unreachable"]["error"]
    assert len(stored_docs(seeded_corpus, wordpress_site.url)) == len(articles)

    flow_run_id = state.state_details.flow_run_id
    tasks = task_runs_of(flow_run_id)
    assert tasks["crawl-mewa-like"]["state"]["type"] == "COMPLETED"
    assert tasks["crawl-unreachable"]["state"]["type"] == "FAILED"

    found = artifacts_of(flow_run_id)
    rows = json.loads(found["harvest-items"]["data"])
    assert sorted(r["title"] for r in rows) == sorted(a["title"] for a in articles)
    assert {r["source"] for r in rows} == {"mewa-like"} and all(r["file"] and r["url"] for r in rows)
    report = found["harvest-report"]["data"]
    assert f"corpus: **{5 + len(articles)} documents**" in report
    assert "| mewa-like | ✅ ok |" in report and "| unreachable | ❌ failed |" in report
    assert "**unreachable**: " in report


def test_a_failed_source_is_retried(harness: None, tmp_path: Path, seeded_corpus: Path) -> None:
    """The site is down for the first attempt and up for the retry."""
    from flows.pipeline import crawl_flow
    from testing.localsite import LocalSite

    port = free_port()
    config = write_config(tmp_path / "sources.yaml", site_entry("flaky", f"http://127.0.0.1:{port}/en/"))
    started: list[LocalSite] = []

    def bring_up_after_first_failure() -> None:
        index = seeded_corpus / "index.sqlite"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if index.exists():
                db = sqlite3.connect(index)
                try:
                    failed = db.execute(
                        "SELECT COUNT(*) FROM runs WHERE source='flaky' AND status='failed'").fetchone()[0]
                except sqlite3.OperationalError:
                    failed = 0
                db.close()
                if failed:
                    started.append(LocalSite(SITES / "wordpress", port=port).start())
                    return
            time.sleep(0.2)

    watcher = threading.Thread(target=bring_up_after_first_failure, daemon=True)
    watcher.start()
    try:
        state = crawl_flow(config=str(config), corpus=str(seeded_corpus), retries=2, retry_delay=3, return_state=True)
    finally:
        watcher.join(5)
        for site in started:
            site.stop()
    assert started, "the first attempt did not fail as planned"
    assert state.is_completed(), state.message
    task = task_runs_of(state.state_details.flow_run_id)["crawl-flaky"]
    assert task["run_count"] == 2
    assert len(list(seeded_corpus.glob("*.txt"))) == 5 + len(expected("wordpress")["articles"])


def test_zero_new_items_streak_is_flagged(harness: None, tmp_path: Path, seeded_corpus: Path, drupal_site: Any) -> None:
    from flows.pipeline import crawl_flow

    config = write_config(tmp_path / "sources.yaml", site_entry("uclg-like", f"{drupal_site.url}/en/"))
    run = lambda: crawl_flow(config=str(config), corpus=str(seeded_corpus), zero_runs=2, return_state=True)  # noqa: E731
    first, second, third = run(), run(), run()
    assert all(s.is_completed() for s in (first, second, third))
    reports = [artifacts_of(s.state_details.flow_run_id)["harvest-report"]["data"] for s in (first, second, third)]
    assert "No new items" not in reports[0] and "No new items" not in reports[1]
    assert "## No new items for 2 consecutive runs" in reports[2] and "**uclg-like**" in reports[2]
