"""PDF publications as items, end to end.

A WordPress-like local-government site on 127.0.0.1 (``testing.faultsite.NewsSite``) links real
PDFs (``tests/pdfmaker.py``: LibreOffice, reportlab, Ghostscript, hand-made bad files) from an
article page and from a "Publications" listing, and its sitemap lists one more. Each crawl is a
real ``python -m crawlers.run`` process with a pool of cleaning workers; the tests check what the
site was asked for (its request log), the stored files, the index's metadata, the skip reasons,
the export, and what a second and a third crawl fetch again.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers import discovery as d
from crawlers.cleaner import clean_job
from crawlers.contracts import CleanOptions
from crawlers.items import decide
from crawlers.links import LinkSorter
from crawlers.pdfdoc import read_pdf
from flows.report import item_rows
from storage.corpus import Corpus
from storage.export import write_jsonl, write_parquet
from storage.ids import canonical_url
from testing.faultsite import ARTICLES, Article, FaultSite, NewsSite, Reply, Req, listing_html
from tests.pdfmaker import TestPdf, make_pdfs
from tests.test_robustness import Crawl, assert_ok, run_crawl


# The crawls run on both index backends (SQLite and PostgreSQL) and are marked slow.
def crawl_test(test: Any) -> Any:
    return pytest.mark.slow(pytest.mark.backends(test))

# HARVEST_PDF_TIMEOUT of the crawls: the slow PDF takes about 90 s to read alone here (0.06 s a page),
# so that it still overruns on a machine four times faster; the others take under 1 s
# alone, the bomb up to 10 s in a cleaning worker of a loaded machine (256 MB inflated and counted).
PDF_TIMEOUT = 20.0
MAX_MB = 5  # documents_max_mb of the source (the bomb, 3 MB, is under it)
UPLOADS = "/wp-content/uploads/2024/"
LAST_MODIFIED = datetime(2024, 4, 8, 9, 30, tzinfo=UTC)


def norm(text: str) -> str:
    return " ".join(text.split())


# -- PDFs the tests make themselves (reportlab) ---------------------------------------------------

def report_pdf(title: str, paragraphs: list[str], author: str) -> bytes:
    """A one-column report as an office suite exports it: title and author in the document
    properties, the title as the first page's heading, the paragraphs below."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(out, title=title, author=author, creator="Writer", invariant=True)
    doc.build([Paragraph(title, styles["Title"]), *[Paragraph(p, styles["BodyText"]) for p in paragraphs]])
    return out.getvalue()


@functools.cache
def slow_pdf(pages: int = 1500) -> bytes:
    """A long table of figures: many pages of text lines, slow to lay out (about 0.06 s a page;
    under ``MAX_PAGES``, so that it is refused for its time alone)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.setTitle("Municipal budget tables 2015-2024")
    for page in range(pages):
        y = 800.0
        for line in range(60):
            c.drawString(40, y, f"Row {page}-{line}: district {line % 17} spent {page * 31 + line} thousand euros "
                                "on water, roads and schools.")
            y -= 12.5
        c.showPage()
    c.save()
    return out.getvalue()


ACTIVITY = [
    "In 2023 the network's secretariat supported forty-two member cities in preparing their voluntary local "
    "reviews, and organised twelve peer-learning visits between intermediary cities of the region.",
    "The working group on water and sanitation met four times and adopted a common charter on the public "
    "management of water services, now signed by twenty-seven municipalities.",
    "Our budget remained stable: membership fees covered sixty per cent of the expenses and project grants "
    "from international partners covered the rest.",
]
WATER = [
    "Water is a common good: the signatory municipalities keep the ownership of their networks and the power "
    "to set tariffs, and they publish each year the quality of the water they distribute.",
    "Every household is guaranteed a minimum supply of one hundred litres a day, whatever its income, and "
    "disconnections for unpaid bills are replaced by payment plans agreed with social services.",
]
ACTIVITY_REVISED = ACTIVITY + [
    "Corrigendum, May 2024: the number of member cities supported in preparing their voluntary local reviews "
    "was forty-four, not forty-two; two reviews were submitted after the first edition of this report.",
]


# -- the site -------------------------------------------------------------------------------------

class Pdf:
    """A PDF the site serves, with validators (ETag, Last-Modified) it honours."""

    def __init__(self, data: bytes, *, content_type: str = "application/pdf", lastmod: datetime = LAST_MODIFIED,
                 length: bool = True) -> None:
        self.set(data, lastmod)
        self.content_type, self.length = content_type, length

    def set(self, data: bytes, lastmod: datetime) -> None:
        self.data, self.lastmod = data, lastmod
        self.etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'

    def __call__(self, req: Req) -> Reply:
        headers = {"Content-Type": self.content_type, "ETag": self.etag,
                   "Last-Modified": format_datetime(self.lastmod, usegmt=True)}
        if req.headers.get("If-None-Match") == self.etag:
            return 304, headers, b""
        since = req.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in req.headers and parsedate_to_datetime(since) >= self.lastmod:
            return 304, headers, b""
        if not self.length:  # streamed: no Content-Length, the size shows only while downloading
            return 200, headers, (self.data[i:i + 65536] for i in range(0, len(self.data), 65536))
        return 200, headers, self.data


class PublicationsSite:
    """``NewsSite`` with publications: an article that links two PDFs (and one on another host, and
    one under a path the source denies), a "Publications" listing that links the rest, and a
    sitemap (named by robots.txt) that lists one PDF besides the posts."""

    def __init__(self, site: FaultSite, other: FaultSite, pdfs: dict[str, TestPdf]) -> None:
        self.site, self.pdfs = site, pdfs
        self.files: dict[str, Pdf] = {}  # path -> what is served there
        self.paths: dict[str, str] = {}  # name -> path
        self.titles: dict[str, str] = {}  # name -> its link's text
        robots = f"User-agent: *\nDisallow: /wp-admin/\nSitemap: {site.url}/wp-sitemap.xml\n"
        self.news = NewsSite(site, ARTICLES[:2], robots=robots, sitemap=True)
        base = site.url
        for name, test_pdf in pdfs.items():
            self.serve(name, UPLOADS + f"{name.replace('_', '-')}.pdf", Pdf(test_pdf.path.read_bytes()))
        # the .pdf address of a page that moved: an HTML page
        self.files[self.paths["not_pdf"]].content_type = "text/html; charset=utf-8"
        big = b"%PDF-1.4\n%" + bytes(range(256)) * (MAX_MB * 4096 + 10) + b"\n%%EOF\n"
        self.serve("too_large", UPLOADS + "annual-accounts-scanned.pdf", Pdf(big))
        self.serve("too_large_streamed", UPLOADS + "annual-accounts-annex.pdf", Pdf(big, length=False))
        self.serve("slow", UPLOADS + "budget-tables-2015-2024.pdf", Pdf(slow_pdf()))
        self.serve("sitemap_only", UPLOADS + "activity-report-2023.pdf",
                   Pdf(report_pdf("Activity Report 2023", ACTIVITY, "Network Secretariat")))
        self.serve("denied", "/en/internal/board-minutes-march.pdf", Pdf(pdfs["rl_owner_only"].path.read_bytes()))
        self.other_path = "/files/partner-network-annual-report.pdf"
        other.route(self.other_path, Pdf(pdfs["rl_owner_only"].path.read_bytes()))
        on_article = [n for n in ("lo_two_columns", "rl_hyphenated") if n in pdfs]
        self.on_article = on_article + ["denied"]
        self.on_listing = [n for n in self.paths if n not in self.on_article and n != "sitemap_only"]
        links = "".join(f'<li><a href="{base}{self.paths[n]}">{self.titles[n]}</a> (PDF)</li>' for n in self.on_article)
        self.article = Article(
            "network-publishes-its-guide-on-localising-the-sdgs",
            "Network Publishes Its Guide on Localising the SDGs in Intermediary Cities",
            "2024-03-20T10:00:00+01:00",
            ("The network today published two studies on how intermediary cities localise the Sustainable "
             "Development Goals, drawn from the voluntary local reviews of its members.",
             "The studies describe the review process step by step, the indicators the cities chose and how "
             "the reviews changed their budgets, and they compare the experience of three regions."),
            author="Communications Team")
        self.news.add_article(self.article, body_extra=(
            f"<p>Download the studies:</p><ul>{links}"
            f'<li><a href="{other.url}{self.other_path}">Partner network annual report</a></li></ul>'))
        site.route("/en/publications/", self._publications)
        site.route("/wp-sitemap.xml", self._sitemap_index)
        site.route("/wp-sitemap-posts-post-1.xml", self._sitemap)
        self.sitemap_lastmod = "2024-04-08T09:30:00+00:00"

    def serve(self, name: str, path: str, pdf: Pdf) -> None:
        self.paths[name], self.files[path] = path, pdf
        self.titles[name] = " ".join(w.capitalize() for w in name.split("_")) + " publication"
        self.site.route(path, pdf)

    @property
    def listing_url(self) -> str:
        return self.site.url + "/en/publications/"

    def _publications(self, req: Req) -> Reply:
        items = [(self.site.url + self.paths[n], self.titles[n], "A publication of the network, as a PDF file.")
                 for n in self.on_listing]
        return 200, {}, listing_html(self.site.url, "Publications", items,
                                     **self.news.chrome())  # type: ignore[arg-type]

    def _sitemap_index(self, req: Req) -> Reply:
        """The index gives its sitemap's last change (as Yoast's and Drupal's indexes do)."""
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.site.url}/wp-sitemap-posts-post-1.xml</loc><lastmod>{self.sitemap_lastmod}</lastmod>"
                "</sitemap></sitemapindex>\n")
        return 200, {"Content-Type": "application/xml; charset=UTF-8"}, body

    def _sitemap(self, req: Req) -> Reply:
        urls = "".join(f"<url><loc>{self.site.url}{self.news.path(a)}</loc><lastmod>{a.published}</lastmod></url>"
                       for a in self.news.articles)
        urls += (f"<url><loc>{self.site.url}{self.paths['sitemap_only']}</loc>"
                 f"<lastmod>{self.sitemap_lastmod}</lastmod></url>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>\n")
        return 200, {"Content-Type": "application/xml; charset=UTF-8"}, body

    def pdf_hits(self) -> dict[str, int]:
        """Requests per PDF name so far."""
        by_path = {path: name for name, path in self.paths.items()}
        out: dict[str, int] = {}
        for hit in self.site.hits(where=lambda h: h.path in by_path):
            out[by_path[hit.path]] = out.get(by_path[hit.path], 0) + 1
        return out


@pytest.fixture(scope="module")
def test_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestPdf]:
    """The test PDFs the site serves: each bad one, and of the readable ones one per text (two
    files with the same text are one document and its duplicate); ``rl_bare`` among them."""
    pdfs = make_pdfs(tmp_path_factory.mktemp("pdfs"))
    chosen: dict[str, TestPdf] = {}
    texts: set[str] = set()
    for name in sorted(pdfs, key=lambda n: n != "rl_bare"):
        text = norm(" ".join(pdfs[name].paragraphs))
        if pdfs[name].expect_reason or text not in texts:
            chosen[name] = pdfs[name]
            texts.add(text)
    return chosen


@pytest.fixture
def sites(test_pdfs: dict[str, TestPdf]) -> Iterator[tuple[PublicationsSite, FaultSite]]:
    with FaultSite() as site, FaultSite(host="127.0.0.2") as other:
        yield PublicationsSite(site, other, test_pdfs), other
        assert site.errors == [] and other.errors == [], site.errors + other.errors


@pytest.fixture(autouse=True)
def _pdf_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARVEST_PDF_TIMEOUT", str(PDF_TIMEOUT))
    monkeypatch.setenv("HARVEST_CLEAN_WORKERS", "2")


def config(pub: PublicationsSite, extra: str = "") -> str:
    return (f"    listings: ['{pub.listing_url}']\n    deny: ['/internal/']\n"
            f"    documents_max_mb: {MAX_MB}\n" + extra)


def documents(corpus: Path) -> dict[str, dict[str, Any]]:
    """The stored PDFs (kind ``document``) by URL path, with their metadata and text."""
    out = {}
    with Corpus(corpus) as store:
        for doc in store.documents():
            if doc.kind == "document":
                record = doc.as_record()
                record["text"] = (corpus / doc.file).read_text(encoding="utf-8")
                record["revisions"] = len(store.index.revisions(doc.id))
                out[doc.url.split("/", 3)[3] if doc.url else ""] = record
    return out


def url_rows(corpus: Path, pub: PublicationsSite) -> dict[str, Any]:
    """The seen-store's row of each PDF, by name."""
    with Corpus(corpus) as store:
        return {name: store.index.url_status(canonical_url(pub.site.url + path)) for name, path in pub.paths.items()}


def crawl(tmp_path: Path, corpus: Path, pub: PublicationsSite, extra: str = "") -> Crawl:
    result = run_crawl(tmp_path, corpus, pub.news.url, config(pub, extra), timeout=180)
    assert_ok(result)
    return result


# -- the parts ------------------------------------------------------------------------------------

PAGE = """<html><body><article><h1>Network publishes its annual report</h1>
<p>The network's annual report describes a year of cooperation between the member cities of the region,
their peer-learning visits and the reviews they prepared together with the secretariat.</p>
<ul><li><a href="/files/annual-report-2023.pdf">Annual report 2023</a></li>
<li><a href="/files/summary.PDF?download=1" title="Summary of the report"> </a></li>
<li><a href="/files/budget.xlsx">Budget</a></li><li><a href="/en/news/other-story/">Other story</a></li></ul>
</article></body></html>"""


def test_anchors_carry_the_text_of_pdf_links_only() -> None:
    from lxml import html as lxml_html

    found = d.anchors(lxml_html.fromstring(PAGE))
    assert ("/files/annual-report-2023.pdf", False, "Annual report 2023") in found
    assert ("/files/summary.PDF?download=1", False, "Summary of the report") in found  # the title attribute
    assert ("/files/budget.xlsx", False) in found and ("/en/news/other-story/", False) in found
    # Only the links to PDFs, the same members, in the same order.
    assert d.anchors(lxml_html.fromstring(PAGE), documents_only=True) == [a for a in found if len(a) > 2]
    assert [a[0] for a in d.anchors(lxml_html.fromstring(PAGE), documents_only=True)] == [
        "/files/annual-report-2023.pdf", "/files/summary.PDF?download=1"]
    texts: dict[str, str] = {}
    links, _ = LinkSorter(["news.example.org"], [], [], None).sort("https://news.example.org/en/news/a/", found, texts)
    assert texts == {"https://news.example.org/files/annual-report-2023.pdf": "Annual report 2023",
                     "https://news.example.org/files/summary.PDF?download=1": "Summary of the report"}
    assert len(links) == 4
    assert d.is_pdf_url("https://news.example.org/files/summary.PDF?download=1")
    assert not d.is_pdf_url("https://news.example.org/files/pdf/") and not d.is_pdf_url("https://x.org/a.pdf.html")
    allow: list[re.Pattern[str]] = []
    deny, narrow = [re.compile("/internal/")], [re.compile("/publications/")]
    assert d.document_allowed("https://x.org/wp-content/uploads/2024/a.pdf", allow, deny, [])
    assert not d.document_allowed("https://x.org/internal/a.pdf", allow, deny, [])
    assert not d.document_allowed("https://x.org/wp-admin/a.pdf", allow, deny, [])
    assert not d.document_allowed("https://x.org/files/a.pdf", allow, deny, narrow)
    assert d.document_allowed("https://x.org/publications/a.pdf", allow, deny, narrow)


def test_a_page_listed_by_a_sitemap_gives_only_its_pdf_links() -> None:
    options = CleanOptions(min_chars=80, charset="utf-8", want_links=True, only_document_links=True)
    result, links = clean_job(PAGE.encode(), "https://news.example.org/en/news/a/", options)
    assert result.title == "Network publishes its annual report"  # type: ignore[union-attr]
    assert links == [("/files/annual-report-2023.pdf", False, "Annual report 2023"),
                     ("/files/summary.PDF?download=1", False, "Summary of the report")]
    # A page that names no PDF: its links are not read at all.
    plain = PAGE.replace(".pdf", ".html").replace(".PDF", ".html")
    assert clean_job(plain.encode(), "https://news.example.org/en/news/a/", options)[1] is None
    # The walk's pages give every link.
    walk = CleanOptions(min_chars=80, charset="utf-8", want_links=True)
    assert len(clean_job(PAGE.encode(), "https://news.example.org/en/news/a/", walk)[1] or []) == 4


def test_a_pdf_body_is_read_as_a_document_and_decided_as_one(test_pdfs: dict[str, TestPdf]) -> None:
    source = test_pdfs["rl_bare"]
    options = CleanOptions(document=True, link_text="Guide to peer learning",
                           last_modified="Mon, 08 Apr 2024 09:30:00 GMT")
    result, links = clean_job(source.path.read_bytes(), "https://news.example.org/files/guide.pdf", options)
    assert links is None
    assert result.title == "Guide to peer learning" and result.date == "2024-04-08"  # type: ignore[union-attr]
    assert result.meta["page_kind"] == "document" and isinstance(result.meta["_simhash"], int)  # type: ignore[union-attr]
    # The %PDF- magic alone sends a body to the PDF reader; bad files come back with their reason.
    bad = clean_job(test_pdfs["rl_encrypted"].path.read_bytes(), "https://news.example.org/files/x", CleanOptions())
    assert bad[0].reason == "encrypted"  # type: ignore[union-attr]
    decision = decide(url="https://news.example.org/files/guide.pdf", chars=len(result.body),  # type: ignore[union-attr]
                      structure=None, page_kind="document", date="2024-04-08", date_source="last_modified",
                      via="listing", found_on="https://news.example.org/en/publications/")
    assert (decision.kind, decision.is_item, decision.vouched) == ("document", True, False)
    assert decide(url="https://x.org/a.pdf", chars=20, structure=None, page_kind="document", date=None,
                  date_source=None).kind == "empty"


# -- the crawls -----------------------------------------------------------------------------------

@crawl_test
def test_publications_are_stored_skipped_for_their_reasons_and_fetched_once(
        sites: tuple[PublicationsSite, FaultSite], test_pdfs: dict[str, TestPdf], tmp_path: Path,
        seeded_corpus: Path) -> None:
    pub, other = sites
    corpus = seeded_corpus
    first = crawl(tmp_path, corpus, pub)

    # What was asked for: each PDF within the source once; not the denied one, nor the other host's.
    hits = pub.pdf_hits()
    fetched = {n for n in pub.paths if n != "denied"}
    assert set(hits) == fetched, hits
    assert all(n == 1 for n in hits.values()), hits
    assert other.hits() == []

    # The stored documents: file (title, blank line, paragraphs) and metadata with their provenance.
    docs = documents(corpus)
    good = [n for n, p in test_pdfs.items() if p.expect_reason is None]
    expected_paths = {pub.paths[n].lstrip("/") for n in [*good, "sitemap_only"]}
    assert set(docs) == expected_paths, sorted(docs)
    article_url = pub.news.base + pub.news.path(pub.article)
    for name in good:
        source = test_pdfs[name]
        doc = docs[pub.paths[name].lstrip("/")]
        data = source.path.read_bytes()
        # What the reader makes of the file with the link's text and the Last-Modified header: what
        # the crawl must store, whole.
        read = read_pdf(data, pub.site.url + pub.paths[name], link_text=pub.titles[name],
                        last_modified=format_datetime(LAST_MODIFIED, usegmt=True))
        title, *paragraphs = doc["text"].rstrip("\n").split("\n\n")
        assert [norm(p) for p in paragraphs] == [norm(p) for p in source.paragraphs], name
        assert title == doc["title"] == read.title  # type: ignore[union-attr]
        assert title == (source.title or pub.titles[name]), name
        assert doc["pages"] == read.meta["pages"] >= 1  # type: ignore[union-attr]
        assert (doc["date"], doc["author"], doc["language"]) == (
            read.date, read.author, read.language), name  # type: ignore[union-attr]
        assert doc["title_source"] == (source.title_source or "link_text"), name
        assert doc["date_source"] == read.meta["date_source"], name  # type: ignore[union-attr]
        linked_from = article_url if name in pub.on_article else pub.listing_url
        assert doc["linked_from"] == linked_from, name
        assert doc["kind"] == "document" and doc["revisions"] == 1
    bare = docs[pub.paths["rl_bare"].lstrip("/")]
    # No title, no date in the file: the link's text and the response's Last-Modified stand in.
    assert (bare["title"], bare["title_source"]) == (pub.titles["rl_bare"], "link_text")
    assert (bare["date"], bare["date_source"]) == (LAST_MODIFIED.date().isoformat(), "last_modified")
    listed = docs[pub.paths["sitemap_only"].lstrip("/")]
    assert listed["title"] == "Activity Report 2023" and listed["author"] == "Network Secretariat"
    assert listed["linked_from"] == pub.site.url + "/wp-sitemap-posts-post-1.xml"
    assert [norm(p) for p in listed["text"].split("\n\n")[1:]] == ACTIVITY

    # Each bad PDF: its reason in the run's counts and in the seen-store; the crawl went on.
    rows = url_rows(corpus, pub)
    reasons = {n: p.expect_reason for n, p in test_pdfs.items() if p.expect_reason}
    reasons.update(too_large="too_large", too_large_streamed="too_large", slow="clean_timeout")
    for name, reason in reasons.items():
        row = rows[name]
        assert row is not None and row["status"] in ("rejected", "dead"), (name, row)
        assert (row["reason"] or "").split(":")[0] == reason, (name, dict(row))
    skipped = first.summary["skipped"]
    for reason in set(reasons.values()):
        assert skipped.get(reason) == list(reasons.values()).count(reason), (reason, skipped)
    # Recorded as a link only: the PDF under a denied path.
    assert rows["denied"]["reason"] == "document_link" and skipped.get("document_link") == 1
    # The run's items say which are documents.
    kinds = {item["url"]: item.get("kind") for item in first.summary["items"]}
    assert sum(k == "document" for k in kinds.values()) == len(docs)
    assert kinds[pub.news.base + pub.news.path(pub.article)] == "item"

    # Export: kind, pages and linked_from in every record.
    out = io.StringIO()
    with Corpus(corpus) as store:
        write_jsonl(store, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    exported = {r["url"]: r for r in records if r["kind"] == "document"}
    assert len(exported) == len(docs)
    for record in exported.values():
        assert isinstance(record["pages"], int) and record["pages"] >= 1
        assert record["linked_from"] in (article_url, pub.listing_url, pub.site.url + "/wp-sitemap-posts-post-1.xml")
        assert record["text"] and record["title"]
    pages = [r for r in records if r["kind"] == "item" and r["url"]]
    assert pages and all(r["pages"] is None and r["linked_from"] is None for r in pages)
    # Parquet: the same columns, typed (pages int64).
    import pyarrow.parquet as pq

    with Corpus(corpus) as store:
        write_parquet(store, tmp_path / "corpus.parquet")
    table_pq = pq.read_table(tmp_path / "corpus.parquet")
    assert str(table_pq.schema.field("pages").type) == "int64"
    by_url = {r["url"]: r for r in table_pq.select(["url", "kind", "pages", "linked_from"]).to_pylist()}
    for url, record in exported.items():
        assert (by_url[url]["kind"], by_url[url]["pages"], by_url[url]["linked_from"]) == (
            "document", record["pages"], record["linked_from"])

    # The Prefect run's item table marks the documents.
    table = item_rows([first.summary])
    assert sorted(r["url"] for r in table if r["kind"] == "document") == sorted(exported)
    assert {r["kind"] for r in table} == {"item", "document"}
    # `harvest state` counts them among the items.
    state = subprocess.run([sys.executable, "-m", "flows.cli", "state", "site", "--config",
                            str(tmp_path / "sources.yaml"), "--corpus", str(corpus), "--json"],
                           capture_output=True, text=True, timeout=120)
    assert state.returncode == 0, state.stderr
    counts = json.loads(state.stdout)["counts"]
    html_items = sum(1 for r in records if r["kind"] == "item" and r["url"])
    assert counts["items"] == html_items + len(docs)

    # A second crawl of the unchanged site: no PDF is fetched again (the bad ones wait their backoff).
    pub.site.clear()
    second = crawl(tmp_path, corpus, pub)
    assert pub.pdf_hits() == {}, pub.pdf_hits()
    assert second.summary.get("new", 0) == 0 and second.summary.get("updated", 0) == 0

    # The site replaces one PDF (new bytes, ETag, Last-Modified and sitemap lastmod): the next
    # crawl asks for it (conditionally) and stores the change as a revision of the document.
    changed = pub.files[pub.paths["sitemap_only"]]
    old_etag = changed.etag
    changed.set(report_pdf("Activity Report 2023", ACTIVITY_REVISED, "Network Secretariat"),
                LAST_MODIFIED + timedelta(days=30))
    pub.sitemap_lastmod = "2024-05-08T09:30:00+00:00"
    # And the publications listing gets one more PDF: the listing is read again, its known PDFs
    # are not asked for, the new one is.
    pub.serve("added", UPLOADS + "water-services-charter.pdf",
              Pdf(report_pdf("Charter on the Public Management of Water Services", WATER, "Water Group")))
    pub.on_listing.append("added")
    pub.site.clear()
    third = crawl(tmp_path, corpus, pub)
    hits = pub.pdf_hits()
    assert (hits.get("sitemap_only"), hits.get("added")) == (1, 1), hits
    assert not set(hits) & set(good), hits  # the unchanged ones are not asked for
    (request,) = pub.site.hits(path=pub.paths["sitemap_only"])
    assert request.headers.get("If-None-Match") == old_etag
    assert third.summary.get("updated") == 1 and third.summary.get("new") == 1
    assert third.summary["skipped_requests"].get("known", 0) >= len([n for n in good if n in pub.on_listing])
    after = documents(corpus)
    revised = after[pub.paths["sitemap_only"].lstrip("/")]
    assert revised["id"] == listed["id"] and revised["revisions"] == 2
    assert [norm(p) for p in revised["text"].split("\n\n")[1:]] == ACTIVITY_REVISED
    assert set(after) == set(docs) | {pub.paths["added"].lstrip("/")}
    assert after[pub.paths["added"].lstrip("/")]["linked_from"] == pub.listing_url


@crawl_test
def test_documents_off_and_documents_allow(sites: tuple[PublicationsSite, FaultSite], tmp_path: Path,
                                           new_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pub, _ = sites
    off = tmp_path / "off"
    off.mkdir()
    result = crawl(tmp_path, off, pub, "    documents: false\n")
    assert pub.pdf_hits() == {}
    assert documents(off) == {}
    # every PDF link met is recorded as a link (the denied one too)
    assert result.summary["skipped"].get("document_link") == len(pub.paths)
    assert result.summary["new"] == len(pub.news.articles)

    pub.site.clear()
    narrow = tmp_path / "narrow"
    narrow.mkdir()
    monkeypatch.setenv("HARVEST_INDEX", new_index())  # a corpus of its own (on PostgreSQL: a database)
    wanted = [n for n in ("rl_hyphenated", "rl_bare") if n in pub.paths]
    pattern = "|".join(pub.paths[n].rsplit("/", 1)[1].replace(".", r"\.") for n in wanted)
    result = crawl(tmp_path, narrow, pub, f"    documents_allow: ['({pattern})$']\n")
    assert set(pub.pdf_hits()) == set(wanted)
    assert sorted(documents(narrow)) == sorted(pub.paths[n].lstrip("/") for n in wanted)
    assert result.summary["skipped"].get("document_link") == len(pub.paths) - len(wanted)


@pytest.mark.slow
def test_a_pdf_behind_an_address_without_pdf_is_read_as_a_document(tmp_path: Path) -> None:
    """A sitemap lists a download address (``/download/42/``, no ``.pdf``) that answers a PDF: it is
    read and stored as a document, not skipped as ``not_html``; with ``documents: false`` it is."""
    charter = report_pdf("Charter on the Public Management of Water Services", WATER, "Water Group")
    with FaultSite() as site:
        robots = f"User-agent: *\nSitemap: {site.url}/sitemap-downloads.xml\n"
        news = NewsSite(site, ARTICLES[:1], robots=robots)
        download = "/en/publications/download/42/"
        site.route(download, Pdf(charter))
        urls = [site.url + news.path(news.articles[0]), site.url + download]
        sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   + "".join(f"<url><loc>{u}</loc><lastmod>2024-04-08</lastmod></url>" for u in urls) + "</urlset>\n")
        site.route("/sitemap-downloads.xml", lambda req: (200, {"Content-Type": "application/xml"}, sitemap))
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        result = run_crawl(tmp_path, corpus, news.url, timeout=180)
        assert_ok(result)
        docs = documents(corpus)
        assert list(docs) == [download.lstrip("/")], sorted(docs)
        doc = docs[download.lstrip("/")]
        assert doc["title"] == "Charter on the Public Management of Water Services" and doc["pages"] == 1
        assert [norm(p) for p in doc["text"].split("\n\n")[1:]] == WATER
        assert result.summary["new"] == 2 and not result.summary["skipped"].get("not_html")

        off = tmp_path / "off"
        off.mkdir()
        result = run_crawl(tmp_path, off, news.url, "    documents: false\n", timeout=180)
        assert_ok(result)
        assert documents(off) == {}
        assert result.summary["new"] == 1 and result.summary["skipped"].get("not_html") == 1
        assert site.errors == [], site.errors
