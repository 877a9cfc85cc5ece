"""Several sources crawled at once by one crawl process, each still reported on its own.

``start_group`` starts ``python -m crawlers.run A B C… --summary-dir DIR``: one reactor, one
Scrapy crawler per source (its own politeness, slots, stats and seen-store), one pool of
cleaning workers sized to the cores for all of them. The crawl process tags each log line with
its source (``@A …``), names the source in its progress lines and writes each source's summary
as soon as that source ends (``harvest-done N``). Here those lines are sorted by source, so the
task run of each source (``take``) gets its own log lines, its own log file and its own
summary, and ``flows.runner.progress`` shows each source's counts.

Stopping is as for a crawl process of one source (``flows.runner``): a stop request signals the
group's process, which stops every crawl cleanly. A source past its time is cut by the crawl
process itself (the others go on); past the same time plus a margin the whole process is
stopped, and every source without a summary is reported failed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawlers.run import DONE_PREFIX, PROGRESS_PREFIX
from flows import runner

# A group's process past its sources' time by this much is stopped as a whole (each source is
# cut by the process itself at its time; this covers a process that no longer answers).
MARGIN = 30.0
BUFFERED = 20_000  # lines of a source kept until its task run takes them
_NEW_RECORD = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")

_groups: dict[str, CrawlGroup] = {}
_groups_lock = threading.Lock()


class CrawlGroup:
    """The crawl process of several sources, and what it said of each (see the module doc)."""

    def __init__(self, names: list[str], corpus: str | Path, config: str | Path | None, timeout: float,
                 log_level: str = "INFO", sources: list[Any] | None = None,
                 log: Callable[[str], None] | None = None, wait: bool = False) -> None:
        self.names = list(names)
        self.timeout = timeout
        self.general = log  # the lines of no source (start-up, the reactor)
        self.early: list[str] = []  # those said before there was a ``general`` to say them to
        self.lock = threading.Lock()
        self.summaries: dict[str, dict[str, Any]] = {}
        self.ended = {name: threading.Event() for name in self.names}
        self.buffers: dict[str, list[str]] = {name: [] for name in self.names}
        self.listeners: dict[str, tuple[Callable[[str], None] | None, Any]] = {}
        self.taken: set[str] = set()
        self.tail: list[str] = []
        self.current: str | None = None  # the source of the last tagged line (a traceback goes on)
        self.tmp = tempfile.TemporaryDirectory(prefix="harvest-group-")
        self.folder = Path(self.tmp.name)
        cmd = [sys.executable, "-m", "crawlers.run", *self.names, "--corpus", str(corpus),
               "--summary-dir", str(self.folder), "--timeout", str(timeout), "--log-level", log_level,
               "--parent", str(os.getpid())]
        if config:
            cmd += ["--config", str(config)]
        if wait:  # set up, then wait for ``go``
            cmd += ["--wait-go"]
        if sources is not None:
            entries = self.folder / "sources.json"
            entries.write_text(json.dumps([dataclasses.asdict(s) for s in sources]), encoding="utf-8")
            cmd += ["--source-file", str(entries)]
        started = time.monotonic()
        for name in self.names:
            runner.progress[name] = {"state": "running", "requests": 0, "pages": 0, "new": 0, "errors": 0,
                                     "started": started}
        self.proc = runner.start_child(cmd, stdin=subprocess.PIPE if wait else None)
        self.thread = threading.Thread(target=self._run, name="harvest-group", daemon=True)
        self.thread.start()

    # the crawl process's lines ------------------------------------------------------------
    def _run(self) -> None:
        outcome = "exited"
        try:
            outcome = runner._pump(self.proc, self.tail, None, self.timeout + MARGIN, on_line=self._line)
        finally:
            runner.forget_child(self.proc)
            self._settle_rest(outcome)

    def _line(self, line: str) -> None:
        if line.startswith(PROGRESS_PREFIX):
            try:
                counts = json.loads(line[len(PROGRESS_PREFIX):])
                name = counts.pop("source", None)
            except (ValueError, AttributeError):
                return
            if name in runner.progress:
                runner.progress[name].update(counts)
            return
        if line.startswith(DONE_PREFIX):
            try:
                name = self.names[int(line[len(DONE_PREFIX):])]
            except (ValueError, IndexError):
                return
            self._settle(name, self._read(name))
            return
        self.tail.append(line)
        del self.tail[:-50]
        name = None
        if line.startswith("@"):
            tag, _, rest = line[1:].partition(" ")
            if tag in self.ended:
                name, line = tag, rest
                self.current = name
        elif not _NEW_RECORD.match(line):  # the next line of a source's record (a traceback)
            name = self.current
        else:
            self.current = None
        if name is None:
            with self.lock:
                if self.general is None:  # kept until the flow takes the group (``adopt``)
                    self.early.append(line)
                    del self.early[:-BUFFERED]
                    return
            _call(self.general, line)
            return
        with self.lock:
            listener = self.listeners.get(name)
            if listener is None:
                buffer = self.buffers[name]
                buffer.append(line)
                del buffer[:-BUFFERED]
                return
        _deliver(listener, line)

    def _read(self, name: str) -> dict[str, Any] | None:
        path = self.folder / f"{self.names.index(name)}.json"
        try:
            summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return summary
        except (OSError, ValueError):
            return None

    def _settle(self, name: str, summary: dict[str, Any] | None, outcome: str = "exited") -> None:
        if self.ended[name].is_set():
            return
        interrupted = runner.stop_requested()
        if summary is None:
            if outcome == "timeout":
                summary = runner._failed(name, f"timed out after {self.timeout:.0f} s", kind="timeout",
                                         retryable=True)
            elif interrupted:
                summary = runner._failed(name, f"{interrupted}; the crawl was killed", status="interrupted")
            else:
                last = next((line for line in reversed(self.tail) if line.strip()), "")
                summary = runner._failed(name, f"crawl process exited with {self.proc.returncode} without a "
                                         f"summary: {last}", retryable=True)
        elif interrupted and summary.get("status") in ("ok", "interrupted"):
            summary = {**summary, "status": "interrupted", "error": interrupted, "retryable": False}
        self.summaries[name] = summary
        runner.progress.setdefault(name, {}).update(
            requests=summary.get("requests", 0), pages=summary.get("pages_fetched", 0), new=summary.get("new", 0),
            updated=summary.get("updated", 0), errors=sum((summary.get("errors") or {}).values()), state="finished",
            ended=time.monotonic())
        self.ended[name].set()

    def _settle_rest(self, outcome: str) -> None:
        """Once the process is gone: a summary for every source it did not report."""
        for name in self.names:
            if not self.ended[name].is_set():
                summary = self._read(name)
                if summary is not None and self.proc.returncode not in (0, 1) and summary.get("status") == "ok":
                    summary = {**summary, "status": "failed",
                               "error": f"crawl process exited with {self.proc.returncode}"}
                self._settle(name, summary, outcome)

    # the task runs' side ------------------------------------------------------------------
    def take(self, name: str, log: Callable[[str], None] | None = None,
             log_file: str | Path | None = None) -> dict[str, Any] | None:
        """Source ``name``'s summary once its crawl ended, its log lines given to ``log`` and
        ``log_file`` meanwhile (those already said first). ``None`` when it was taken before:
        a new attempt of that source is a crawl of its own."""
        with self.lock:
            if name in self.taken or name not in self.ended:
                return None
            self.taken.add(name)
            sink = open(log_file, "a", encoding="utf-8") if log_file else None
            listener = (log, sink)
            for line in self.buffers.pop(name, []):
                _deliver(listener, line)
            self.listeners[name] = listener
        try:
            self.ended[name].wait()
            return self.summaries[name]
        finally:
            with self.lock:
                self.listeners.pop(name, None)
            if sink is not None:
                sink.close()

    def say_general(self, log: Callable[[str], None]) -> None:
        """From now on the lines of no source go to ``log`` (those said already first)."""
        with self.lock:
            early, self.early = self.early, []
            self.general = log
        for line in early:
            _call(log, line)

    def go(self, go: bool = True) -> None:
        """Let a process started with ``wait`` crawl (or, ``go=False``, end without crawling)."""
        if self.proc.stdin is None:
            return
        try:
            if go:
                self.proc.stdin.write("go\n")
            self.proc.stdin.close()
        except OSError:  # the process is gone: its sources are reported as such
            pass

    def close(self) -> None:
        """Wait for the process (all its sources ended) and remove its folder."""
        self.thread.join()
        self.tmp.cleanup()


def _deliver(listener: tuple[Callable[[str], None] | None, Any], line: str) -> None:
    log, sink = listener
    if sink is not None:
        try:
            sink.write(line + "\n")
        except (OSError, ValueError):
            pass
    if log is not None:
        _call(log, line)


def _call(log: Callable[[str], None], line: str) -> None:
    try:
        log(line)
    except Exception:  # a logging back end that fails must not stop the crawl
        pass


def shares(names: list[str], jobs: int) -> list[list[str]]:
    """The sources of each of the ``jobs`` crawl processes (no empty one)."""
    jobs = max(1, jobs)
    return [names[i::jobs] for i in range(min(jobs, len(names)))]


_early: dict[tuple[str, ...], str] = {}


def start_early(names: list[str], corpus: str | Path, config: str | Path | None, timeout: float, jobs: int,
                sources: list[Any]) -> None:
    """Start the crawl processes of a run before its flow run exists: the crawl starts up
    (Scrapy, the cleaning workers) while this process loads Prefect and creates the flow run.
    The flow takes them (``adopt``); ``discard_early`` stops those it never took."""
    for share in shares(names, jobs):
        _early[tuple(share)] = start_group(share, corpus, config, timeout,
                                           sources=[s for s in sources if s.name in share], wait=True)


def adopt(share: list[str], log: Callable[[str], None]) -> str | None:
    """The key of the group started early for exactly these sources, its lines of no source
    now going to ``log``; ``None`` when there is none."""
    key = _early.pop(tuple(share), None)
    with _groups_lock:
        group = _groups.get(key) if key else None
    if group is None:
        return None
    group.say_general(log)
    group.go()
    return key


def discard_early() -> None:
    """Stop and forget the crawl processes started early that no flow took."""
    for share in list(_early):
        key = _early.pop(share)
        with _groups_lock:
            group = _groups.get(key)
        if group is not None:
            group.go(False)
        end_group(key)


def start_group(names: list[str], corpus: str | Path, config: str | Path | None, timeout: float,
                sources: list[Any] | None = None, log: Callable[[str], None] | None = None,
                wait: bool = False) -> str:
    """Start one crawl process for ``names`` (``wait``: it crawls on ``CrawlGroup.go``);
    returns the group's key for ``take``."""
    key = uuid.uuid4().hex
    group = CrawlGroup(names, corpus, config, timeout, sources=sources, log=log, wait=wait)
    with _groups_lock:
        _groups[key] = group
    return key


def take(key: str | None, name: str, log: Callable[[str], None] | None = None,
         log_file: str | Path | None = None) -> dict[str, Any] | None:
    """``CrawlGroup.take`` of group ``key``; ``None`` when there is no such group."""
    with _groups_lock:
        group = _groups.get(key) if key else None
    return group.take(name, log, log_file) if group is not None else None


def end_group(key: str) -> None:
    with _groups_lock:
        group = _groups.pop(key, None)
    if group is not None:
        group.close()
