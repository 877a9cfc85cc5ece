"""Cleaning: HTML page → title, body paragraphs and metadata, or a rejection with a reason.

Pure functions, no I/O. Steps:
1. ``prune_html``: drop what readers never see or what is never article text (hidden
   elements, templates, cookie banners, share bars, comment areas, related-post blocks);
2. trafilatura (``bare_extraction``, no deduplication: its cache is per process and
   non-deterministic) for the main text and the metadata;
3. ``clean_paragraphs``: line rules for what trafilatura keeps on these CMSs (comment
   notices, skip links, footnote link lists, bylines, image file names, a repeated title);
4. language detection on the cleaned text (the URL's language is unreliable here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from crawlers.metadata import date_candidates, json_ld, ld_author, page_kind, pick_date

MIN_CHARS = 250

# Elements removed before extraction: matched on class/id words.
_PRUNE_CLASS = re.compile(
    r"(^|[\s_-])(cookie|cookies|gdpr|consent|eu-cookie|share|sharing|social-share|sharedaddy|"
    r"addtoany|a2a|print-link|comments?|comment-respond|respond|nocomments|comments-area|"
    r"related|related-posts|yarpp|jp-relatedposts|post-navigation|nav-links|breadcrumbs?|"
    r"skip-link|visually-hidden|screen-reader-text|sr-only|newsletter)($|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Whole lines that are never article text on these sites (see research/sites.md §5).
_BOILERPLATE_LINES = [
    r"comments are (disabled|closed)\.?",
    r"(los )?comentarios est[aá]n (desactivados|cerrados)\.?",
    r"saltar al contingut.*",
    r"skip to (main )?content",
    r"jump to content",
    r"(read more|read more »|lire plus|lee m[aá]s|leer m[aá]s|learn more|continue reading.*|\(\+\))",
    r"share( on (facebook|twitter|x|linkedin|whatsapp|email))?",
    r"(subscribe to rss|subscribe to newsletter).*",
    r"please click here to see all the pictures\.?",
    r"<bound method .*",
    r"esteu aqu[ií]:.*",
    r"\[:[a-z]{0,2}\]",
    r"(print|imprimir|imprimeix)",
    r"(enlaces|links|enllaços|liens)",
    r"\[\d+\]\s*<?\S+>?",
]
_BOILERPLATE_RE = re.compile(r"^\s*(?:" + "|".join(_BOILERPLATE_LINES) + r")\s*$", re.IGNORECASE)
_IMAGE_FILE_RE = re.compile(r"^\s*[\w.-]+\.(png|jpe?g|gif|webp|svg)\s*$", re.IGNORECASE)
_INLINE_REF_RE = re.compile(r"\s?\[\d{1,3}\](?=\W|$)")
_BYLINE_RE = re.compile(
    r"^\s*Posted by (?P<author>.+?),\s*(?P<org>.+?)\s+(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}) "
    r"(?P<year>\d{4})\s+\d+\s+Perspectives?\s*$"
)
_MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}


@dataclass
class Cleaned:
    """The cleaned item."""

    title: str | None
    paragraphs: list[str]
    date: str | None = None
    author: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    sitename: str | None = None
    canonical_url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Rejected:
    """A page that is not stored, and why."""

    reason: str
    detail: str = ""


def prune_html(html: str | bytes) -> etree._Element | None:
    """Parse and remove hidden and non-article elements; ``None`` for unparseable input."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    doomed = []
    total = len(tree.text_content()) or 1
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("template", "noscript", "script", "style", "form", "dialog"):
            doomed.append(el)
            continue
        if el.get("hidden") is not None or el.get("aria-hidden") == "true":
            doomed.append(el)
            continue
        if _HIDDEN_STYLE.search(el.get("style", "")):
            doomed.append(el)
            continue
        if el.tag in ("html", "body", "main", "article"):
            continue
        words = f"{el.get('class', '')} {el.get('id', '')}"
        # A class word alone never removes most of the page (e.g. "entry-content share-on").
        if words.strip() and _PRUNE_CLASS.search(words) and len(el.text_content()) < total / 2:
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()
    return tree


def canonical_link(tree: etree._Element) -> str | None:
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        href = href.strip()
        if href:
            return href
    return None


def clean_paragraphs(lines: list[str], title: str | None) -> tuple[list[str], dict[str, Any]]:
    """Line rules applied after trafilatura; returns paragraphs and metadata found in them."""
    found: dict[str, Any] = {}
    out: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        byline = _BYLINE_RE.match(line)
        if byline:
            found["author"] = byline.group("author").strip()
            found["organisation"] = byline.group("org").strip()
            month = _MONTHS.get(byline.group("month"))
            if month:
                found["date"] = f"{byline.group('year')}-{month:02d}-{int(byline.group('day')):02d}"
            continue
        if _BOILERPLATE_RE.match(line) or _IMAGE_FILE_RE.match(line):
            continue
        line = _INLINE_REF_RE.sub("", line).strip()
        if not line:
            continue
        if out and out[-1] == line:  # a paragraph printed twice in a row
            continue
        out.append(line)
    if title and out and _same_text(out[0], title):
        out = out[1:]
    return out, found


def _same_text(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


def detect_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and confidence (0–1) from the text."""
    if len(text) < 20:
        return None, None
    lang, prob = _identifier().classify(text[:5000])
    return lang, round(float(prob), 3)


_IDENTIFIER = None


def _identifier():  # type: ignore[no-untyped-def]
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def clean(html: str | bytes, url: str, min_chars: int = MIN_CHARS, require_article: bool = True) -> Cleaned | Rejected:
    """Clean one page. ``require_article``: reject pages without article markers
    (publication date, og:type/JSON-LD article) — section pages, contact pages."""
    raw = prune_html(html)
    if raw is None:
        return Rejected("unparseable", "the page could not be parsed as HTML")
    objects = json_ld(raw)
    kind = page_kind(raw, objects)
    canonical = canonical_link(raw)
    candidates = date_candidates(raw, url, objects)
    doc = trafilatura.bare_extraction(
        raw, url=url, with_metadata=True, deduplicate=False, include_comments=False,
        include_tables=True, include_links=False, favor_precision=False,
    )
    if doc is None or not doc.text:
        return Rejected("no_text", "no main text found")
    title = " ".join((doc.title or "").split()) or None
    paragraphs, found = clean_paragraphs(doc.text.split("\n"), title)
    body = "\n\n".join(paragraphs)
    byline = [(found["date"], "byline")] if found.get("date") else []
    when, date_source, untrusted = pick_date(byline + candidates["published"] + [(doc.date or "", "text")])
    modified, modified_source, _ = pick_date(candidates["modified"])
    if require_article and kind != "article" and not (kind == "unknown" and when):
        return Rejected("not_article", f"page type {kind!r}, no article markers")
    if len(body) < min_chars:
        return Rejected("too_short", f"{len(body)} characters < {min_chars}")
    language, confidence = detect_language(body)
    meta: dict[str, Any] = {"page_kind": kind, "language_confidence": confidence, "date_source": date_source}
    if modified:
        meta.update(modified=modified, modified_source=modified_source)
    if untrusted:
        meta["untrusted_dates"] = [u for u in untrusted if u][:5]
    for key in ("categories", "tags"):
        value = getattr(doc, key, None)
        if value:
            meta[key] = list(value)
    if doc.description:
        meta["description"] = doc.description
    if "organisation" in found:
        meta["organisation"] = found["organisation"]
    author = found.get("author") or ld_author(objects) or doc.author
    return Cleaned(
        title=title, paragraphs=paragraphs, date=when, author=author,
        language=language, language_confidence=confidence, sitename=doc.sitename,
        canonical_url=canonical, meta=meta,
    )
