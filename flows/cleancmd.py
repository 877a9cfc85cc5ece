"""``harvest clean``: the cleaning step alone on saved HTML files, no network."""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_PARALLEL_FROM = 16  # below this many files, a process pool costs more than it saves


def clean_file(path: str, url: str | None) -> dict[str, Any]:
    """One record: path, title, text (body without the title), metadata, or an error."""
    from crawlers.cleaning import Cleaned, clean

    try:
        html = Path(path).read_bytes()
    except OSError as exc:
        return {"path": path, "error": f"cannot read: {exc.strerror}"}
    result = clean(html, url or Path(path).resolve().as_uri(), min_chars=0, require_article=False)
    if not isinstance(result, Cleaned):
        return {"path": path, "title": None, "text": "", "rejected": result.reason, "detail": result.detail}
    return {"path": path, "title": result.title, "text": result.body, "date": result.date,
            "author": result.author, "language": result.language, "sitename": result.sitename,
            "canonical_url": result.canonical_url, **result.meta}


def clean_paths(paths: list[str], url: str | None, fmt: str) -> int:
    """Print one record per input; exit 1 if a file could not be read."""
    if len(paths) >= _PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = pool.map(clean_file, paths, [url] * len(paths), chunksize=8)
            return _emit(results, fmt)
    return _emit((clean_file(p, url) for p in paths), fmt)


def _emit(results: Any, fmt: str) -> int:
    status = 0
    for record in results:
        if "error" in record:
            print(f"harvest: {record['path']}: {record['error']}", file=sys.stderr)
            status = 1
            continue
        if fmt == "jsonl":
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"==> {record['path']} <==")
            if record.get("title"):
                print(record["title"] + "\n")
            print(record["text"] + "\n")
    return status
