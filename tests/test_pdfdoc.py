"""Reading PDF publications (crawlers/pdfdoc.py) on PDFs made by LibreOffice, reportlab and
Ghostscript from texts written for the tests (tests/pdfmaker.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from crawlers.cleaning import Cleaned, Rejected
from crawlers.pdfdoc import read_pdf
from tests.pdfmaker import ARABIC, TestPdf, session_pdfs

LIBREOFFICE = ("lo_two_columns", "lo_multilingual")
READABLE = ("lo_two_columns", "lo_multilingual", "rl_hyphenated", "rl_rows_first", "rl_bare", "rl_owner_only",
            "xmp_only")
LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"


@pytest.fixture(scope="session")
def pdfs() -> dict[str, TestPdf]:
    return session_pdfs()


def _get(pdfs: dict[str, TestPdf], name: str) -> TestPdf:
    """The PDF, or a skip (a failure under CI) when the program that makes it is not installed."""
    if name not in pdfs:
        program = "Ghostscript (gs)" if name.startswith("gs_") else "LibreOffice (soffice)"
        if os.environ.get("CI"):
            pytest.fail(f"{name}: {program} is not installed, and CI needs it (.ci/run installs it)")
        pytest.skip(f"{name}: {program} is not installed")
    return pdfs[name]


def _read(pdf: TestPdf, **kwargs: str) -> Cleaned:
    result = read_pdf(pdf.path.read_bytes(), f"http://127.0.0.1/docs/{pdf.path.name}", **kwargs)
    assert isinstance(result, Cleaned), f"{pdf.name}: rejected: {result}"
    return result


def _stored(result: Cleaned) -> str:
    """The text as the corpus stores it: title, a blank line, paragraphs separated by blank lines."""
    return "\n\n".join([result.title or "", *result.paragraphs])


@pytest.mark.parametrize("name", READABLE)
def test_paragraphs_come_out_whole_and_in_reading_order(pdfs, name):
    pdf = _get(pdfs, name)
    result = _read(pdf)
    assert result.paragraphs == pdf.paragraphs
    assert all(p.strip() for p in result.paragraphs)


@pytest.mark.parametrize("name", ["lo_two_columns", "rl_hyphenated", "rl_rows_first"])
def test_column_one_is_read_before_column_two(pdfs, name):
    pdf = _get(pdfs, name)
    body = _read(pdf).body
    positions = [body.find(p) for p in pdf.paragraphs]
    assert -1 not in positions and positions == sorted(positions)
    assert pdf.columns == 2


@pytest.mark.parametrize("name", ["lo_two_columns", "lo_multilingual", "rl_hyphenated", "rl_rows_first", "rl_bare"])
def test_no_running_header_footer_or_page_number_lines(pdfs, name):
    pdf = _get(pdfs, name)
    result = _read(pdf)
    text = _stored(result)
    for running in pdf.running:
        assert running not in text, f"running line {running!r} kept"
    page_numbers = [p for p in result.paragraphs
                    if re.fullmatch(r"(?:page\s*)?[-–]?\s*\d+\s*[-–]?(?:\s*of\s*\d+)?", p, re.IGNORECASE)]
    assert page_numbers == []
    assert not re.search(r"\bPage \d+( of \d+)?\b", text)
    assert not re.search(r"- \d+ -", text)


def test_line_end_hyphens_undone_and_real_hyphens_kept(pdfs):
    pdf = _get(pdfs, "rl_hyphenated")
    raw = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from pdfminer.high_level import extract_text
        print(extract_text({str(pdf.path)!r}))""")], capture_output=True, text=True, check=True).stdout
    cut = re.findall(r"([^\W\d_]+)-\n([a-z]+)", raw)
    assert len(cut) >= 5, "the test PDF should hyphenate words at line ends"
    real = {f"{a}-{b}" for a, b in cut if f"{a}-{b}".lower() in " ".join(pdf.paragraphs).lower()}
    assert real, "the test PDF should break a hyphenated word at its hyphen"
    body = _read(pdf).body
    for a, b in cut:
        if f"{a}-{b}" in real:
            assert f"{a}-{b}" in body
        else:
            assert f"{a}{b}" in body and f"{a}-{b}" not in body and f"{a}- {b}" not in body
    for word in ("well-being", "decision-making", "Sex-disaggregated", "hard-won"):
        assert word in " ".join(pdf.paragraphs)
        assert body.count(word) == " ".join(pdf.paragraphs).count(word), word
    assert "UCLG-MEWA" in _read(pdfs["rl_bare"]).body


@pytest.mark.parametrize("name", READABLE)
def test_metadata(pdfs, name):
    pdf = _get(pdfs, name)
    result = _read(pdf)
    assert result.title == pdf.title
    assert result.meta["title_source"] == pdf.title_source if pdf.title else "title_source" not in result.meta
    assert result.author == pdf.author
    assert result.language == pdf.language and result.language_confidence and result.language_confidence > 0.5
    assert result.meta["page_kind"] == "document"
    assert isinstance(result.meta["pages"], int) and result.meta["pages"] >= 1
    if pdf.pages is not None:
        assert result.meta["pages"] == pdf.pages
    assert pdf.producer.lower().split()[0][:6] in result.meta["producer"].lower()
    if name in LIBREOFFICE:
        # LibreOffice writes the export time as the document's creation date.
        assert result.date is not None
        assert result.date == date.fromtimestamp(pdf.path.stat().st_mtime).isoformat()
    else:
        assert result.date == pdf.date
    assert result.meta.get("date_source") == pdf.date_source


def test_file_order_is_not_reading_order_in_rows_first_pdf(pdfs):
    """The rows-first PDF writes each row across both columns, then the header: a reader that
    follows the file's order interleaves the columns."""
    pdf = pdfs["rl_rows_first"]
    raw = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from pypdf import PdfReader
        print(PdfReader({str(pdf.path)!r}).pages[0].extract_text())""")],
        capture_output=True, text=True, check=True).stdout
    opening = " ".join(pdf.paragraphs[0].split()[:14])  # the first two rows of column one
    assert opening not in " ".join(raw.split()), "the rows-first PDF should interleave its columns in file order"
    assert opening.split()[0] in raw
    assert _read(pdf).paragraphs == pdf.paragraphs


def test_two_columns_document_has_several_pages(pdfs):
    result = _read(_get(pdfs, "lo_two_columns"))
    assert result.meta["pages"] >= 2


def test_link_text_and_last_modified_stand_in_for_missing_metadata(pdfs):
    pdf = pdfs["rl_bare"]
    result = _read(pdf, link_text="  Data and   peer learning (PDF) ", last_modified=LAST_MODIFIED)
    assert result.title == "Data and peer learning (PDF)"
    assert result.meta["title_source"] == "link_text"
    assert result.date == "2024-03-05" and result.meta["date_source"] == "last_modified"
    # A declared date wins over Last-Modified, a declared title over the link's text.
    declared = _read(pdfs["rl_owner_only"], link_text="Download", last_modified=LAST_MODIFIED)
    assert declared.title == pdfs["rl_owner_only"].title and declared.date == "2024-01-10"
    assert declared.meta["date_source"] == "info"


def test_multilingual_document_sections_keep_their_languages(pdfs):
    pdf = _get(pdfs, "lo_multilingual")
    result = _read(pdf)
    from crawlers.cleaning import detect_language
    spanish = next(p for p in result.paragraphs if p.startswith("La cooperación"))
    french = next(p for p in result.paragraphs if p.startswith("La coopération"))
    assert detect_language(spanish)[0] == "es" and detect_language(french)[0] == "fr"
    assert "d'assainissement" in french and "réciprocité" in french
    # Right to left, as the glyphs are placed on the page: read back in logical order, with the
    # Latin acronym and the year inside the line in their place.
    arabic = [p for p in result.paragraphs if p in ARABIC]
    assert arabic == ARABIC
    assert all(detect_language(p)[0] == "ar" for p in arabic)
    assert "شبكة UCLG مع" in arabic[1] and "عام 2030،" in arabic[1]


@pytest.mark.parametrize("name", ["rl_encrypted", "gs_scanned", "corrupt", "bomb", "bomb_twice", "not_pdf"])
def test_skip_reasons(pdfs, name):
    pdf = _get(pdfs, name)
    result = read_pdf(pdf.path.read_bytes(), "http://127.0.0.1/x.pdf", link_text="A report")
    assert isinstance(result, Rejected), f"{name}: read, expected {pdf.expect_reason}"
    assert result.reason == pdf.expect_reason, result
    assert result.detail


def test_empty_user_password_is_readable(pdfs):
    """An owner password only (restrictions on copying) opens without a password: read."""
    assert b"/Encrypt" in pdfs["rl_owner_only"].path.read_bytes()
    assert _read(pdfs["rl_owner_only"]).paragraphs == pdfs["rl_owner_only"].paragraphs


def test_leading_junk_is_skipped_but_not_more_than_1kb(pdfs):
    data = pdfs["rl_bare"].path.read_bytes()
    assert isinstance(read_pdf(b"\r\n junk before the header\n" * 10 + data, "u"), Cleaned)
    far = read_pdf(b"x" * 1100 + data, "u")
    assert isinstance(far, Rejected) and far.reason == "not_pdf"
    assert read_pdf(b"", "u") == Rejected("not_pdf", "no %PDF- header in the first 1 KB")


def test_truncated_and_garbled_files_are_corrupt_not_crashes(pdfs):
    data = pdfs["rl_hyphenated"].path.read_bytes()
    for cut in (20, 200, len(data) // 3):
        result = read_pdf(data[:cut], "u")
        assert isinstance(result, Rejected) and result.reason == "corrupt_pdf", (cut, result)
    garbled = bytearray(data)
    for i in range(200, len(garbled), 97):
        garbled[i] = (garbled[i] * 7 + 3) % 256
    result = read_pdf(bytes(garbled), "u")
    assert isinstance(result, Cleaned | Rejected)
    if isinstance(result, Rejected):
        assert result.reason in ("corrupt_pdf", "no_text_layer")


@pytest.mark.parametrize("name", ["bomb", "bomb_twice"])
def test_bomb_is_rejected_fast_with_bounded_memory(pdfs, name):
    path = pdfs[name].path
    assert path.stat().st_size < 8_000_000
    # The peak is the kernel's VmHWM of this process's memory: unlike getrusage's ru_maxrss, which
    # Linux carries over exec from the forking process (pytest, large late in a run), it starts
    # afresh with the new program.
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from crawlers.pdfdoc import read_pdf
        def peak_kb():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        data = Path({str(path)!r}).read_bytes()
        before = peak_kb()
        start = time.monotonic()
        result = read_pdf(data, "http://127.0.0.1/bomb.pdf")
        print(result.reason, round(time.monotonic() - start, 2), before, peak_kb())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    reason, seconds, before_kb, after_kb = out[0], float(out[1]), int(out[2]), int(out[3])
    assert reason == "pdf_bomb"
    assert seconds < 5, f"the bomb took {seconds} s to reject"
    grown = (after_kb - before_kb) // 1024
    assert grown < 100, f"rejecting the bomb grew the process by {grown} MB"
    assert after_kb < 400 * 1024



def test_a_broken_page_is_skipped_and_the_others_read(pdfs):
    """A content stream broken in the middle (bytes that are no ASCII85): that page is skipped and
    named in ``broken_pages``; the other pages' text is stored."""
    pdf = pdfs["rl_rows_first"]
    data = pdf.path.read_bytes()
    readings = []
    for m in re.finditer(rb"stream\r?\n", data):
        if data[m.start() - 3:m.start()] == b"end":
            continue
        at = m.end() + 10
        readings.append(read_pdf(data[:at] + b"\xff\xfe" + data[at + 2:], "u"))
    partial = [r for r in readings if isinstance(r, Cleaned) and r.meta.get("broken_pages")]
    assert partial, [getattr(r, "detail", r) for r in readings]
    for result in partial:
        assert result.meta["pages"] == pdf.pages
        assert len(result.meta["broken_pages"]) < pdf.pages
        kept = [p for p in pdf.paragraphs if p in result.paragraphs]
        assert kept and len(kept) < len(pdf.paragraphs)


@pytest.mark.parametrize(("left", "right", "joined"), [
    ("the partner-", "ships of", "the partnerships of"),  # "partner" is a word, "ships" is not elsewhere
    ("local govern-", "ments and", "local governments and"),
    ("coope-", "ration is", "cooperation is"),
    ("the well-", "being of", "the well-being of"),  # written with its hyphen elsewhere
    ("decision-", "making in", "decision-making in"),  # both halves are words elsewhere
    ("UCLG-", "MEWA and", "UCLG-MEWA and"),  # a capital after the hyphen
    ("COVID-", "19 response", "COVID-19 response"),
    ("the coope\u00ad", "ration", "the cooperation"),  # a soft hyphen
    ("a dash -", "and more", "a dash - and more"),
    ("the end.", "Next", "the end. Next"),
])
def test_line_end_hyphen_rules(left, right, joined):
    from crawlers.pdfdoc import _join

    vocabulary = {"partner", "decision", "making", "well-being", "govern" + "ance"}
    assert _join(left, right, vocabulary) == joined


def test_table_of_contents_entries_are_not_text(tmp_path):
    """A contents page with dot leaders: its entries go, the headings and text they point to stay."""
    from reportlab.pdfgen import canvas

    from tests.pdfmaker import COOPERATION, _wrap

    path = tmp_path / "contents.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(420, 595))
    pdf.setTitle("Decentralised Cooperation: A Guide for Municipalities")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(40, 540, "Contents")
    pdf.setFont("Helvetica", 10)
    entries = [("1. Why cooperate", 2), ("2. Choosing a partner", 2), ("3. Measuring results", 3)]
    for i, (entry, page) in enumerate(entries):
        pdf.drawString(40, 510 - 16 * i, f"{entry} {'.' * 40} {page}")
    pdf.showPage()
    y = 540.0
    for heading, paragraph in zip(["1. Why cooperate", "2. Choosing a partner"], COOPERATION[:2]):
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(40, y, heading)
        y -= 22
        pdf.setFont("Helvetica", 10)
        for line in _wrap(paragraph, 340, "Helvetica", 10, False):
            pdf.drawString(40, y, line)
            y -= 13
        y -= 12
    pdf.showPage()
    pdf.save()
    result = read_pdf(path.read_bytes(), "http://127.0.0.1/guide.pdf")
    assert isinstance(result, Cleaned), result
    assert result.paragraphs == ["1. Why cooperate", COOPERATION[0], "2. Choosing a partner", COOPERATION[1]]


def test_hostile_lines_cost_no_more_than_their_length(tmp_path):
    """Lines of thousands of dots, dashes, digits and hyphens (tiny type, one page): read at once."""
    import time

    from reportlab.pdfgen import canvas

    from tests.pdfmaker import SDG

    path = tmp_path / "hostile.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(20000, 400))
    pdf.setFont("Helvetica", 10)
    pdf.drawString(20, 360, SDG[0])
    for i, line in enumerate(["." * 3000, "- " * 1500 + "1", "1" * 3000, "i" * 3000 + ".", "a-" * 1500]):
        pdf.drawString(20, 300 - 30 * i, line)
    pdf.showPage()
    pdf.save()
    start = time.monotonic()
    result = read_pdf(path.read_bytes(), "http://127.0.0.1/hostile.pdf")
    assert time.monotonic() - start < 10
    assert isinstance(result, Cleaned) and result.paragraphs[0] == SDG[0]
