"""Reading a PDF publication: its text in reading order and its metadata, or why it is skipped.

Pure, no I/O. ``read_pdf`` returns a ``Cleaned`` (title, paragraphs, date, author, language;
``meta``: ``page_kind`` ``document``, ``pages``, ``title_source``, ``date_source``, ``producer``,
``creator``, ``modified``, ``broken_pages``) or a ``Rejected`` with one of these reasons:

- ``not_pdf``: the bytes do not start with ``%PDF-`` (after at most 1 KB of leading junk);
- ``pdf_bomb``: the streams a reader would inflate (content, object and font streams, each Flate
  layer of a stream compressed more than once; images are never decoded) hold more than
  ``MAX_INFLATED`` bytes, or the document has more than ``MAX_PAGES`` pages. Counted before
  parsing, inflating 64 KB at a time and stopping at the cap, so a stream that inflates to
  gigabytes costs about a second and no memory;
- ``encrypted``: the document needs a password to be read. A document encrypted with an empty
  user password (only an owner password, restricting printing or copying) opens without one, as
  in any viewer, and is read;
- ``corrupt_pdf``: it cannot be parsed (no cross-reference table or objects to recover, no page
  tree, no page that can be read). A page that cannot be read in a file that can is skipped and
  named in ``broken_pages``;
- ``no_text_layer``: pages but (almost) no text, e.g. scanned images.

The text (pdfminer.six's layout analysis: lines with their positions and font sizes) goes
through these steps:
1. pieces of one row a word space apart (split by a change of font or direction) are one line;
   a right-to-left line (Arabic, Hebrew), whose glyphs are placed left to right, is read back into
   logical order glyph by glyph, with the Latin words and numbers in it turned back;
2. running headers and footers are removed: a line among the top or bottom three lines of a page
   that recurs (digits ignored) at the same end of at least half of the pages, and page numbers
   there ("3", "- 3 -", "Page 3 of 12", "p. 3", "iv"); entries of a table of contents
   ("Introduction ........ 3") too;
3. reading order: a recursive cut of each page at its empty gaps, columns first (a gutter that
   runs the full height of a band of lines, with three rows or more on each side, or six on one),
   then bands top to bottom; bands on either side of an empty line that share a gutter are one
   column region, so aligned paragraph gaps never split a two-column page into rows;
4. paragraphs: a new one where the gap to the line above is larger than the document's usual line
   gap, the font size changes, or the line above is a short last line ending a sentence; across a
   column or page break, the paragraph goes on mid-sentence (no sentence end, the next line in
   lower case) or after a full-width row;
5. hyphenation at line ends is undone (``coope-`` + ``ration`` → ``cooperation``) unless the
   hyphenated word is written with its hyphen elsewhere in the document (``well-being``), both
   halves are written as words of their own there (``decision-`` + ``making``), or the next line
   starts with a capital or a digit (``UCLG-`` + ``MEWA``);
6. title: the document information or XMP title when it is meaningful (not "Untitled", "Microsoft
   Word - x.docx", a file name), else the largest text at the top of the first page (removed from
   the paragraphs), else the text of the link to the file. Date: information CreationDate, XMP
   CreateDate or dc:date, information ModDate, XMP ModifyDate, else ``Last-Modified``.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any

from lxml import etree

from crawlers.cleaning import Cleaned, Rejected, detect_language
from crawlers.metadata import MAX_AUTHOR, MAX_TITLE, cap, plausible_date

# pdfminer reports every oddity of a file (a missing CropBox, an unknown font) as a warning.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MAX_PAGES = 2000  # a document with more pages is refused as a bomb
MAX_INFLATED = 256 * 1024 * 1024  # bytes of decompressed streams over the whole document
MAX_JUNK = 1024  # bytes before "%PDF-" that readers skip
MIN_LETTERS = 40  # fewer letters than this in the whole document: no text layer
MAX_LINES_PER_PAGE = 4000  # more text lines than this on a page: read in the extractor's order
# 64 KB at a time: below the cleaning workers' mmap threshold (crawlers.memtune, 128 KB), so the
# buffers come from the heap and are reused; 1 MB buffers were each mapped and unmapped (a
# bomb took 0.5 s instead of 0.2 there)
_CHUNK = 64 * 1024

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pp\.|pág\.?|página|pagina|seite|s\.|sayfa|صفحة)\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|de|sur|von|di|/|\|)\s*\d{1,4})?$",
    re.IGNORECASE)
_PAGE_REF = re.compile(r"(?:\d{1,4}|[ivxlc]{1,7})$", re.IGNORECASE)
_CONTENTS_HEADING = re.compile(
    r"^(?:table of contents|contents|índice|indice|sumario|contenido|sommaire|table des matières|"
    r"inhalt|inhaltsverzeichnis|sommario|índex|içindekiler|المحتويات|الفهرس)\s*:?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;…\"”»)\]]$")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_CID = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LTR_RUN = re.compile(r"[0-9A-Za-z\u00c0-\u024f](?:[0-9A-Za-z\u00c0-\u024f.,:/%-]*[0-9A-Za-z\u00c0-\u024f])?")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PLACEHOLDER_TITLES = {
    "untitled", "untitled document", "document", "title", "no title", "sin título", "sans titre", "unknown",
    "(anonymous)", "anonymous", "microsoft word", "powerpoint presentation", "presentation", "report",
}
_NO_AUTHOR = {"anonymous", "unknown", "unspecified", "user", "admin", "administrator", "author", "owner"}
_FILE_NAME = re.compile(r"\.(?:docx?|odt|fodt|rtf|pdf|pptx?|odp|xlsx?|ods|indd|qxp|txt|html?|tex|dvi|ps|ai)\s*$",
                        re.IGNORECASE)
_OFFICE_PREFIX = re.compile(r"^(?:microsoft (?:word|powerpoint|excel)|word|powerpoint)\s*-\s*", re.IGNORECASE)
_XMP_NS = {
    "x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


class _Bomb(Exception):
    pass


@dataclass
class _Line:
    text: str
    x0: float
    top: float  # distance from the top of the page
    x1: float
    bottom: float
    size: float  # mean font size of its characters
    page: int
    spaced: tuple[bool, bool] = (False, False)  # a space glyph at its left end, at its right end

    @property
    def height(self) -> float:
        return self.bottom - self.top


def read_pdf(data: bytes, url: str, *, link_text: str | None = None,
             last_modified: str | None = None) -> Cleaned | Rejected:
    """The publication's text and metadata, or why it is not stored. ``link_text``: the text of
    the link that led to the file (a title of last resort); ``last_modified``: the response's
    ``Last-Modified`` header (a date of last resort)."""
    start = data.find(b"%PDF-", 0, MAX_JUNK + 5)
    if start < 0:
        return Rejected("not_pdf", "no %PDF- header in the first 1 KB")
    data = data[start:]
    try:
        inflated = inflated_size(data)
    except _Bomb as exc:
        return Rejected("pdf_bomb", str(exc))
    try:
        return _read(data, url, link_text, last_modified)
    except _Bomb as exc:
        return Rejected("pdf_bomb", str(exc))
    except _Encrypted as exc:
        return Rejected("encrypted", str(exc))
    except (MemoryError, RecursionError) as exc:
        return Rejected("corrupt_pdf", f"{type(exc).__name__} while parsing ({inflated} bytes inflated)")
    except Exception as exc:  # noqa: BLE001 - any parser failure on a hostile file is a corrupt file
        return Rejected("corrupt_pdf", f"{type(exc).__name__}: {str(exc)[:200]}")


class _Encrypted(Exception):
    pass


def inflated_size(data: bytes, limit: int = MAX_INFLATED) -> int:
    """Bytes the document's Flate streams inflate to, each layer of a stream with several Flate
    filters counted (images excepted: never decoded when reading text); raises ``_Bomb`` as soon
    as the total passes ``limit``. Inflates at most 64 KB at a time: memory stays bounded whatever
    the stream holds."""
    total = 0

    def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal total
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                raise _Bomb(f"streams inflate to more than {limit // (1024 * 1024)} MB")
            yield chunk

    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 1024):m.start()]
        head = head[head.rfind(b"obj") + 1:] if b"obj" in head else head
        if _IMAGE.search(head):
            continue
        start = m.end()
        chunks: Iterator[bytes] = (data[i:i + _CHUNK] for i in range(start, len(data), _CHUNK))
        for _ in range(max(1, min(head.count(b"/FlateDecode"), 8))):
            chunks = counted(_inflate(chunks))
        for _ in chunks:
            pass
    return total


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The inflated bytes of a zlib stream given in chunks, at most 64 KB at a time, up to the
    stream's end or its first error."""
    decomp = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while True:
                out = decomp.decompress(pending, _CHUNK)
                if out:
                    yield out
                if decomp.eof:
                    return
                pending = decomp.unconsumed_tail
                if not pending and len(out) < _CHUNK:
                    break
    except zlib.error:
        return


def _read(data: bytes, url: str, link_text: str | None, last_modified: str | None) -> Cleaned | Rejected:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    parser = PDFParser(io.BytesIO(data))
    try:
        document = PDFDocument(parser, password="")
    except PDFPasswordIncorrect as exc:
        raise _Encrypted("a password is needed to open the document") from exc
    except PDFEncryptionError as exc:
        raise _Encrypted(f"unsupported encryption: {exc}") from exc
    declared = resolve1(resolve1(document.catalog.get("Pages")) or {}).get("Count") if document.catalog else None
    if isinstance(declared, int) and declared > MAX_PAGES:
        raise _Bomb(f"{declared} pages (more than {MAX_PAGES})")
    info = _info(document)
    xmp = _xmp(document)

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams(boxes_flow=None))
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[list[_Line]] = []
    heights: list[float] = []
    broken: list[str] = []  # pages that could not be read
    for number, page in enumerate(islice(PDFPage.create_pages(document), MAX_PAGES + 1)):
        if number >= MAX_PAGES:
            raise _Bomb(f"more than {MAX_PAGES} pages")
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a broken page is skipped, as viewers do
            broken.append(f"page {number + 1}: {type(exc).__name__}: {str(exc)[:100]}")
            continue
        pages.append(_lines(layout, number))
        heights.append(float(layout.height))
    if not pages:
        return Rejected("corrupt_pdf", broken[0] if broken else "no pages found")
    letters = sum(1 for page in pages for line in page for c in line.text if c.isalpha())
    if letters < MIN_LETTERS:
        return Rejected("no_text_layer", f"{len(pages)} pages, {letters} letters of text")

    pages = _drop_running_lines(pages, heights)
    ordered = [line for page in pages for line in _reading_order(page)]
    body_size = _body_size(ordered)
    vocabulary = _vocabulary(ordered)

    meta: dict[str, Any] = {"page_kind": "document", "pages": len(pages) + len(broken)}
    if broken:
        meta["broken_pages"] = broken[:10]
    title, title_source = _declared_title(info, xmp)
    first_page_title, title_lines = _first_page_title(ordered, body_size, vocabulary)
    if title is None and first_page_title:
        title, title_source = first_page_title, "first_page"
    if title is None and link_text and link_text.strip():
        title, title_source = " ".join(link_text.split()), "link_text"
    if title_source == "first_page":
        ordered = [line for line in ordered if id(line) not in title_lines]
    paragraphs = _paragraphs(ordered, vocabulary)
    if title and paragraphs and _norm(paragraphs[0]) == _norm(title):
        paragraphs.pop(0)
    if title_source:
        meta["title_source"] = title_source

    when, date_source = _date(info, xmp)
    if when is None and last_modified:
        when, date_source = _http_date(last_modified), "last_modified"
    if when:
        meta["date_source"] = date_source
    modified = plausible_date(_pdf_date(info.get("ModDate")))
    if modified and modified != when:
        meta["modified"] = modified
    author = next((a for a in (info.get("Author"), xmp.get("creator")) if a and a.lower() not in _NO_AUTHOR), None)
    producer = info.get("Producer") or xmp.get("producer")
    if producer:
        meta["producer"] = cap(producer, 200)
    if info.get("Creator"):
        meta["creator"] = cap(info["Creator"], 200)
    body = "\n\n".join(paragraphs)
    language, confidence = detect_language(body)
    meta["language_confidence"] = confidence
    return Cleaned(title=cap(title, MAX_TITLE), paragraphs=paragraphs, date=when, author=cap(author, MAX_AUTHOR),
                   language=language, language_confidence=confidence, meta=meta)


# --- metadata ---------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        text = decode_text(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, PSLiteral):
        text = str(value.name)
    else:
        return None
    text = " ".join(_CONTROL.sub(" ", text.replace("\x00", "")).split())
    return text or None


def _info(document: Any) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1

    out: dict[str, str] = {}
    for entry in document.info or []:
        entry = resolve1(entry)
        if not isinstance(entry, dict):
            continue
        for key in ("Title", "Author", "Subject", "Creator", "Producer", "CreationDate", "ModDate"):
            if key not in out:
                text = _text(entry.get(key))
                if text:
                    out[key] = text
    return out


def _xmp(document: Any) -> dict[str, str]:
    """Title, creator, producer and dates from the XMP packet, when there is one."""
    from pdfminer.pdftypes import PDFStream, resolve1

    stream = resolve1((document.catalog or {}).get("Metadata"))
    if not isinstance(stream, PDFStream):
        return {}
    try:
        raw = stream.get_data()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
        root = etree.fromstring(raw[:1_000_000], parser)
    except Exception:  # noqa: BLE001 - an unreadable packet is no metadata
        return {}
    if root is None:
        return {}

    def first(path: str) -> str | None:
        for found in root.iterfind(path, _XMP_NS):
            text = " ".join("".join(found.itertext()).split())
            if text:
                return text
        for attr in root.iterfind(".//rdf:Description", _XMP_NS):  # properties written as attributes
            prefix, name = path.rsplit("/", 1)[-1].split(":")
            value = attr.get(f"{{{_XMP_NS[prefix]}}}{name}")
            if value and value.strip():
                return value.strip()
        return None

    out = {
        "title": first(".//dc:title//rdf:li") or first(".//dc:title"),
        "creator": first(".//dc:creator//rdf:li") or first(".//dc:creator"),
        "producer": first(".//pdf:Producer"),
        "created": first(".//xmp:CreateDate"),
        "date": first(".//dc:date//rdf:li") or first(".//dc:date"),
        "modified": first(".//xmp:ModifyDate"),
    }
    return {key: value for key, value in out.items() if value}


def meaningful_title(title: str | None) -> bool:
    """A declared title that says something: not a placeholder, an office file name or a path."""
    if not title:
        return False
    text = title.strip()
    low = text.lower().strip(" .")
    if len(low) < 4 or low in _PLACEHOLDER_TITLES or _OFFICE_PREFIX.match(text) or _FILE_NAME.search(text):
        return False
    if " " not in text and re.search(r"[_/\\]|\d{3,}", text):  # report_final_v2, C:\docs\x, scan0001
        return False
    return any(c.isalpha() for c in text)


def _declared_title(info: dict[str, str], xmp: dict[str, str]) -> tuple[str | None, str | None]:
    if meaningful_title(info.get("Title")):
        return info["Title"], "info"
    if meaningful_title(xmp.get("title")):
        return xmp["title"], "xmp"
    return None, None


def _pdf_date(value: str | None) -> str | None:
    """``D:YYYYMMDD…`` (or an ISO date) as ``YYYY-MM-DD``-prefixed text for ``plausible_date``."""
    if not value:
        return None
    m = re.match(r"\s*(?:D:)?(\d{4})-?(\d{2})-?(\d{2})", value)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def _date(info: dict[str, str], xmp: dict[str, str]) -> tuple[str | None, str | None]:
    for value, source in ((info.get("CreationDate"), "info"), (xmp.get("created"), "xmp"), (xmp.get("date"), "xmp"),
                          (info.get("ModDate"), "info"), (xmp.get("modified"), "xmp")):
        when = plausible_date(_pdf_date(value))
        if when:
            return when, source
    return None, None


def _http_date(value: str) -> str | None:
    try:
        return plausible_date(parsedate_to_datetime(value).date().isoformat())
    except (TypeError, ValueError, IndexError, OverflowError):
        return plausible_date(_pdf_date(value))


# --- text -------------------------------------------------------------------------------------

def _clean_text(text: str) -> str:
    text = _CID.sub("", text.translate(_LIGATURES))
    return " ".join(_CONTROL.sub(" ", text).split())


def _right_to_left(text: str) -> bool:
    """Most letters of the line are Arabic or Hebrew."""
    letters = [c for c in text if c.isalpha()]
    rtl = sum(1 for c in letters if "\u0590" <= c <= "\u08ff" or "\ufb1d" <= c <= "\ufeff")
    return bool(letters) and rtl * 2 > len(letters)


def _logical_order(reversed_text: str) -> str:
    """A right-to-left line whose glyphs were taken right to left: its runs of digits and Latin
    words turned back to read left to right."""
    return _LTR_RUN.sub(lambda m: m.group(0)[::-1], reversed_text)


def _lines(layout: Any, page: int) -> list[_Line]:
    from pdfminer.layout import LTChar, LTTextBoxHorizontal, LTTextLineHorizontal

    height = float(layout.height)
    out: list[_Line] = []

    def add(line: Any) -> None:
        text = _clean_text(line.get_text())
        if not text:
            return
        if _right_to_left(text):  # glyph by glyph: a ligature's text (lam-alef) is already in order
            text = _clean_text(_logical_order("".join(reversed([item.get_text() for item in line]))))
        sizes = [float(c.size) for c in line if isinstance(c, LTChar)]
        size = sum(sizes) / len(sizes) if sizes else float(line.height)
        raw = line.get_text().rstrip("\n")
        out.append(_Line(text, float(line.x0), height - float(line.y1), float(line.x1), height - float(line.y0),
                         round(size, 1), page, (raw[:1].isspace(), raw[-1:].isspace())))

    for item in layout:
        if isinstance(item, LTTextBoxHorizontal):
            for line in item:
                if isinstance(line, LTTextLineHorizontal):
                    add(line)
        elif isinstance(item, LTTextLineHorizontal):
            add(item)
    return _merge_pieces(out)


def _merge_pieces(lines: list[_Line]) -> list[_Line]:
    """Pieces of one row a word space apart (a change of font or direction splits a line) as one
    line; a right-to-left row's pieces from right to left."""
    rows: list[tuple[float, list[_Line]]] = []
    for line in sorted(lines, key=lambda line: line.top + line.bottom):
        middle = (line.top + line.bottom) / 2
        if rows and abs(middle - rows[-1][0]) < 0.35 * max(line.height, 1.0):
            rows[-1][1].append(line)
        else:
            rows.append((middle, [line]))
    out: list[_Line] = []
    for _, row in rows:
        row.sort(key=lambda line: line.x0)
        group = [row[0]]
        for line in row[1:]:
            if 0 <= line.x0 - group[-1].x1 < 1.5 * max(line.size, group[-1].size, 1.0):
                group.append(line)
            else:
                out.append(_joined(group))
                group = [line]
        out.append(_joined(group))
    return out


def _joined(pieces: list[_Line]) -> _Line:
    if len(pieces) == 1:
        return pieces[0]
    # a space between two pieces where there is one on the page
    spaces = [" " if b.x0 - a.x1 > 0.2 * max(a.size, 1.0) or a.spaced[1] or b.spaced[0] else ""
              for a, b in zip(pieces, pieces[1:])]
    text = pieces[0].text + "".join(space + line.text for space, line in zip(spaces, pieces[1:]))
    if _right_to_left(text):
        backwards = pieces[::-1]
        text = backwards[0].text + "".join(space + line.text for space, line in zip(spaces[::-1], backwards[1:]))
    main = max(pieces, key=lambda line: len(line.text))
    return _Line(text, pieces[0].x0, min(p.top for p in pieces), max(p.x1 for p in pieces),
                 max(p.bottom for p in pieces), main.size, main.page)


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_running_lines(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Without running headers, running footers, page numbers and table-of-contents entries."""
    ends: list[tuple[list[int], list[int]]] = []  # per page: indexes of its top and bottom lines
    for page, height in zip(pages, heights):
        order = sorted(range(len(page)), key=lambda i: (page[i].top, page[i].x0))
        top = [i for i in order[:3] if page[i].top < height * 0.2]
        bottom = [i for i in order[-3:] if page[i].bottom > height * 0.8]
        ends.append((top, bottom))
    counts: list[dict[str, int]] = [{}, {}]
    for page, (top, bottom) in zip(pages, ends):
        for side, indexes in enumerate((top, bottom)):
            for key in {_running_key(page[i].text) for i in indexes}:
                counts[side][key] = counts[side].get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    out = []
    for page, (top, bottom) in zip(pages, ends):
        drop = set()
        for side, indexes in enumerate((top, bottom)):
            for i in indexes:
                text = page[i].text
                if _PAGE_NUMBER.match(text) or counts[side].get(_running_key(text), 0) >= need:
                    drop.add(i)
        entries = {i for i, line in enumerate(page) if _contents_entry(line.text)}
        if len(entries) >= 2:  # a contents page: its heading goes too
            entries |= {i for i, line in enumerate(page) if _CONTENTS_HEADING.match(line.text)}
        out.append([line for i, line in enumerate(page) if i not in drop and i not in entries])
    return out


def _contents_entry(text: str) -> bool:
    """``Introduction ........ 3``: dot leaders, then a page number (checked from the end, in time
    linear in the line's length)."""
    m = _PAGE_REF.search(text)
    if not m:
        return False
    head = text[:m.start()].rstrip()
    leaders = head[len(head.rstrip(". ")):]
    return leaders.count(".") >= 4


def _split_x(lines: list[_Line], gap: float) -> list[list[_Line]]:
    """The lines in columns: groups separated by a vertical gutter at least ``gap`` wide."""
    order = sorted(lines, key=lambda line: line.x0)
    groups: list[list[_Line]] = [[order[0]]]
    right = order[0].x1
    for line in order[1:]:
        if line.x0 - right >= gap:
            groups.append([line])
        else:
            groups[-1].append(line)
        right = max(right, line.x1)
    return groups


def _rows(lines: list[_Line]) -> int:
    tops = sorted(line.top for line in lines)
    return 1 + sum(1 for a, b in zip(tops, tops[1:]) if b - a > 2)


def _columns(lines: list[_Line], gap: float) -> list[list[_Line]]:
    """``_split_x``, when the gutters are columns: each part three rows or more, or one part six
    or more (a short column at the end of a text). Aligned wide word spaces of a row or two of
    justified text are no gutter."""
    parts = _split_x(lines, gap)
    if len(parts) > 1:
        rows = [_rows(part) for part in parts]
        if min(rows) < 3 and max(rows) < 6:
            return [lines]
    return parts


def _split_y(lines: list[_Line]) -> list[list[_Line]]:
    """The lines in bands separated by an empty horizontal strip."""
    order = sorted(lines, key=lambda line: line.top)
    bands: list[list[_Line]] = [[order[0]]]
    bottom = order[0].bottom
    for line in order[1:]:
        if line.top - bottom > 0.5:
            bands.append([line])
        else:
            bands[-1].append(line)
        bottom = max(bottom, line.bottom)
    return bands


def _reading_order(page: list[_Line]) -> list[_Line]:
    if not page or len(page) > MAX_LINES_PER_PAGE:
        return page
    sizes = sorted(line.size for line in page)
    gap = max(6.0, sizes[len(sizes) // 2])
    return _order(page, gap)


def _order(lines: list[_Line], gap: float) -> list[_Line]:
    if len(lines) <= 1:
        return lines
    columns = _columns(lines, gap)
    if len(columns) > 1:
        return [line for column in columns for line in _order(column, gap)]
    bands = _split_y(lines)
    if len(bands) == 1:
        return sorted(lines, key=lambda line: (line.top, line.x0))
    groups: list[list[_Line]] = []
    split: list[bool] = []
    for band in bands:
        alone = len(_split_x(band, gap)) > 1
        if groups and (alone or split[-1]) and len(_split_x(groups[-1] + band, gap)) > 1:
            groups[-1] = groups[-1] + band
            split[-1] = True
        else:
            groups.append(band)
            split.append(alone)
    if len(groups) == 1:  # one region whose gutter is no column gutter (see _columns)
        return sorted(lines, key=lambda line: (line.top, line.x0))
    return [line for group in groups for line in _order(group, gap)]


def _body_size(lines: list[_Line]) -> float:
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda size: weights[size]) if weights else 0.0


def _vocabulary(lines: list[_Line]) -> set[str]:
    """The words of the text as written whole: not a line's last word, nor its first unless
    capitalised or hyphenated (the halves of a word cut at a line end)."""
    words: set[str] = set()
    for line in lines:
        found = _WORD.findall(line.text)
        for i, word in enumerate(found[:-1]):
            if i or word[:1].isupper() or "-" in word:
                words.add(word.lower())
    return words


def _join(left: str, right: str, vocabulary: set[str]) -> str:
    """Two lines of one paragraph as one text, hyphenation at the break undone."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if len(left) >= 2 and left[-1] in "-‐" and left[-2].isalpha():
        if right[:1].islower():
            head = _WORD.findall(left[:-1])
            tail = _WORD.findall(right)
            if head and tail:
                hyphenated = f"{head[-1]}-{tail[0]}".lower()
                whole = f"{head[-1]}{tail[0]}".lower()
                if hyphenated in vocabulary and whole not in vocabulary:
                    return left + right
                if "-" in head[-1] or (whole not in vocabulary and _is_word(head[-1], vocabulary)
                                       and _is_word(tail[0], vocabulary)):
                    return left + right  # decision-making: two words of their own elsewhere
            return left[:-1] + right
        if right[:1].isupper() or right[:1].isdigit():
            return left + right  # UCLG-MEWA, COVID-19
    return f"{left} {right}"


def _is_word(part: str, vocabulary: set[str]) -> bool:
    """``part`` is a word of its own elsewhere in the text, long enough not to be a syllable."""
    return len(part) >= 4 and part.lower() in vocabulary


def _first_page_title(lines: list[_Line], body_size: float,
                      vocabulary: set[str]) -> tuple[str | None, set[int]]:
    first = [line for line in lines[:60] if line.page == lines[0].page] if lines else []
    if not first or not body_size:
        return None, set()
    largest = max(line.size for line in first)
    if largest < body_size * 1.2:
        return None, set()
    start = next(i for i, line in enumerate(first) if line.size >= largest - 0.5)
    run: list[_Line] = []
    for line in first[start:]:
        if line.size < largest - 0.5 or len(run) >= 4:
            break
        run.append(line)
    text = run[0].text
    for line in run[1:]:
        text = _join(text, line.text, vocabulary)
    if len(text) > 300 or sum(c.isalpha() for c in text) < 3:
        return None, set()
    return text, {id(line) for line in run}


def _paragraphs(lines: list[_Line], vocabulary: set[str]) -> list[str]:
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:])
            if a.page == b.page and 0 <= b.top - a.bottom < 2 * a.height and abs(a.size - b.size) < 0.5
            and min(a.x1, b.x1) > max(a.x0, b.x0)]
    usual = statistics.median(gaps) if gaps else 0.0
    paragraphs: list[str] = []
    current = ""
    previous: _Line | None = None
    right = 0.0  # the right edge of the current paragraph's lines
    rows = 0  # rows of the current paragraph
    for line in lines:
        if previous is None:
            current, right, rows, previous = line.text, line.x1, 1, line
            continue
        size = max(previous.size, 1.0)
        if (line.page == previous.page and abs(line.top - previous.top) < 0.5 * max(previous.height, 1.0)
                and line.x0 >= previous.x1 - 1 and abs(line.size - previous.size) < 1.0):
            current = f"{current} {line.text}"  # the next piece of the same row (wide justified spaces)
            right = max(right, line.x1)
            previous = line
            continue
        flows = (line.page == previous.page and line.top >= previous.bottom - 1
                 and min(line.x1, previous.x1) > max(line.x0, previous.x0))
        if flows:
            gap = line.top - previous.bottom
            short = previous.x1 < max(right, line.x1) - 6 * size and bool(_SENTENCE_END.search(previous.text))
            new = gap > usual + 0.45 * max(previous.height, 1.0) or abs(line.size - previous.size) >= 1.0 or short
        else:  # another column or page: the paragraph goes on mid-sentence, or after a full row
            full = rows >= 2 and previous.x1 >= right - 1.5 * size
            mid_sentence = not _SENTENCE_END.search(current) and (line.text[:1].islower() or current.endswith("-"))
            new = not ((mid_sentence or full) and abs(line.size - previous.size) < 1.0)
        if new:
            paragraphs.append(current)
            current, right, rows = line.text, line.x1, 1
        else:
            current = _join(current, line.text, vocabulary)
            right, rows = max(right, line.x1), rows + 1
        previous = line
    if current:
        paragraphs.append(current)
    return [p for p in (" ".join(p.split()) for p in paragraphs) if p]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
