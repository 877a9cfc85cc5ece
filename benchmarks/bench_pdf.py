"""Benchmark: pypdf and pdfminer.six on the test PDFs, raw and after the post-processing.

    python benchmarks/bench_pdf.py [--repeat 3]

The PDFs are those of the tests (tests/pdfmaker.py: LibreOffice and reportlab, two-column
layouts, running headers and footers, page numbers, words hyphenated at line ends) plus a long
two-column reportlab report made here from the same texts. The reference of each is the text it
was made from (title and paragraphs). Per reader and variant:

- token F1: word tokens (lower case) of the output against the reference, as bags: what is
  missing (recall) and what is added — headers, footers, page numbers, cut words (precision);
- paragraphs in order: the share of the reference paragraphs found whole, in order, in the output
  (whitespace normalised): reading order across columns, hyphenation undone, no running line or
  page number inside a paragraph;
- pages per second, one process, best of ``--repeat`` runs.

Variants: ``raw`` is the library's own plain text (pdfminer ``extract_text``, pypdf
``extract_text``); ``pdfminer + read_pdf`` is ``crawlers.pdfdoc.read_pdf`` (layout analysis:
positions and font sizes); ``pypdf + text rules`` applies the rules that need no positions to
pypdf's text (running lines repeated at the ends of most pages, page-number lines, hyphenation at
line ends undone with the document's own words) — pypdf gives no line positions, so no column
order or paragraph gaps.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawlers import pdfdoc  # noqa: E402
from crawlers.cleaning import Cleaned  # noqa: E402
from tests import pdfmaker  # noqa: E402

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def f1(got: str, want: str) -> float:
    g, w = tokens(got), tokens(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def in_order(got: str, paragraphs: list[str]) -> float:
    text = " ".join(got.split())
    pos, found = 0, 0
    for paragraph in paragraphs:
        at = text.find(" ".join(paragraph.split()), pos)
        if at >= 0:
            found += 1
            pos = at + len(paragraph)
    return found / len(paragraphs)


def pdfminer_raw(data: bytes) -> tuple[str, int]:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    text = extract_text(io.BytesIO(data))
    return text, sum(1 for _ in PDFPage.get_pages(io.BytesIO(data)))


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pypdf_raw(data: bytes) -> tuple[str, int]:
    pages = pypdf_pages(data)
    return "\n".join(pages), len(pages)


def pypdf_rules(data: bytes) -> tuple[str, int]:
    """pypdf's text with the post-processing rules that need no positions."""
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in pypdf_pages(data)]
    counts: list[Counter[str]] = [Counter(), Counter()]
    for lines in pages:
        counts[0].update({pdfdoc._running_key(x) for x in lines[:3]})
        counts[1].update({pdfdoc._running_key(x) for x in lines[-3:]})
    need = max(2, (len(pages) + 1) // 2)
    kept: list[str] = []
    for lines in pages:
        for i, line in enumerate(lines):
            end = i < 3 or i >= len(lines) - 3
            side = 0 if i < 3 else 1
            if end and (pdfdoc._PAGE_NUMBER.match(line) or counts[side][pdfdoc._running_key(line)] >= need):
                continue
            kept.append(line)
    vocabulary = {w.lower() for line in kept for w in pdfdoc._WORD.findall(line)[:-1]}
    text = kept[0] if kept else ""
    for line in kept[1:]:
        text = pdfdoc._join(text, line, vocabulary)
    return text, len(pages)


def read_pdf(data: bytes) -> tuple[str, int]:
    result = pdfdoc.read_pdf(data, "http://127.0.0.1/x.pdf")
    assert isinstance(result, Cleaned), result
    shown = result.title if result.meta.get("title_source") == "first_page" else None
    return "\n\n".join([shown or "", *result.paragraphs]), int(result.meta["pages"])


VARIANTS: list[tuple[str, Callable[[bytes], tuple[str, int]]]] = [
    ("pypdf raw", pypdf_raw),
    ("pypdf + text rules", pypdf_rules),
    ("pdfminer raw", pdfminer_raw),
    ("pdfminer + read_pdf", read_pdf),
]


def long_report(folder: Path) -> pdfmaker.TestPdf:
    """A long two-column report (about 25 A5 pages) from the tests' texts."""
    paragraphs = (pdfmaker.SDG + pdfmaker.COOPERATION + pdfmaker.GENDER) * 5
    title = "Local Governments and the 2030 Agenda: Collected Reviews"
    path = folder / "long_report.pdf"
    pages = pdfmaker._reportlab(path, title_shown=title, paragraphs=paragraphs, info_title="report.docx",
                                author="UCLG", date=(2024, 5, 6), header="UCLG · Collected Reviews", columns=2,
                                page_label="Page {}", hyphenate=True)
    return pdfmaker.TestPdf("long_report", path, title=title, paragraphs=paragraphs, pages=pages,
                            title_source="first_page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdfs = [p for p in pdfmaker.make_pdfs(folder).values() if p.expect_reason is None]
        pdfs.append(long_report(folder))
        rows: dict[str, dict[str, tuple[float, float]]] = {}
        speed: dict[str, float] = {}
        for name, run in VARIANTS:
            total_pages, best = 0, float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                total_pages = 0
                for pdf in pdfs:
                    text, pages = run(pdf.path.read_bytes())
                    total_pages += pages
                    shown = pdf.title if pdf.title_source == "first_page" else None  # the title on the page
                    want = "\n\n".join([shown or "", *pdf.paragraphs])
                    rows.setdefault(pdf.name, {})[name] = (f1(text, want), in_order(text, pdf.paragraphs))
                best = min(best, time.perf_counter() - start)
            speed[name] = total_pages / best
        names = [name for name, _ in VARIANTS]
        width = 22
        print(f"{'PDF':<22}" + "".join(f"{n:>{width}}" for n in names))
        print(f"{'':<22}" + "".join(f"{'F1 / in order':>{width}}" for _ in names))
        for pdf in pdfs:
            label = f"{pdf.name}"
            print(f"{label:<22}" + "".join(f"{rows[pdf.name][n][0]:>{width - 8}.3f} / {rows[pdf.name][n][1]:.2f}"
                                           for n in names))
        mean = {n: tuple(sum(rows[p.name][n][k] for p in pdfs) / len(pdfs) for k in (0, 1)) for n in names}
        print(f"{'mean':<22}" + "".join(f"{mean[n][0]:>{width - 8}.3f} / {mean[n][1]:.2f}" for n in names))
        print(f"{'pages per second':<22}" + "".join(f"{speed[n]:>{width}.1f}" for n in names))
        print(f"({len(pdfs)} PDFs, {total_pages} pages; best of {args.repeat} runs, one process)")

if __name__ == "__main__":
    main()
