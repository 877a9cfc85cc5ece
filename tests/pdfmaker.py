"""PDF publications for the tests, made by real producers from texts written here.

``make_pdfs(folder)`` builds each PDF once into ``folder`` and returns them by name with their
source text (title, paragraphs) and what reading them should give; ``session_pdfs()`` is the same
set built once per process into a temporary folder (removed at exit), for every test module that
needs them (reading them, serving them over HTTP). Producers:
- LibreOffice (``soffice --headless --convert-to pdf``) from flat ODF documents: a two-column
  section; English, Spanish, French and Arabic (right to left) sections; page styles with a
  running header and a footer with page-number fields; document properties (title, author,
  creation date); soft hyphens in long words;
- reportlab: two-column reports laid out line by line here, with words hyphenated at line ends
  (and real hyphens such as ``well-being`` falling at a line end), a running header and ``- N -``
  page numbers, one written to the file row by row across its columns; an encrypted document (a
  user password) and one with only an owner password;
- Ghostscript (``gs -sDEVICE=pdfimage24``): a PDF rasterised into page images, as a scanner
  makes them (no text layer);
- by hand: a truncated file with a garbage cross-reference table, and decompression bombs (a
  content stream that inflates to 3 GiB, written as repeated deflate blocks, so the file is 3 MB
  and building it takes milliseconds; one compressed twice, 4 GiB from a file of a few KB).

All LibreOffice documents are converted in one ``soffice`` call, with a private profile.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

SOFT_HYPHEN = "\u00ad"


@dataclass
class TestPdf:
    __test__ = False  # not a pytest test class

    name: str
    path: Path
    title: str | None  # the title reading should give
    paragraphs: list[str]  # the source text, in reading order
    author: str | None = None
    date: str | None = None  # ISO date reading should give from the file itself
    language: str | None = None
    expect_reason: str | None = None  # the Rejected reason, for a file that is not read
    title_source: str | None = None
    date_source: str | None = None
    pages: int | None = None  # None: not known in advance (LibreOffice's page breaks)
    producer: str = ""
    running: list[str] = field(default_factory=list)  # running header texts (never in the text)
    columns: int = 1


# --- texts ------------------------------------------------------------------------------------

SDG = [
    "Localising the Sustainable Development Goals means translating a global agenda into the daily "
    "decisions of cities and regions. Local governments are responsible for water, housing, transport and "
    "waste, and at least 105 of the 169 targets cannot be reached without their engagement and cooperation.",
    "In intermediary cities the challenge is sharper. Municipal budgets are small, technical staff rotate "
    "frequently and national statistics rarely disaggregate indicators below the provincial level. Voluntary "
    "local reviews have become the instrument through which councils measure their own progress.",
    "The review process itself strengthens institutions. Departments that never shared data learn to "
    "coordinate, councillors discuss priorities with civil society organisations, and the budget is "
    "progressively aligned with measurable targets for health, education and the well-being of residents.",
    "Participatory budgeting in several Andean municipalities shows how citizens can take part in "
    "decision-making. Neighbourhood assemblies proposed investments in drinking water, street lighting and "
    "public spaces, and the municipality reported back on each commitment at the end of the fiscal year.",
    "Data remains the weakest link. Many councils rely on household surveys that are a decade old, while "
    "mobile phone records, satellite imagery and administrative registers could provide timely evidence if "
    "agreements with national statistical offices were in place.",
    "Peer learning between cities accelerates this work. Exchanges organised by UCLG-MEWA and by "
    "metropolitan networks allow technical teams to compare methodologies, adapt indicators to local "
    "circumstances and avoid repeating mistakes that others have already documented.",
]
COOPERATION = [
    "Decentralised cooperation connects local authorities across borders around concrete projects. "
    "Unlike traditional development aid, it is built on reciprocity: both partners learn, and the "
    "relationship often outlasts the funding cycle that created it.",
    "A partnership between a Mediterranean port city and a Sahelian municipality, for instance, began with "
    "the modernisation of the civil registry and grew into a programme on urban planning, solid waste "
    "management and the training of municipal administrators.",
    "Evaluations show that the most durable partnerships share three features: political commitment on both "
    "sides, the involvement of technical staff rather than only elected representatives, and transparent "
    "reporting to citizens about costs and results.",
    "The well-being of residents remains the final measure. Where decentralised cooperation has improved "
    "public services, residents report greater trust in local institutions and a stronger willingness to "
    "take part in municipal decision-making.",
]
GENDER = [
    "Gender equality in local government is both a goal and a method. Women remain under-represented among "
    "mayors and councillors in every region, and the services that matter most to their daily lives are too "
    "often designed without consulting them. Services that are responsive to their needs begin with "
    "listening.",
    "Municipal gender equality plans set out concrete measures: safe public transport at night, childcare "
    "facilities near markets, equal pay audits within the administration and training on gender-responsive "
    "budgeting for finance departments.",
    "Several cities now publish sex-disaggregated data on the use of public services. This evidence has "
    "changed investment priorities, redirecting resources towards lighting, sanitation and the maintenance "
    "of neighbourhood health centres.",
    "Sex-disaggregated indicators are now part of the annual reports of many councils, next to the "
    "indicators on housing, transport and public health.",
    "Networks of elected women share strategies against political violence and harassment. Their members "
    "describe mentoring programmes, cross-party caucuses and communication campaigns that have increased the "
    "number of women standing for office in municipal elections.",
    "Progress is uneven and fragile. Budget cuts tend to fall first on social programmes, and the "
    "institutionalisation of gender units within the administration is the best protection against the "
    "reversal of hard-won achievements.",
]
SPANISH = [
    "La cooperación descentralizada permite que los gobiernos locales compartan conocimientos sobre la "
    "gestión del agua, la movilidad urbana y la planificación participativa. Los municipios pequeños "
    "encuentran en estas redes un apoyo técnico que difícilmente obtendrían por otras vías.",
    "La localización de los Objetivos de Desarrollo Sostenible exige datos fiables a escala municipal. Las "
    "ciudades intermedias de América Latina han comenzado a publicar informes locales voluntarios que "
    "describen sus avances en vivienda, salud y educación.",
]
FRENCH = [
    "La coopération décentralisée rapproche les collectivités territoriales autour de projets concrets. Les "
    "communes partenaires échangent leurs pratiques en matière d'assainissement, d'état civil et de "
    "gestion des déchets, dans une relation fondée sur la réciprocité.",
    "L'égalité entre les femmes et les hommes progresse lorsque les budgets municipaux sont analysés sous "
    "l'angle du genre. Plusieurs villes publient désormais des données ventilées par sexe sur l'usage des "
    "services publics et des transports.",
]

ARABIC = [
    "التعاون اللامركزي يربط السلطات المحلية عبر الحدود حول مشاريع ملموسة. وتتبادل البلديات الشريكة خبراتها "
    "في مجال المياه والصرف الصحي وإدارة النفايات، في علاقة قائمة على المعاملة بالمثل والثقة المتبادلة بين المدن.",
    "وتعمل شبكة UCLG مع المدن الوسيطة على توطين أهداف التنمية المستدامة قبل عام 2030، من خلال المراجعات "
    "المحلية الطوعية وتبادل الخبرات بين الفرق التقنية.",
]


# --- LibreOffice ------------------------------------------------------------------------------

_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
"""

_FODT_STYLES = """<office:font-face-decls>
 <style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'"/>
 <style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:text-properties style:font-name="DejaVu Serif" fo:font-size="10pt" fo:language="en" fo:country="GB"
   style:font-name-complex="DejaVu Sans" style:language-complex="ar"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.25cm" fo:text-align="justify"/>
 </style:style>
 <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
  <style:text-properties style:font-name="DejaVu Sans" fo:font-size="13pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-bottom="0.5cm"/>
  <style:text-properties style:font-name="DejaVu Sans" fo:font-size="20pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Running" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties style:font-name="DejaVu Sans" fo:font-size="8pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="14.8cm" fo:page-height="21cm" fo:margin-top="1cm"
   fo:margin-bottom="1cm" fo:margin-left="1.5cm" fo:margin-right="1.5cm"/>
  <style:header-style>
   <style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.4cm"/></style:header-style>
  <style:footer-style>
   <style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.4cm"/></style:footer-style>
 </style:page-layout>
 <style:style style:name="Columns" style:family="section">
  <style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.7cm"/></style:section-properties>
 </style:style>
 <style:style style:name="RTL" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties style:writing-mode="rl-tb" fo:text-align="end"/>
 </style:style>
 <style:style style:name="RTLHeading" style:family="paragraph" style:parent-style-name="Heading">
  <style:paragraph-properties style:writing-mode="rl-tb" fo:text-align="end"/>
  <style:text-properties style:font-name-complex="DejaVu Sans" style:font-size-complex="13pt"
   style:font-weight-complex="bold"/>
 </style:style>
</office:automatic-styles>
"""


def _soft_hyphens(text: str) -> str:
    """Soft hyphens in long words, where LibreOffice may break a justified line."""
    def one(word: str) -> str:
        core = word.strip(".,;:()")
        if len(core) >= 11 and core.isalpha():
            cut = len(core) // 2
            return word.replace(core, core[:cut] + SOFT_HYPHEN + core[cut:])
        return word
    return " ".join(one(w) for w in text.split(" "))


def _fodt(*, title: str | None, author: str | None, created: str | None, header: str, footer: str,
          blocks: list[tuple[str, str]]) -> str:
    """A flat ODF text document. ``blocks``: (kind, text) with kind ``title``, ``heading``, ``body``,
    ``rtl``, ``rtl-heading``, ``columns-start``, ``columns-end``; ``footer``: XML (may hold page-number fields)."""
    meta = []
    if title:
        meta.append(f"<dc:title>{escape(title)}</dc:title>")
    if author:
        meta.append(f"<meta:initial-creator>{escape(author)}</meta:initial-creator><dc:creator>{escape(author)}</dc:creator>")
    if created:
        meta.append(f"<meta:creation-date>{created}T09:30:00</meta:creation-date><dc:date>{created}T09:30:00</dc:date>")
    master = (f'<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
              f'<style:header><text:p text:style-name="Running">{escape(header)}</text:p></style:header>'
              f'<style:footer><text:p text:style-name="Running">{footer}</text:p></style:footer>'
              f'</style:master-page></office:master-styles>')
    body = []
    for kind, text in blocks:
        if kind == "columns-start":
            body.append('<text:section text:style-name="Columns" text:name="Columns">')
        elif kind == "columns-end":
            body.append("</text:section>")
        else:
            style = {"title": "Title", "heading": "Heading", "body": "Body", "rtl": "RTL",
                     "rtl-heading": "RTLHeading"}[kind]
            shown = _soft_hyphens(text) if kind == "body" else text
            body.append(f'<text:p text:style-name="{style}">{escape(shown)}</text:p>')
    return (_FODT_HEAD + f"<office:meta>{''.join(meta)}</office:meta>" + _FODT_STYLES + master
            + "<office:body><office:text>" + "".join(body) + "</office:text></office:body></office:document>")


_PAGE_OF = ('Page <text:page-number text:select-page="current">1</text:page-number> of '
            '<text:page-count>1</text:page-count>')
_PAGE = '<text:page-number text:select-page="current">1</text:page-number>'


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(sources: list[Path], out: Path) -> None:
    """All documents to PDF in one LibreOffice run, with a throwaway profile."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "HOME": profile})
    missing = [s.name for s in sources if not (out / (s.stem + ".pdf")).exists()]
    if done.returncode or missing:
        raise RuntimeError(f"soffice failed (exit {done.returncode}, missing {missing}): {done.stderr[-2000:]}")


# --- reportlab --------------------------------------------------------------------------------

_A5 = (420.0, 595.0)


def _wrap(text: str, width: float, font: str, size: float, hyphenate: bool) -> list[str]:
    """Lines of at most ``width`` points; a word that does not fit is cut at one of its own hyphens
    or, when ``hyphenate``, between two of its letters with a hyphen added (as a typesetter does)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if stringWidth(trial, font, size) <= width:
            line = trial
            continue
        cut = None
        if "-" in word[1:-1]:
            head = word[:word.rindex("-", 1, len(word) - 1) + 1]
            if stringWidth(f"{line} {head}", font, size) <= width:
                cut = (head, word[len(head):])
        if cut is None and hyphenate and word.isalpha() and len(word) >= 7:
            for i in range(len(word) - 3, 2, -1):
                head = word[:i] + "-"
                if stringWidth(f"{line} {head}", font, size) <= width:
                    cut = (head, word[i:])
                    break
        if cut:
            lines.append(f"{line} {cut[0]}" if line else cut[0])
            line = cut[1]
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _reportlab(path: Path, *, title_shown: str | None, paragraphs: list[str], info_title: str,
               author: str | None, date: tuple[int, int, int] | None, header: str | None, columns: int,
               page_label: str | None, hyphenate: bool, encrypt: object | None = None,
               rows_first: bool = False) -> int:
    """Lay the text out on A5 pages, column by column; returns the page count. ``rows_first``:
    each page's lines are written to the file row by row across the columns, with the header and
    page number last (as some producers do), so that the order of the file is not the reading
    order."""
    from reportlab.pdfgen import canvas as rl_canvas

    page_w, page_h = _A5
    margin, gutter, size, leading, space = 40.0, 16.0, 9.5, 12.0, 6.0
    column_w = (page_w - 2 * margin - gutter * (columns - 1)) / columns
    pdf = rl_canvas.Canvas(str(path), pagesize=_A5, encrypt=encrypt, invariant=1)
    pdf.setTitle(info_title)
    pdf.setAuthor(author or "anonymous")
    pdf.setCreator("tests/pdfmaker.py")
    if date:
        pdf.setDateFormatter(lambda *_: f"{date[0]:04d}{date[1]:02d}{date[2]:02d}103000+00'00'")
    else:
        pdf.setDateFormatter(lambda *_: "unknown")
    top, bottom = page_h - margin - 14, margin + 14
    page = 1
    body: list[tuple[str, float, float, float, str]] = []  # font, size, x, y, text

    def finish_page() -> None:
        chrome = []
        if header:
            chrome.append(("Helvetica-Oblique", 7.0, page_w / 2, page_h - margin + 6, header))
        if page_label:
            chrome.append(("Helvetica-Oblique", 7.0, page_w / 2, margin - 12, page_label.format(page)))
        ops = sorted(body, key=lambda op: (-op[3], op[2])) + chrome if rows_first else chrome + body
        for font, font_size, x, y_, text in ops:
            pdf.setFont(font, font_size)
            if font == "Helvetica-Oblique":
                pdf.drawCentredString(x, y_, text)
            else:
                pdf.drawString(x, y_, text)
        pdf.showPage()
        body.clear()

    y = top
    if title_shown:
        for line in _wrap(title_shown, page_w - 2 * margin, "Helvetica-Bold", 17, False):
            y -= 20
            body.append(("Helvetica-Bold", 17.0, margin, y, line))
        y -= 14
    column_top = y
    column = 0
    for paragraph in paragraphs:
        for line in _wrap(paragraph, column_w, "Helvetica", size, hyphenate):
            if y - leading < bottom:
                column += 1
                if column == columns:
                    finish_page()
                    page += 1
                    column, column_top = 0, top
                y = column_top
            y -= leading
            body.append(("Helvetica", size, margin + column * (column_w + gutter), y, line))
        y -= space
    finish_page()
    pdf.save()
    return page


# --- by hand ----------------------------------------------------------------------------------

def _deflated_zeros(gib: int) -> bytes:
    """A zlib stream of ``gib`` GiB of zeros, made in milliseconds: deflate blocks after a full
    flush do not refer back, so one compressed 16 MiB block repeated is a valid stream."""
    chunk = bytes(16 * 1024 * 1024)
    comp = zlib.compressobj(9)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    count = gib * 64
    adler = ((count * len(chunk) % 65521) << 16) | 1  # Adler-32 of n zero bytes: A = 1, B = n mod 65521
    return first + block * (count - 1) + b"\x01\x00\x00\xff\xff" + adler.to_bytes(4, "big")


def _bomb(path: Path, gib: int = 3, layers: int = 1) -> None:
    """One page whose content stream inflates to ``gib`` GiB of zeros; ``layers=2``: compressed
    twice (``/Filter [/FlateDecode /FlateDecode]``), the file a few KB."""
    stream = _deflated_zeros(gib)
    for _ in range(layers - 1):
        stream = zlib.compress(stream, 9)
    filters = b"[" + b" ".join([b"/FlateDecode"] * layers) + b"]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
    ]
    _write_objects(path, objects)


def _write_objects(path: Path, objects: list[bytes]) -> None:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _with_xmp(source: Path, path: Path, *, title: str, creator: str, created: str) -> None:
    """A copy of ``source`` with an XMP metadata packet (dc:title, dc:creator, xmp:CreateDate)."""
    from pypdf import PdfReader, PdfWriter

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:CreatorTool>Adobe InDesign 18.5 (Windows)</xmp:CreatorTool>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.xmp_metadata = packet.encode("utf-8")
    with path.open("wb") as out:
        writer.write(out)


def _corrupt(source: bytes) -> bytes:
    """The first 40 % of a PDF (its page tree and most objects lost), with a garbage
    cross-reference table and broken stream bytes after it."""
    cut = source[: len(source) * 2 // 5]
    garbage = bytes((i * 37 + 11) % 256 for i in range(2048))
    tail = b"\nxref\n0 9\nzzzz garbage\ntrailer\n<< /Root 99 0 R >>\nstartxref\n17\n%%EOF\n"
    return cut + b"\nstream\n" + garbage + tail


# --- the set ----------------------------------------------------------------------------------

def make_pdfs(folder: Path) -> dict[str, TestPdf]:
    """Every test PDF, built into ``folder`` unless already there, by name."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    folder.mkdir(parents=True, exist_ok=True)
    pdfs: dict[str, TestPdf] = {}

    # LibreOffice: a full-width introduction, then two columns; header, "Page N of M" footer.
    title = "Localising the Sustainable Development Goals in Intermediary Cities"
    heading1, heading2 = "Why local reviews matter", "Learning between cities"
    body = SDG[:3] + [heading2] + SDG[3:] + COOPERATION
    paragraphs = [SDG[0]] + [heading1] + SDG[1:3] + [heading2] + SDG[3:] + COOPERATION
    pdfs["lo_two_columns"] = TestPdf(
        "lo_two_columns", folder / "lo_two_columns.pdf", title=title, paragraphs=paragraphs,
        author="UCLG Learning Team", date="2024-03-15", language="en", title_source="info", date_source="info",
        producer="libreoffice", running=["UCLG Learning Series · Localising the SDGs"], columns=2)
    del body
    lo_docs = {
        "lo_two_columns": _fodt(
            title=title, author="UCLG Learning Team", created="2024-03-15",
            header="UCLG Learning Series · Localising the SDGs", footer=_PAGE_OF,
            blocks=[("body", SDG[0]), ("columns-start", ""), ("heading", heading1),
                    *[("body", p) for p in SDG[1:3]], ("heading", heading2),
                    *[("body", p) for p in SDG[3:] + COOPERATION], ("columns-end", "")]),
    }

    # LibreOffice: English, Spanish and French sections, no title in the properties (the large
    # text on the first page is the title), a bare page number in the footer.
    title2 = "Decentralised Cooperation and Gender Equality: Notes from Three Regions"
    multi = ([("title", title2), ("heading", "Gender equality in local government")]
             + [("body", p) for p in GENDER[:3]] + [("heading", "Cooperación descentralizada")]
             + [("body", p) for p in SPANISH] + [("heading", "Coopération décentralisée")]
             + [("body", p) for p in FRENCH] + [("rtl-heading", "التعاون اللامركزي")]
             + [("rtl", p) for p in ARABIC] + [("heading", "Gender equality in practice")]
             + [("body", p) for p in GENDER[3:]])
    pdfs["lo_multilingual"] = TestPdf(
        "lo_multilingual", folder / "lo_multilingual.pdf", title=title2,
        paragraphs=[text for kind, text in multi if kind != "title"], author="Metropolis Secretariat",
        date="2023-06-02", language="en", title_source="first_page", date_source="info", producer="libreoffice",
        running=["Decentralised Cooperation Review"])
    lo_docs["lo_multilingual"] = _fodt(
        title=None, author="Metropolis Secretariat", created="2023-06-02",
        header="Decentralised Cooperation Review", footer=_PAGE, blocks=multi)

    # reportlab: two columns, hyphenated line ends, "- N -" page numbers, an office file name as
    # the declared title (not meaningful: the first page's heading is the title).
    title3 = "Gender Equality and Decentralised Cooperation in Local Government"
    paragraphs3 = GENDER + COOPERATION + SDG[2:4]
    path = folder / "rl_hyphenated.pdf"
    pages3 = _reportlab(path, title_shown=title3, paragraphs=paragraphs3,
                        info_title="Microsoft Word - gender_equality_review_FINAL.docx",
                        author="Metropolis Women Network", date=(2023, 11, 20),
                        header="Metropolis · Annual Review 2023", columns=2, page_label="- {} -", hyphenate=True)
    pdfs["rl_hyphenated"] = TestPdf(
        "rl_hyphenated", path, title=title3, paragraphs=paragraphs3, author="Metropolis Women Network",
        date="2023-11-20", language="en", title_source="first_page", date_source="info", pages=pages3,
        producer="reportlab", running=["Metropolis · Annual Review 2023"], columns=2)

    # reportlab: the same layout written to the file row by row across the columns: only the
    # positions on the page give the reading order.
    path = folder / "rl_rows_first.pdf"
    paragraphs6 = SDG + GENDER + COOPERATION[:2]
    title6 = "Voluntary Local Reviews: What Intermediary Cities Report"
    pages6 = _reportlab(path, title_shown=title6, paragraphs=paragraphs6, info_title=title6, author="UCLG",
                        date=(2022, 9, 30), header="UCLG · Voluntary Local Reviews", columns=2,
                        page_label="Page {}", hyphenate=True, rows_first=True)
    pdfs["rl_rows_first"] = TestPdf(
        "rl_rows_first", path, title=title6, paragraphs=paragraphs6, author="UCLG", date="2022-09-30",
        language="en", title_source="info", date_source="info", pages=pages6, producer="reportlab",
        running=["UCLG · Voluntary Local Reviews"], columns=2)

    # reportlab: one column, no title anywhere, no date, no author: the link's text and the
    # Last-Modified header stand in.
    paragraphs4 = SDG[4:] + COOPERATION[:2]
    path = folder / "rl_bare.pdf"
    pages4 = _reportlab(path, title_shown=None, paragraphs=paragraphs4, info_title="", author=None, date=None,
                        header=None, columns=1, page_label="Page {}", hyphenate=False)
    pdfs["rl_bare"] = TestPdf(
        "rl_bare", path, title=None, paragraphs=paragraphs4, language="en", pages=pages4, producer="reportlab")

    # pypdf: the bare report with an XMP packet (as Acrobat and InDesign write them) and no title in
    # the document information: title, author and date come from XMP.
    path = folder / "xmp_only.pdf"
    _with_xmp(folder / "rl_bare.pdf", path, title="Data and Peer Learning for Voluntary Local Reviews",
              creator="Local2030 Coalition", created="2021-07-12T08:15:00+02:00")
    pdfs["xmp_only"] = TestPdf(
        "xmp_only", path, title="Data and Peer Learning for Voluntary Local Reviews", paragraphs=paragraphs4,
        author="Local2030 Coalition", date="2021-07-12", language="en", title_source="xmp", date_source="xmp",
        pages=pages4, producer="reportlab")

    # reportlab, encrypted: a user password (unreadable), and an owner password only (readable).
    path = folder / "rl_encrypted.pdf"
    _reportlab(path, title_shown="Confidential Budget Review", paragraphs=GENDER[:2], info_title="Budget review",
               author="Finance Department", date=(2024, 1, 10), header=None, columns=1, page_label=None,
               hyphenate=False, encrypt=StandardEncryption("s3cret", ownerPassword="owner", strength=128))
    pdfs["rl_encrypted"] = TestPdf("rl_encrypted", path, title=None, paragraphs=[], expect_reason="encrypted")
    path = folder / "rl_owner_only.pdf"
    title5 = "Municipal Gender Equality Plans: A Practical Guide"
    pages5 = _reportlab(path, title_shown=None, paragraphs=GENDER[1:4], info_title=title5,
                        author="Finance Department", date=(2024, 1, 10), header=None, columns=1,
                        page_label=None, hyphenate=False,
                        encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0, strength=128))
    pdfs["rl_owner_only"] = TestPdf(
        "rl_owner_only", path, title=title5, paragraphs=GENDER[1:4], author="Finance Department", date="2024-01-10",
        language="en", title_source="info", date_source="info", pages=pages5, producer="reportlab")

    # Ghostscript: the hyphenated report as page images.
    scanned = folder / "gs_scanned.pdf"
    if not scanned.exists() and shutil.which("gs"):
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfimage24", "-r72",
                        f"-sOutputFile={scanned}", str(folder / "rl_hyphenated.pdf")],
                       check=True, capture_output=True, timeout=120)
    if scanned.exists():
        pdfs["gs_scanned"] = TestPdf("gs_scanned", scanned, title=None, paragraphs=[],
                                     expect_reason="no_text_layer", producer="ghostscript")

    path = folder / "corrupt.pdf"
    path.write_bytes(_corrupt((folder / "rl_bare.pdf").read_bytes()))
    pdfs["corrupt"] = TestPdf("corrupt", path, title=None, paragraphs=[], expect_reason="corrupt_pdf")
    path = folder / "bomb.pdf"
    if not path.exists():
        _bomb(path)
    pdfs["bomb"] = TestPdf("bomb", path, title=None, paragraphs=[], expect_reason="pdf_bomb")
    path = folder / "bomb_twice.pdf"
    if not path.exists():
        _bomb(path, gib=4, layers=2)
    pdfs["bomb_twice"] = TestPdf("bomb_twice", path, title=None, paragraphs=[], expect_reason="pdf_bomb")
    path = folder / "not_a.pdf"
    path.write_bytes(b"<!doctype html><html><head><title>Report</title></head>"
                     b"<body><p>The report has moved.</p></body></html>\n")
    pdfs["not_pdf"] = TestPdf("not_pdf", path, title=None, paragraphs=[], expect_reason="not_pdf")

    if soffice() is not None:
        todo = []
        for name, xml in lo_docs.items():
            if not (folder / f"{name}.pdf").exists():
                source = folder / f"{name}.fodt"
                source.write_text(xml, encoding="utf-8")
                todo.append(source)
        if todo:
            _convert(todo, folder)
    else:
        for name in lo_docs:
            pdfs.pop(name)
    return pdfs


@functools.lru_cache(maxsize=1)
def session_pdfs() -> dict[str, TestPdf]:
    """``make_pdfs`` into a temporary folder, once per process (the folder goes at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="test-pdfs-"))
    atexit.register(shutil.rmtree, folder, True)
    return make_pdfs(folder)
