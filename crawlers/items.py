"""Is a cleaned page an item (a news item, an article, an announcement) or something else (a
listing, a calendar, a service or contact page, a section page)? One decision from several signals:

- **via**: where the crawl found the page — a feed, the WordPress REST API, a news sitemap or a
  news listing say yes; a sitemap of pages says rather not; a link between pages says nothing;
- **url**: the shape of the page's URL against the shapes of the source's own stored items
  (``/news/<slug>``, ``/<yyyy>/<mm>/<slug>``), and the source's ``allow`` patterns;
- **structure**: read from the page's tree before pruning (``page_structure``, put in
  ``Cleaned.meta["structure"]`` by the cleaning): one headline and one body, or many teasers
  (repeated headings that link to other pages), a calendar grid, a form, pagination, the link
  density of the main area;
- **date**: a publication date and where it came from;
- **markers**: ``og:type`` article, a JSON-LD Article, ``article:published_time``.

``decide`` returns a ``Decision``: ``kind`` (``item``, ``document``, ``listing``, ``calendar``,
``form``, ``page``, ``empty``) and ``why``, short machine-readable reasons such as
``["via:feed", "url:known-pattern", "structure:single-body", "date:json-ld"]``.

A PDF whose text ``crawlers.pdfdoc.read_pdf`` read (``page_kind`` ``document``) is an item of
kind ``document`` (a publication: a report, a declaration, a guide), when it holds at least
``MIN_ITEM_CHARS`` of text; ``Decision.is_item`` is true for both kinds.

Length: a body shorter than ``MIN_ITEM_CHARS`` (80 characters: about one sentence) is never an
item. Below the source's ``min_chars`` (default 250) a page is an item only with strong evidence:
a date, no listing structure, and at least one of via feed / REST / news sitemap / news listing,
a known URL pattern, article markers, or a listing link to a page with one headline and a date in
its markup — so a three-sentence announcement is kept while a short
section page is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawlers.classwords import ClassWords

MIN_ITEM_CHARS = 80  # shortest body ever stored as an item
_FED_SHORT = 1000  # characters: a post listed in a feed, shorter than this, may sit beside a box of teasers
LINK_SCORE = -1.0  # a page found only through a link between pages
MAX_NODES = 60_000  # elements looked at per page (a hostile page costs no more)
BODY_RUN = 700  # characters of own text without a teaser between them: a body, not a teaser's summary
_GRID_SHARE = 0.3  # share of the main area's text in a month grid that makes the page a calendar
_BODY_SHARE = 0.5  # share of the page's paragraph text that makes an element the body

# Sub-trees of the main area that are never the page's own content.
_SKIP_WORDS = ClassWords((
    "sidebar", "widget", "widgets", "related", "relatedposts", "jp-relatedposts", "yarpp", "comment", "comments",
    "comment-respond", "share", "sharing", "sharedaddy", "social", "breadcrumb", "breadcrumbs", "menu",
    "post-navigation", "nav-links", "navigation", "cookie", "cookies", "newsletter", "banner", "advert", "ads",
    "promo", "footer", "skip-link"))
_SKIP_CLASS = _SKIP_WORDS.pattern  # the same words as an expression
_SKIP_TAGS = frozenset({"nav", "aside", "script", "style", "noscript", "template", "select", "button", "iframe"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5"})
_PAGINATION_WORDS = ClassWords(("pagination", "pager", "page-numbers", "wp-pagenavi", "paginator", "pagenav"))
_PAGINATION_CLASS = _PAGINATION_WORDS.pattern
_CALENDAR_CLASS = re.compile(r"(calendar|fc-daygrid|fc-view|month-view|monthview|cal-month|tribe-events-month)",
                             re.IGNORECASE)
_DAY_CELL = re.compile(r"^\s*(\d{1,2})(?!\d)")
_SEARCH_FORM = re.compile(r"search|recherche|buscar|busca|cerca|suche|zoek|login|log-in|signin|newsletter|subscri|"
                          r"comment|respond|reply|mc4wp|mailchimp|lang|translat", re.IGNORECASE)
# Classes around a form that is not the page's own (comments, sidebars, widgets, footers).
_FORM_AROUND = re.compile(r"(^|[\s_-])(comments?|comment-respond|respond|wpdiscuz|sidebar|widget|widgets|footer|"
                          r"newsletter|subscribe)($|[\s_-])", re.IGNORECASE)
_FIELD_TYPES_SKIP = frozenset({"hidden", "submit", "button", "image", "reset"})
_DATE_TEXT = re.compile(
    r"\b(\d{1,2}[./-]\d{1,2}[./-](19|20)\d{2}|(19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\.?\s+(jan|feb|m[aä]r|apr|ma[iy]|jun|"
    r"jul|aug|sep|o[ck]t|nov|de[cz]|ene|abr|ago|dic|janv|f[ée]vr|avr|juil|ao[uû]t|d[ée]c)[a-zé]*\.?\s+(19|20)\d{2}|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(19|20)\d{2})\b", re.IGNORECASE)


# XPath expressions compiled once (``el.xpath(text)`` compiles its text at every call, which
# costs more than evaluating it on a paragraph).
_STRING = etree.XPath("string()")
_NORMALIZED = etree.XPath("normalize-space()")
# The main area by ``<main>``, by ``role=main``, by a content id. The attribute values are
# compared in Python: an XPath comparing ``@id`` with eight names walks the page four times slower
# than one that only selects the elements that have an id.
_MAIN_IDS = frozenset(("content", "main", "primary", "main-content", "maincontent", "contenido", "contenu", "inhalt"))
_WITH_ROLE = etree.XPath("/descendant::*[@role]")
_WITH_ID = etree.XPath("/descendant::*[@id]")
_MAIN_PATHS: tuple[tuple[str, Any], ...] = (
    ("main", etree.XPath("//main")),
    ("role", lambda root: [el for el in _WITH_ROLE(root) if el.get("role") == "main"]),
    ("id", lambda root: [el for el in _WITH_ID(root) if el.get("id") in _MAIN_IDS]),
)
_ARTICLES = etree.XPath("//article")
_PAGE_LINK = re.compile(r"[?&](page|paged)=\d+|/page/\d+/?$")


def _attrs(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


# Class and id attributes met, and what their words say (a pager; a sub-tree to skip): a site's
# pages share their templates' class names, each searched once per process. Short ones only, at
# most ``_CLASSES_KEPT`` of them (then forgotten all at once).
_CLASS_FLAGS: dict[str, tuple[bool, bool]] = {}
_CLASSES_KEPT = 20_000
_CLASS_LONGEST = 200


def _class_flags(attrs: str) -> tuple[bool, bool]:
    """Whether ``attrs`` (an element's class and id) names a pager, and whether it names a
    sub-tree that is never the page's own content (a sidebar word, not a calendar's)."""
    flags = _CLASS_FLAGS.get(attrs)
    if flags is None:
        flags = (_PAGINATION_WORDS.search(attrs), _SKIP_WORDS.search(attrs) and not _CALENDAR_CLASS.search(attrs))
        if len(attrs) <= _CLASS_LONGEST:
            if len(_CLASS_FLAGS) >= _CLASSES_KEPT:
                _CLASS_FLAGS.clear()
            _CLASS_FLAGS[attrs] = flags
    return flags


def _main_area(root: etree._Element) -> tuple[etree._Element, str]:
    """The page's main area and how it was found: ``<main>``, ``role=main``, a content id, the
    only ``<article>``, else ``<body>``."""
    for how, path in _MAIN_PATHS:
        found = [el for el in path(root) if isinstance(el.tag, str)]
        if found:
            # The largest of them by text (a page may hold several, a skip-link anchor among them).
            best = max(found, key=lambda el: len(_STRING(el)))
            if len(_NORMALIZED(best)) >= 40:
                return best, how
    articles = _ARTICLES(root)
    if len(articles) == 1:
        return articles[0], "article"
    body = root.find(".//body")
    return (body if body is not None else root), "body"


def paragraph_chars(el: etree._Element) -> int:
    """Characters of paragraph text (``<p>`` elements) in ``el``."""
    return sum(len(p.text_content()) for p in el.iter("p"))


def _holds_body(el: etree._Element, main: etree._Element, totals: dict[str, int]) -> bool:
    """Whether ``el`` holds most of the main area's text: of its paragraph text, or of its text
    when the page has little in paragraphs (a Blogger post in ``<div class="widget Blog">``, a
    page whose text sits in ``<noscript>``)."""
    if "prose" not in totals:
        totals["prose"] = paragraph_chars(main)
    if totals["prose"] >= 200:
        return paragraph_chars(el) > _BODY_SHARE * totals["prose"]
    if "text" not in totals:
        totals["text"] = len(_NORMALIZED(main))
    return bool(totals["text"]) and len(_NORMALIZED(el)) > _BODY_SHARE * totals["text"]


def _own_href(href: str | None) -> bool:
    if not href:
        return False
    return not href.strip().startswith(("#", "javascript:", "mailto:", "tel:"))


def _same_page(url: str, href: str) -> bool:
    """Whether ``href`` (as written on the page at ``url``) leads to the page itself."""
    try:
        target = urljoin(url, href.strip()).split("#")[0]
    except ValueError:
        return False
    return target.rstrip("/") == url.split("#")[0].rstrip("/")


def page_structure(root: etree._Element, url: str = "") -> dict[str, Any]:
    """Structure signals of a parsed page (its tree before pruning), as a small dict:

    ``main`` how the main area was found; ``chars`` text characters of the main area (without
    navigation, sidebars, related-post and comment blocks), ``link_density`` the share of them
    inside links; ``h1`` headings of level 1 in the main area; ``teasers`` headings that link to
    another page, links that hold a heading, and title links (four words or more) outside
    paragraphs; ``articles`` ``<article>`` elements not nested in another; ``lead`` characters of
    paragraph text before the first teaser; ``run`` the largest run of own text (not in links or
    headings) between two teasers, before the first or after the last, ``runs`` the runs of
    ``BODY_RUN`` characters or more; ``block`` characters of the largest block of paragraphs that
    share a parent; ``paragraphs`` paragraphs of 80 characters or more; ``dates`` ``<time>``
    elements and date-like strings in headings/meta lines; ``calendar`` a month grid (rows of
    consecutive day numbers, table cells or day boxes, 1 to 28 at least, holding a good share of
    the text); ``form_fields`` the fields of the largest form that is not a search, login,
    newsletter, poll or comment form nor the page's wrapper; ``textarea`` whether that form has a
    text area; ``pagination`` numbered page links or a pager. Sub-trees with a sidebar word in
    their class are skipped unless they hold most of the text."""
    main, how = _main_area(root)
    chars = link_chars = 0
    h1 = teasers = articles = paragraphs = dates = 0
    lead = 0
    run = best_run = 0  # own text (not in links or headings) since the last teaser; the largest such run
    seen_teaser = False
    blocks: dict[etree._Element, int] = {}  # keyed by the element (an id() of a proxy is reused)
    pagination = False
    day_cells: dict[etree._Element, list[int]] = {}  # day-numbered cells by their row
    totals: dict[str, int] = {}  # the main area's paragraph text and text, measured when needed
    runs = 0  # runs of BODY_RUN characters or more
    count = 0
    # element (or a tail's text), in a link, in an article, in a heading, in a paragraph
    stack: list[tuple[Any, int, int, int, int]] = [(main, 0, 0, 0, 0)]
    while stack:
        el, in_link, in_article, in_heading, in_p = stack.pop()
        if isinstance(el, str):  # the tail of an element, read after the element (document order)
            chars += len(el)
            if in_link:
                link_chars += len(el)
            elif not in_heading:
                run += len(el)
            continue
        count += 1
        if count > MAX_NODES:
            break
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:
            continue
        tag = tag.lower()
        if tag in _SKIP_TAGS and el is not main and not (tag == "noscript" and _holds_body(el, main, totals)):
            continue
        attrs = _attrs(el)
        if el is not main and attrs.strip():
            pager, skip = _CLASS_FLAGS.get(attrs) or _class_flags(attrs)
            if pager:
                pagination = True
                continue
            if skip:
                # A class word (share, social, comments…) on the element that holds most of the
                # page's paragraph text does not make the body a sidebar (``class="entry share"``).
                if not _holds_body(el, main, totals):
                    continue
        if tag == "footer" and not in_article:
            continue
        text = el.text or ""
        n = len(text.strip())
        chars += n
        if in_link:
            link_chars += n
        teaser = False
        if tag == "a":
            href = el.get("href")
            if _own_href(href):
                if el.get("rel") == "next" or _PAGE_LINK.search(href or ""):
                    pagination = True
                # (the words counted before the URL is resolved: most links have fewer)
                if not in_heading and (next(el.iter("h2", "h3"), None) is not None or (
                        not in_p and len(_NORMALIZED(el).split()) >= 4
                        and not _same_page(url, href or ""))):
                    # A heading that links, or a title link outside the text's paragraphs.
                    teasers += 1
                    teaser = True
                in_link = 1
        elif tag in _HEADINGS:
            if tag == "h1":
                h1 += 1
            if any(_own_href(a.get("href")) and not _same_page(url, a.get("href") or "") for a in el.iter("a")):
                teasers += tag != "h1" or h1 > 1
                teaser = True
            if _DATE_TEXT.search(_STRING(el)[:200]):
                dates += 1
            in_heading = 1
        elif tag == "article":
            if not in_article:
                articles += 1
            in_article = 1
        elif tag == "time":
            dates += 1
        elif tag == "td" or (tag in ("div", "li") and "day" in attrs.lower()):
            m = _DAY_CELL.match(_NORMALIZED(el)[:40])
            parent = el.getparent()
            if m and 1 <= int(m.group(1)) <= 31 and parent is not None:
                day_cells.setdefault(parent, []).append(int(m.group(1)))
        elif tag == "p" or tag == "br":
            size = len(_NORMALIZED(el)) if tag == "p" else len((el.tail or "").strip())
            if tag == "p" and size >= 80:
                paragraphs += 1
            parent = el.getparent()
            if parent is not None and not in_link:
                blocks[parent] = blocks.get(parent, 0) + size
            if not seen_teaser and not in_link:
                lead += size
        if teaser:
            runs += run >= BODY_RUN
            best_run, run = max(best_run, run), 0
            seen_teaser = True
        if not in_link and not in_heading:
            run += n
        for child in reversed(el):
            tail = (child.tail or "").strip()
            if tail:
                stack.append((tail, in_link, in_article, in_heading, in_p))
            stack.append((child, in_link, in_article, in_heading, in_p or tag == "p"))
    runs += run >= BODY_RUN
    best_run = max(best_run, run)
    # A month grid: rows of day cells numbered in sequence (a week: consecutive days, two or more
    # cells) that together hold the days 1 to 28 at least, and hold a good share of the main
    # area's text (a small month widget next to a blog post is not the page). A column of ranks or
    # figures (one number a row) is not one.
    days: set[int] = set()
    grids: set[etree._Element] = set()
    single: list[etree._Element] = []  # a week of one day: the 1st on a Sunday, the 31st on a Monday
    for row, numbers in day_cells.items():
        if len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            days.update(numbers)
            grids.add(row if len(numbers) >= 28 or row.getparent() is None else row.getparent())
        elif numbers == [1]:
            single.append(row)
    if single and 1 not in days and set(range(2, 29)) <= days:
        days.add(1)
    calendar = False
    if set(range(1, 29)) <= days:
        grid_chars = sum(len(_NORMALIZED(g)) for g in grids if not any(
            up in grids for up in g.iterancestors()))
        calendar = grid_chars >= _GRID_SHARE * chars
    fields, textarea = _form_fields(root)
    return {
        "main": how, "chars": chars, "link_density": round(link_chars / chars, 3) if chars else 0.0,
        "h1": h1, "teasers": teasers, "articles": articles, "lead": lead, "run": best_run, "runs": runs,
        "block": max(blocks.values(), default=0),
        "paragraphs": paragraphs, "dates": dates, "calendar": calendar, "form_fields": fields,
        "textarea": textarea, "pagination": pagination,
    }


def _form_fields(root: etree._Element) -> tuple[int, bool]:
    """Fields of the page's largest form that is not a search, login, newsletter, language or
    comment form, and whether it has a text area. Not counted: a form in a comments area, a
    sidebar or a widget (by the class of an element around it), a form with a password field (a
    log-in or sign-up form), a form that wraps most of the page's text (ASP.NET pages are one
    form), and check boxes and radio buttons (a poll's answers are not fields to fill in)."""
    best, textarea = 0, False
    page_prose: int | None = None
    for form in root.iter("form"):
        if _SEARCH_FORM.search(f"{_attrs(form)} {form.get('action') or ''} {form.get('role') or ''}"):
            continue
        if any(_FORM_AROUND.search(_attrs(up)) for up in form.iterancestors() if up.tag not in ("body", "html")):
            continue
        fields = 0
        area = False
        for el in form.iter("input", "textarea", "select"):
            kind = (el.get("type") or "text").lower() if el.tag == "input" else el.tag
            if kind in _FIELD_TYPES_SKIP or kind in ("checkbox", "radio"):
                continue
            if kind in ("search", "password"):
                fields = -1000
            fields += 1
            area = area or el.tag == "textarea"
        if fields > best:
            if page_prose is None:
                page_prose = paragraph_chars(root)
            if page_prose and paragraph_chars(form) > _BODY_SHARE * page_prose:
                continue
            best, textarea = fields, area
    return best, textarea


# --- the decision -------------------------------------------------------------------------------

KINDS = ("item", "document", "listing", "calendar", "form", "page", "empty", "error")
ITEM_KINDS = ("item", "document")  # what is stored and counted as an item
ITEM_SCORE = 0.5  # evidence needed for an item (see ``decide``)
# A sitemap or listing whose URL names news (``/news-sitemap.xml``, ``/post-sitemap.xml``,
# ``/en/media/news``, ``/press-releases/``); one that names pages, services, contacts.
_NEWSY = re.compile(r"(news|noticia|notici|actualit|actualidad|aktuell|nachricht|press|comunicad|communiqu|"
                    r"blog|posts?|article|artigo|stories|story|noved|meldung|mitteilung|medien|media|haber)",
                    re.IGNORECASE)
_PAGEY = re.compile(r"(^|[/_.-])(pages?|services?|contacts?|static|taxonom\w*|categor\w*|tags?|authors?|users?|"
                    r"products?|shop|events?|agenda|calendar|locations?|places?)([/_.-]|$)", re.IGNORECASE)
# URL segments of pages that are never items: services, contacts, legal notices, about pages.
_SERVICE_URL = re.compile(
    r"(^|/)(about(-us)?|contact(-us|o|e)?|kontakt|impressum|imprint|legal|privacy|datenschutz|terms|faq|"
    r"services?|leistungen|servicios|serveis|tramites|tr[aà]mits|sede|who-we-are|qui(enes)?-somos|mission|"
    r"team|staff|board|members|membership|jobs|careers|search|search-results|buscar|sitemap|login|register|"
    r"donate|(wir-)?(ue|u|ü)ber-uns|a-propos|qui-sommes-nous|chi-siamo|sobre-nosotros|quem-somos|over-ons|"
    r"datenschutzerklaerung|agb|disclaimer|cookies?)(/|\.[a-z]+$|$)",
    re.IGNORECASE)
# A site's home page: no path, or an index/home/start page, without a query naming one item.
_HOME_URL = re.compile(r"^/?((index|home|start|startseite|default|inicio|accueil|portada)(\.[a-z]+)?/?)?$",
                       re.IGNORECASE)
_URL_DATE = re.compile(r"/(19|20)\d{2}[/-](0?[1-9]|1[0-2])([/-]|$)")
_STRONG_DATES = frozenset({"json-ld", "meta", "byline", "time", "url"})


@dataclass
class Decision:
    """What a page is (``kind``) and why (``why``: short machine-readable reasons)."""

    kind: str
    why: list[str] = field(default_factory=list)

    @property
    def is_item(self) -> bool:
        return self.kind in ITEM_KINDS

    @property
    def vouched(self) -> bool:
        """Whether something besides the page's own look says it is an item (see ``vouched``);
        never for a document (the URL shapes learnt are those of the source's pages)."""
        return self.kind == "item" and vouched(self.why)

    @property
    def reason(self) -> str:
        """The decision as one line, for the crawl state: ``listing: structure:teasers=9,via:link``."""
        return f"{self.kind}: {','.join(self.why)}"


_VOUCHERS = ("via:feed", "via:wp-api", "via:news-sitemap", "via:news-listing", "markers:article", "url:allow")


def vouched(why: Any) -> bool:
    """Whether reasons (a list, or the JSON text stored in the index) hold a voucher: the page
    came from a feed, the REST API, a news sitemap or listing, declares itself an article or
    matches the source's ``allow``. Only such items teach a source its URL shapes: a service page
    stored on weaker evidence must not make its siblings look like items."""
    text = why if isinstance(why, str) else " ".join(why or ())
    return any(v in text for v in _VOUCHERS)


_PAGE_SUFFIX = re.compile(r"\.(s?html?|php\d?|aspx?|jsp)$")
_YEAR = re.compile(r"(19|20)\d{2}")
_SMALL_NUMBER = re.compile(r"\d{1,2}")
_NUMBERS = re.compile(r"[\d_-]+")
_LONG_NUMBER = re.compile(r"\d{3,}")


@lru_cache(maxsize=4096)
def url_shape(url: str) -> str:
    """The shape of a URL's path: numbers, years and slugs generalised (``/news/<slug>``,
    ``/<yyyy>/<mm>/<slug>``, ``/node/<n>``), other segments as written (lower-case). Remembered
    for the last URLs asked about: a stored page's URL is shaped several times (its source's
    patterns, the decision, the patterns again)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    out = []
    for segment in (s for s in path.lower().split("/") if s):
        stem = _PAGE_SUFFIX.sub("", segment)
        if _YEAR.fullmatch(stem):
            out.append("<yyyy>")
        elif _SMALL_NUMBER.fullmatch(stem):
            out.append("<nn>")
        elif _NUMBERS.fullmatch(stem):
            out.append("<n>")
        elif stem.count("-") + stem.count("_") >= 2 or len(stem) > 24 or _LONG_NUMBER.search(stem):
            out.append("<slug>")
        else:
            out.append(stem)
    return "/" + "/".join(out)


class UrlPatterns:
    """The URL shapes of a source's known items (``url_shape``), learned from the stored ones."""

    MIN_SAME = 2  # items of one shape before that shape is "known"
    MIN_ITEMS = 10  # items known before a URL of another shape counts against a page

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self.counts: dict[str, int] = {}
        self.total = 0
        for url in urls:
            self.add(url)

    def add(self, url: str) -> None:
        shape = url_shape(url)
        if shape.count("/") >= 1 and shape != "/":
            self.counts[shape] = self.counts.get(shape, 0) + 1
            self.total += 1

    def judge(self, url: str) -> str | None:
        """``known-pattern``, ``unknown-pattern`` (the source has many items, none of this shape),
        or ``None`` (too little is known)."""
        if self.counts.get(url_shape(url), 0) >= self.MIN_SAME:
            return "known-pattern"
        if self.total >= self.MIN_ITEMS:
            return "unknown-pattern"
        return None


def via_signal(via: str | None, found_on: str | None = None) -> tuple[float, str | None]:
    """(score, reason) of where the page was found."""
    if via in ("feed", "wp-api"):
        return 2.0, f"via:{via}"
    where = ""
    if found_on:
        try:
            where = urlsplit(found_on).path
        except ValueError:
            where = ""
    if via == "sitemap":
        if where and _PAGEY.search(where):
            return -1.5, "via:pages-sitemap"
        if where and _NEWSY.search(where):
            return 2.0, "via:news-sitemap"
        return 0.0, "via:sitemap"
    if via == "listing":
        if where and _NEWSY.search(where):
            return 2.0, "via:news-listing"
        return 0.5, "via:listing"
    if via == "link":
        # Reached only through another page's link, in no listing, sitemap or feed of the
        # source: the page itself must show that it is an item (a date in its markup, markers).
        return LINK_SCORE, "via:link"
    return 0.0, None


# A page that says it is not there (a "soft 404": answered 200 with an error page).
_NOT_FOUND = re.compile(
    r"((?:^|\s)404(?:\s*+[-–:|]|\s++(?:error|not|page|fehler|erreur)|\s*+$)|"
    r"page not found|not found|no longer available|nicht gefunden|seite nicht|introuvable|"
    r"page non trouv[ée]e|no encontrad[ao]|p[aá]gina no (existe|encontrada)|no s'ha trobat|"
    r"non trovat[ao]|sayfa bulunamad[ıi]|n[aã]o encontrad[ao])", re.IGNORECASE)


def not_found(title: str | None) -> bool:
    """Whether a page's title says the page is not there."""
    if not title:
        return False
    return len(title) <= 120 and bool(_NOT_FOUND.search(title))


def structure_kind(structure: dict[str, Any], chars: int, listed: bool = False,
                   fed: bool = False) -> tuple[str | None, list[str]]:
    """A kind that the page's structure alone decides (a calendar, a listing, a form page), else
    ``None``; with the structural reasons. Teasers make a listing only when no body was seen: no
    run of ``BODY_RUN`` characters of own text between them, and a cleaned text (``chars``) not
    much longer than the main area read. A form makes a form page only with little own text."""
    s = structure or {}
    teasers, articles = int(s.get("teasers") or 0), int(s.get("articles") or 0)
    lead, block = int(s.get("lead") or 0), int(s.get("block") or 0)
    if s.get("calendar"):
        return "calendar", ["structure:calendar"]
    repeated = max(teasers, articles if articles >= 3 else 0)
    # A run of own text as long as a body between two teasers (or before the first, after the
    # last) is the page's body and the teasers are around it (related posts, "read also" links).
    # A cleaned text much longer than the main area the structure read means the structure
    # missed the body (it sits outside the area found): its teasers say nothing.
    body_seen = int(s.get("run") or 0) >= BODY_RUN or chars > 1.5 * int(s.get("chars") or 0) + 200
    # One or two teasers make a listing only for a page nothing else vouches for (``listed``: a
    # feed, a news sitemap or listing, or article markers say it is an item).
    # A page a feed or the REST API lists is a post: teasers beside a short text (a "more news"
    # box next to a short post) do not make it a listing; a long text made of teasers' excerpts
    # still does.
    if not body_seen and not (fed and chars < _FED_SHORT) and (repeated >= 3 and lead < 120 and block < 900
                                      or 1 <= repeated < 3 and lead == 0 and block < 400 and not listed):
        why = [f"structure:teasers={repeated}"]
        if s.get("pagination"):
            why.append("structure:pagination")
        return "listing", why
    fields = int(s.get("form_fields") or 0)
    if fields >= 3 and (s.get("textarea") or fields >= 5) and chars < 1200 and int(s.get("run") or 0) < BODY_RUN:
        return "form", [f"structure:form={fields}"]
    return None, []


def decide(*, url: str, chars: int, structure: dict[str, Any] | None, page_kind: str | None,
           date: str | None, date_source: str | None, via: str | None = None, found_on: str | None = None,
           pattern: str | None = None, allowed: bool = False, min_chars: int = 250,
           title: str | None = None) -> Decision:
    """Item or not, from every signal (see the module's docstring). Evidence adds up to a score:

    - via: feed / REST / news sitemap / news listing +2, another listing +0.5, a sitemap of
      pages -1.5, a link or nothing 0;
    - url: a known pattern of the source +1, a URL of another shape when the source has many
      items -0.5, the source's ``allow`` +1, a date in the path +1, a service or about word at its
      end (``/contact``, ``/impressum``, ``/ueber-uns``) -2, else a home page (``/``,
      ``/index.html``, no query) -1, else a headline slug as the last segment +0.5;
    - structure: one body (a block of paragraphs or a run of own text that holds much of the
      text; teasers only around a run of ``BODY_RUN`` characters) +1, a main area made of links
      (and no such run) -1;
    - date: from the markup, a byline or the URL +1; found only in the visible text 0; none -1;
    - markers: an article +2; a declared other type (``og:type`` website) -0.5.

    A page is an item at ``ITEM_SCORE`` (1) or more. A listing, a calendar or a form page is
    never an item, however long or well marked it is. Below ``min_chars`` an item needs strong
    evidence besides (a date and via / url / markers saying yes); below ``MIN_ITEM_CHARS`` none is one."""
    s = structure or {}
    why: list[str] = []
    if chars < MIN_ITEM_CHARS:
        return Decision("empty", [f"length:{chars}<{MIN_ITEM_CHARS}"])
    if page_kind == "document":  # a PDF with a text layer (``crawlers.pdfdoc``)
        return Decision("document", ["pdf", f"via:{via or 'unknown'}"]
                        + ([f"date:{date_source or 'found'}"] if date else ["date:none"]))
    if not_found(title):
        return Decision("error", ["title:not-found"])
    via_score, via_why = via_signal(via, found_on)
    kind, reasons = structure_kind(s, chars, listed=via_score >= 2 or page_kind == "article",
                                   fed=via in ("feed", "wp-api"))
    if kind is not None:
        return Decision(kind, reasons + ([via_why] if via_why else []))
    if via == "link" and pattern == "unknown-pattern" and not allowed:
        # Found only through a link, and its address is unlike every item the source has
        # (the source has many): a shop, a wiki, a service page linked from an article.
        return Decision("page", ["via:link", "url:unknown-pattern"])
    score = via_score
    strong = via_score >= 2
    if via_why:
        why.append(via_why)
    if pattern == "known-pattern":
        score += 1
        strong = True
        why.append("url:known-pattern")
    elif pattern == "unknown-pattern":
        score -= 0.5
        why.append("url:unknown-pattern")
    if allowed:
        score += 1
        strong = True
        why.append("url:allow")
    try:
        parts = urlsplit(url)
        path, query = parts.path, parts.query
    except ValueError:
        path = query = ""
    if _URL_DATE.search(path):
        score += 1
        why.append("url:dated")
    if _SERVICE_URL.search(path):
        score -= 2
        why.append("url:service")
    elif _HOME_URL.match(path) and not query:
        score -= 1  # a home page shows the latest of everything
        why.append("url:home")
    elif url_shape(url).endswith("/<slug>"):
        score += 0.5  # a headline in the address (``/news/mayor-opens-the-new-library``)
        why.append("url:slug")
    chars_main = int(s.get("chars") or 0)
    block, teasers = int(s.get("block") or 0), int(s.get("teasers") or 0)
    run = int(s.get("run") or 0)
    if chars_main and (teasers < 3 or run >= BODY_RUN) and (
            block >= 0.3 * chars_main or block >= 600 or run >= 0.5 * chars_main or chars >= 0.5 * chars_main):
        score += 1
        why.append("structure:single-body")
    if s and float(s.get("link_density") or 0) > 0.5 and run < BODY_RUN:
        score -= 1
        why.append("structure:link-dense")
    if date and date_source in _STRONG_DATES:
        score += 1
        why.append(f"date:{date_source}")
    elif date:
        why.append(f"date:{date_source or 'found'}")
    else:
        score -= 1
        why.append("date:none")
    if page_kind == "article":
        score += 2
        strong = True
        why.append("markers:article")
    elif page_kind == "page":
        score -= 0.5
        why.append("markers:other-type")
    if score < ITEM_SCORE:
        return Decision("page", why + [f"score:{score:g}"])
    if via == "listing" and date_source in _STRONG_DATES and int(s.get("h1") or 0) <= 1:
        strong = True  # listed, dated in its markup, one headline: an announcement
    if chars < min_chars:
        if not (strong and date):
            return Decision("page", why + [f"length:{chars}<{min_chars}", "short:weak-evidence"])
        why.append(f"short:{chars}")
    return Decision("item", why)
