"""Exports of the corpus: one record per stored document (JSONL or Parquet)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterator

from storage.corpus import Corpus

# Columns every record has, in this order; further metadata keys follow.
RECORD_KEYS = ("id", "file", "url", "source", "title", "date", "language", "fetched_at", "text")


def records(corpus: Corpus) -> Iterator[dict[str, Any]]:
    """Every document, in number order: the fixed keys, then the rest of its metadata."""
    for doc in corpus.documents():
        path = corpus.folder / doc.file
        if not path.exists():
            continue
        full = doc.as_record()
        full["text"] = corpus.read_body(doc)
        record = {key: full.get(key) for key in RECORD_KEYS}
        record.update({k: v for k, v in full.items() if k not in record})
        yield record


def write_jsonl(corpus: Corpus, out: IO[str]) -> int:
    count = 0
    for record in records(corpus):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_parquet(corpus: Corpus, path: Path) -> int:
    """Parquet with the fixed columns as strings and the other metadata as a JSON column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(records(corpus))
    columns: dict[str, list[Any]] = {key: [r.get(key) for r in rows] for key in RECORD_KEYS}
    columns["num"] = [r.get("num") for r in rows]
    columns["canonical_url"] = [r.get("canonical_url") for r in rows]
    columns["author"] = [r.get("author") for r in rows]
    columns["metadata"] = [
        json.dumps({k: v for k, v in r.items() if k not in columns}, ensure_ascii=False) for r in rows
    ]
    table = pa.table({k: pa.array(v, type=pa.int64() if k == "num" else pa.string()) for k, v in columns.items()})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return len(rows)
