"""Exports of the corpus: one record per stored document (JSONL or Parquet)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from storage.corpus import Corpus, NotRegularFile
from storage.index import DOC_COLUMNS

log = logging.getLogger(__name__)

# Columns every record has, in this order; further metadata keys follow. ``kind`` is ``item`` for
# a page, ``document`` for a PDF, whose ``pages`` (its page count) and ``linked_from`` (the page or
# sitemap that linked it) are null for a page.
RECORD_KEYS = ("id", "file", "url", "source", "title", "date", "language", "fetched_at", "text", "kind", "why",
               "pages", "linked_from")
# Parquet types of the index's columns (Arrow type names); other columns take their values' type.
FIXED_TYPES = {name: "int64" if name in ("num", "chars") else "string" for name in (*DOC_COLUMNS, "text")
               if name not in ("simhash", "why")}
FIXED_TYPES["why"] = "list<string>"
FIXED_TYPES.update({"pages": "int64", "linked_from": "string"})


def records(corpus: Corpus) -> Iterator[dict[str, Any]]:
    """Every document, in number order: the fixed keys, then the rest of its metadata. A
    document whose file is gone, or is a symbolic link or no regular file, is left out (the
    link is not followed; ``harvest check`` reports it)."""
    for doc in corpus.documents():
        try:
            body = corpus.read_body(doc)
        except FileNotFoundError:
            continue
        except NotRegularFile as exc:
            log.warning("%s: not exported: %s", doc.file, exc.strerror)
            continue
        full = doc.as_record()
        full["text"] = body
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
    """Parquet with the columns of the JSONL records (their keys, in the same order).

    The index's columns have fixed types (strings; ``num`` and ``chars`` int64). A further
    metadata key is a column of the type its values have — strings, numbers, booleans, lists
    (``tags``) or structs (``aliases`` is a list of structs) — or, when its values do not share
    one type, a string column holding each value JSON-encoded. A key a record lacks is null."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(records(corpus))
    names: dict[str, None] = dict.fromkeys(RECORD_KEYS)
    for row in rows:
        names.update(dict.fromkeys(row))
    table = pa.table({name: _column([r.get(name) for r in rows], FIXED_TYPES.get(name)) for name in names})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return len(rows)


def _column(values: list[Any], fixed: str | None) -> Any:
    """A typed Arrow array of the values, or their JSON texts when they share no type."""
    import pyarrow as pa

    if fixed == "list<string>":
        return pa.array(values, type=pa.list_(pa.string()))
    if fixed is not None:
        return pa.array(values, type=pa.type_for_alias(fixed))
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError):
        array = None
    if array is None or _has_empty_struct(array.type):
        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in values], type=pa.string())
    return array


def _has_empty_struct(kind: Any) -> bool:
    """Parquet cannot store a struct without fields (from ``{}`` values)."""
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return kind.num_fields == 0 or any(_has_empty_struct(kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _has_empty_struct(kind.value_type)
    if pa.types.is_map(kind):
        return _has_empty_struct(kind.key_type) or _has_empty_struct(kind.item_type)
    return False
