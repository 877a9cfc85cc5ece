"""What ``harvest crawl`` shows in the terminal while it runs: one live line per source
(requests, pages, new, errors), not the crawl's log (that goes to the log files and to Prefect).

On a terminal the lines are redrawn in place twice a second; otherwise (a file, a pipe, CI)
a source's line is printed when it starts, at most every 15 s while its counts change, and
when it ends.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, TextIO

from flows import runner

CRAWL_LINE = "harvest_crawl_line"  # attribute of the log records that carry a crawl's own log


def format_line(name: str, counts: dict[str, Any], width: int) -> str:
    now = time.monotonic()
    seconds = counts.get("ended", now) - counts.get("started", now)
    state = "done" if counts.get("state") == "finished" else "crawling"
    return (f"{name:<{width}}  {state:<8} {seconds:5.0f} s  requests {counts.get('requests', 0):>5}  "
            f"pages {counts.get('pages', 0):>5}  new {counts.get('new', 0):>4}  errors {counts.get('errors', 0):>3}")


class ProgressDisplay:
    """A thread that shows ``flows.runner.progress`` on ``stream`` (see the module doc)."""

    def __init__(self, stream: TextIO | None = None, interval: float | None = None, names: list[str] | None = None):
        self.stream = stream or sys.stderr
        self.names = set(names or [])
        self.width = max((len(n) for n in names or []), default=0)
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval or (0.5 if self.tty else 15.0)
        self._stop = threading.Event()
        self._drawn = 0
        self._printed: dict[str, tuple[str, float]] = {}
        self._thread = threading.Thread(target=self._run, name="harvest-progress", daemon=True)

    def __enter__(self) -> ProgressDisplay:
        # Earlier runs' counts go; those of this run's crawls, started already, stay.
        for name in [n for n in runner.progress if n not in self.names]:
            runner.progress.pop(name, None)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._draw(final=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5 if self.tty else 1.0):
            self._draw()

    def _draw(self, final: bool = False) -> None:
        snapshot = {name: dict(counts) for name, counts in list(runner.progress.items())}
        if not snapshot:
            return
        width = max(self.width, *(len(name) for name in snapshot))
        try:
            if self.tty:
                out = f"\x1b[{self._drawn}F" if self._drawn else ""
                out += "".join("\x1b[2K" + format_line(n, c, width) + "\n" for n, c in snapshot.items())
                self.stream.write(out)
                self._drawn = len(snapshot)
            else:
                now = time.monotonic()
                for name, counts in snapshot.items():
                    key = f"{counts.get('state')}{counts.get('requests')}{counts.get('pages')}{counts.get('new')}"
                    last = self._printed.get(name)
                    changed = last is None or last[0] != key
                    if changed and (last is None or counts.get("state") == "finished"
                                    or now - last[1] >= self.interval or final):
                        self.stream.write(format_line(name, counts, width) + "\n")
                        self._printed[name] = (key, now)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away
            self._stop.set()


class _NoCrawlLines(logging.Filter):
    """Drops the crawls' own lines, and the task runs' "Finished in state …" lines that the
    summary table says again."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, CRAWL_LINE, False):
            return False
        return not (record.name.startswith("prefect.task_runs") and str(record.msg).startswith("Finished in state"))


def quiet_console(level: int = logging.WARNING) -> None:
    """Prefect's console handler shows only warnings and errors of the flow, and none of the
    crawls' own log lines (they still reach the Prefect API and the log files)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    seen: set[int] = set()
    for logger in [logging.getLogger(), *[logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, PrefectConsoleHandler) and id(handler) not in seen:
                seen.add(id(handler))
                handler.setLevel(level)
                handler.addFilter(_NoCrawlLines())
