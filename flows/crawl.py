"""Crawl several sources, each in its own process, a bounded number at a time."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flows.runner import run_source

log = logging.getLogger("harvest")


def crawl_sources(names: list[str], corpus: str | Path, config: str | Path | None,
                  jobs: int = 2, timeout: float = 3600) -> list[dict[str, Any]]:
    """Summaries of the crawls of ``names``, in that order; a failing source fails alone."""
    def one(name: str) -> dict[str, Any]:
        return run_source(name, corpus, config, timeout=timeout)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, names))
