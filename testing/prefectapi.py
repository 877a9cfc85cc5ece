"""Reading a Prefect server's API the way the tests and benchmarks check the crawl's limits."""

from __future__ import annotations

import httpx


def active_slots(api: str, source: str) -> int:
    """Slots held of ``source``'s global concurrency limit on the server at ``api`` (0 when it has
    none)."""
    from flows.pipeline import source_limit

    response = httpx.get(f"{api}/v2/concurrency_limits/{source_limit(source)}", timeout=30)
    if response.status_code == 404:
        return 0
    response.raise_for_status()
    return int(response.json()["active_slots"])
