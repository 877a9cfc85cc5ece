"""`harvest state SOURCE` and the state line of `harvest sources --verbose`: what the corpus
index remembers of a source's crawls, read only (``storage.index.crawl_state`` for the corpus's
``index.sqlite``; the same view of an index in PostgreSQL: ``storage.pgindex.PgIndex.crawl_state``).

The state says why the next crawl will or will not fetch a page: the number of the next run
(a dead end or a missing discovery page is left alone until its ``recheck_run``), the last
complete run (whose validators the discovery pages are asked with), the dead ends and rejected
pages with their backoff, and the discovery pages with what they last answered.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawlers.sources import load_sources, select

if TYPE_CHECKING:
    from storage.pgindex import PgIndex


def load_state(folder: Path, source: str, index: str | None = None) -> dict[str, Any]:
    """The crawl state of ``source`` in the corpus ``folder`` whose index is at ``index``
    (``storage.index.open_index``; None: the environment's ``HARVEST_INDEX``) with its counts:
    ``counts`` holds the stored documents, the dead ends by reason, the rejected pages by reason
    and the discovery pages by kind and status."""
    return load_states(folder, [source], index)[source]


def load_states(folder: Path, sources: list[str], index: str | None = None) -> dict[str, dict[str, Any]]:
    """``load_state`` of each of ``sources``, the index opened once."""
    with _opened(folder, index) as backend:
        return {source: _counted_state(_read_state(folder, backend, source)) for source in sources}


def last_ok_summaries(folder: Path, sources: list[str], index: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(source, summary) of the last successful run of each of ``sources`` that has one, read from
    the index of the corpus ``folder`` (at ``index``, as for ``load_state``) without writing to it."""
    from storage.index import INDEX_NAME, ok_run_summaries

    with _opened(folder, index) as backend:
        rows = ok_run_summaries(folder / INDEX_NAME) if backend is None else backend.ok_run_summaries()
    last = dict(rows)
    return [(source, last[source]) for source in sources if source in last]


@contextmanager
def _opened(folder: Path, index: str | None) -> Iterator[PgIndex | None]:
    """The corpus's index when it is in PostgreSQL (opened, closed on leaving); None for its
    ``index.sqlite``, which is read as a file, read only, and for a folder that does not exist."""
    from storage.index import checked_location, open_index

    where = checked_location(folder, index) if folder.is_dir() else ""
    if not where:
        yield None
        return
    from storage.pgindex import PgIndex

    backend = open_index(folder, where)
    try:
        assert isinstance(backend, PgIndex)
        yield backend
    finally:
        backend.close()


def _read_state(folder: Path, backend: PgIndex | None, source: str) -> dict[str, Any]:
    """``storage.index.crawl_state`` of the folder's ``index.sqlite``, or the same view of the
    index in PostgreSQL."""
    from storage.index import INDEX_NAME, crawl_state

    return crawl_state(folder / INDEX_NAME, source) if backend is None else backend.crawl_state(source)


def _counted_state(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with its ``counts``."""
    dead = Counter(str(r["reason"]) for r in state["dead_ends"] if r["status"] == "dead")
    rejected = Counter(str(r["reason"]) for r in state["dead_ends"] if r["status"] == "rejected")
    pages: dict[str, Counter[str]] = {}
    for r in state["resources"]:
        pages.setdefault(str(r["kind"]), Counter())[str(r["status"])] += 1
    state["counts"] = {
        "documents": sum(state["documents"].values()),
        "items": state["documents"].get("item", 0) + state["documents"].get("document", 0),  # pages and PDFs
        "dead_ends": sum(dead.values()),
        "dead_ends_by_reason": dict(sorted(dead.items())),
        "rejected": sum(rejected.values()),
        "rejected_by_reason": dict(sorted(rejected.items())),
        "discovery_pages": {kind: dict(sorted(c.items())) for kind, c in sorted(pages.items())},
        "discovery_missing": sum(c["missing"] for c in pages.values()),
        "discovery_failing": sum(c["error"] for c in pages.values()),
    }
    return state


def has_state(state: dict[str, Any]) -> bool:
    """Whether the index holds anything of the source (documents, seen URLs, discovery pages, runs)."""
    return bool(state["runs"] or state["documents"] or state["urls"] or state["resources"])


def known_state(folder: Path, name: str, config: str | None, index: str | None = None) -> dict[str, Any]:
    """The state of source ``name`` in the corpus ``folder``: one the index holds something of
    (a source since removed from the sources file included), or one of the sources file
    ``config`` not crawled yet; any other name is the ``ConfigError`` of an unknown source
    (exit status 2), as for the other commands that take a source's name."""
    state = load_state(folder, name, index)
    if not has_state(state):
        select(load_sources(config), [name])
    return state


def _date(value: Any) -> str:
    """The date of an ISO timestamp (``-`` when there is none)."""
    return str(value)[:10] if value else "-"


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {n}" for k, n in counts.items())


def _skipped(row: dict[str, Any]) -> str:
    """``skipped until run N (backoff B)`` of a row left alone, else empty."""
    if row.get("recheck_run") is None:
        return ""
    return f"skipped until run {row['recheck_run']} (backoff {row['backoff']})"


def format_state(state: dict[str, Any]) -> str:
    """The text of `harvest state`: the runs, the counts, the discovery pages, then the dead ends
    and rejected pages, one line each."""
    counts = state["counts"]
    last = state["last_complete_run"]
    lines = [f"source: {state['source']}",
             f"next run: {state['next_run']} ({state['runs']} recorded)",
             "last complete run: " + (f"run {last['number']}, started {last['started_at']}" if last else "none"),
             f"documents stored: {counts['documents']}"
             + (f" ({_counted(state['documents'])})" if state["documents"] else ""),
             "seen URLs: " + (_counted(state["urls"]) or "none"),
             f"dead ends: {counts['dead_ends']}"
             + (f" ({_counted(counts['dead_ends_by_reason'])})" if counts["dead_ends"] else ""),
             f"rejected: {counts['rejected']}"
             + (f" ({_counted(counts['rejected_by_reason'])})" if counts["rejected"] else ""),
             f"discovery pages: {len(state['resources'])}"
             + ("".join(f"; {kind} {_counted(by)}" for kind, by in counts["discovery_pages"].items()))]
    for r in state["resources"]:
        fields = [r["kind"], r["status"], r["url"], f"checked {_date(r['checked_at'])}", _skipped(r)]
        lines.append("  " + "  ".join(f for f in fields if f))
    if state["dead_ends"]:
        lines.append("dead ends and rejected pages:")
    for r in state["dead_ends"]:
        fields = [r["status"], str(r["reason"] or "-"), r["url"], _skipped(r), f"last seen {_date(r['last_seen'])}",
                  f"-> {r['target']}" if r["target"] else ""]
        lines.append("  " + "  ".join(f for f in fields if f))
    return "\n".join(lines)


def state_json(state: dict[str, Any]) -> str:
    """The JSON of `harvest state --json`: the same as the text, every row whole."""
    return json.dumps(state, ensure_ascii=False, indent=2)


def state_line(state: dict[str, Any]) -> str:
    """The line `harvest sources --verbose` adds under a source."""
    counts = state["counts"]
    if not has_state(state):
        return "state: nothing in the corpus yet"
    return (f"state: {counts['documents']} stored, {counts['dead_ends']} dead ends, {counts['rejected']} rejected, "
            f"{counts['discovery_missing']} discovery pages missing")
