"""Start one source crawl in a child process and read its summary.

The child is ``python -m crawlers.run``; its only output contract is the summary JSON file.

Each child runs in a session of its own, so a Ctrl-C in the terminal or a signal to the
process group does not reach it directly: the process that started it decides. A stop
(``request_stop``, called from the signal handlers of the flow) asks every running crawl to
stop: SIGTERM first (Scrapy closes the spider: what was cleaned is stored and the summary is
written), a second SIGTERM after ``STOP_GRACE`` seconds (Scrapy stops at once; the summary is
still written), SIGKILL after ``STOP_KILL`` seconds. A crawl whose parent dies stops by itself
(``crawlers.run`` watches its parent).
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawlers.run import PROGRESS_PREFIX
from crawlers.summary import RunSummary

DEFAULT_TIMEOUT = 3600.0
STOP_GRACE = 3.0  # seconds from the first SIGTERM to the second (Scrapy's forced stop)
STOP_KILL = 6.0  # seconds from the first SIGTERM to SIGKILL

_lock = threading.Lock()
_children: set[subprocess.Popen[str]] = set()
_stop = threading.Event()
_stop_reason: list[str] = []
# Live counts of the crawls of this process, by source: what ``harvest crawl`` shows.
progress: dict[str, dict[str, Any]] = {}


def request_stop(reason: str) -> None:
    """Stop every running crawl of this process, and start no new one (see the module doc)."""
    with _lock:
        first = not _stop.is_set()
        if first:
            _stop_reason.append(reason)
        _stop.set()
        children = list(_children)
    for proc in children:
        _signal(proc, signal.SIGTERM if first else signal.SIGKILL)


def stop_requested() -> str | None:
    """Why the crawls were asked to stop, or ``None``."""
    return _stop_reason[0] if _stop.is_set() and _stop_reason else None


def reset_stop() -> None:
    """Forget an earlier stop (a new flow run in the same process starts afresh)."""
    with _lock:
        _stop.clear()
        _stop_reason.clear()


def _signal(proc: subprocess.Popen[str], signum: int) -> None:
    try:
        proc.send_signal(signum)
    except (ProcessLookupError, OSError):
        pass


def start_child(cmd: list[str], stdin: int | None = None) -> subprocess.Popen[str]:
    """Start a crawl process (in a session of its own, its stderr piped), known to ``request_stop``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace", env=env, start_new_session=True)
    with _lock:
        _children.add(proc)
        stopping = _stop.is_set()
    if stopping:  # a stop came while the child was being started
        _signal(proc, signal.SIGTERM)
    return proc


def forget_child(proc: subprocess.Popen[str]) -> None:
    """A crawl process that ended: no longer signalled by ``request_stop``."""
    with _lock:
        _children.discard(proc)


def run_source(name: str, corpus: str | Path, config: str | Path | None = None,
               timeout: float = DEFAULT_TIMEOUT, log: Callable[[str], None] | None = None,
               log_level: str = "INFO", log_file: str | Path | None = None,
               source: Any = None) -> dict[str, Any]:
    """Crawl source ``name`` in a child process; return its summary (``status`` ok/failed/
    interrupted).

    ``log`` receives the child's log lines as they come (stderr), e.g. to forward them to
    Prefect's run logger; ``log_file`` also keeps them all. A child that crashes, times out or
    writes no summary gives a ``failed`` summary saying so. With ``source`` (its ``Source``,
    already read), the crawl process is handed that entry and does not read the sources file.
    """
    if _stop.is_set():
        return _failed(name, f"not started: {stop_requested()}", status="interrupted")
    with tempfile.TemporaryDirectory(prefix="harvest-run-") as tmp:
        summary_path = Path(tmp) / "summary.json"
        cmd = [sys.executable, "-m", "crawlers.run", name, "--corpus", str(corpus),
               "--summary", str(summary_path), "--log-level", log_level, "--parent", str(os.getpid())]
        if config:
            cmd += ["--config", str(config)]
        if source is not None:
            source_file = Path(tmp) / "source.json"
            source_file.write_text(json.dumps(dataclasses.asdict(source)), encoding="utf-8")
            cmd += ["--source-file", str(source_file)]
        tail: list[str] = []
        proc = start_child(cmd)
        sink = open(log_file, "a", encoding="utf-8") if log_file else None
        progress[name] = {"state": "running", "requests": 0, "pages": 0, "new": 0, "errors": 0,
                          "started": time.monotonic()}
        try:
            outcome = _pump(proc, tail, log, timeout, sink, progress[name])
        finally:
            forget_child(proc)
            if sink:
                sink.close()
        summary = _outcome(name, proc, outcome, summary_path, tail, timeout)
        progress[name].update(requests=summary.get("requests", 0), pages=summary.get("pages_fetched", 0),
                              new=summary.get("new", 0), updated=summary.get("updated", 0),
                              errors=sum((summary.get("errors") or {}).values()), state="finished",
                              ended=time.monotonic())
        return summary


def _outcome(name: str, proc: subprocess.Popen[str], outcome: str, summary_path: Path, tail: list[str],
             timeout: float) -> dict[str, Any]:
    """The summary of a finished crawl process: its own, or one saying why there is none."""
    if outcome == "timeout":
        return _failed(name, f"timed out after {timeout:.0f} s", kind="timeout", retryable=True)
    interrupted = stop_requested()
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        if interrupted and summary.get("status") in ("ok", "interrupted"):
            summary = {**summary, "status": "interrupted", "error": interrupted, "retryable": False}
        elif proc.returncode not in (0, 1) and summary.get("status") == "ok":
            summary = {**summary, "status": "failed", "error": f"crawl process exited with {proc.returncode}"}
        return summary
    if interrupted:
        return _failed(name, f"{interrupted}; the crawl was killed", status="interrupted")
    last = next((line for line in reversed(tail) if line.strip()), "")
    return _failed(name, f"crawl process exited with {proc.returncode} without a summary: {last}",
                   retryable=True)


def _pump(proc: subprocess.Popen[str], tail: list[str], log: Callable[[str], None] | None, timeout: float,
          sink: Any = None, counts: dict[str, Any] | None = None,
          on_line: Callable[[str], None] | None = None) -> str:
    """Read the child's stderr line by line until it exits: "exited", or "timeout" (the child
    was stopped). After a stop request the child gets its escalating signals from here.
    ``on_line`` (a group's crawl) takes every line instead of the one-source handling."""

    def one_source(line: str) -> None:
        if line.startswith(PROGRESS_PREFIX):
            if counts is not None:
                try:
                    counts.update(json.loads(line[len(PROGRESS_PREFIX):]))
                except ValueError:
                    pass
            return
        tail.append(line)
        del tail[:-50]
        if sink is not None:
            sink.write(line + "\n")
        if log:
            try:
                log(line)
            except Exception:  # a logging back end that fails must not stop the crawl
                pass

    handle = on_line or one_source

    def reader() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            handle(line.rstrip("\n"))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    # The child is stopped when a stop is requested (``request_stop`` sent the first SIGTERM) or
    # when it is past its time (the first SIGTERM is sent here); either way a second SIGTERM
    # follows after ``STOP_GRACE`` seconds (Scrapy stops at once; the run is still recorded) and
    # SIGKILL after ``STOP_KILL``.
    stopping_since: float | None = None
    escalated = 0
    outcome = "exited"
    while proc.poll() is None:
        now = time.monotonic()
        if stopping_since is None and now >= deadline:
            outcome = "timeout"
            _signal(proc, signal.SIGTERM)
            stopping_since = now
        elif stopping_since is None and _stop.is_set():
            stopping_since = now
        if stopping_since is not None:
            if escalated == 0 and now - stopping_since >= STOP_GRACE:
                _signal(proc, signal.SIGTERM)
                escalated = 1
            elif escalated == 1 and now - stopping_since >= STOP_KILL:
                _signal(proc, signal.SIGKILL)
                escalated = 2
        try:
            proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    thread.join(timeout=5)
    return outcome


def _failed(name: str, error: str, status: str = "failed", kind: str = "crash",
            retryable: bool = False) -> dict[str, Any]:
    """The summary of a crawl that wrote none: zero counts, one ``crash`` error when it failed."""
    return RunSummary(source=name, status=status, error=error, error_kind=kind, retryable=retryable,
                      requests=0, pages_fetched=0, new=0, updated=0, unchanged=0, duplicate=0,
                      skipped={}, errors={"crash": 1} if status == "failed" else {}, items=[]).to_dict()
