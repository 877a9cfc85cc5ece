"""``harvest clean``: the cleaning step alone on saved HTML files, no network."""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from crawlers.sniff import _WIDE_BOMS, sniff  # also used by the crawl

_PARALLEL_FROM = 16  # below this many files, a process pool costs more than it saves


def _decode_wide(data: bytes) -> str | bytes:
    """UTF-16/32 pages (with their byte-order mark) as text; other bytes unchanged."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    return data


def clean_file(path: str, url: str | None) -> dict[str, Any]:
    """One record: path, title, text (body without the title), metadata; or ``rejected`` with
    its ``detail``, or an ``error``."""
    return _clean(path, url)[0]


def _clean(path: str, url: str | None) -> tuple[dict[str, Any], bool]:
    """The record, and whether the input itself is unusable (unreadable, empty, binary)."""
    from crawlers.cleaning import Cleaned, clean

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return {"path": path, "error": f"cannot read: {exc.strerror}"}, True
    problem = sniff(data)
    if problem:
        return {"path": path, "title": None, "text": "", "rejected": problem[0], "detail": problem[1]}, True
    result = clean(_decode_wide(data), url or Path(path).resolve().as_uri(), min_chars=0, require_article=False)
    if not isinstance(result, Cleaned):
        bad = result.reason == "unparseable"
        return {"path": path, "title": None, "text": "", "rejected": result.reason, "detail": result.detail}, bad
    return {"path": path, "title": result.title, "text": result.body, "date": result.date,
            "author": result.author, "language": result.language, "sitename": result.sitename,
            "canonical_url": result.canonical_url, **result.meta}, False


def clean_paths(paths: list[str], url: str | None, fmt: str) -> int:
    """Print one record per input; exit 1 if a file could not be read or is no page at all
    (empty, binary)."""
    if len(paths) >= _PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = pool.map(_clean, paths, [url] * len(paths), chunksize=8)
            return _emit(results, fmt)
    return _emit((_clean(p, url) for p in paths), fmt)


def _emit(results: Any, fmt: str) -> int:
    status = 0
    for record, bad in results:
        if "error" in record:
            print(f"harvest: {record['path']}: {record['error']}", file=sys.stderr)
            status = 1
            continue
        if bad:
            print(f"harvest: {record['path']}: {record['rejected']}: {record['detail']}", file=sys.stderr)
            status = 1
        if fmt == "jsonl":
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"==> {record['path']} <==")
            if "rejected" in record:
                print(f"(rejected: {record['rejected']}: {record['detail']})\n")
                continue
            if record.get("title"):
                print(record["title"] + "\n")
            print(record["text"] + "\n")
    return status
