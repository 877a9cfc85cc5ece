"""Items and non-items: the decision of crawlers.items, on its own and in a crawl of a local council
site (tests/sites/item_pages.py) with articles without markers, three-sentence announcements, a
calendar month view, a press-release listing, a contact form and a service page."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.cleaning import Cleaned, clean, parse_html
from crawlers.items import UrlPatterns, decide, page_structure, url_shape
from tests.conftest import SITES, write_config
from tests.test_crawl_e2e import free_port, site_entry

sys.path.insert(0, str(SITES))
import item_pages  # noqa: E402

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[item_pages.ItemPage]]:
    root = tmp_path_factory.mktemp("council")
    return root, item_pages.build_item_site(root)


def cleaned(page: item_pages.ItemPage) -> Cleaned:
    result = clean(page.html.replace("{{BASE}}", BASE), BASE + page.path, min_chars=0, require_article=False)
    assert isinstance(result, Cleaned), page.path
    return result


def decision(page: item_pages.ItemPage, via: str | None = None, found_on: str | None = None, **kw):
    result = cleaned(page)
    return decide(url=BASE + page.path, chars=len(result.body), structure=result.meta.get("structure"),
                  page_kind=result.meta["page_kind"], date=result.date, date_source=result.meta.get("date_source"),
                  via=via or page.via, found_on=found_on if found_on is not None else page.found_on, **kw)


# --- the decision on single pages ---------------------------------------------------------------

def test_every_page_of_the_council_site_gets_its_kind(council) -> None:
    _, pages = council
    for page in pages:
        got = decision(page)
        assert got.is_item == page.item, (page.path, got)
        if page.kind in ("listing", "calendar", "form"):
            assert got.kind == page.kind, (page.path, got)


def test_a_short_announcement_is_an_item_only_with_strong_evidence(council) -> None:
    _, pages = council
    short = next(p for p in pages if p.path.endswith("/free-compost-for-residents/"))
    assert 150 <= len(cleaned(short).body) < 250
    # Found on the news listing: an item, though shorter than min_chars.
    got = decision(short)
    assert got.kind == "item" and "via:news-listing" in got.why and any(w.startswith("short:") for w in got.why)
    # The same page reached by a bare link from an unknown page: nothing says it is news.
    bare = decision(short, via="link", found_on="")
    assert bare.kind == "page" and "short:weak-evidence" in bare.why
    # ... unless the source's own items have its URL's shape.
    known = UrlPatterns([f"{BASE}/en/news/{slug}/" for slug in ("a-b-c", "d-e-f-g")])
    assert decision(short, via="link", found_on="", pattern=known.judge(BASE + short.path)).kind == "item"


def test_an_article_without_markers_is_an_item(council) -> None:
    _, pages = council
    page = next(p for p in pages if p.path.endswith("/new-bus-lines-for-the-north-district/"))
    result = cleaned(page)
    assert result.meta["page_kind"] == "unknown"
    got = decision(page, via="link", found_on="")
    assert got.kind == "item" and "structure:single-body" in got.why, got


def test_a_long_listing_is_never_an_item() -> None:
    teaser = ('<article class="post"><h2 class="entry-title"><a href="/news/item-{0}/">Story number {0}</a></h2>'
              '<time datetime="2024-01-0{1}">Jan {1}</time><p>' + "Long excerpt number {0} of the story. " * 12
              + '</p></article>')
    html = ('<html><head><meta property="og:type" content="article"><title>Press</title></head><body><main>'
            '<h1>Press releases</h1>' + "".join(teaser.format(i, i % 9 + 1) for i in range(12))
            + '</main></body></html>')
    result = clean(html, "https://council.example/press/", min_chars=0, require_article=False)
    assert isinstance(result, Cleaned) and len(result.body) > 3000
    got = decide(url="https://council.example/press/", chars=len(result.body), structure=result.meta["structure"],
                 page_kind="article", date=result.date, date_source=result.meta.get("date_source"), via="feed")
    assert got.kind == "listing" and "structure:teasers=12" in got.why


def test_structure_signals() -> None:
    days = "".join(f"<td><span>{d}</span></td>" for d in range(1, 32))
    calendar = page_structure(parse_html(f"<html><body><main><h1>January</h1><table><tr>{days}</tr></table>"
                                         "</main></body></html>"))
    assert calendar["calendar"] is True
    form = page_structure(parse_html(
        '<html><body><main><h1>Contact</h1><form role="search"><input name="s"></form>'
        '<form><input name="a"><input name="b" type="email"><textarea name="c"></textarea>'
        '<input type="submit"></form></main></body></html>'))
    assert form["form_fields"] == 3 and form["textarea"] is True and form["calendar"] is False
    article = page_structure(parse_html(
        "<html><body><nav><h2><a href='/x'>Menu</a></h2></nav><main><h1>Title</h1><p>" + "Text. " * 60
        + "</p><p>" + "More. " * 40 + "</p><aside><h3><a href='/y'>Related</a></h3></aside></main></body></html>"))
    assert article["teasers"] == 0 and article["h1"] == 1 and article["block"] > 500 and article["link_density"] == 0


PARA = "<p>" + "The council met on Tuesday and decided on the new budget for the district. " * 4 + "</p>"


def _teaser(i: int, summary: str = "A short summary of the story.") -> str:
    return f'<article><h2><a href="/news/story-{i}/">Story number {i} of the week</a></h2><p>{summary}</p></article>'


def test_a_body_between_teasers_makes_an_article_not_a_listing() -> None:
    """Teasers around a long run of own text (related posts, a menu of headlines above the body)
    do not make a listing; the same teasers with only their summaries do."""
    related = "".join(_teaser(i) for i in range(4))
    article = page_structure(parse_html(f"<html><body>{related}<h1>Budget</h1>{PARA * 3}{related}</body></html>"),
                             "https://x.org/news/budget/")
    assert article["teasers"] >= 8 and article["lead"] == 0 and article["run"] >= 700
    base = dict(url="https://x.org/news/budget/", chars=900, page_kind="unknown", date="2024-01-02",
                date_source="time")
    got = decide(structure=article, **base)
    assert got.kind == "item" and "structure:single-body" in got.why, got
    listing = page_structure(parse_html(f"<html><body><h1>News</h1>{related}{related}</body></html>"),
                             "https://x.org/news/")
    assert listing["run"] < 700
    assert decide(structure=listing, **{**base, "chars": 300}).kind == "listing"


def test_teasers_do_not_count_when_the_structure_missed_the_body() -> None:
    """A cleaned text far longer than the main area that the structure read: the body sits
    outside that area, and its teasers say nothing about the page."""
    structure = {"chars": 300, "teasers": 4, "lead": 0, "block": 100, "run": 120}
    base = dict(url="https://x.org/a-long-story-here/", structure=structure, page_kind="article",
                date="2024-01-02", date_source="json-ld")
    assert decide(chars=400, **base).kind == "listing"
    assert decide(chars=3000, **base).kind == "item"


def test_the_body_in_a_class_named_share_or_widget_is_read() -> None:
    """An element with a sidebar word in its class (share, widget) that holds most of the text is
    the body (Blogger posts sit in ``<div class="widget Blog">``), not a sidebar to skip."""
    html = (f'<html><body><main><h1>Budget</h1><div class="entry share">{PARA * 3}</div>'
            f'<div class="widget"><h3><a href="/x/">Other story on the site</a></h3></div></main></body></html>')
    s = page_structure(parse_html(html))
    assert s["block"] >= 600 and s["teasers"] == 0
    small = page_structure(parse_html(html.replace(PARA * 3, "<p>Short.</p>")))
    assert small["block"] < 20


def test_a_calendar_widget_and_a_table_of_ranks_are_not_calendars() -> None:
    """A month grid is rows of consecutive day numbers that hold much of the page's text; a column
    of ranks (1. 2. 3. …) is not one, nor a month widget beside a post."""
    ranks = "".join(f"<tr><td>{d}.</td><td>Runner {d}</td><td>12:{d:02d}</td></tr>" for d in range(1, 32))
    assert page_structure(parse_html(f"<html><body><main><table>{ranks}</table></main></body></html>"))[
        "calendar"] is False
    # October 2019 from Monday: a first week of six days, a last week of four (28 to 31).
    weeks = "".join("<tr>" + "".join(f"<td>{d}</td>" for d in range(w, min(w + 7, 32))) + "</tr>"
                    for w in (1, 7, 14, 21, 28))
    grid = f'<table id="wp-calendar"><caption>October 2019</caption>{weeks}</table>'
    assert page_structure(parse_html(f"<html><body><main><h1>Events</h1>{grid}</main></body></html>"))[
        "calendar"] is True
    # The same grid as a month widget beside a post is not the page.
    widget = page_structure(parse_html(f"<html><body><main><h1>Budget</h1>{PARA * 4}<div class='box'>{grid}</div>"
                                       "</main></body></html>"))
    assert widget["calendar"] is False


def test_forms_that_are_not_the_page() -> None:
    """Not a form page: a comment form (by the class around it), a log-in form (a password), a
    poll (radio buttons), a form wrapping the whole page (ASP.NET); a contact form is one."""
    contact = '<form><input name="a"><input name="b" type="email"><textarea name="c"></textarea></form>'
    assert page_structure(parse_html(f"<html><body><main>{contact}</main></body></html>"))["form_fields"] == 3
    comments = f'<html><body><main>{PARA}<div class="comments-area">{contact}</div></main></body></html>'
    assert page_structure(parse_html(comments))["form_fields"] == 0
    login = contact.replace('type="email"', 'type="password"')
    assert page_structure(parse_html(f"<html><body><main>{login}</main></body></html>"))["form_fields"] <= 0
    poll = "<form>" + "".join(f'<input type="radio" name="q" value="{i}">' for i in range(6)) + "</form>"
    assert page_structure(parse_html(f"<html><body><main>{poll}</main></body></html>"))["form_fields"] == 0
    inputs = contact[len("<form>"):-len("</form>")]
    wrapper = f'<html><body><form id="aspnetForm"><main><h1>Budget</h1>{PARA * 3}</main>{inputs}</form></body></html>'
    assert page_structure(parse_html(wrapper))["form_fields"] == 0
    # A form page has little text of its own: a long body next to a form is an article.
    form = {"chars": 900, "form_fields": 4, "textarea": True, "run": 300, "block": 300}
    base = dict(url="https://x.org/a-b-c-d/", chars=700, page_kind="unknown", date="2024-01-02", date_source="time")
    assert decide(structure=form, **base).kind == "form"
    assert decide(structure={**form, "run": 800}, **base).kind == "item"


def test_home_and_about_addresses() -> None:
    base = dict(chars=900, structure={"chars": 1000, "block": 800, "run": 800}, page_kind="unknown",
                date="2024-01-02", date_source="text")
    assert decide(url="https://x.org/news/mayor-opens-the-library/", **base).kind == "item"
    for url in ("https://x.org/", "https://x.org/index.html", "https://x.org/en/ueber-uns/", "https://x.org/a-propos"):
        got = decide(url=url, **base)
        assert got.kind == "page" and ("url:home" in got.why or "url:service" in got.why), (url, got)
    # A home page address with a query naming one item (WordPress ?p=123) is not a home page.
    assert decide(url="https://x.org/?p=2895", **base).kind == "item"
    # A headline in the address adds to a page with little else.
    weak = dict(chars=900, structure={"chars": 1000, "block": 800, "run": 800}, page_kind="unknown", date=None,
                date_source=None)
    assert decide(url="https://x.org/plants/chinese-money-plant-info", **weak).kind == "item"
    assert decide(url="https://x.org/plants/info", **weak).kind == "page"


def test_url_shapes_and_where_a_page_was_found() -> None:
    assert url_shape("https://x.org/2024/03/some-news-slug/") == "/<yyyy>/<nn>/<slug>"
    assert url_shape("https://x.org/en/news/mayor-opens-the-new-library") == "/en/news/<slug>"
    assert url_shape("https://x.org/node/1234") == "/node/<n>"
    patterns = UrlPatterns(["https://x.org/en/news/a-b-c/", "https://x.org/en/news/d-e-f/"] +
                           [f"https://x.org/en/news/s-{i}-x/" for i in range(8)])
    assert patterns.judge("https://x.org/en/news/g-h-i/") == "known-pattern"
    assert patterns.judge("https://x.org/en/about/") == "unknown-pattern"
    assert UrlPatterns().judge("https://x.org/en/news/g-h-i/") is None
    base = dict(url="https://x.org/en/some-page/", chars=900, structure={"chars": 1000, "block": 800},
                page_kind="unknown", date=None, date_source=None)
    assert decide(**base, via="sitemap", found_on="https://x.org/news-sitemap.xml").why[0] == "via:news-sitemap"
    pages = decide(**base, via="sitemap", found_on="https://x.org/wp-sitemap-posts-page-1.xml")
    assert pages.kind == "page" and "via:pages-sitemap" in pages.why
    assert decide(**base, via="feed").kind == "item"
    assert decide(**{**base, "chars": 40}, via="feed").kind == "empty"


def test_a_month_starting_on_sunday_is_a_calendar() -> None:
    """September 2024 in a Monday-first grid: the 1st alone in the first week row."""
    weeks = ["<tr>" + "<td></td>" * 6 + "<td>1</td></tr>"] + [
        "<tr>" + "".join(f"<td>{d}</td>" for d in range(w, min(w + 7, 31))) + "</tr>" for w in (2, 9, 16, 23, 30)]
    grid = f"<table class='month'><caption>September 2024</caption>{''.join(weeks)}</table>"
    assert page_structure(parse_html(f"<html><body><main><h1>Events</h1>{grid}</main></body></html>"))[
        "calendar"] is True


def test_a_page_that_says_it_is_not_there_is_an_error() -> None:
    base = dict(url="https://x.org/en/annual-report/", chars=900, structure={"chars": 1000, "block": 800},
                page_kind="unknown", date="2024-01-02", date_source="meta", via="listing",
                found_on="https://x.org/en/news/")
    for title in ("Page not found", "404 – Seite nicht gefunden", "Página no encontrada", "Page introuvable"):
        assert decide(**base, title=title).kind == "error", title
    assert decide(**base, title="Annual report 2019 launched").kind == "item"
    assert decide(**base, title="The 404 bus line returns to the city centre").kind == "item"


def test_a_page_found_only_by_link_must_show_it_is_an_item() -> None:
    base = dict(chars=900, structure={"chars": 1000, "block": 800}, page_kind="unknown", via="link")
    # A date only guessed from the visible text: not enough for a page no listing or feed names.
    assert decide(url="https://x.org/en/news/some-story/", date="2024-01-02", date_source="text", **base).kind == "page"
    # A date in its markup: an item.
    assert decide(url="https://x.org/en/news/some-story/", date="2024-01-02", date_source="meta", **base).kind == "item"
    # The same page from a news listing: an item on the text date.
    listed = {**base, "via": "listing"}
    assert decide(url="https://x.org/en/news/some-story/", date="2024-01-02", date_source="text",
                  found_on="https://x.org/en/news/", **listed).kind == "item"
    # An address unlike every item of a source that has many: not an item, whatever it declares.
    got = decide(url="https://x.org/shop/kettle/", date="2024-01-02", date_source="meta", pattern="unknown-pattern",
                 **{**base, "page_kind": "article"})
    assert got.kind == "page" and got.why == ["via:link", "url:unknown-pattern"]


def test_one_teaser_makes_no_listing_of_a_page_a_feed_vouches_for() -> None:
    short = dict(url="https://x.org/en/news/short-note/", chars=300, page_kind="unknown", date="2024-01-02",
                 date_source="meta", structure={"chars": 320, "block": 260, "teasers": 1, "lead": 0})
    assert decide(**short, via="link").kind == "listing"
    assert decide(**short, via="feed").kind == "item"
    boxed = {**short, "structure": {"chars": 900, "block": 260, "teasers": 11, "lead": 0}}
    assert decide(**boxed, via="listing", found_on="https://x.org/news/").kind == "listing"
    assert decide(**boxed, via="feed").kind == "item"


def test_only_vouched_items_teach_url_shapes() -> None:
    from crawlers.items import vouched

    assert vouched(["via:feed", "structure:single-body"]) and vouched('["markers:article"]')
    assert not vouched(["via:link", "structure:single-body", "date:text"]) and not vouched(None)


# --- a crawl ------------------------------------------------------------------------------------

def crawl(config: Path, corpus: Path) -> dict:
    out = corpus.parent / "summary.json"
    run = subprocess.run([sys.executable, "-m", "crawlers.run", "council", "--config", str(config), "--corpus",
                          str(corpus), "--summary", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def rows(corpus: Path, sql: str) -> list[sqlite3.Row]:
    db = sqlite3.connect(corpus / "index.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("keep_pages", [False, True])
def test_crawl_stores_the_items_and_says_why_the_rest_is_not(council, tmp_path: Path, keep_pages: bool) -> None:
    from testing.localsite import LocalSite

    root, pages = council
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    extra = "    keep_pages: true\n" if keep_pages else ""
    config = write_config(tmp_path / "sources.yaml", site_entry("council", f"{base}/en/", extra))
    corpus = tmp_path / "corpus"
    with LocalSite(root, port=port):
        summary = crawl(config, corpus)
    docs = {r["url"][len(base):]: r for r in rows(corpus, "SELECT * FROM documents WHERE url IS NOT NULL")}
    items = {p.path for p in pages if p.item}
    non_items = {p.path: p for p in pages if not p.item and p.path != "/en/"}  # the start page is a listing
    assert items <= set(docs), sorted(items - set(docs))
    for path in items:
        assert docs[path]["kind"] == "item", path
        why = json.loads(docs[path]["why"])
        assert any(w.startswith("via:") for w in why) and any(w.startswith("date:") for w in why), (path, why)
    from storage.ids import canonical_url

    state_rows = {r["url"]: r for r in rows(corpus, "SELECT * FROM urls")}
    states = {p: state_rows[canonical_url(base + p)] for p in non_items if canonical_url(base + p) in state_rows}
    fetched = {p for p in non_items if p in states or p in docs}
    assert {"/en/press-releases/", "/en/events/?month=1", "/en/contact/", "/en/services/waste-collection/"} <= fetched
    if keep_pages:  # stored with their kind (under the page's canonical link: /en/events/ for the month view)
        kinds = {docs[p]["kind"] for p in docs if p not in items}
        assert {"listing", "calendar", "form", "page"} <= kinds, kinds
    else:
        for path in fetched:
            assert path not in docs
            state = states[path]
            assert state["status"] == "rejected", dict(state)
            assert state["reason"].startswith(f"{non_items[path].kind}: "), dict(state)
        assert set(docs) == items
        assert summary["skipped"].get("calendar") == 1 and summary["skipped"].get("form") == 1, summary["skipped"]
    # The export has the decision of every document.
    out = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--corpus", str(corpus)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    by_url = {r["url"][len(base):]: r for r in records if r["url"]}
    assert all(by_url[p]["kind"] == "item" and by_url[p]["why"] for p in items)
    if keep_pages:
        calendars = [r for r in records if r["kind"] == "calendar"]
        assert len(calendars) == 1 and "structure:calendar" in calendars[0]["why"]


def test_old_index_files_get_the_new_columns(tmp_path: Path) -> None:
    """An index written before kind/why existed is migrated: crawled documents become items stored
    before the decision, seeds are seeds; export and Parquet carry both."""
    import pyarrow.parquet as pq

    from storage.corpus import Corpus
    from storage.export import write_parquet

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "000_0123456789abcdef.txt").write_text("Seed\n\nSeed text.\n", encoding="utf-8")
    db = sqlite3.connect(folder / "index.sqlite")
    db.executescript(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, file TEXT NOT NULL UNIQUE,"
        " url TEXT, canonical_url TEXT, source TEXT, title TEXT, date TEXT, language TEXT, author TEXT,"
        " sitename TEXT, fetched_at TEXT, content_hash TEXT, chars INTEGER, meta TEXT NOT NULL DEFAULT '{}',"
        " simhash INTEGER);"
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO settings VALUES('schema_version', '1');"
        "INSERT INTO documents(id, num, file, title, chars) VALUES('0123456789abcdef', 0, '000_0123456789abcdef.txt',"
        " 'Seed', 10);"
        "INSERT INTO documents(id, num, file, url, source, title, chars) VALUES('fedcba9876543210', 1,"
        " '001_fedcba9876543210.txt', 'https://x.org/news/a', 's', 'A', 5);")
    db.commit()
    db.close()
    (folder / "001_fedcba9876543210.txt").write_text("A\n\nText.\n", encoding="utf-8")
    with Corpus(folder) as corpus:
        docs = {d.id: d for d in corpus.documents()}
        assert (docs["0123456789abcdef"].kind, docs["0123456789abcdef"].why) == ("seed", ["imported"])
        assert (docs["fedcba9876543210"].kind, docs["fedcba9876543210"].why) == ("item", ["stored-before-decision"])
        assert corpus.index.db.execute("SELECT value FROM settings WHERE key='schema_version'").fetchone()[0] == "2"
        write_parquet(corpus, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("kind").to_pylist() == ["seed", "item"]
    assert table.column("why").to_pylist() == [["imported"], ["stored-before-decision"]]
