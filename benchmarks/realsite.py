"""Benchmark: a realistic news site built from real pages, crawled end to end by the project.

    python benchmarks/realsite.py [--articles 170] [--direct] [--keep DIR] [--report FILE]

The site, served on 127.0.0.1 by a small threaded HTTP server of this script (no other network):

- **articles**: real pages of ../shared/realpages/ (trafilatura's evaluation set, unpacked into
  benchmarks/.realpages/ as by benchmarks/realpages.py) labelled as items in
  benchmarks/item_labels.json, chosen deterministically (by a hash of the URL): every short one
  (trafilatura's fast text under ``SHORT`` characters), then pages without article markers (no
  ``og:type`` article, JSON-LD Article or ``article:published_time``) up to ``NO_MARKERS``, then
  the rest, up to ``--articles``. Each is served at ``/news/<slug>/`` with its HTML as saved; only
  links are rewritten: a link to a page of the set (its canonical link, ``og:url``) points to the
  page's address on this site, a relative link of the page's own site is made absolute on that site
  (off this host, as the page's own navigation is), so that nothing leads to a missing page here;
- **non-items**: every real page labelled not an item (service, about, contact, legal, shop, forum,
  reference, media, home, listing, calendar and download pages), at ``/services/<slug>/``,
  ``/about/<slug>/``, ``/shop/<slug>/``, ``/forum/<slug>/``, ``/guide/<slug>/``… by their label;
- **the site around them**, in the WordPress theme of the test sites (tests/sites/theme_wordpress.py,
  wordpress_parts.py, the council pages of item_pages.py): the home page, the news listing with
  its pagination (``/news/``, ``/news/page/2/``…), a press-release listing (``/press-releases/``,
  ``?page=2``…), tag pages, an events calendar with twelve month views (``/events/?month=1`` …
  ``12``), section pages (``/services/``, ``/about/``, ``/resources/``), service pages, a contact
  page with its form, a search-results page, ``robots.txt``, a Yoast-style sitemap index
  (``/post-sitemap.xml`` of the articles, ``/page-sitemap.xml`` of the site's own pages and the
  CMS pages among the non-items) and an RSS feed of the latest ten articles.

The crawl is the user's: a sources file with one source (``url``, ``delay: 0`` as the tests use for
local sites), ``harvest crawl`` into a temporary corpus (``--direct``: ``python -m crawlers.run``, the
process each crawl of ``harvest crawl`` runs), with ``HARVEST_LOOPBACK_ONLY=1`` (every connection not
to loopback is refused) and one cleaning worker (``HARVEST_CLEAN_WORKERS=1``).

Figures, from the corpus's index and ``harvest export``:
- article recall (stored / served), non-items stored (count, share of stored), and every missed
  article with what the crawl state says of it (never requested, rejected with its reason, a
  duplicate…), every stored non-item with its ``kind`` and ``why``;
- kinds and reasons (``why``) of the stored documents, the crawl summary;
- cleaning of the stored articles against the set's ``with`` / ``without`` snippets (title + text,
  whitespace folded, as benchmarks/realpages.py scores), beside ``harvest clean`` (the cleaning
  alone, ``clean(min_chars=0, require_article=False)``) of the same served bytes and URL: pages
  where the crawl's text found fewer ``with`` (or more ``without``) snippets than the cleaning alone
  are listed.
"""

from __future__ import annotations

import argparse
import hashlib
import html as htmlmod
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "sites"))

import wordpress_parts as parts  # noqa: E402
from sitegen import Block, Entry, esc  # noqa: E402
from theme_wordpress import Config, WordPressBuilder  # noqa: E402

from realpages import CACHE, Counts, count, load_pages, norm, run_project  # noqa: E402

LABELS = ROOT / "benchmarks" / "item_labels.json"
LENGTHS = CACHE / "realsite-lengths.json"  # trafilatura's fast text length per page (computed once)
SOURCE = "realsite"
SHORT = 600  # characters of trafilatura's fast text: a short article
MAX_SHORT = 20
NO_MARKERS = 60  # articles without article markers among the chosen ones (at least)
PER_PAGE = 10
START = datetime(2024, 6, 28, 9, 0, tzinfo=UTC)

_MARKERS = re.compile(
    rb"""og:type["']?\s+content=["']?article|content=["']article["']\s+property=["']og:type|"""
    rb""""@type"\s*:\s*\[?\s*"(News|Blog|Report|Analysis)?(Article|Posting)"|BlogPosting|article:published_time""",
    re.IGNORECASE)
_HREF = re.compile(rb"""(\shref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_CONTENT_URL = re.compile(rb"""(\scontent\s*=\s*)(["'])(https?://.*?)\2""", re.IGNORECASE | re.DOTALL)
_BASE_TAG = re.compile(rb"""<base\s[^>]*href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SKIP_HREF = re.compile(rb"^\s*(#|mailto:|javascript:|tel:|data:|about:)", re.IGNORECASE)

COUNCIL = Config(
    name="Riverside City Council", tagline="News and services of Riverside City Council", prefix="",
    news_title="News", per_page=PER_PAGE, feed_size=10, address="1 Town Hall Square, Riverside",
    full_chrome=True, rest_api=False,
    tag_names={"culture": "Culture", "economy": "Economy", "environment": "Environment"},
)

# Where a real non-item lives on the site, by its label.
SECTION = {"service": "services", "about": "about", "contact": "contact", "legal": "legal", "shop": "shop",
           "forum": "forum", "reference": "guide", "media": "media", "home": "portal", "listing": "archive",
           "calendar": "agenda", "download": "downloads"}
CMS_PAGES = {"service", "about", "contact", "legal"}  # in the sitemap of pages (the rest: links only)


# --- the pages ----------------------------------------------------------------------------------

@dataclass
class Page:
    path: str  # path and query on the site
    body: bytes
    ctype: str = "text/html; charset=utf-8"
    kind: str = "generated"  # article, non-item (a real page labelled so), generated
    label: str = ""  # a real non-item's label (service, about…); a generated page's kind
    orig: str = ""  # a real page's URL in the set
    item: dict[str, Any] = field(default_factory=dict)  # the set's record (with / without snippets)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:70].strip("-")


def page_title(data: bytes) -> str:
    from lxml import html as lhtml

    try:
        root = lhtml.document_fromstring(data)
    except Exception:  # noqa: BLE001
        return ""
    for xpath in ('//meta[@property="og:title"]/@content', "//title//text()", "//h1//text()"):
        found = " ".join(t.strip() for t in root.xpath(xpath) if t.strip())
        if found:
            return found[:200]
    return ""


def page_summary(data: bytes) -> str:
    """A teaser text for listings: the page's description, else its first long paragraph."""
    from lxml import html as lhtml

    try:
        root = lhtml.document_fromstring(data)
    except Exception:  # noqa: BLE001
        return ""
    for xpath in ('//meta[@name="description"]/@content', '//meta[@property="og:description"]/@content'):
        for value in root.xpath(xpath):
            if len(value.strip()) > 40:
                return value.strip()[:300]
    for p in root.iter("p"):
        text = " ".join(p.text_content().split())
        if len(text) > 80:
            return text[:300]
    return ""


def slug_for(url: str, title: str, used: set[str]) -> str:
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    last = re.sub(r"\.(s?html?|php\d?|aspx?|jsp|cfm)$", "", segments[-1], flags=re.I) if segments else ""
    slug = slugify(last)
    if len(slug) < 8 or slug.replace("-", "").isdigit() or slug in ("index", "default", "article", "detail"):
        slug = slugify(title) or slug or "page"
    base, n = slug, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def fast_lengths(pages: list[tuple[str, dict[str, Any], Path]]) -> dict[str, int]:
    """trafilatura's fast-mode text length of each page (cached in benchmarks/.realpages/)."""
    import trafilatura

    cached: dict[str, int] = json.loads(LENGTHS.read_text()) if LENGTHS.exists() else {}
    missing = [(u, p) for u, _, p in pages if u not in cached]
    if missing:
        print(f"measuring {len(missing)} pages once (trafilatura fast text length) …", file=sys.stderr)
        for url, path in missing:
            try:
                text = trafilatura.extract(path.read_bytes(), url=url, fast=True) or ""
            except Exception:  # noqa: BLE001
                text = ""
            cached[url] = len(text)
        LENGTHS.write_text(json.dumps(cached, sort_keys=True))
    return cached


def choose(n_articles: int) -> tuple[list[tuple[str, dict, Path]], list[tuple[str, dict, Path, str]], dict]:
    """The articles (short ones, ones without markers, the rest; by URL hash) and all non-items."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    pages = load_pages(CACHE)
    items = sorted(((u, i, p) for u, i, p in pages if labels.get(u, {}).get("item")), key=lambda t: _digest(t[0]))
    others = sorted(((u, i, p, labels[u]["why"]) for u, i, p in pages if u in labels and not labels[u]["item"]),
                    key=lambda t: _digest(t[0]))
    lengths = fast_lengths(items)
    marked = {u: bool(_MARKERS.search(p.read_bytes())) for u, _, p in items}
    chosen: list[tuple[str, dict, Path]] = []
    seen: set[str] = set()

    def take(candidates: list[tuple[str, dict, Path]], limit: int) -> None:
        for t in candidates:
            if len(chosen) >= n_articles or limit <= 0:
                return
            if t[0] not in seen:
                chosen.append(t)
                seen.add(t[0])
                limit -= 1

    take([t for t in items if 0 < lengths.get(t[0], 0) < SHORT], MAX_SHORT)
    take([t for t in items if not marked[t[0]]], max(0, NO_MARKERS - sum(not marked[u] for u in seen)))
    take(items, n_articles)
    info = {"short": {u for u, _, _ in chosen if 0 < lengths.get(u, 0) < SHORT},
            "no_markers": {u for u, _, _ in chosen if not marked[u]}, "lengths": lengths}
    return chosen, others, info


def _url_key(url: str) -> str:
    try:
        s = urlsplit(url.strip())
    except ValueError:
        return url
    host = (s.hostname or "").lower().removeprefix("www.")
    return f"{host}{s.path.rstrip('/') or '/'}{'?' + s.query if s.query else ''}"


_CANONICAL = re.compile(
    rb"""<link\s[^>]*rel=["']?canonical["']?[^>]*href=["'](https?://[^"']+)["']|"""
    rb"""<link\s[^>]*href=["'](https?://[^"']+)["'][^>]*rel=["']?canonical|"""
    rb"""<meta\s[^>]*property=["']og:url["'][^>]*content=["'](https?://[^"']+)["']""", re.IGNORECASE)


def own_url(data: bytes, url: str) -> str:
    """The page's address on its own site: the set's URL, else (the set names some pages
    ``hard::<file>``) its canonical link or ``og:url``, else a host read from the file name."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("xhttp"):
        return url[1:]
    m = _CANONICAL.search(data)
    if m:
        return htmlmod.unescape(next(g for g in m.groups() if g).decode("latin-1"))
    name = url.split("::", 1)[-1]
    host = re.sub(r"\.html?$", "", name).split("-")[0].lower().strip(".") or "unknown.invalid"
    return f"https://{host}/"


def rewrite(data: bytes, orig: str, base: str, ours: dict[str, str]) -> bytes:
    """The page's links: one to a page of the set points to its address here; a relative link of
    the page's own site is made absolute on that site. Nothing else changes (bytes as saved)."""
    orig = own_url(data, orig)
    m = _BASE_TAG.search(data)
    page_base = urljoin(orig, m.group(1).decode("latin-1")) if m else orig

    def new_href(match: re.Match[bytes]) -> bytes:
        value = match.group(3)
        if _SKIP_HREF.match(value) or not value.strip():
            return match.group(0)
        raw = htmlmod.unescape(value.decode("latin-1")).strip()
        try:
            target = urljoin(page_base, raw)
        except ValueError:
            return match.group(0)
        here = ours.get(_url_key(target.split("#")[0]))
        if here is not None:
            # Relative on this site, absolute when a <base> of the page's own site would resolve it there.
            new = f"{base}{here}" if m else here
        elif re.match(r"^[a-z][a-z0-9+.-]*:", raw, re.I) or raw.startswith("//"):
            return match.group(0)
        else:
            new = target
        escaped = htmlmod.escape(new, quote=True).encode("latin-1", "replace")
        return match.group(1) + match.group(2) + escaped + match.group(2)

    def new_content(match: re.Match[bytes]) -> bytes:
        raw = htmlmod.unescape(match.group(3).decode("latin-1")).strip()
        here = ours.get(_url_key(raw.split("#")[0]))
        if here is None:
            return match.group(0)
        return match.group(1) + match.group(2) + f"{base}{here}".encode("latin-1") + match.group(2)

    return _CONTENT_URL.sub(new_content, _HREF.sub(new_href, data))


def content_type(data: bytes) -> str:
    """``text/html`` with the charset the page declares (as its server would send it), if any."""
    m = _META_CHARSET.search(data[:4096])
    return f"text/html; charset={m.group(1).decode('ascii').lower()}" if m else "text/html"


def build_site(base: str, n_articles: int, sitemaps: bool = True, feed: bool = True
               ) -> tuple[dict[str, Page], dict[str, Any]]:
    chosen, others, info = choose(n_articles)
    used: set[str] = set()
    pages: dict[str, Page] = {}
    posts: list[Entry] = []
    ours: dict[str, str] = {}
    placed: list[tuple[str, dict, Path, str, str]] = []  # url, item, file, path, kind/label
    for i, (url, item, path) in enumerate(chosen):
        data = path.read_bytes()
        title = page_title(data) or f"News {i + 1}"
        slug = slug_for(url, title, used)
        when = START - timedelta(days=i, hours=i % 7)
        summary = page_summary(data) or title
        entry = Entry(title=title, path=f"/news/{slug}/",
                      body=[Block("p", summary.replace("[", "(").replace("]", ")"))],
                      published=when, modified=when, author="Press Office", ident=1000 + i, slug=slug,
                      tags=[list(COUNCIL.tag_names)[i % 3]] if i % 2 == 0 else [])
        posts.append(entry)
        ours[_url_key(url)] = entry.path
        placed.append((url, item, path, entry.path, "article"))
    for url, item, path, label in others:
        title = page_title(path.read_bytes()) or label
        slug = slug_for(url, title, used)
        here = f"/{SECTION.get(label, 'pages')}/{slug}/"
        ours[_url_key(url)] = here
        placed.append((url, item, path, here, label))
    for _url, _item, path, here, _label in placed:  # a page's own canonical link leads to it too
        m = _CANONICAL.search(path.read_bytes())
        if m:
            ours.setdefault(_url_key(htmlmod.unescape(next(g for g in m.groups() if g).decode("latin-1"))), here)
    for url, item, path, here, label in placed:
        data = path.read_bytes()
        pages[here] = Page(here, rewrite(data, url, base, ours), content_type(data),
                           "article" if label == "article" else "non-item", label, url, item)

    b = WordPressBuilder(COUNCIL, posts, [], Path("."))

    def doc(title: str, path: str, head: str, body_class: str, main: str) -> bytes:
        out = b.document(title, path, head, body_class, main)
        menu = "".join(f'<li class="menu-item"><a href="{h}">{t}</a></li>' for t, h in (
            ("Home", "/"), ("News", "/news/"), ("Press releases", "/press-releases/"), ("Events", "/events/?month=1"),
            ("Services", "/services/"), ("Resources", "/resources/"), ("About", "/about/"), ("Contact", "/contact/")))
        out = re.sub(r'<ul id="primary-menu" class="menu">.*?</ul>', f'<ul id="primary-menu" class="menu">{menu}</ul>',
                     out, flags=re.S)
        months = "".join(f'<li><a href="/events/?month={m}">{datetime(2024, m, 1):%B} 2024</a></li>'
                         for m in range(1, 13))
        out = out.replace("</aside>", '<section id="events-months" class="widget widget_archive">'
                          '<h2 class="widget-title">'
                          f"Events by month</h2><ul>{months}</ul></section>\n</aside>", 1)
        if not feed:
            out = re.sub(r'<link rel="alternate" type="application/rss\+xml"[^>]*>\n', "", out)
        return out.replace("{{BASE}}", "").encode("utf-8")  # the site's own links: relative

    def add(path: str, label: str, body: bytes) -> None:
        pages[path] = Page(path, body, "text/html; charset=utf-8", "generated", label)

    def teasers(items: list[Entry]) -> str:
        return "".join(parts.teaser(COUNCIL, p) for p in items)

    def head(title: str, path: str, description: str) -> str:
        return parts.website_head(COUNCIL, title, path, description)

    # News listing with /news/page/N/ pagination.
    chunks = [posts[i:i + PER_PAGE] for i in range(0, len(posts), PER_PAGE)]
    for number, chunk in enumerate(chunks, start=1):
        path = "/news/" if number == 1 else f"/news/page/{number}/"
        suffix = f" - Page {number} of {len(chunks)}" if number > 1 else ""
        add(path, "listing", doc(f"News{suffix} - {COUNCIL.name}", path, head("News", path, "News archive"),
                                 "archive blog", parts.archive(COUNCIL, "News", chunk, "/news/", number, len(chunks))))
    # Category archives (linked from every post's footer and the sidebar).
    for number, chunk in enumerate(chunks, start=1):
        path = "/category/news/" if number == 1 else f"/category/news/page/{number}/"
        add(path, "listing", doc(f"Category: News - {COUNCIL.name}", path, head("Category: News", path, "News"),
                                 "archive category", parts.archive(COUNCIL, "Category: News", chunk, "/category/news/",
                                                                   number, len(chunks))))
    add("/category/events/", "listing", doc(f"Category: Events - {COUNCIL.name}", "/category/events/",
                                            head("Category: Events", "/category/events/", "Events"), "archive category",
                                            parts.archive(COUNCIL, "Category: Events", [], "/category/events/", 1, 1)))
    # Press releases: every third article, ?page=N.
    press = posts[::3]
    pchunks = [press[i:i + PER_PAGE] for i in range(0, len(press), PER_PAGE)]
    for number, chunk in enumerate(pchunks, start=1):
        path = "/press-releases/" + ("" if number == 1 else f"?page={number}")
        nav = "".join(
            f'<span class="page-numbers current">{n}</span>' if n == number else
            f'<a class="page-numbers" href="/press-releases/{"" if n == 1 else f"?page={n}"}">{n}</a>'
            for n in range(1, len(pchunks) + 1))
        if number < len(pchunks):
            nav += f'<a class="next page-numbers" href="/press-releases/?page={number + 1}">Next</a>'
        main = ('<header class="page-header"><h1 class="page-title">Press releases</h1></header>\n'
                '<p>Press releases of the City Council.</p>\n' + teasers(chunk) +
                f'<nav class="navigation pagination"><div class="nav-links">{nav}</div></nav>\n')
        add(path, "listing", doc(f"Press releases - {COUNCIL.name}", path,
                                 '<meta name="description" content="Press">\n', "page", main))
    # Tag pages.
    for tag, name in COUNCIL.tag_names.items():
        tagged = [p for p in posts if tag in p.tags]
        tchunks = [tagged[i:i + PER_PAGE] for i in range(0, len(tagged), PER_PAGE)] or [[]]
        for number, chunk in enumerate(tchunks, start=1):
            path = f"/tag/{tag}/" if number == 1 else f"/tag/{tag}/page/{number}/"
            add(path, "tag", doc(f"{name} - {COUNCIL.name}", path, head(f"Tag: {name}", path, f"{name} archive"),
                                 "archive tag", parts.archive(COUNCIL, f"Tag: {name}", chunk, f"/tag/{tag}/", number,
                                                              len(tchunks))))
    # The events calendar: a month grid per month of 2024 (The Events Calendar's markup, simplified).
    events = ["Council open day", "Farmers' market", "Plenary session", "Library reading club", "Concert in the park"]
    for month in range(1, 13):
        first = datetime(2024, month, 1)
        days = ((datetime(2024 + month // 12, month % 12 + 1, 1) - first).days)
        offset = first.weekday()
        rows, day = [], 1 - offset
        while day <= days:
            row = []
            for _ in range(7):
                if 1 <= day <= days:
                    ev = ""
                    if day % 7 in (2, 5):
                        name = events[(day + month) % len(events)]
                        ev = (f'<div class="tribe-events-calendar-month__calendar-event"><h3 class="event-title">'
                              f'{esc(name)}</h3><time datetime="2024-{month:02d}-{day:02d}">10:00 - 14:00</time></div>')
                    row.append('<td class="tribe-events-calendar-month__day">'
                               f'<time datetime="2024-{month:02d}-{day:02d}">{day}</time>{ev}</td>')
                else:
                    row.append('<td class="tribe-events-calendar-month__day '
                               'tribe-events-calendar-month__day--other"></td>')
                day += 1
            rows.append("<tr>" + "".join(row) + "</tr>")
        nav = "".join([f'<a class="prev" href="/events/?month={month - 1}">{datetime(2024, month - 1, 1):%B}</a> '
                       if month > 1 else "",
                       f'<a class="next" href="/events/?month={month + 1}">{datetime(2024, month + 1, 1):%B}</a>'
                       if month < 12 else ""])
        main = (f'<header class="page-header"><h1 class="page-title">Events in {first:%B} 2024</h1></header>\n'
                '<p>Open days, concerts, markets and sessions of the City Council.</p>\n'
                '<table class="tribe-events-calendar-month"><thead><tr>'
                + "".join(f"<th>{d}</th>" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
                + "</tr></thead><tbody>" + "".join(rows) + f"</tbody></table>\n{nav}\n")
        path = f"/events/?month={month}"
        add(path, "calendar", doc(f"Events - {COUNCIL.name}", path, '<meta name="description" content="Events">\n',
                                  "events", main))
    # Section pages linking the real non-items, service pages, a contact form, search results, home.
    def section(path: str, title: str, intro: str, labels: set[str], extra: list[tuple[str, str]]) -> None:
        links = [(pages[p].path, page_title(pages[p].body) or pages[p].label) for p in pages
                 if pages[p].kind == "non-item" and pages[p].label in labels] + extra
        main = (f'<article class="page type-page"><header class="entry-header"><h1 class="entry-title">{esc(title)}'
                f'</h1></header>\n<div class="entry-content">\n<p>{esc(intro)}</p>\n<ul>'
                + "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in links) + "</ul>\n</div></article>\n")
        add(path, "section", doc(f"{title} - {COUNCIL.name}", path, head(title, path, intro), "page", main))

    services = [("Waste collection", "waste-collection", [
        "Household waste is collected twice a week in every district of the city. Put your bins out after 8 pm on "
        "the evening before the collection day and take them back in by the next evening.",
        "Glass, paper and packaging go to the coloured containers in the street. Bulky items are collected free of "
        "charge on request: book a collection online or call the service line.",
        "The recycling centre on Station Road accepts garden waste, electrical appliances, paint and batteries from "
        "Monday to Saturday, 9 am to 6 pm."]), ("Parking permits", "parking-permits", [
        "Residents of the controlled parking zones can apply for a permit for one vehicle per household. The permit "
        "is valid for twelve months and costs 60 euros; a second vehicle costs 120 euros.",
        "Apply online with your vehicle registration document and a proof of address not older than three months. "
        "Visitors' vouchers are sold in books of ten at the town hall and in the libraries."])]
    for title, slug, paras in services:
        path = f"/services/{slug}/"
        main = (f'<article class="page type-page"><header class="entry-header"><h1 class="entry-title">{esc(title)}'
                '</h1></header>\n<div class="entry-content">\n' + "".join(f"<p>{esc(p)}</p>\n" for p in paras)
                + "</div></article>\n")
        add(path, "service", doc(f"{title} - {COUNCIL.name}", path, head(title, path, title), "page", main))
    section("/services/", "Services", "Everything the City Council offers residents and businesses.",
            {"service", "contact", "legal", "download", "shop"},
            [(f"/services/{s}/", t) for t, s, _ in services] + [("/contact/", "Contact us")])
    section("/about/", "About the council", "The City Council, its members, its committees and its history.",
            {"about"}, [])
    section("/resources/", "Resources", "Guides, archives, forums, media and documents.",
            {"reference", "forum", "media", "home", "listing", "calendar", "download"}, [])
    contact = ('<article class="page type-page"><header class="entry-header"><h1 class="entry-title">Contact us'
               '</h1></header>\n<div class="entry-content">\n<p>Write to the City Council with the form below; '
               'we answer within five working days. For urgent matters call 010 555 0100.</p>\n'
               '<form class="wpcf7-form" method="post" action="/contact/#wpcf7">'
               '<p><label>Your name<input type="text" name="your-name"></label></p>'
               '<p><label>Your email<input type="email" name="your-email"></label></p>'
               '<p><label>Subject<input type="text" name="your-subject"></label></p>'
               '<p><label>Your message<textarea name="your-message"></textarea></label></p>'
               '<p><input type="submit" value="Send"></p></form>\n</div></article>\n')
    add("/contact/", "form", doc(f"Contact - {COUNCIL.name}", "/contact/", head("Contact", "/contact/", "Contact"),
                                 "page", contact))
    add("/search/?q=library", "search", doc(
        f"Search - {COUNCIL.name}", "/search/?q=library", '<meta name="description" content="Search">\n', "search",
        '<header class="page-header"><h1 class="page-title">Search results for: library</h1></header>\n'
        + teasers(posts[1:6])))
    home = (f'<section class="home-intro"><h1 class="home-title">{esc(COUNCIL.name)}</h1>\n'
            f'<p>{esc(COUNCIL.tagline)}</p></section>\n'
            f'<section class="latest-news"><h2 class="section-title">Latest News</h2>\n{teasers(posts[:3])}'
            '<a class="button all-news" href="/news/">All News</a></section>\n'
            '<ul class="quick-links"><li><a href="/press-releases/">Press releases</a></li>'
            '<li><a href="/events/?month=1">Events</a></li><li><a href="/services/">Services</a></li>'
            '<li><a href="/resources/">Resources</a></li><li><a href="/contact/">Contact</a></li>'
            '<li><a href="/search/?q=library">Library</a></li>'
            + "".join(f'<li><a href="/tag/{t}/">{n}</a></li>' for t, n in COUNCIL.tag_names.items()) + "</ul>\n")
    add("/", "home", doc(f"{COUNCIL.name} - {COUNCIL.tagline}", "/", head(COUNCIL.name, "/", COUNCIL.tagline),
                         "home", home))
    # Machine-readable: robots.txt, the sitemap index, the feed (absolute URLs).
    def xml(path: str, text: str, ctype: str = "application/xml; charset=UTF-8") -> None:
        pages[path] = Page(path, text.replace("{{BASE}}", base).encode("utf-8"), ctype, "file", "file")

    robots = "User-agent: *\nDisallow: /wp-admin/\n" + (f"\nSitemap: {base}/sitemap_index.xml\n" if sitemaps else "")
    pages["/robots.txt"] = Page("/robots.txt", robots.encode(), "text/plain; charset=utf-8", "file", "file")
    if sitemaps:
        xml("/sitemap_index.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/post-sitemap.xml</loc></sitemap><sitemap><loc>{base}/page-sitemap.xml</loc></sitemap>"
            "</sitemapindex>\n")
        xml("/post-sitemap.xml", parts.urlset([(p.path, p.modified) for p in posts]))
        cms = [p for p in pages.values() if p.kind == "generated" and p.label in ("service", "section", "form", "home")]
        cms += [p for p in pages.values() if p.kind == "non-item" and p.label in CMS_PAGES]
        xml("/page-sitemap.xml", parts.urlset([(p.path, START) for p in cms]))
    if feed:
        items = "".join(parts.feed_item(COUNCIL, p) for p in posts[:10])
        xml("/feed/", '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            f'<title>{xml_escape(COUNCIL.name)}</title>\n'
            f'<atom:link href="{base}/feed/" rel="self" type="application/rss+xml" />\n<link>{base}/</link>\n'
            f"<description>{xml_escape(COUNCIL.tagline)}</description>\n{items}</channel>\n</rss>\n",
            "application/rss+xml; charset=UTF-8")
    info["articles"] = len(chosen)
    info["non_items"] = len(others)
    return pages, info


# --- the server ---------------------------------------------------------------------------------

class Site:
    """The pages, served on 127.0.0.1 by a threaded HTTP server; every request is recorded."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, send_body: bool) -> None:
                page = site.pages.get(self.path) or site.pages.get(self.path.split("?")[0])
                bare = self.path.split("?")[0]
                if page is None and not bare.endswith("/") and "." not in self.path.rsplit("/", 1)[-1]:
                    target = site.pages.get(self.path.split("?")[0] + "/")
                    if target is not None:  # /news/x -> /news/x/, as a CMS does
                        page = Page(self.path, b"", status=301, headers={"Location": target.path})
                body = page.body if page else b"<html><body><h1>Not Found</h1></body></html>"
                status = page.status if page else 404
                with site.lock:
                    site.requests.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", page.ctype if page else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (page.headers if page else {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self.answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self.answer(False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the crawl ----------------------------------------------------------------------------------

def crawl(base: str, tmp: Path, direct: bool) -> tuple[dict[str, Any], float, str]:
    config = tmp / "sources.yaml"
    config.write_text(f"sources:\n  - name: {SOURCE}\n    url: {base}/\n    delay: 0\n", encoding="utf-8")
    corpus = tmp / "corpus"
    env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1", "HARVEST_CLEAN_WORKERS": "1",
           "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid"),
           "PREFECT_HOME": str(tmp / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    if direct:
        cmd = [sys.executable, "-m", "crawlers.run", SOURCE, "--config", str(config), "--corpus", str(corpus),
               "--summary", str(tmp / "summary.json")]
    else:
        cmd = [sys.executable, "-m", "flows.cli", "crawl", SOURCE, "--config", str(config), "--corpus", str(corpus),
               "--jobs", "1", "--json"]
    print("$ " + " ".join(c if c != sys.executable else "python" for c in cmd), file=sys.stderr)
    t0 = time.monotonic()
    run = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - t0
    if run.returncode != 0:
        print(f"crawl exited {run.returncode}:\n{run.stderr[-3000:]}", file=sys.stderr)
    summary: dict[str, Any] = {}
    if direct and (tmp / "summary.json").exists():
        summary = json.loads((tmp / "summary.json").read_text(encoding="utf-8"))
    elif not direct:
        try:
            data = json.loads(run.stdout)
            found = data if isinstance(data, list) else data.get("sources") or data.get("summaries") or [data]
            summary = next((s for s in found if isinstance(s, dict) and s.get("source") == SOURCE), found[0])
        except (ValueError, IndexError, AttributeError, StopIteration):
            summary = {"unparsed_stdout": run.stdout[-2000:]}
    return summary, seconds, run.stderr


def export(corpus: Path) -> list[dict[str, Any]]:
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--corpus", str(corpus)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise SystemExit(f"harvest export failed: {run.stderr[-2000:]}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


# --- scoring ------------------------------------------------------------------------------------

def site_path(url: str, base: str) -> str:
    return url[len(base):] if url.startswith(base) else url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=170, help="real articles on the site (default 170)")
    parser.add_argument("--direct", action="store_true", help="crawl with python -m crawlers.run (no Prefect)")
    parser.add_argument("--keep", metavar="DIR", help="keep the corpus, config and report in this folder")
    parser.add_argument("--report", metavar="FILE", help="write every page's outcome as JSON")
    parser.add_argument("--no-sitemaps", action="store_true",
                        help="no sitemaps: the articles are found on the listings and by links only")
    parser.add_argument("--no-feed", action="store_true", help="no RSS feed")
    args = parser.parse_args()
    if not (CACHE / "evaldata.json").exists():
        raise SystemExit(f"the real pages are not unpacked in {CACHE}: run benchmarks/realpages.py once")
    from crawlers.netguard import install

    install()  # this process, too, talks to 127.0.0.1 only
    from storage.ids import canonical_url

    tmp_ctx = tempfile.TemporaryDirectory(prefix="harvest-realsite-")
    tmp = Path(args.keep).resolve() if args.keep else Path(tmp_ctx.name)
    if args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    site = Site()
    base = site.base
    pages, info = build_site(base, args.articles, not args.no_sitemaps, not args.no_feed)
    site.pages = pages
    html_pages = {p: pg for p, pg in pages.items() if pg.kind != "file"}
    articles = {p: pg for p, pg in pages.items() if pg.kind == "article"}
    print(f"site {base}: {len(articles)} real articles ({len(info['short'])} short, {len(info['no_markers'])} "
          f"without article markers), {info['non_items']} real non-items, "
          f"{sum(pg.kind == 'generated' for pg in pages.values())} generated pages", file=sys.stderr)
    with site:
        summary, seconds, stderr = crawl(base, tmp, args.direct)
    corpus = tmp / "corpus"
    records = [r for r in export(corpus) if r.get("source") == SOURCE]
    import sqlite3

    db = sqlite3.connect(corpus / "index.sqlite")
    db.row_factory = sqlite3.Row
    states = {r["url"]: dict(r) for r in db.execute("SELECT url, status, reason, doc_id FROM urls WHERE source = ?",
                                                   (SOURCE,))}
    db.close()
    requested = Counter(p for p, _ in site.requests)
    statuses = Counter(s for _, s in site.requests)
    not_found = sorted({p for p, s in site.requests if s == 404})

    def lookup(path: str) -> Page | None:
        return pages.get(path) or pages.get(path.split("?")[0]) or pages.get(path.rstrip("/") + "/")

    stored: dict[str, dict[str, Any]] = {}
    for r in records:
        path = site_path(r.get("url") or "", base)
        stored[path] = r
    stored_articles = {p: r for p, r in stored.items() if (pg := lookup(p)) is not None and pg.kind == "article"}
    stored_other = {p: r for p, r in stored.items() if p not in stored_articles}
    # Aliases: an article stored under another URL (a duplicate) counts as found.
    alias_of: dict[str, str] = {}
    for p, r in stored.items():
        for a in r.get("aliases") or []:
            url = a.get("url") if isinstance(a, dict) else a
            if url:
                alias_of[site_path(url, base)] = p
    missed = [p for p in articles if p not in stored_articles]
    recall = len(stored_articles) / len(articles)

    # Cleaning of the stored articles against the snippets, beside the cleaning alone.
    crawl_counts, alone_counts, alone_all = Counts(), Counts(), Counts()
    lost: list[dict[str, Any]] = []
    for path, pg in articles.items():
        alone, _, _ = run_project(pg.body, base + path)
        c_alone = count(pg.item, alone)
        alone_all.add(c_alone)
        r = stored_articles.get(path)
        if r is None:
            continue
        text = "\n".join(filter(None, [r.get("title"), r.get("text")]))
        c_crawl = count(pg.item, text)
        crawl_counts.add(c_crawl)
        alone_counts.add(c_alone)
        if c_crawl.tp < c_alone.tp or c_crawl.fp > c_alone.fp:
            t, a = norm(text), norm(alone)
            lost.append({"path": path, "orig": pg.orig, "crawl_tp": c_crawl.tp, "alone_tp": c_alone.tp,
                         "crawl_fp": c_crawl.fp, "alone_fp": c_alone.fp,
                         "crawl_chars": len(text), "alone_chars": len(alone),
                         "lost": [s for s in pg.item["with"] if norm(s) in a and norm(s) not in t],
                         "added": [s for s in pg.item["without"] if norm(s) in t and norm(s) not in a]})

    # --- report ---
    kinds_stored = Counter(r.get("kind") for r in stored.values())
    non_items = [p for p in html_pages if html_pages[p].kind != "article"]
    print(f"\nrealistic news site from real pages: {len(articles)} real articles ({len(info['short'])} short: "
          f"trafilatura fast text < {SHORT} chars; {len(info['no_markers'])} without article markers), "
          f"{info['non_items']} real non-items, {len(non_items) - info['non_items']} generated pages "
          f"(listings, calendar months, tags, sections, services, contact, search, home); "
          f"sitemaps: {'no' if args.no_sitemaps else 'yes'}, feed: {'no' if args.no_feed else 'yes'}")
    print(f"crawl: {'python -m crawlers.run' if args.direct else 'harvest crawl'}, {seconds:.1f} s, "
          f"{len(site.requests)} requests ({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}), "
          f"summary: new {summary.get('new')}, duplicate {summary.get('duplicate')}, "
          f"near_duplicate {summary.get('near_duplicate')}, skipped {summary.get('skipped')}, "
          f"errors {summary.get('errors')}")
    n_stored = len(stored)
    rows = [
        ("articles on the site", str(len(articles))),
        ("articles stored (recall)", f"{len(stored_articles)} ({recall:.3f})"),
        ("  short articles stored",
         f"{sum(p in stored_articles for p in articles if articles[p].orig in info['short'])}"
         f" / {len(info['short'])}"),
        ("  articles without markers stored",
         f"{sum(p in stored_articles for p in articles if articles[p].orig in info['no_markers'])}"
         f" / {len(info['no_markers'])}"),
        ("documents stored", str(n_stored)),
        ("non-items stored (share of stored)", f"{len(stored_other)} ({len(stored_other) / max(1, n_stored):.1%})"),
        ("  real non-items stored",
         f"{sum(lookup(p) is not None and lookup(p).kind == 'non-item' for p in stored_other)}"
         f" / {info['non_items']}"),
        ("  generated non-items stored",
         f"{sum(lookup(p) is None or lookup(p).kind == 'generated' for p in stored_other)}"
         f" / {len(non_items) - info['non_items']}"),
        ("stored kinds", ", ".join(f"{k}: {n}" for k, n in kinds_stored.most_common())),
        ("snippets, stored articles: crawl P / R / F1",
         f"{crawl_counts.p:.3f} / {crawl_counts.r:.3f} / {crawl_counts.f1:.3f}"),
        ("snippets, same pages: harvest clean P / R / F1",
         f"{alone_counts.p:.3f} / {alone_counts.r:.3f} / {alone_counts.f1:.3f}"),
        ("snippets, all articles: harvest clean P / R / F1",
         f"{alone_all.p:.3f} / {alone_all.r:.3f} / {alone_all.f1:.3f}"),
        ("stored articles where the crawl's text is worse than harvest clean's", str(len(lost))),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for k, v in rows:
        print(f"{k:<{width}}  {v}")

    why_counts = Counter(w.split(":")[0] + ":" + w.split(":")[1].split("=")[0] if ":" in w else w
                         for r in stored_articles.values() for w in (r.get("why") or []))
    print("\nreasons of the stored articles (documents with each):")
    print("  " + ", ".join(f"{w} {n}" for w, n in sorted(why_counts.items(), key=lambda t: (-t[1], t[0]))))

    print(f"\nmissed articles ({len(missed)}):")
    for p in missed:
        pg = articles[p]
        state = states.get(canonical_url(base + p))
        if p in alias_of:
            what = f"stored as an alias of {alias_of[p]}"
        elif state:
            what = f"{state['status']}: {state['reason']}"
        elif requested.get(p):
            what = f"requested {requested[p]}x, no state in the index"
        else:
            what = "never requested"
        tags = [t for t, s in (("short", info["short"]), ("no-markers", info["no_markers"])) if pg.orig in s]
        print(f"  {p}  [{', '.join(tags) or '-'}] {what}\n      ({pg.orig})")
    print(f"\nstored non-items ({len(stored_other)}):")
    for p, r in sorted(stored_other.items()):
        pg = lookup(p)
        what = f"real {pg.label}" if pg is not None and pg.kind == "non-item" else (pg.label if pg else "unknown page")
        print(f"  {p}  [{what}] kind={r.get('kind')} why={','.join(r.get('why') or [])}"
              + (f"\n      ({pg.orig})" if pg is not None and pg.orig else ""))
    print(f"\ncrawl text worse than harvest clean on the same page ({len(lost)}):")
    for d in lost:
        print(f"  {d['path']}  with found {d['crawl_tp']} vs {d['alone_tp']}, without found {d['crawl_fp']} vs "
              f"{d['alone_fp']}, chars {d['crawl_chars']} vs {d['alone_chars']}; "
              f"lost {d['lost'][:3]}; added {d['added'][:3]}")
    never = [p for p in html_pages if not requested.get(p) and html_pages[p].kind != "file"]
    print(f"\npages never requested ({len(never)}): "
          + ", ".join(f"{p} [{html_pages[p].label or html_pages[p].kind}]" for p in never[:60])
          + (" …" if len(never) > 60 else ""))
    if not_found:
        print(f"404s ({len(not_found)}): " + ", ".join(not_found[:30]) + (" …" if len(not_found) > 30 else ""))
    rejected = Counter((s["reason"] or "").split(":")[0] for s in states.values() if s["status"] != "stored")
    print("crawl state of the pages not stored, by reason: "
          + ", ".join(f"{k or '-'} {n}" for k, n in rejected.most_common()))

    if args.report or args.keep:
        out = Path(args.report) if args.report else tmp / "report.json"
        out.write_text(json.dumps({
            "base": base, "summary": summary, "seconds": seconds,
            "pages": {p: {"kind": pg.kind, "label": pg.label, "orig": pg.orig,
                          "requested": requested.get(p, 0),
                          "state": states.get(canonical_url(base + p)),
                          "stored": {k: stored[p].get(k) for k in ("kind", "why", "title", "date", "file")}
                          if p in stored else None} for p, pg in html_pages.items()},
            "stored_unknown": [p for p in stored if lookup(p) is None],
            "lost_text": lost, "requests": site.requests}, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
        print(f"\nreport: {out}", file=sys.stderr)
    if not args.keep:
        tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
