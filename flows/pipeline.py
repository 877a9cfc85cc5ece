"""The Prefect flow: one flow run per crawl, one task run per source.

Each source's crawl runs in its own process (``flows.runner``), a bounded number at a time;
a source fails, retries and times out on its own. The flow publishes two artifacts — a table
of the new and updated items and a markdown report with per-source counts and the corpus size —
and ends Failed only if a source failed, naming it.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.states import Cancelled, Completed, Failed, State

from crawlers.sources import load_sources, select
from flows.report import item_rows, markdown_report, zero_streaks
from flows.runner import run_source
from storage.corpus import Corpus

FLOW_NAME = "harvest-crawl"
# Scrapy's start-up chatter (settings, middleware lists, stats dump) goes to the debug log.
_QUIET = re.compile(r"\[scrapy\.(middleware|utils\.log|addons|crawler|extensions\.telnet|statscollectors)\]")


class SourceFailed(Exception):
    """A source's crawl failed; carries its summary so the report can show it."""

    def __init__(self, summary: dict[str, Any]):
        self.summary = summary
        super().__init__(f"source {summary['source']} failed: {summary.get('error')}")


def _forward(logger: Any) -> Any:
    """Forward a crawl process's log lines to the task run's log, at their own level."""
    def emit(line: str) -> None:
        for level in ("ERROR", "CRITICAL", "WARNING"):
            if f"] {level}:" in line:
                logger.warning(line) if level == "WARNING" else logger.error(line)
                return
        if "] INFO:" in line and not _QUIET.search(line):
            logger.info(line)
        else:
            logger.debug(line)
    return emit


@task(name="crawl-source", task_run_name="crawl-{name}", retries=1, retry_delay_seconds=30)
def crawl_source(name: str, corpus: str, config: str | None, timeout: float) -> dict[str, Any]:
    """Crawl one source in a child process; raise ``SourceFailed`` when it failed."""
    logger = get_run_logger()
    summary = run_source(name, corpus, config, timeout=timeout, log=_forward(logger))
    logger.info(
        "%s: %s — requests %s, pages %s, new %s, updated %s, unchanged %s, duplicates %s, skipped %s, errors %s",
        name, summary.get("status"), summary.get("requests", 0), summary.get("pages_fetched", 0),
        summary.get("new", 0), summary.get("updated", 0), summary.get("unchanged", 0),
        summary.get("duplicate", 0), summary.get("skipped") or {}, summary.get("errors") or {},
    )
    if summary.get("status") != "ok":
        raise SourceFailed(summary)
    return summary


def _summary_of(name: str, state: State) -> dict[str, Any]:
    if state.is_completed():
        return state.result()
    exc = state.result(raise_on_failure=False)
    if isinstance(exc, SourceFailed):
        return exc.summary
    return {"source": name, "status": "failed", "error": state.message or repr(exc), "items": []}


def _too_late(max_lateness: float) -> str | None:
    """A scheduled run that starts more than ``max_lateness`` s late is skipped (no pile-up)."""
    ctx = FlowRunContext.get()
    run = ctx.flow_run if ctx else None
    if not run or not run.deployment_id or not run.expected_start_time or max_lateness <= 0:
        return None
    late = (datetime.now(timezone.utc) - run.expected_start_time).total_seconds()
    if late > max_lateness:
        return f"skipped: started {late:.0f} s after its scheduled time (limit {max_lateness:.0f} s)"
    return None


@flow(name=FLOW_NAME, log_prints=True)
def crawl_flow(
    sources: list[str] | None = None,
    group: str | None = None,
    config: str | None = None,
    corpus: str = "corpus",
    jobs: int = 2,
    timeout: float = 3600,
    retries: int = 1,
    retry_delay: float = 30,
    zero_runs: int = 3,
    max_lateness: float = 3600,
) -> Any:
    """Crawl the chosen sources (all enabled ones, a ``group``, or named ``sources``)."""
    logger = get_run_logger()
    late = _too_late(max_lateness)
    if late:
        logger.warning(late)
        return Cancelled(message=late)
    chosen = select(load_sources(config), sources)
    if group:
        chosen = [s for s in chosen if s.group == group]
    names = [s.name for s in chosen]
    logger.info("crawling %d source(s) into %s, %d at a time: %s", len(names), corpus, jobs, ", ".join(names))
    crawl = crawl_source.with_options(retries=retries, retry_delay_seconds=retry_delay, timeout_seconds=timeout + 120)
    states: dict[str, State] = {}
    pending, running = list(names), {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            name = pending.pop(0)
            running[crawl.submit(name, corpus, config, timeout)] = name
        done = next(iter(as_completed(list(running))))
        done.wait()
        states[running.pop(done)] = done.state
    summaries = [_summary_of(name, states[name]) for name in names]
    publish_report(summaries, corpus, zero_runs, group)
    failed = [s["source"] for s in summaries if s.get("status") != "ok"]
    if failed:
        return Failed(message=f"{len(failed)} of {len(names)} source(s) failed: {', '.join(failed)}", data=summaries)
    return Completed(message=f"{len(names)} source(s) crawled", data=summaries)


def publish_report(summaries: list[dict[str, Any]], corpus: str, zero_runs: int, group: str | None) -> None:
    """Create the run's artifacts: the new/updated items table and the markdown report."""
    with Corpus(corpus) as store:
        size = store.index.count()
        history = {s["source"]: store.index.recent_runs(s["source"], zero_runs) for s in summaries}
    flagged = zero_streaks(history, zero_runs)
    suffix = f"-{group}" if group else ""
    rows = item_rows(summaries)
    create_table_artifact(
        key=f"harvest-items{suffix}", table=rows,
        description=f"{len(rows)} new or updated item(s)",
    )
    create_markdown_artifact(
        key=f"harvest-report{suffix}", markdown=markdown_report(summaries, size, flagged, zero_runs),
        description="per-source counts and corpus size",
    )
    if flagged:
        get_run_logger().warning("no new items for %d consecutive runs: %s", zero_runs, ", ".join(flagged))
