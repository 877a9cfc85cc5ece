"""``harvest clean``: the cleaning step alone on saved HTML files, no network."""

from __future__ import annotations

import codecs
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_PARALLEL_FROM = 16  # below this many files, a process pool costs more than it saves
_SNIFF = 8192  # bytes looked at to tell text from binary content

# Formats that are never HTML, by their first bytes.
_MAGIC = (
    (b"\x7fELF", "ELF executable"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\xca\xfe\xba\xbe", "Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (old Office format)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)
# Byte-order marks of the encodings whose text holds NUL bytes.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\x1b"}


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(reason, detail)`` when the bytes cannot be an HTML page: empty, or binary content."""
    if not data.strip():
        return "no_text", "empty file"
    head = data[:_SNIFF]
    for magic, kind in _MAGIC:
        if head.startswith(magic) and (magic != b"BZh" or head[3:4].isdigit()):
            return "not_html", f"binary content ({kind})"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "not_html", "binary content (RIFF media file)"
    if any(head.startswith(bom) for bom, _ in _WIDE_BOMS):
        return None
    if b"\x00" in head:
        return "not_html", "binary content (NUL bytes)"
    text = head.decode("utf-8", errors="replace")
    # Bytes that are not UTF-8 are not counted: pages in legacy encodings (cp1251, Latin-1…) have many.
    controls = sum(1 for c in text if (c < " " and c not in _TEXT_CONTROLS) or c == "\x7f")
    if controls > len(text) * 0.05:
        return "not_html", "binary content (control characters)"
    return None


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
