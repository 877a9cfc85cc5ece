"""Start one source crawl in a child process and read its summary.

The child is ``python -m crawlers.run``; its only output contract is the summary JSON file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

DEFAULT_TIMEOUT = 3600.0


def run_source(name: str, corpus: str | Path, config: str | Path | None = None,
               timeout: float = DEFAULT_TIMEOUT, log: Callable[[str], None] | None = None,
               log_level: str = "INFO") -> dict[str, Any]:
    """Crawl source ``name`` in a child process; return its summary (``status`` ok/failed).

    ``log`` receives the child's log lines as they come (stderr), e.g. to forward them to
    Prefect's run logger. A child that crashes, times out or writes no summary gives a
    ``failed`` summary saying so.
    """
    with tempfile.TemporaryDirectory(prefix="harvest-run-") as tmp:
        summary_path = Path(tmp) / "summary.json"
        cmd = [sys.executable, "-m", "crawlers.run", name, "--corpus", str(corpus),
               "--summary", str(summary_path), "--log-level", log_level]
        if config:
            cmd += ["--config", str(config)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        tail: list[str] = []
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", errors="replace", env=env)
        try:
            _pump(proc, tail, log, timeout)
        except TimeoutError:
            proc.kill()
            proc.wait()
            return _failed(name, f"timed out after {timeout:.0f} s")
        if summary_path.exists():
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
            if proc.returncode not in (0, 1) and summary.get("status") == "ok":
                summary = {**summary, "status": "failed", "error": f"crawl process exited with {proc.returncode}"}
            return summary
        last = next((line for line in reversed(tail) if line.strip()), "")
        return _failed(name, f"crawl process exited with {proc.returncode} without a summary: {last}")


def _pump(proc: subprocess.Popen[str], tail: list[str], log: Callable[[str], None] | None, timeout: float) -> None:
    """Read the child's stderr line by line until it exits (or the timeout passes)."""
    import threading

    def reader() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip("\n")
            tail.append(line)
            del tail[:-50]
            if log:
                log(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    thread.join(timeout=5)


def _failed(name: str, error: str) -> dict[str, Any]:
    return {"source": name, "status": "failed", "error": error, "requests": 0, "pages_fetched": 0,
            "new": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": {}, "errors": {"crash": 1},
            "items": []}
