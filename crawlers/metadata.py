"""Metadata with provenance, read from a page's markup: what the page declares itself to be,
its publication and modification dates and where each came from.

Date sources, most trusted first: ``byline`` (a dated byline in the text, see cleaning),
``json-ld`` (schema.org ``datePublished``/``dateModified``), ``meta`` (Open Graph / article /
Dublin Core meta tags), ``time`` (a ``<time datetime>`` element), ``url`` (``/2024/03/08/``),
``text`` (trafilatura's htmldate, which reads the visible text). A date before 1995 or in the
future is not trusted (epoch placeholders such as 1969-12-30 show up on some CMSs).

Every field is read defensively: a value of an unexpected type (an ``@type`` holding objects, a
date that is a list) counts as absent, JSON-LD nested too deeply to be read is skipped, and
values are capped in length (``MAX_TITLE`` and the others below; a longer one is cut at a word
boundary and ends with "…").
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, overload

from lxml import etree

MIN_YEAR = 1995
ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "Report", "PressRelease", "AnalysisNewsArticle"}
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datePublished", "date", "pubdate",
    "publish-date", "publish_date", "DC.date.issued", "DC.date", "dcterms.created", "dcterms.issued",
    "parsely-pub-date", "sailthru.date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified", "last-modified", "dcterms.modified")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
# The XPath expressions of the readers below, compiled once. ``/descendant::x`` selects what
# ``//x`` does, in document order; libxml2 evaluates it 10-20 % faster on the real pages.
_LD_SCRIPTS = etree.XPath('/descendant::script[@type="application/ld+json"]/text()')
_HEADING_PATHS = tuple(etree.XPath(path) for path in ("//article//h1", "//main//h1", "//h1"))
_AUTHOR_LINKS = etree.XPath('/descendant::a[@rel="author"]')
_TAG_LINKS = etree.XPath('/descendant::a[contains(@rel,"tag")]')
_TIME_DATES = etree.XPath("/descendant::time/@datetime")  # every <time>, in document order

# Longest values kept, in characters.
MAX_TITLE = 1000
MAX_AUTHOR = 200
MAX_SITENAME = 200
MAX_ORGANISATION = 200
MAX_DESCRIPTION = 2000
MAX_TAG = 100
MAX_TAGS = 50  # tags per page
MAX_DATE = 100  # an untrusted date value, kept as found
MAX_URL = 2048  # a canonical link longer than this is ignored


@overload
def cap(text: str, limit: int) -> str: ...
@overload
def cap(text: None, limit: int) -> None: ...
@overload
def cap(text: str | None, limit: int) -> str | None: ...


def cap(text: str | None, limit: int) -> str | None:
    """``text`` cut to at most ``limit`` characters (at a word boundary when one is near, "…" at
    the end); unchanged when it is not longer."""
    if text is None or len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def json_ld(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (``@graph`` members included)."""
    out: list[dict[str, Any]] = []
    for script in _LD_SCRIPTS(tree):
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # malformed, or nested deeper than the parser goes
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                out.append(item)
                graph = item.get("@graph")
                if graph is not None:
                    stack.append(graph)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {v for v in (t if isinstance(t, list) else [t]) if isinstance(v, str)}


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: a string or number, the first of a list, a value object's
    ``@value``; ``None`` for anything else."""
    if isinstance(value, list):
        value = next((v for v in value if not isinstance(v, (list, dict))), None)
    elif isinstance(value, dict):
        value = value.get("@value")
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    return str(value)


def page_kind(metas: dict[str, list[str]], objects: list[dict[str, Any]]) -> str:
    """``article`` when the page declares itself one, ``page`` when it declares something
    else (``og:type`` website…), ``unknown`` when it says nothing."""
    og = [v.lower() for v in metas.get("og:type", [])]
    if "article" in og or any(_types(o) & ARTICLE_TYPES for o in objects):
        return "article"
    if metas.get("article:published_time"):
        return "article"
    return "page" if og else "unknown"


def plausible_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` when the value starts with a plausible date, else ``None``."""
    if not value:
        return None
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not m:
        return None
    try:
        parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    if parsed.year < MIN_YEAR or parsed > date.today():
        return None
    return parsed.isoformat()


def meta_tags(tree: etree._Element) -> dict[str, list[str]]:
    """Every ``<meta>`` content by its property / name / itemprop (one pass over the page)."""
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                out.setdefault(key, []).append(content.strip())
    return out


def _meta_values(metas: dict[str, list[str]], names: tuple[str, ...]) -> list[str]:
    return [v for name in names for v in metas.get(name, [])]


_SUFFIX = re.compile(r"(?<!\s)\s++[-|–—:»·]\s+[^-|–—:»·]{2,60}$")


_SEPARATOR = re.compile(r"(?<!\s)\s++(?:[|–—·»:-]|::)\s++")


def _first_heading(tree: etree._Element) -> str | None:
    for path in _HEADING_PATHS:
        for heading in path(tree)[:1]:
            text = " ".join(heading.text_content().split())
            if text:
                return text
    return None


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _without_site_name(title: str, heading: str | None, metas: dict[str, list[str]]) -> str:
    """A shared title without the site's name around it ("Title | Site", "Site - Title"): the
    page's heading when the title starts or ends with it, else the title without the parts that
    name the site (``og:site_name``)."""
    if heading and heading != title and len(heading) >= 10:
        folded, wanted = _fold(title), _fold(heading)
        if wanted and (folded.startswith(wanted) or folded.endswith(wanted)) and _SEPARATOR.search(title):
            return heading
    site = _fold((metas.get("og:site_name") or [""])[0] or "")
    if site:
        parts = _SEPARATOR.split(title)
        while len(parts) > 1 and (_fold(parts[-1]) in site or site in _fold(parts[-1])) and _fold(parts[-1]):
            parts.pop()
        while len(parts) > 1 and (_fold(parts[0]) in site or site in _fold(parts[0])) and _fold(parts[0]):
            parts.pop(0)
        if len(parts) < len(_SEPARATOR.split(title)):
            if len(parts) == 1:
                return " ".join(parts)
            return title[title.find(parts[0]):title.rfind(parts[-1]) + len(parts[-1])]
    return title


def page_title(tree: etree._Element, metas: dict[str, list[str]]) -> str | None:
    """The article's title: Open Graph / Twitter title, else the first heading of the
    article, else the document title without its " – Site name" suffix."""
    heading = _first_heading(tree)
    for key in ("og:title", "twitter:title"):
        for value in metas.get(key, []):
            if value and value.strip():
                return cap(_without_site_name(" ".join(value.split()), heading, metas), MAX_TITLE)
    if heading:
        return cap(heading, MAX_TITLE)
    title = tree.findtext(".//title")
    if title and title.strip():
        return cap(_SUFFIX.sub("", " ".join(title.split())), MAX_TITLE)
    return None


def page_author(tree: etree._Element, metas: dict[str, list[str]], objects: list[dict[str, Any]]) -> str | None:
    author = ld_author(objects)
    if author:
        return cap(author, MAX_AUTHOR)
    for value in metas.get("author", []) + metas.get("article:author", []):
        if value and not value.startswith("http"):
            return cap(value, MAX_AUTHOR)
    link = _AUTHOR_LINKS(tree)
    return cap(" ".join(link[0].text_content().split()), MAX_AUTHOR) or None if link else None


def page_tags(tree: etree._Element, metas: dict[str, list[str]]) -> list[str]:
    tags = metas.get("article:tag", []) + metas.get("article:section", [])
    tags += [" ".join(a.text_content().split()) for a in _TAG_LINKS(tree)]
    return list(dict.fromkeys(cap(t, MAX_TAG) for t in tags if t))[:MAX_TAGS]


def _article_ld(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    return articles or objects


def date_candidates(tree: etree._Element, url: str, objects: list[dict[str, Any]],
                    metas: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """``published`` and ``modified`` candidates as (value, source), most trusted first."""
    ld = _article_ld(objects)
    published = [(v, "json-ld") for o in ld if (v := _ld_text(o.get("datePublished")))]
    modified = [(v, "json-ld") for o in ld if (v := _ld_text(o.get("dateModified")))]
    published += [(v, "meta") for v in _meta_values(metas, _PUBLISHED_META)]
    modified += [(v, "meta") for v in _meta_values(metas, _MODIFIED_META)]
    published += [(v, "time") for v in _TIME_DATES(tree)[:1]]
    m = _URL_DATE.search(url)
    if m:
        published.append((f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", "url"))
    return {"published": published, "modified": modified}


def pick_date(candidates: list[tuple[str | None, str]]) -> tuple[str | None, str | None, list[str | None]]:
    """(date, source, untrusted values): the first plausible candidate wins."""
    untrusted: list[str | None] = []
    for value, source in candidates:
        when = plausible_date(value)
        if when:
            return when, source, untrusted
        untrusted.append(cap(value, MAX_DATE))
    return None, None, untrusted


def ld_author(objects: list[dict[str, Any]]) -> str | None:
    """The article's author name from JSON-LD, when it declares one."""
    for obj in _article_ld(objects):
        author = obj.get("author")
        for item in author if isinstance(author, list) else [author]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and name.strip():
                return name.strip()
    return None
