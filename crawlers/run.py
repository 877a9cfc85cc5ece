"""Crawl one source, or several at once, in this process and write their summaries as JSON.

``python -m crawlers.run SOURCE [--config FILE] [--corpus DIR] [--summary FILE]``
``python -m crawlers.run SOURCE SOURCE... --summary-dir DIR [--timeout S]``

Each run of the reactor is a process of its own (Twisted's reactor cannot be restarted); the
sources given together are crawled at once on it, each by its own Scrapy crawler, sharing one
pool of cleaning workers. The summary JSON files are the only contract with the caller. Exit
status: 0 every source ran, 1 a source failed (its summary says why), 2 bad configuration.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawlers import config as harvest_config
from crawlers.cleaner import adopt_orphans
from crawlers.memtune import tune_malloc
from crawlers.netguard import install_if_requested

# The rest is imported where it is used: a cleaning worker started by this process runs this
# module's top again (multiprocessing's main-module fixup, as ``__mp_main__``), and pydantic and
# yaml there cost each worker 0.09 s of CPU and 7 MB at the start of every crawl.
if TYPE_CHECKING:
    from crawlers.sources import Source
    from crawlers.summary import RunSummary

COUNTERS = ("new", "updated", "unchanged", "duplicate", "near_duplicate", "not_modified", "rechecked")
# Failures that a new attempt of the whole source minutes later would meet again: the host does
# not resolve, robots.txt forbids everything while it answers 5xx, the
# site answers its start page with a client error, the corpus cannot be written, the
# configuration is wrong, a page makes the spider fail, the crawl was stopped on purpose,
# discovery found nothing to crawl (the start URL redirects elsewhere, no feed, no sitemap).
# A refused connection ends the attempt at once too, but a server being restarted refuses
# connections for a moment: one retry of the source later may find it up.
NOT_RETRYABLE = frozenset({"dns", "robots_unavailable", "http_3xx", "http_4xx", "corpus", "config",
                           "spider_error", "interrupted", "nothing_found"})


def crawl_settings(source: Source, corpus: str, config: str | None, log_level: str = "INFO") -> Any:
    """Scrapy settings for one source crawl (project settings + per-source politeness)."""
    from scrapy.settings import Settings

    from crawlers.settings import source_settings

    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("HARVEST_CORPUS", corpus, priority="cmdline")
    settings.set("HARVEST_CONFIG", config, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    settings.setdict(source_settings(source), priority="cmdline")
    return settings


def summarise(source: Source, stats: dict[str, Any], spider: Any, started: str, seconds: float) -> dict[str, Any]:
    """The crawl's ``RunSummary`` (as its JSON object) from Scrapy stats and the spider's discovery notes.
    See ``run_summary``."""
    return run_summary(source, stats, spider, started, seconds).to_dict()


def run_summary(source: Source, stats: dict[str, Any], spider: Any, started: str, seconds: float) -> RunSummary:
    """The crawl's ``RunSummary`` from Scrapy stats and the spider's discovery notes.

    A failed run says what kind of failure it was (``error_kind``: ``dns``, ``refused``,
    ``robots_unavailable``, ``timeout``, ``connection_lost``, ``http_5xx``, ``corpus``…) and
    whether a new attempt of the whole source later could cure it (``retryable``)."""
    from crawlers.summary import RunSummary
    from storage.index import utcnow

    def group(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    errors = group("harvest/errors/")
    crashes = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))
    store_errors = int(stats.get("harvest/store_errors", 0))
    fetched_ok = getattr(spider, "fetched_ok", 0)
    failed_reason = kind = None
    if fetched_ok == 0:
        failed_reason = getattr(spider, "first_error", None)
        if failed_reason:
            kind = getattr(spider, "error_kind", None) or "error"
        elif hasattr(spider, "nothing_found") and hasattr(spider, "discovered"):
            failed_reason, kind = spider.nothing_found(), "nothing_found"
        else:
            failed_reason, kind = "nothing could be fetched", "nothing_fetched"
    elif store_errors:
        failed_reason = f"{store_errors} item(s) could not be stored: {stats.get('harvest/store_error_message')}"
        kind = "corpus"
    elif crashes:
        failed_reason = f"{crashes} page(s) made the spider fail (see the log)"
        kind = "spider_error"
    return RunSummary(
        source=source.name,
        status="failed" if failed_reason else "ok",
        error=failed_reason,
        error_kind=kind,
        retryable=kind is not None and kind not in NOT_RETRYABLE,
        started_at=started,
        finished_at=utcnow(),
        seconds=round(seconds, 2),
        requests=int(stats.get("downloader/request_count", 0)),
        pages_fetched=int(stats.get("harvest/pages_fetched", 0)),
        **{name: int(stats.get(f"harvest/{name}", 0)) for name in COUNTERS},
        skipped=group("harvest/skipped/"),
        errors=errors,
        skipped_requests=group("harvest/skipped_requests/"),
        cut=group("harvest/cut/"),
        discovered=getattr(spider, "discovered", {}),
        cleaning={"pages": int(stats.get("harvest/cleaning/pages", 0)),
                  "cpu_seconds": round(float(stats.get("harvest/cleaning/cpu_seconds", 0.0)), 3)},
        items=stats.get("harvest/items", []),
        finish_reason=stats.get("finish_reason"),
    )


PROGRESS_PREFIX = "harvest-progress "


class _Progress:
    """Writes a ``harvest-progress {json}`` line to stderr every second while the crawl runs:
    requests, pages, new, updated, errors (the caller shows it; it is not a log line)."""

    def __init__(self, crawler: Any, source: str | None = None):
        self.crawler = crawler
        self.source = source  # named in each line (a group's crawl)
        self.last = ""
        from twisted.internet import reactor as installed_reactor
        from twisted.internet import task

        # The stubs type ``twisted.internet.reactor`` as a module; at run time it is the installed
        # reactor (an IReactorCore provider), whose methods the stubs do not know.
        reactor: Any = installed_reactor
        self.loop = task.LoopingCall(self.emit)
        reactor.callWhenRunning(self.loop.start, 1.0, now=False)

    def emit(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        named = {"source": self.source} if self.source else {}
        line = json.dumps({**named,
            "requests": int(stats.get("downloader/request_count", 0)),
            "pages": int(stats.get("harvest/pages_fetched", 0)),
            "new": int(stats.get("harvest/new", 0)),
            "updated": int(stats.get("harvest/updated", 0)),
            "errors": sum(int(v) for k, v in stats.items() if k.startswith("harvest/errors/")),
        }, separators=(",", ":"))
        if line != self.last:
            self.last = line
            sys.stderr.write(PROGRESS_PREFIX + line + "\n")
            sys.stderr.flush()

    def stop(self) -> None:
        if self.loop.running:
            self.loop.stop()


def crawl(source: Source, corpus: str, config: str | None, log_level: str = "INFO") -> dict[str, Any]:
    """Run the crawl of one source (starts and stops the reactor: once per process)."""
    return crawl_sources([source], corpus, config, log_level)[source.name]


DONE_PREFIX = "harvest-done "  # a group's crawl of one source ended: its summary file is written


def crawl_sources(sources: list[Source], corpus: str, config: str | None, log_level: str = "INFO",
                  timeout: float | None = None, on_done: Any = None, tagged: bool = False,
                  ready: Any = None) -> dict[str, dict[str, Any]]:
    """Crawl ``sources`` at once on one reactor (starts and stops it: once per process), each
    source its own Scrapy crawler with its own settings (politeness, slots, stats, seen-store,
    writer), all of them sharing the process's cleaning workers (``crawlers.state.cleaner_for``).

    A source's crawl still past ``timeout`` seconds is closed (what was cleaned is stored) and
    its summary fails as ``timeout``; the others go on. ``on_done(source, summary)`` is called as
    each source ends, after its run is recorded. With ``tagged``, each log line of a source's
    crawl starts with ``@<source> `` (``GroupLogFormatter``) and the progress lines name it.
    ``ready()``, when given, is asked once everything is set up (the cleaning workers starting):
    false, and nothing is crawled."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    from crawlers.cleaner import GC_THRESHOLD
    from crawlers.spiders.source import SourceSpider
    from crawlers.state import cleaner_for, release_cleaner

    if not sources:
        return {}

    def settings_of(source: Source) -> Any:
        settings = crawl_settings(source, corpus, config, log_level)
        if tagged:  # Scrapy's own root handler (installed again by each crawler) is a null one
            settings.set("LOG_ENABLED", False, priority="cmdline")
        return settings

    process = CrawlerProcess(settings_of(sources[0]), install_root_handler=True)
    if tagged:
        _tag_log_lines(process.settings)
    summaries: dict[str, dict[str, Any]] = {}
    # The first crawler installs the reactor when it starts (as CrawlerProcess's own would).
    crawlers = [(source, Crawler(SourceSpider, settings_of(source), init_reactor=i == 0))
                for i, source in enumerate(sources)]
    process._initialized_reactor = True
    # The reactor installed now (as the first crawler would: Scrapy's ``install_reactor`` leaves an
    # installed one alone), so that its event loop drives the cleaning workers.
    install_reactor(process.settings["TWISTED_REACTOR"], process.settings["ASYNCIO_EVENT_LOOP"])
    _loop_shortcuts()
    # The cleaning workers start while the crawlers are set up (the crawls share them).
    cleaner = cleaner_for(process.settings)
    # What is loaded by now lives as long as the process: out of the collector's reach, which
    # then runs less often (``crawlers.cleaner.GC_THRESHOLD``: the crawl makes and drops many
    # small objects per response).
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, older, oldest)
    try:
        if ready is not None and not ready():
            return {}
        _run_crawlers(process, crawlers, summaries, timeout, on_done, tagged)
    finally:
        release_cleaner(cleaner)
    return summaries


def _loop_shortcuts() -> None:
    """Scrapy turns each coroutine into a Deferred (``scrapy.utils.defer.deferred_from_coro``:
    about 18 times a page) after asking whether the asyncio reactor is installed (an import each
    time) and for the asyncio event loop, by a call that sets up a warnings filter each time
    (``scrapy.utils.reactor.set_asyncio_event_loop``): 4.7 % of the crawl process's profiled CPU
    on 2,000 real pages. Once a reactor is installed, the first answer holds for the process; on
    the reactor's thread, while it runs, the event loop is the running one, which
    ``asyncio.get_event_loop`` would return too. Anything else is asked Scrapy's own way."""
    import asyncio

    from scrapy.utils import defer as scrapy_defer

    loop_of = getattr(scrapy_defer, "_get_asyncio_event_loop", None)
    installed = getattr(scrapy_defer, "is_asyncio_reactor_installed", None)
    if loop_of is None or installed is None or getattr(loop_of, "shortcut", False):
        return

    def event_loop() -> asyncio.AbstractEventLoop:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return loop_of()

    known: list[bool] = []

    def asyncio_reactor_installed() -> bool:
        if not known:
            known.append(installed())  # raises, and is asked again, while no reactor is installed
        return known[0]

    event_loop.shortcut = True  # type: ignore[attr-defined]
    scrapy_defer._get_asyncio_event_loop = event_loop  # noqa: SLF001
    scrapy_defer.is_asyncio_reactor_installed = asyncio_reactor_installed


def _run_crawlers(process: Any, crawlers: list[tuple[Source, Any]], summaries: dict[str, dict[str, Any]],
                  timeout: float | None, on_done: Any, tagged: bool) -> None:
    from twisted.python.failure import Failure

    from storage.index import utcnow

    for source, crawler in crawlers:
        started, t0 = utcnow(), time.monotonic()
        deferred = process.crawl(crawler, source=source)
        progress = _Progress(crawler, source.name if tagged else None)
        cut = _cut_after(crawler, timeout) if timeout else None

        def done(result: Any, source: Source = source, crawler: Any = crawler, progress: _Progress = progress,
                 started: str = started, t0: float = t0, cut: Any = cut) -> Any:
            progress.stop()
            if cut is not None and cut.active():
                cut.cancel()
            crashed = None
            if isinstance(result, Failure):  # the crawl itself crashed (a bug): said, and summarised
                logging.getLogger(__name__).error("crawl of %s crashed: %s", source.name, result.getTraceback(),
                                                  extra={"spider": crawler.spider})
                crashed = f"{result.type.__name__}: {result.value}"
            summary = _finish(source, crawler, started, time.monotonic() - t0, timeout, crashed)
            summaries[source.name] = summary
            if on_done is not None:
                on_done(source, summary)
            return None

        deferred.addBoth(done)
    process.start()
    for source, crawler in crawlers:  # a crawl whose deferred never fired (the reactor was stopped)
        if source.name not in summaries:
            summaries[source.name] = _finish(source, crawler, utcnow(), 0.0, timeout)
            if on_done is not None:
                on_done(source, summaries[source.name])


def _cut_after(crawler: Any, timeout: float) -> Any:
    """Close ``crawler``'s spider (reason ``timeout``) when it is still crawling after
    ``timeout`` seconds: what was cleaned is stored, the other crawls go on."""
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor

    def cut() -> None:
        if crawler.crawling and crawler.engine is not None and crawler.spider is not None:
            logging.getLogger(__name__).error("still crawling after %.0f s: stopping this source", timeout,
                                              extra={"spider": crawler.spider})
            crawler.engine.close_spider(crawler.spider, "timeout")

    return reactor.callLater(timeout, cut)


def _finish(source: Source, crawler: Any, started: str, seconds: float, timeout: float | None,
            crashed: str | None = None) -> dict[str, Any]:
    """The summary of one source's ended crawl, its run recorded in the index (``crashed``:
    the crawl itself raised this)."""
    from crawlers.state import opened_corpus
    from storage.index import StorageError

    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    summary = run_summary(source, stats, crawler.spider, started, seconds)
    if crashed:
        summary.status, summary.retryable, summary.error_kind = "failed", True, "crash"
        summary.error = crashed
    elif summary.finish_reason == "timeout":
        summary.status, summary.retryable, summary.error_kind = "failed", True, "timeout"
        summary.error = f"timed out after {timeout:.0f} s"
    elif summary.finish_reason in (None, "shutdown"):
        # Stopped by a signal (Scrapy's reason "shutdown"; none when it stopped at once): what
        # was stored stays, but the run is not complete, so the next crawl pages through again.
        summary.status, summary.retryable, summary.error_kind = "interrupted", False, "interrupted"
        summary.error = summary.error or "interrupted: the crawl was asked to stop"
    corpus_obj = opened_corpus(crawler)
    if corpus_obj is not None:
        try:
            with corpus_obj.index.write():
                corpus_obj.index.record_run(source.name, started, summary.status, summary.to_dict(),
                                            complete=summary.complete)
        except (StorageError, OSError) as exc:
            # Disk full or read-only index: the counts are still reported, the run is failed.
            summary.status = "failed"
            summary.error = summary.error or f"the run could not be recorded: {type(exc).__name__}: {exc}"
            summary.error_kind, summary.retryable = summary.error_kind or "corpus", False
        finally:
            try:
                corpus_obj.close()
            except StorageError:
                pass
    return summary.to_dict()


class GroupLogFormatter(logging.Formatter):
    """Starts each log line of a source's crawl with ``@<source> `` (from the record's
    ``spider``), so that the process that started a group can tell the sources' lines apart."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        spider = getattr(record, "spider", None)
        source = getattr(spider, "_source", None)
        name = getattr(source, "name", None)
        return f"@{name} {text}" if name else text


def _tag_log_lines(settings: Any) -> None:
    """The process's log handler: Scrapy's format, each line of a source's crawl tagged."""
    handler = logging.StreamHandler()
    handler.setFormatter(GroupLogFormatter(logging.Formatter(fmt=settings.get("LOG_FORMAT"),
                                                             datefmt=settings.get("LOG_DATEFORMAT"))))
    handler.setLevel(settings.get("LOG_LEVEL"))
    logging.root.addHandler(handler)


def watch_parent(pid: int) -> None:
    """Stop this crawl (SIGTERM: Scrapy closes the spider) when process ``pid``, which started
    it, is gone; stop it at once 10 s later if it is still running, and exit 10 s after that."""
    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(1)
        logging.getLogger(__name__).error("the process that started this crawl is gone: stopping")
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    from crawlers.sources import ConfigError
    from crawlers.summary import RunSummary

    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="one source, or several crawled at once")
    parser.add_argument("--config", help="sources YAML (default: the bundled sources.yaml)")
    corpus = harvest_config.default("HARVEST_CORPUS")
    parser.add_argument("--corpus", default=corpus, help=f"corpus folder (default: ./{corpus})")
    parser.add_argument("--summary", help="one source: write the summary JSON here (default: stdout)")
    parser.add_argument("--summary-dir", help="write each source's summary to DIR/N.json as soon as it ends (N: "
                        "its position among the SOURCEs, from 0) and say so on stderr (harvest-done N); log lines "
                        "start with @SOURCE")
    parser.add_argument("--timeout", type=float, help="seconds a source may crawl (default: no limit)")
    parser.add_argument("--wait-go", action="store_true", help="set up, then crawl only once a line 'go' comes "
                        "on stdin (end of input: exit without crawling)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--parent", type=int, help="stop (as on SIGTERM) when this process is gone")
    parser.add_argument("--source-file", help="the sources' entries as JSON (an object, or a list in the order of "
                        "the SOURCEs), instead of reading --config again")
    args = parser.parse_args(argv)
    tune_malloc()
    install_if_requested()
    adopt_orphans()  # the cleaning workers stay this process's children when their fork server ends
    if args.parent:
        watch_parent(args.parent)
    try:
        sources = _read_sources(args.sources, args.config, args.source_file)
    except ConfigError as exc:
        print(f"harvest: {exc}", file=sys.stderr)
        # No summary of a crawl: the caller learns why, and that no retry will do.
        if args.summary or args.summary_dir:
            for position, name in enumerate(args.sources):
                failed = RunSummary(source=name, status="failed", error=str(exc), error_kind="config",
                                    retryable=False).to_dict()
                _write_summary(failed, args, position, indent=None)
        return 2

    def done(source: Source, summary: dict[str, Any]) -> None:
        _write_summary(summary, args, args.sources.index(source.name))

    try:
        summaries = crawl_sources(sources, args.corpus, args.config, args.log_level, timeout=args.timeout,
                                  on_done=done if args.summary_dir else None, tagged=bool(args.summary_dir),
                                  ready=_told_to_go if args.wait_go else None)
    except Exception as exc:  # the summaries must say what went wrong, whatever it was
        logging.getLogger(__name__).exception("crawl of %s crashed", ", ".join(args.sources))
        summaries = {}
        for position, source in enumerate(sources):
            summaries[source.name] = RunSummary(source=source.name, status="failed", error_kind="crash",
                                                error=f"{type(exc).__name__}: {exc}", retryable=True).to_dict()
            if args.summary_dir:
                _write_summary(summaries[source.name], args, position)
    if not args.summary_dir:
        for summary in summaries.values():
            _write_summary(summary, args, None)
    return 0 if all(summary["status"] == "ok" for summary in summaries.values()) else 1


def _told_to_go() -> bool:
    """``--wait-go``: whether the caller says ``go`` (rather than closing stdin)."""
    return sys.stdin.readline().strip() == "go"


def _read_sources(names: list[str], config: str | None, source_file: str | None) -> list[Source]:
    """The sources named, from ``source_file`` (read and checked by the caller) or the sources
    file; ``ConfigError`` for a name it does not declare."""
    from crawlers.sources import ConfigError, Source, load_sources

    if source_file:
        given = json.loads(Path(source_file).read_text(encoding="utf-8"))
        entries = [Source(**entry) for entry in (given if isinstance(given, list) else [given])]
    else:
        entries = load_sources(config)
    by_name = {s.name: s for s in entries}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ConfigError(f"unknown source {unknown[0]!r}", config or "sources.yaml")
    if len(set(names)) != len(names):
        raise ConfigError("a source is named twice", config or "sources.yaml")
    return [by_name[name] for name in names]


def _write_summary(summary: dict[str, Any], args: argparse.Namespace, position: int | None,
                   indent: int | None = 2) -> None:
    """A summary to where the caller reads it: ``--summary-dir`` (then ``harvest-done N`` on
    stderr), ``--summary``, or stdout."""
    text = json.dumps(summary, ensure_ascii=False, indent=indent)
    target = Path(args.summary_dir) / f"{position}.json" if args.summary_dir and position is not None else \
        Path(args.summary) if args.summary else None
    if target is None:
        print(text)
        return
    try:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:  # the caller is gone with its folder: the index has the run
        print(f"harvest: cannot write the summary: {exc}", file=sys.stderr)
        return
    if args.summary_dir:
        sys.stderr.write(f"{DONE_PREFIX}{position}\n")
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
