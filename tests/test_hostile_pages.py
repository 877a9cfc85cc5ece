"""Hostile pages: what a page can do to the cleaning step, and what must happen instead.

- Time: every line rule runs in linear time (each regex of the cleaning, metadata and
  boilerplate modules is timed on 100 KB adversarial lines), and a page that still holds a
  worker too long — the HTML parser on an element with 700,000 attributes — is skipped as
  ``clean_timeout`` while the crawl goes on (real crawl processes against ``testing/faultsite.py``).
- Metadata: a value that cannot be read (an ``@type`` holding objects, JSON-LD nested too
  deeply, a charset such as ``idna`` that names no text encoding) costs the field, never the
  page — in the cleaning function and in a crawl, where Scrapy itself reads the page's text.
- Size: titles and the other metadata fields are capped, in the index, the file and the export.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import crawlers.boilerplate
import crawlers.cleaning
import crawlers.metadata
import crawlers.settings
from crawlers.cleaner import clean_job
from crawlers.cleaning import Cleaned, clean, clean_paragraphs, decode_page
from crawlers.contracts import CleanOptions
from crawlers.metadata import (
    MAX_AUTHOR,
    MAX_DESCRIPTION,
    MAX_SITENAME,
    MAX_TAG,
    MAX_TAGS,
    MAX_TITLE,
    cap,
    plausible_date,
)
from storage.corpus import Corpus
from storage.export import records
from testing.faultsite import (
    ACCENTED_WORDS,
    SITE_NAME,
    FaultSite,
    NewsSite,
    Req,
    accented_article,
    article_html,
    generated_article,
)
from tests.test_robustness import assert_ok, assert_stored_once, docs_at, run_crawl, site, text_of, url_rows  # noqa: F401 (fixture)

URL = "https://news.example.org/en/2024/05/06/story/"
LINE = 100_000  # characters of an adversarial line
REGEX_BUDGET = 0.5  # seconds for one regex over one such line (linear ones take milliseconds)

SAFE_META_REFRESH = {"scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
                     "crawlers.safe_middlewares.SafeMetaRefreshMiddleware": 580}


def article_page(i: int = 1, body_extra: str = "", head_extra: str = "", prefix: str = "hostile") -> str:
    article = generated_article(i, prefix)
    page = article_html("https://news.example.org", article, "/en/story/", body_extra=body_extra)
    return page.replace("</head>", head_extra + "</head>", 1)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = call()
    return time.perf_counter() - t0, value


# -- time: linear rules ---------------------------------------------------------------------------

def _patterns() -> dict[str, re.Pattern[str]]:
    out = {}
    for module in (crawlers.cleaning, crawlers.metadata, crawlers.boilerplate):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                out[f"{module.__name__.split('.')[-1]}.{name}"] = value
    return out


_UNITS = ("-", "- ", "-|", ":-", " ", "\t", "1", "1 ", "1.", "12/", "jan ", "de ", "d ", "1 jan ", "January 2020 ",
          "a", "a ", "ab, ", "Ab ", "x,", "a > ", "a / ", "[1]", "[1] ", "a.", "a.png ", ".png", "display ",
          "display: ", "visibility", "share-", " share", "related posts ", " :", "- x ", " | ", "| ", "/2020/01/",
          "writer ", "\x00", "é", "ı", "»", "Posted by ", "2020-01-01 ", "–")
_TAILS = ("", "x", "!", " x!", "|", " y")


def adversarial_lines(n: int = LINE) -> list[str]:
    """Long lines built to make backtracking regexes explode: runs of what a rule accepts,
    then a character that makes it fail at the very end."""
    lines = [unit * (n // len(unit)) + tail for unit in _UNITS for tail in _TAILS]
    lines += [
        "Posted by x, " + "ab, " * (n // 4) + "x",
        "Posted by x, " + "Ab " * (n // 3) + "1",
        "Posted by x, y" + " " * n + "z",
        "1 January 2020" + " " * n + "abcdefghijklmnop!",
        "related posts" + " " * n + "x",
        "a" + " " * n + "| b!",
        "Title" + " " * n + "- x",
        "a.png" + " " * n + "x",
        "[1]" + "x" * n + " y",
        "a > " + "x" * n,
    ]
    return lines


def test_every_regex_is_linear_on_long_lines() -> None:
    patterns = _patterns()
    assert {"cleaning._BOILERPLATE_RE", "cleaning._BYLINE_RE", "cleaning._DATELINE_RE", "cleaning._BREADCRUMB_RE",
            "cleaning._TABLE_TAIL", "cleaning._RELATED_HEADING", "cleaning._PRUNE_CLASS", "metadata._SUFFIX",
            "boilerplate._WORD"} <= set(patterns)
    slow = []
    worst = 0.0
    for line in adversarial_lines():
        for name, pattern in patterns.items():
            seconds, _ = timed(lambda: (pattern.search(line), pattern.sub("", line)))  # noqa: B023 (run at once)
            worst = max(worst, seconds)
            if seconds > REGEX_BUDGET:
                slow.append(f"{name} {seconds:.2f} s on {line[:24]!r}…{line[-8:]!r}")
        # The rules as the cleaning applies them, and the helpers with regexes of their own.
        # Each lambda is run in this iteration (B023 does not apply).
        for name, call in (("clean_paragraphs", lambda: clean_paragraphs([line, line[:60]], line[:30])),  # noqa: B023
                           ("plausible_date", lambda: plausible_date(line)),  # noqa: B023
                           ("_norm", lambda: crawlers.cleaning._norm(line))):  # noqa: B023
            seconds, _ = timed(call)
            worst = max(worst, seconds)
            if seconds > REGEX_BUDGET:
                slow.append(f"{name} {seconds:.2f} s on {line[:24]!r}…{line[-8:]!r}")
    assert slow == [], f"{len(slow)} slow cases (budget {REGEX_BUDGET} s per 100 KB line):\n" + "\n".join(slow[:20])
    assert worst < REGEX_BUDGET


@pytest.mark.parametrize("name,extra", [
    ("6 KB of dashes", "<p>" + "-" * 6000 + "x</p>"),
    ("dashes, colons and bars", "<p>|" + ":---|" * 1200 + " x</p>"),
    ("600 KB 'Posted by' line", "<p>Posted by x, " + "ab, " * 150_000 + "</p>"),
])
def test_hostile_lines_are_cleaned_in_linear_time(name: str, extra: str) -> None:
    clean(article_page(2), URL)  # warm up: trafilatura, the language model
    seconds, result = timed(lambda: clean(article_page(1, extra), URL))
    assert seconds < 5, f"{name}: {seconds:.1f} s"
    assert isinstance(result, Cleaned), result
    assert generated_article(1, "hostile").paragraphs[0] in result.paragraphs


def test_table_separator_rows_are_still_removed() -> None:
    lines = ["| --- | :---: | ---: |", "---", "|---|---|", "| Name | Seats |", "-- | :-- |"]
    kept, _ = clean_paragraphs(lines, None)
    assert kept == ["Name | Seats", "-- | :-- |"]


# -- time: a hard limit per page, in a real crawl ------------------------------------------------

def attribute_bomb(n: int = 700_000) -> str:
    """One element with ``n`` attributes (about 6.9 MB): libxml2 takes minutes to parse it."""
    return "<div " + " ".join(f"a{i:x}=1" for i in range(n)) + ">x</div>"


@pytest.mark.slow
def test_page_that_holds_a_worker_is_skipped_and_the_crawl_goes_on(site: FaultSite, tmp_path: Path,
                                                                     seeded_corpus: Path) -> None:
    """One cleaning worker, a time limit of 8 s: two pages whose parse takes minutes are skipped
    as ``clean_timeout`` (the worker is killed and replaced each time: the second page meets a
    new worker), every other page is stored — among them a line of 6 KB of dashes and a
    "Posted by" line of 600 KB, cleaned in linear time."""
    news = NewsSite(site)
    bomb = attribute_bomb()
    assert 6_000_000 < len(bomb) < 7_500_000
    hostile = {
        "dash-line": "<p>" + "-" * 6000 + "x</p>",
        "long-byline": "<p>Posted by x, " + "ab, " * 150_000 + "</p>",
    }
    for slug, extra in hostile.items():
        news.add_article(generated_article(len(news.articles) + 10, slug), body_extra=extra)
    for n in (1, 2):
        article = generated_article(100 + n, "bomb")
        path = f"/en/attribute-bomb-{n}/"
        site.page(path, article_html(news.base, article, path, body_extra=bomb, **news.chrome()))  # type: ignore[arg-type]
        news.listing_links.append((path, article.title, "…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=150,
                      settings={"HARVEST_CLEAN_TIMEOUT": 8, "HARVEST_CLEAN_WORKERS": 1})
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)  # the dash-line and long-byline articles among them
    assert (crawl.summary.get("skipped") or {}).get("clean_timeout") == 2, crawl.brief()
    for n in (1, 2):
        rows = [dict(r) for r in url_rows(seeded_corpus, f"attribute-bomb-{n}")]
        assert [(r["status"], r["reason"]) for r in rows] == [("rejected", "clean_timeout")], rows
        assert docs_at(seeded_corpus, news.base, f"/en/attribute-bomb-{n}/") == []
    assert crawl.log.count("(clean_timeout)") == 2, crawl.brief()
    assert crawl.seconds < 100, f"{crawl.seconds:.0f} s"


# -- metadata that cannot be read ----------------------------------------------------------------

def _ld(data: Any) -> str:
    return f'<script type="application/ld+json">{data if isinstance(data, str) else json.dumps(data)}</script>'


@pytest.mark.parametrize("name,head,date", [
    ("@type holding objects", _ld({"@type": [{"name": "NewsArticle"}, {"x": 1}], "datePublished": "2024-05-06"}),
     "2024-05-06"),
    ("@type holding objects in @graph", _ld({"@graph": [{"@type": [{"a": 1}], "author": {"name": ["x"]}}]}), None),
    ("JSON-LD nested 100,000 deep", _ld("[" * 100_000 + "]" * 100_000), None),
    ("JSON-LD object nested 50,000 deep", _ld('{"a":' * 50_000 + "1" + "}" * 50_000), None),
    ("dates that are no strings", _ld({"@type": "NewsArticle", "datePublished": [[["2024"]]],
                                       "dateModified": {"@value": {"x": 1}}, "author": [[{"name": 3}]]}), None),
    ("a date list nested deep",
     _ld('{"@type": "NewsArticle", "datePublished": ' + "[" * 50_000 + "]" * 50_000 + "}"), None),
])
def test_unreadable_metadata_costs_the_field_not_the_page(name: str, head: str, date: str | None) -> None:
    plain = clean(article_page(3), URL)
    result = clean(article_page(3, head_extra=head), URL)
    assert isinstance(plain, Cleaned) and isinstance(result, Cleaned), f"{name}: {result}"
    assert result.paragraphs == plain.paragraphs and result.title == plain.title
    assert result.date == (date or plain.date)  # the JSON-LD's, or the page's own meta tags' as without it
    assert result.author == plain.author


def test_a_type_list_with_a_string_still_declares_an_article() -> None:
    head = _ld({"@type": [{"odd": True}, "NewsArticle"], "datePublished": "2023-02-01T10:00:00Z"})
    page = article_page(4, head_extra=head).replace('<meta property="og:type" content="article">', "")
    page = re.sub(r'<meta property="article:published_time"[^>]*>', "", page)
    result = clean(page, "https://news.example.org/en/story/")
    assert isinstance(result, Cleaned) and result.meta["page_kind"] == "article"
    assert (result.date, result.meta["date_source"]) == ("2023-02-01", "json-ld")


NOT_TEXT_CODECS = ["idna", "punycode", "rot13", "rot_13", "base64", "zlib", "uu", "hex", "bz2", "quopri",
                   "utf-7", "unicode_escape", "raw_unicode_escape", "undefined", "palmos", "no-such-charset"]


@pytest.mark.parametrize("codec", NOT_TEXT_CODECS)
@pytest.mark.parametrize("where", ["header", "meta"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_charset_that_names_no_text_encoding_is_ignored(codec: str, where: str, encoding: str) -> None:
    article = accented_article(0, "charset-codec")
    html = article_html("https://news.example.org", article, "/en/story/",
                        charset_meta=codec if where == "meta" else None)
    body = html.encode(encoding)
    text = decode_page(body, codec if where == "header" else None)
    assert all(word in text for word in ACCENTED_WORDS) and "\ufffd" not in text
    result, _ = clean_job(body, URL, CleanOptions(250, True, codec if where == "header" else None))
    assert isinstance(result, Cleaned), result
    assert "Zoë Dupré" in result.body


def test_real_text_charsets_still_count() -> None:
    text = "Málaga, São Paulo: 12 € — Düsseldorf"
    for codec, declared in (("cp1252", "windows-1252"), ("iso-8859-15", "ISO-8859-15"), ("cp1251", "cp1251")):
        data = text.encode(codec, errors="replace")
        assert decode_page(data, declared) == data.decode(codec)
    russian = "Новости города".encode("koi8-r")
    assert decode_page(b'<meta charset="koi8-r">' + russian, None).endswith("Новости города")


@pytest.mark.slow
def test_charset_naming_no_text_encoding_loses_no_page_in_a_crawl(site: FaultSite, tmp_path: Path,
                                                                   seeded_corpus: Path) -> None:
    """Home page and listing served as ``text/html; charset=idna``, articles declaring idna,
    base64 or rot13 in their header or ``<meta charset>``: every article is stored, with its
    accents, and the crawl has no error (with ``crawlers.safe_middlewares`` in place of
    Scrapy's meta-refresh middleware)."""
    news = NewsSite(site)

    def declaring(charset: str, handler: Callable[[Req], Any]) -> Callable[[Req], Any]:
        def answer(req: Req) -> Any:
            status, headers, body = handler(req)
            return status, {**headers, "Content-Type": f"text/html; charset={charset}"}, body
        return answer

    for path in ("/en/", "/en/news/"):
        site.route(path, declaring("idna", site.routes[path]))
    cases = {  # slug: (Content-Type, <meta charset>, bytes)
        "idna-header": ("text/html; charset=idna", None, "cp1252"),
        "idna-meta": ("text/html", "idna", "cp1252"),
        "idna-meta-utf8": ("text/html", "idna", "utf-8"),
        "base64-header": ("text/html; charset=base64", "base64", "utf-8"),
        "rot13-header": ("text/html; charset=rot13", None, "cp1252"),
    }
    paths = {}
    for i, (slug, (ctype, meta, encoding)) in enumerate(cases.items()):
        article = accented_article(20 + i, f"charset-{slug}")
        path = f"/en/{article.slug}/"
        body = article_html(news.base, article, path, charset_meta=meta, **news.chrome()).encode(encoding)  # type: ignore[arg-type]
        site.page(path, body, headers={"Content-Type": ctype})
        news.articles.append(article)
        paths[slug] = path
    middlewares = {**crawlers.settings.DOWNLOADER_MIDDLEWARES, **SAFE_META_REFRESH}
    crawl = run_crawl(tmp_path, seeded_corpus, news.url, settings={"DOWNLOADER_MIDDLEWARES": middlewares})
    assert_ok(crawl)
    assert crawl.summary.get("errors") == {}, crawl.brief()
    assert "UnicodeError" not in crawl.log, crawl.brief()
    assert_stored_once(seeded_corpus, news)
    for slug, path in paths.items():
        [doc] = docs_at(seeded_corpus, news.base, path)
        text = text_of(seeded_corpus, doc)
        assert all(word in text for word in ACCENTED_WORDS) and "\ufffd" not in text, (slug, text[:300])


# -- oversized fields -----------------------------------------------------------------------------

def test_cap_cuts_at_a_word_boundary() -> None:
    assert cap("short", 10) == "short" and cap(None, 10) is None
    long = "word " * 1000
    capped = cap(long, 1000)
    assert len(capped) <= 1000 and capped.endswith("word…")
    assert len(cap("x" * 5000, 1000)) == 1000


def _oversized_head(title_size: int = 5_200_000) -> tuple[str, str]:
    """A title of ``title_size`` characters, and head tags with a long description and author
    and 500 long tags."""
    title = ("Mayor presents the budget " * (title_size // 26 + 1))[:title_size]
    head = (f'<meta name="description" content="{"A description of the story. " * 8000}">\n'
            f'<meta name="author" content="{"Author Name " * 2000}">\n'
            + "".join(f'<meta property="article:tag" content="tag {i} {"t" * 400}">\n' for i in range(500)))
    return title, head


def with_oversized_fields(page: str) -> str:
    """``page`` with a 5.2 MB og:title, a 24,000-character author and site name of 800 KB, a
    216 KB description and 500 tags of 400 characters."""
    title, head = _oversized_head()
    page = page.replace('<meta name="author"', '<meta name="x-author"', 1)  # the long one of the head counts
    page = page.replace("</head>", head + "</head>", 1)
    page = re.sub(r'<meta property="og:title" content="[^"]*">',
                  lambda _: f'<meta property="og:title" content="{title}">', page)
    return page.replace(f'<meta property="og:site_name" content="{SITE_NAME}">',
                        f'<meta property="og:site_name" content="{"Network " * 100_000}">')


def test_oversized_metadata_is_capped() -> None:
    result = clean(with_oversized_fields(article_page(5)), URL)
    assert isinstance(result, Cleaned), result
    assert 800 <= len(result.title) <= MAX_TITLE and result.title.startswith("Mayor presents the budget")
    assert len(result.author) <= MAX_AUTHOR and result.author.startswith("Author Name")
    assert len(result.sitename) <= MAX_SITENAME
    assert len(result.meta["description"]) <= MAX_DESCRIPTION
    assert len(result.meta["tags"]) <= MAX_TAGS and all(len(t) <= MAX_TAG for t in result.meta["tags"])
    assert result.paragraphs[0] == generated_article(5, "hostile").paragraphs[0]


@pytest.mark.slow
def test_oversized_title_is_capped_in_index_file_and_export(site: FaultSite, tmp_path: Path,
                                                            seeded_corpus: Path) -> None:
    """A 5.2 MB og:title (and other long fields) on a page of 6.5 MB: the page is stored with a
    title of at most 1,000 characters in the index, in its file and in the export."""
    news = NewsSite(site)
    article = generated_article(30, "oversized")
    path = f"/en/{article.slug}/"
    page = with_oversized_fields(article_html(news.base, article, path, **news.chrome()))  # type: ignore[arg-type]
    assert 5_200_000 < len(page) < 8_000_000
    site.page(path, page)
    news.listing_links.append((path, article.title, "…"))
    crawl = run_crawl(tmp_path, seeded_corpus, news.url)
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    [doc] = docs_at(seeded_corpus, news.base, path)
    assert 800 <= len(doc["title"]) <= MAX_TITLE and doc["title"].startswith("Mayor presents"), len(doc["title"])
    first_line = text_of(seeded_corpus, doc).split("\n", 1)[0]
    assert first_line == doc["title"]
    assert len(doc["author"]) <= MAX_AUTHOR and len(doc["sitename"]) <= MAX_SITENAME
    corpus = Corpus(seeded_corpus)
    try:
        [record] = [r for r in records(corpus) if r["id"] == doc["id"]]
    finally:
        corpus.close()
    assert len(record["title"]) <= MAX_TITLE and len(record["author"]) <= MAX_AUTHOR
    assert len(record["description"]) <= MAX_DESCRIPTION
    assert len(record["tags"]) <= MAX_TAGS and all(len(t) <= MAX_TAG for t in record["tags"])
    assert len(json.dumps(record)) < 200_000
    assert all(len(item.get("title") or "") <= MAX_TITLE for item in crawl.summary.get("items", []))
