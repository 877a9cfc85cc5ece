"""Crawl one source in this process and write its summary as JSON.

``python -m crawlers.run SOURCE [--config FILE] [--corpus DIR] [--summary FILE]``

Each crawl runs in a process of its own (Twisted's reactor cannot be restarted). The
summary JSON is the only contract with the caller. Exit status: 0 the source ran,
1 it failed (the summary says why), 2 bad configuration.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from crawlers import config as harvest_config
from crawlers.netguard import install_if_requested
from crawlers.settings import source_settings
from crawlers.sources import ConfigError, Source, load_sources
from crawlers.summary import RunSummary
from storage.index import StorageError, utcnow

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
        items=stats.get("harvest/items", []),
        finish_reason=stats.get("finish_reason"),
    )


PROGRESS_PREFIX = "harvest-progress "


class _Progress:
    """Writes a ``harvest-progress {json}`` line to stderr every second while the crawl runs:
    requests, pages, new, updated, errors (the caller shows it; it is not a log line)."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
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
        line = json.dumps({
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
    """Run the crawl (starts and stops the reactor: once per process)."""
    from scrapy.crawler import CrawlerProcess

    from crawlers.spiders.source import SourceSpider
    from crawlers.state import opened_corpus

    started, t0 = utcnow(), time.monotonic()
    process = CrawlerProcess(crawl_settings(source, corpus, config, log_level), install_root_handler=True)
    crawler = process.create_crawler(SourceSpider)
    process.crawl(crawler, source=source)
    progress = _Progress(crawler)
    process.start()
    progress.stop()
    # Set when the crawl was started (Crawler.crawl applies the settings, STATS_CLASS among them).
    assert crawler.stats is not None
    summary = run_summary(source, crawler.stats.get_stats(), crawler.spider, started, time.monotonic() - t0)
    if summary.finish_reason in (None, "shutdown"):
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
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("source")
    parser.add_argument("--config", help="sources YAML (default: the bundled sources.yaml)")
    corpus = harvest_config.default("HARVEST_CORPUS")
    parser.add_argument("--corpus", default=corpus, help=f"corpus folder (default: ./{corpus})")
    parser.add_argument("--summary", help="write the summary JSON here (default: stdout)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--parent", type=int, help="stop (as on SIGTERM) when this process is gone")
    parser.add_argument("--source-file", help="the source's entry as JSON (instead of reading --config again)")
    args = parser.parse_args(argv)
    install_if_requested()
    if args.parent:
        watch_parent(args.parent)
    try:
        if args.source_file:  # the caller has read and checked the sources file already
            matches = [Source(**json.loads(Path(args.source_file).read_text(encoding="utf-8")))]
        else:
            matches = [s for s in load_sources(args.config) if s.name == args.source]
        if not matches or matches[0].name != args.source:
            raise ConfigError(f"unknown source {args.source!r}", args.config or "sources.yaml")
    except ConfigError as exc:
        print(f"harvest: {exc}", file=sys.stderr)
        if args.summary:  # no summary of a crawl: the caller learns why, and that no retry will do
            failed = RunSummary(source=args.source, status="failed", error=str(exc), error_kind="config",
                                retryable=False)
            Path(args.summary).write_text(json.dumps(failed.to_dict()), encoding="utf-8")
        return 2
    source = matches[0]
    try:
        summary = crawl(source, args.corpus, args.config, args.log_level)
    except Exception as exc:  # the summary must say what went wrong, whatever it was
        logging.getLogger(__name__).exception("crawl of %s crashed", source.name)
        summary = RunSummary(source=source.name, status="failed", error=f"{type(exc).__name__}: {exc}",
                             error_kind="crash", retryable=True).to_dict()
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    if args.summary:
        try:
            tmp = Path(args.summary).with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(args.summary)
        except OSError as exc:  # the caller is gone with its folder: the index has the run
            print(f"harvest: cannot write the summary: {exc}", file=sys.stderr)
    else:
        print(text)
    return 0 if summary["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
