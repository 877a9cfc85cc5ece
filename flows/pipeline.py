"""The Prefect flow: one flow run per crawl, one task run per source.

The sources are crawled all at once, in one crawl process (or ``jobs`` of them, each with its
share; ``flows.group``) with one pool of cleaning workers; each source is still a task run of
its own, with its own log, state and summary, and fails, retries (in a crawl process of its
own) and times out on its own. The flow publishes two artifacts — a table
of the new and updated items and a markdown report with per-source counts and the corpus size —
and ends Failed only if a source failed, naming it.

No source is crawled by two runs at once, whichever worker or machine runs them: each source's
crawl holds a slot of the Prefect global concurrency limit ``harvest-source-<name>`` (limit 1,
created when missing) from before its crawl process starts until its task run ends. A run that
finds a source busy waits for it up to ``busy_wait`` seconds, then leaves it out: that source is
reported ``interrupted`` (``error_kind`` ``busy``), the run still ends Completed, and the other
run stores its items. The slot is a lease that the run renews while it holds it; a run whose
process was killed stops renewing, and the Prefect server frees the slot once the lease expires
(``source_lease`` seconds, at least 60, plus the server's repossessor loop, 15 s by default).
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Cancelled, Completed, Failed, State

from crawlers.sources import load_sources, select
from crawlers.summary import RunSummary
from flows.group import adopt, end_group, shares, start_group, take
from flows.progress import CRAWL_LINE
from flows.report import item_rows, markdown_report, zero_streaks
from flows.runner import request_stop, reset_stop, run_source, stop_requested
from storage.corpus import Corpus
from storage.index import StorageError

FLOW_NAME = "harvest-crawl"
SOURCE_LIMIT = "harvest-source-{name}"  # the Prefect global concurrency limit of each source
MIN_LEASE = 60.0  # the shortest concurrency lease the Prefect server grants, in seconds
# Scrapy's start-up chatter (settings, middleware lists, stats dump) goes to the debug log.
_QUIET = re.compile(r"\[scrapy\.(middleware|utils\.log|addons|crawler|extensions\.telnet|statscollectors)\]")


class SourceFailed(Exception):
    """A source's crawl failed; carries its summary so the report can show it."""

    def __init__(self, summary: dict[str, Any]):
        self.summary = summary
        super().__init__(f"source {summary['source']} failed: {summary.get('error')}")


def _forward(logger: Any) -> Any:
    """Forward a crawl process's log lines to the task run's log, at their own level (marked,
    so that the terminal of ``harvest crawl`` shows progress lines instead of them)."""
    mark = {CRAWL_LINE: True}

    def emit(line: str) -> None:
        for level in ("ERROR", "CRITICAL", "WARNING"):
            if f"] {level}:" in line:
                logger.warning(line, extra=mark) if level == "WARNING" else logger.error(line, extra=mark)
                return
        if "] INFO:" in line and not _QUIET.search(line):
            logger.info(line, extra=mark)
        else:
            logger.debug(line, extra=mark)
    return emit


class CrawlIncomplete(Exception):
    """The outcome of a crawl run that failed or was stopped: its message and the sources'
    summaries (a Failed or Cancelled Prefect state carries an exception, not a list)."""

    def __init__(self, message: str, summaries: list[dict[str, Any]]):
        super().__init__(message)
        self.summaries = summaries

    def __reduce__(self) -> Any:
        return (CrawlIncomplete, (str(self), self.summaries))


def final_state(returned: Any) -> State:
    """What ``crawl_flow(..., return_state=True)`` returns when called from synchronous code: its
    final ``State`` (Prefect's signature also allows an awaitable, for asynchronous callers)."""
    return cast(State, returned)


def summaries_of(state: State) -> list[dict[str, Any]] | None:
    """The per-source summaries of a finished ``crawl_flow`` run, whatever its end."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, CrawlIncomplete):
        return result.summaries
    return result if isinstance(result, list) else None


def _worth_retrying(task: Any, task_run: Any, state: State) -> bool:
    """A source is crawled again only when a retry can cure what went wrong: not after a stop
    request, nor for a host that does not resolve or refuses connections, a robots.txt that
    forbids everything, or a corpus that cannot be written (the summary's ``retryable``)."""
    if stop_requested():
        return False
    exc = state.result(raise_on_failure=False)
    if isinstance(exc, SourceFailed):
        return bool(exc.summary.get("retryable", True))
    return True


@task(name="crawl-source", task_run_name="crawl-{name}", retries=1, retry_delay_seconds=30,
      retry_condition_fn=_worth_retrying)
def crawl_source(name: str, corpus: str, config: str | None, timeout: float,
                 log_file: str | None = None, group: str | None = None) -> dict[str, Any]:
    """The crawl of one source: its share of the crawl process of ``group`` (``flows.group``),
    which crawls it at once with the others; a new attempt, or a source of no group, in a crawl
    process of its own (``run_source``). Either stops it after ``timeout`` seconds. Raises
    ``SourceFailed`` when it failed. Its whole log also goes to ``log_file``."""
    logger = get_run_logger()
    summary = take(group, name, log=_forward(logger), log_file=log_file)
    if summary is None:
        entry = next((s for s in load_sources(config) if s.name == name), None)  # read once per process
        summary = run_source(name, corpus, config, timeout=timeout, log=_forward(logger), log_file=log_file,
                             source=entry)
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
    return RunSummary(source=name, status="failed", error=state.message or repr(exc), items=[]).to_dict()


def _too_late(max_lateness: float) -> str | None:
    """A scheduled run that starts more than ``max_lateness`` s late is skipped (no pile-up)."""
    ctx = FlowRunContext.get()
    run = ctx.flow_run if ctx else None
    if not run or not run.deployment_id or not run.expected_start_time or max_lateness <= 0:
        return None
    late = (datetime.now(UTC) - run.expected_start_time).total_seconds()
    if late > max_lateness:
        return f"skipped: started {late:.0f} s after its scheduled time (limit {max_lateness:.0f} s)"
    return None


def source_limit(name: str) -> str:
    """The name of the Prefect global concurrency limit that one crawl of ``name`` at a time holds."""
    return SOURCE_LIMIT.format(name=name)


def ensure_source_limits(names: list[str]) -> None:
    """Create the concurrency limit (limit 1) of each source that has none yet. Two runs may
    create one at once: the second finds it made."""
    from prefect import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        for name in names:
            try:
                client.read_global_concurrency_limit_by_name(source_limit(name))
            except ObjectNotFound:
                try:
                    client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=source_limit(name),
                                                                                        limit=1))
                except ObjectAlreadyExists:
                    pass


class SourceBusy(Exception):
    """The concurrency limit of a source is held (another run crawls it)."""


def _hold(name: str, lease: float, holder: Any) -> ExitStack:
    """The slot of ``name``'s limit, held (its lease renewed by Prefect) until the returned stack
    is closed. ``SourceBusy`` when another run holds it."""
    import httpx
    from prefect.concurrency.asyncio import ConcurrencySlotAcquisitionError
    from prefect.concurrency.sync import concurrency

    stack = ExitStack()
    try:
        stack.enter_context(concurrency(source_limit(name), max_retries=0, lease_duration=max(lease, MIN_LEASE),
                                        strict=True, holder=holder, raise_on_lease_renewal_failure=False))
    except ConcurrencySlotAcquisitionError as exc:
        cause = exc.__cause__
        if isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code == 423:
            raise SourceBusy(name) from None
        raise
    return stack


def claim_sources(names: list[str], busy_wait: float, lease: float,
                  logger: Any) -> tuple[dict[str, ExitStack], list[str]]:
    """Take the concurrency slot of each source: those free at once, then the busy ones as they
    come free, for up to ``busy_wait`` seconds (checked every few seconds). Returns the held
    slots by source and the sources still busy (left out of this run). A slot is asked for only
    when its limit shows it free (a refused request is an error in Prefect's log)."""
    from prefect import get_client
    from prefect.client.schemas.objects import ConcurrencyLeaseHolder

    ctx = FlowRunContext.get()
    holder = ConcurrencyLeaseHolder(type="flow_run", id=ctx.flow_run.id) if ctx and ctx.flow_run else None
    ensure_source_limits(names)
    held: dict[str, ExitStack] = {}
    busy: list[str] = []
    deadline = time.monotonic() + max(0.0, busy_wait)
    waiting = list(names)
    try:
        with get_client(sync_client=True) as client:
            while True:
                busy = []
                for name in waiting:
                    limit = client.read_global_concurrency_limit_by_name(source_limit(name))
                    if not limit.active:  # turned off (in the UI): nothing to hold
                        held[name] = ExitStack()
                        continue
                    try:
                        if limit.active_slots >= limit.limit:
                            raise SourceBusy(name)
                        held[name] = _hold(name, lease, holder)
                    except SourceBusy:
                        busy.append(name)
                if not busy or time.monotonic() >= deadline or stop_requested():
                    break
                if waiting == names:
                    logger.info("waiting up to %.0f s for source(s) being crawled by another run: %s", busy_wait,
                                ", ".join(busy))
                waiting = busy
                time.sleep(min(3.0, max(0.0, deadline - time.monotonic())))
    except BaseException:
        for stack in held.values():
            stack.close()
        raise
    return held, busy


def _busy_summary(name: str, busy_wait: float) -> dict[str, Any]:
    message = (f"not crawled: being crawled by another run (Prefect concurrency limit {source_limit(name)} "
               f"still held after {busy_wait:.0f} s); that run stores its items")
    return RunSummary(source=name, status="interrupted", error=message, error_kind="busy", items=[]).to_dict()


def use_index(index: str | None) -> None:
    """The run's index location for the flow and the crawl processes it starts ($HARVEST_INDEX).
    A deployment names it without its password (``storage.index.public_location``): the
    worker's own $HARVEST_INDEX, when it is the same location with its password, is kept;
    otherwise the password comes from the worker's PGPASSWORD or ~/.pgpass."""
    if index is None:
        return
    from storage.index import public_location

    current = os.environ.get("HARVEST_INDEX", "").strip()
    if index.strip() and current and public_location(current) == public_location(index.strip()):
        return
    os.environ["HARVEST_INDEX"] = index.strip()



@flow(name=FLOW_NAME, log_prints=True)
def crawl_flow(
    sources: list[str] | None = None,
    group: str | None = None,
    config: str | None = None,
    corpus: str = "corpus",
    jobs: int = 1,
    timeout: float = 3600,
    retries: int = 1,
    retry_delay: float = 30,
    zero_runs: int = 3,
    max_lateness: float = 3600,
    log_dir: str | None = None,
    index: str | None = None,
    busy_wait: float = 60,
    source_lease: float = 120,
) -> Any:
    """Crawl the chosen sources (all enabled ones, a ``group``, or named ``sources``). Each
    crawl's full log goes to ``log_dir`` (default ``<corpus>/.logs``), one file per source and
    run, as well as to the run's Prefect log. ``index``: where the corpus index is (``use_index``;
    None: $HARVEST_INDEX). A source another run is crawling is waited for up to ``busy_wait``
    seconds, then left out; ``source_lease`` is the lease of its slot (module doc)."""
    logger = get_run_logger()
    use_index(index)
    late = _too_late(max_lateness)
    if late:
        logger.warning(late)
        return Cancelled(message=late)
    chosen = select(load_sources(config), sources)
    if group:
        chosen = [s for s in chosen if s.group == group]
    names = [s.name for s in chosen]
    logger.info("crawling %d source(s) into %s, all at once in %d crawl process(es): %s", len(names), corpus,
                min(max(1, jobs), len(names)), ", ".join(names))
    # The source timeout is enforced by ``run_source`` on the crawl process (a task timeout
    # cannot interrupt a task that runs in a worker thread).
    crawl = crawl_source.with_options(retries=retries, retry_delay_seconds=retry_delay)
    logs = _log_folder(log_dir, corpus, logger)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    states: dict[str, State] = {}
    groups: list[str] = []
    held: dict[str, ExitStack] = {}
    busy: list[str] = []
    with _stop_on_signals():
        # The sources share ``jobs`` crawl processes, each crawling its share all at once; each
        # source is still a task run of its own (its log, state, retries and summary).
        futures: dict[PrefectFuture[dict[str, Any]], str] = {}
        try:
            held, busy = claim_sources(names, busy_wait, source_lease, logger)
            if busy:
                logger.warning("left out, being crawled by another run (concurrency limit held after %.0f s): %s",
                               busy_wait, ", ".join(busy))
            claimed = [name for name in names if name in held]
            for share in shares(claimed, jobs):
                if stop_requested():
                    break
                key = adopt(share, _forward(logger)) or start_group(
                    share, corpus, config, timeout, sources=[s for s in chosen if s.name in share],
                    log=_forward(logger))
                groups.append(key)
                for name in share:
                    log_file = str(logs / f"{stamp}-{name}.log") if logs else None
                    futures[crawl.submit(name, corpus, config, timeout, log_file, key)] = name
            for done in as_completed(list(futures)):
                done.wait()
                states[futures[done]] = done.state
                held.pop(futures[done]).close()  # the source is free for other runs at once
        finally:
            for key in groups:
                end_group(key)
            for stack in held.values():
                stack.close()
    stopped = stop_requested()
    summaries = [_summary_of(name, states[name]) if name in states else
                 _busy_summary(name, busy_wait) if name in busy else
                 RunSummary(source=name, status="interrupted", error=f"not started: {stopped}", items=[]).to_dict()
                 for name in names]
    publish_report(summaries, corpus, zero_runs, group)
    if stopped:
        new = sum(int(s.get("new", 0)) for s in summaries)
        message = f"{stopped}: {new} new item(s) stored; the next crawl goes on from there"
        logger.warning(message)
        return Cancelled(message=message, data=CrawlIncomplete(message, summaries))
    failed = [s["source"] for s in summaries if s.get("status") != "ok" and s["source"] not in busy]
    if failed:
        message = f"{len(failed)} of {len(names)} source(s) failed: {', '.join(failed)}"
        return Failed(message=message, data=CrawlIncomplete(message, summaries))
    left_out = f"; left out, being crawled by another run: {', '.join(busy)}" if busy else ""
    return Completed(message=f"{len(names) - len(busy)} source(s) crawled{left_out}", data=summaries)


def _log_folder(log_dir: str | None, corpus: str, logger: Any) -> Path | None:
    folder = Path(log_dir) if log_dir else Path(corpus) / ".logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("no log files: cannot create %s: %s", folder, exc)
        return None
    return folder


_SIGNALS: dict[int, str] = {signal.SIGINT: "interrupted by Ctrl-C (SIGINT)", signal.SIGTERM: "stopped by SIGTERM"}


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """While the sources are crawled, SIGINT and SIGTERM stop the crawls cleanly instead of
    killing the flow: each crawl stores what it has cleaned and writes its summary, no new
    source is started, and the flow run ends Cancelled with what was stored. A second signal
    kills the crawls at once. (Signal handlers can only be set in the main thread; elsewhere
    this does nothing.)"""
    reset_stop()
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        request_stop(_SIGNALS.get(signum, f"stopped by signal {signum}"))

    previous = {sig: signal.signal(sig, handler) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def publish_report(summaries: list[dict[str, Any]], corpus: str, zero_runs: int, group: str | None) -> None:
    """Create the run's artifacts: the new/updated items table and the markdown report."""
    try:
        with Corpus(corpus) as store:
            size: int | str = store.index.count()
            history = {s["source"]: store.index.recent_runs(s["source"], zero_runs) for s in summaries}
    except (StorageError, OSError) as exc:  # the report still shows the run, without the corpus figures
        get_run_logger().warning("corpus figures unavailable: %s: %s", type(exc).__name__, exc)
        size, history = "?", {}
    flagged = zero_streaks(history, zero_runs)
    suffix = f"-{group}" if group else ""
    rows = item_rows(summaries)  # its "kind" column: item (a page) or document (a PDF)
    documents = sum(r["kind"] == "document" for r in rows)
    create_table_artifact(
        key=f"harvest-items{suffix}", table=rows,
        description=f"{len(rows)} new or updated item(s)"
        + (f", {documents} of them PDF documents" if documents else ""),
    )
    create_markdown_artifact(
        key=f"harvest-report{suffix}", markdown=markdown_report(summaries, size, flagged, zero_runs),
        description="per-source counts and corpus size",
    )
    if flagged:
        get_run_logger().warning("no new items for %d consecutive runs: %s", zero_runs, ", ".join(flagged))
