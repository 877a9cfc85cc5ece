"""``RunSummary`` (crawlers/summary.py): the summary JSON of a crawl, its keys and their order
as the crawl writes them, summaries of older versions read back, the crawl policy's verdict
``complete``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from crawlers.summary import BUDGET_CUTS, RunSummary

ROOT = Path(__file__).resolve().parent.parent
FULL_KEYS = ["source", "status", "error", "error_kind", "retryable", "started_at", "finished_at", "seconds",
             "requests", "pages_fetched", "new", "updated", "unchanged", "duplicate", "near_duplicate",
             "not_modified", "rechecked", "skipped", "errors", "skipped_requests", "cut", "discovered", "cleaning",
             "items", "finish_reason"]


def full_summary() -> dict[str, Any]:
    return {
        "source": "council", "status": "ok", "error": None, "error_kind": None, "retryable": False,
        "started_at": "2026-01-02T03:04:05Z", "finished_at": "2026-01-02T03:05:06Z", "seconds": 61.25,
        "requests": 40, "pages_fetched": 30, "new": 5, "updated": 1, "unchanged": 20, "duplicate": 2,
        "near_duplicate": 1, "not_modified": 3, "rechecked": 4, "skipped": {"not_item": 2},
        "errors": {"http_404": 1}, "skipped_requests": {"robots": 1}, "cut": {"link_depth": 3},
        "discovered": {"feeds": ["https://x.org/feed/"], "sitemaps": [], "wordpress_api": False},
        "cleaning": {"pages": 27, "cpu_seconds": 0.812},
        "items": [{"url": "https://x.org/a", "title": "Å", "status": "new"}], "finish_reason": "finished",
    }


def test_round_trip_keeps_keys_order_and_values() -> None:
    data = full_summary()
    summary = RunSummary.from_dict(data)
    assert summary.new == 5 and summary.cut == {"link_depth": 3} and summary.finish_reason == "finished"
    assert list(summary.to_dict()) == FULL_KEYS
    assert json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) == json.dumps(data, ensure_ascii=False, indent=2)
    assert RunSummary.from_dict(summary.to_dict()) == summary


def test_an_old_summary_without_some_keys_reads_back_as_it_was() -> None:
    """Summaries recorded before near-duplicates, conditional re-checks and cut counts existed
    lack those keys; unknown keys of another version are ignored."""
    old = {k: v for k, v in full_summary().items() if k not in ("near_duplicate", "not_modified", "rechecked", "cut",
                                                                 "skipped_requests", "finish_reason", "cleaning")}
    summary = RunSummary.from_dict({**old, "from_the_future": 1})
    assert (summary.near_duplicate, summary.not_modified, summary.rechecked) == (0, 0, 0)
    assert summary.cut == {} and summary.skipped_requests == {} and summary.finish_reason is None
    assert summary.cleaning == {}
    assert summary.complete
    assert summary.to_dict() == old and list(summary.to_dict()) == [k for k in FULL_KEYS if k in old]
    assert RunSummary.from_dict({}).to_dict() == {}


def test_a_field_set_later_becomes_part_of_the_summary() -> None:
    summary = RunSummary(source="s", status="failed", error="boom")
    assert summary.to_dict() == {"source": "s", "status": "failed", "error": "boom"}
    summary.error_kind, summary.retryable = "corpus", False
    assert summary.to_dict() == {"source": "s", "status": "failed", "error": "boom", "error_kind": "corpus",
                                 "retryable": False}


def test_only_budget_and_size_cuts_make_a_run_incomplete() -> None:
    assert RunSummary(source="s", status="ok").complete
    assert RunSummary(source="s", status="ok", cut={"link_depth": 91, "repeating_path": 2, "sitemap_depth": 1}).complete
    for cut in sorted(BUDGET_CUTS):
        assert not RunSummary(source="s", status="ok", cut={cut: 1, "link_depth": 1}).complete, cut


def test_summarise_writes_every_key_in_order() -> None:
    from crawlers.run import summarise
    from crawlers.sources import Source

    spider = SimpleNamespace(fetched_ok=3, discovered={"feeds": []})
    stats = {"downloader/request_count": 4, "harvest/pages_fetched": 3, "harvest/new": 2, "harvest/cut/page_budget": 1,
             "harvest/errors/timeout": 1, "harvest/items": [{"url": "u"}], "finish_reason": "finished",
             "harvest/cleaning/pages": 3, "harvest/cleaning/cpu_seconds": 0.12345}
    summary = summarise(Source(name="s", url="https://x.org/"), stats, spider, "2026-01-01T00:00:00Z", 1.234)
    assert list(summary) == FULL_KEYS
    assert summary["status"] == "ok" and summary["error"] is None and summary["seconds"] == 1.23
    assert summary["cut"] == {"page_budget": 1} and summary["errors"] == {"timeout": 1} and summary["new"] == 2
    assert summary["cleaning"] == {"pages": 3, "cpu_seconds": 0.123}
    assert not RunSummary.from_dict(summary).complete


def test_summaries_of_crawls_that_wrote_none() -> None:
    from flows.runner import _failed

    assert list(_failed("s", "timed out", kind="timeout", retryable=True)) == [
        "source", "status", "error", "error_kind", "retryable", "requests", "pages_fetched", "new", "updated",
        "unchanged", "duplicate", "skipped", "errors", "items"]
    assert _failed("s", "gone")["errors"] == {"crash": 1}
    assert _failed("s", "stopped", status="interrupted")["errors"] == {}


def test_a_bad_config_writes_a_failed_summary_with_the_config_keys(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - name: site\n    url: http://127.0.0.1:9/\n", encoding="utf-8")
    out = tmp_path / "summary.json"
    run = subprocess.run([sys.executable, "-m", "crawlers.run", "NOSUCH", "--config", str(config), "--corpus",
                          str(tmp_path / "corpus"), "--summary", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2, run.stderr
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == ["source", "status", "error", "error_kind", "retryable"]
    assert data["source"] == "NOSUCH" and data["status"] == "failed" and "unknown source 'NOSUCH'" in data["error"]
    assert (data["error_kind"], data["retryable"]) == ("config", False)
    assert text == json.dumps(data)
    assert RunSummary.from_dict(data).to_dict() == data


def test_the_new_items_are_listed_in_the_summary_not_in_the_stats_dump() -> None:
    import json
    import pprint

    from crawlers.pipelines import NewItems
    from crawlers.run import summarise
    from crawlers.sources import Source

    items = NewItems({"url": f"https://x.org/{i}", "status": "new"} for i in range(3000))
    stats = {"harvest/new": 3000, "harvest/items": items, "finish_reason": "finished"}
    # Scrapy's stats dump at the end of a crawl: the count, not 3,000 dicts.
    dump = pprint.pformat(stats)
    assert "'harvest/items': <3000 new or updated items>" in dump and "https://x.org/" not in dump
    summary = summarise(Source(name="s", url="https://x.org/"), stats, SimpleNamespace(), "2026-01-01T00:00:00Z", 1.0)
    assert json.loads(json.dumps(summary))["items"][2999] == {"url": "https://x.org/2999", "status": "new"}
