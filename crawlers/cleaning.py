"""Cleaning: HTML page → title, body paragraphs and metadata, or a rejection with a reason.

Pure functions, no I/O. Steps:
1. the page's own metadata, with provenance (``crawlers.metadata``), read before pruning
   since JSON-LD lives in ``<script>`` elements;
2. ``prune_html``: drop what readers never see or what is never article text (hidden
   elements, templates, cookie banners, share bars, comment areas, related-post blocks), never
   an element that holds a large share of the page's paragraph text; then, for the extraction
   only, the page's frame (``set_frame_aside``: menus, footer, side columns);
3. trafilatura (``bare_extraction``, main text only, with its fallback extractors, no
   deduplication: its cache is per process and non-deterministic); the JSON-LD ``articleBody``
   when the HTML holds much less (a page rendered by a script);
4. ``clean_paragraphs``: line rules for what trafilatura keeps (comment and log-in notices,
   skip links, footnote link lists, bylines, datelines, image file names, photo credits,
   teasers of other stories — a line that is a link's whole text, "Read also: …", a "Related"
   heading and the short lines after it —, a repeated title, signatures); then the page's
   summary as its lead, when the page shows it and the extraction left it out;
5. language detection on the cleaned text (the URL's language is unreliable here).

Each rule of steps 2–4 is in ``STEPS`` and measured on real pages (benchmarks/realpages.py,
ablation table): one that does not gain there does not stay.

Every rule runs in time linear in the length of a line (no backtracking regex: possessive
quantifiers, runs of whitespace matched from their start), so that a hostile line — thousands of
dashes, a "Posted by" line of 600 KB — costs no more than its length. Metadata that cannot be read
(a malformed JSON-LD, an odd ``@type``) is unknown, and the page is cleaned all the same.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from crawlers.classwords import ClassWords
from crawlers.discovery import _META_CHARSET, anchors, decode_html
from crawlers.items import page_structure, paragraph_chars
from crawlers.metadata import (
    MAX_AUTHOR,
    MAX_DESCRIPTION,
    MAX_ORGANISATION,
    MAX_SITENAME,
    MAX_URL,
    cap,
    date_candidates,
    json_ld,
    meta_tags,
    page_author,
    page_kind,
    page_tags,
    page_title,
    pick_date,
)

MIN_CHARS = 250
# trafilatura without its fallback extractors (readability, jusText), a page's text extracted again
# with them when it is doubtful (``_doubtful``). Off: on the real pages of benchmarks/realpages.py
# the full extraction scores higher (F1) at a cost that keeps cleaning faster than plain
# trafilatura; the benchmark measures both.
FAST = False

# The project's own cleaning steps, each of which can be switched off (for measurement:
# benchmarks/realpages.py). All are on unless named in DISABLED.
STEPS = (
    "prune_hidden",  # hidden elements, templates, noscript copies, scripts, styles, dialogs
    "prune_classes",  # cookie banners, share bars, comments, related posts… by class/id words
    "prune_related",  # a "Related posts" heading and the block after it
    "prune_layout",  # the page's menus, footer and side columns (<nav>, <footer>, <aside>), for the extraction
    "prune_widgets",  # icons and controls (<svg>, <select>, <button>, <input>, <picture>), for the extraction
    "prune_head",  # the <head>'s <meta>, <link> and <base> elements, for the extraction
    "byline",  # "Posted by … Perspectives" lines, parsed into author, organisation and date
    "line_boilerplate",  # whole lines that are never article text
    "image_names",  # image file names on a line of their own
    "inline_refs",  # inline footnote markers "[1]"
    "table_rows",  # a table row's outer "|" frame
    "doubled",  # a paragraph printed twice in a row
    "header_lines",  # the title again, a breadcrumb, a dateline among the first lines
    "signature",  # an author's name or "<Org> Writer" at the end
    "link_lines",  # a line that is the whole text of one of the page's links: a teaser, a menu entry
    "teaser_prefix",  # "Read also: <headline>", "Lesen Sie auch: …", "Lea también: …"
    "related_tail",  # a "More on this" heading and the short lines after it
    "credits",  # photo credits and copyright lines
    "notices",  # "log in to comment", "no comments yet"
    "ld_body",  # the JSON-LD articleBody, when the page's HTML holds much less text
    "lead",  # the page's summary, when the page shows it and the extraction left it out
    "recall_rerun",  # extracted again favouring recall when the page holds a much longer run of text
)
DISABLED: set[str] = set()

# Elements removed before extraction: matched on class/id words.
_PRUNE_WORDS = ClassWords((
    "cookie", "cookies", "gdpr", "consent", "eu-cookie", "share", "sharing", "social-share", "sharedaddy",
    "addtoany", "a2a", "print-link", "comment", "comments", "comment-respond", "respond", "nocomments",
    "comments-area", "related", "related-posts", "yarpp", "jp-relatedposts", "relpost-thumb-wrapper", "relpost",
    "post-suggestions", "suggestions", "you-may-also-like", "read-next", "more-posts", "post-navigation",
    "nav-links", "breadcrumb", "breadcrumbs", "skip-link", "visually-hidden", "element-invisible",
    "element-hidden", "screen-reader-text", "sr-only", "newsletter"))
_PRUNE_CLASS = _PRUNE_WORDS.pattern  # the same words as an expression
# Pre-selection (in C) of the elements the checks below may concern: those that carry one of the
# attributes they read, by one XPath, and those of ``_CANDIDATE_TAGS``, by tree iteration. (One
# XPath union of both took twice as long: each ``//`` part walks the whole document, and the union
# is sorted back into document order, which the pruning does not need.)
_ATTRIBUTED = etree.XPath("/descendant::*[@class or @id or @style or @hidden or @aria-hidden]")
_CANDIDATE_TAGS = ("template", "noscript", "script", "style", "dialog")
# A heading that announces a block of other stories; the block after it goes too.
_RELATED_HEADING = re.compile(
    r"^\s*+(related (posts|news|articles|stories)|you (may|might) also like|read (also|next|more)|more news|"
    r"noticias relacionadas|art[ií]culos relacionados|articles similaires|[àa] lire aussi|"
    r"not[ií]cies relacionades|ilgili haberler)\s*+:?\s*$", re.IGNORECASE)
# The page's body (an outer one) and what readers never see in it.
_BODIES = etree.XPath("/descendant::body[not(ancestor::body)]")
_UNSEEN = frozenset(("script", "style", "template"))
_STRING = etree.XPath("string()")  # an element's text, its descendants' and their tails
_HEADINGS = etree.XPath("//h2|//h3|//h4|//h5|//p[strong]|//strong")
_CANONICAL = etree.XPath('/descendant::link[@rel="canonical"]/@href')
_KEEP_SHARE = 0.4  # an element with more of the page's paragraph text than this is never pruned
_HIDDEN_STYLE = re.compile(r"display\s*+:\s*+none|visibility\s*+:\s*+hidden", re.IGNORECASE)

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
    r"reading time:? *\d+ *min(ute)?s?\.?",
    r"\d+ *min(ute)?s? read",
    r"your content goes here\..*",
    r"no perspectives yet\..*",
    r"(?=[\s:|-]*?---)[\s:|-]++",  # a markdown table's separator row: only "-", ":", "|", spaces
]
# After a print view's "Links" heading: its footnote links, "[1] http://…".
_LINKS_HEADING = re.compile(r"^\s*+(?:enlaces|links|enllaços|liens)\s*+:?\s*$", re.IGNORECASE)
_FOOTNOTE_LINK = re.compile(r"^\s*+\[\d+\]\s*+<?\S+>?\s*$")
_BOILERPLATE_RE = re.compile(r"^\s*+(?:" + "|".join(_BOILERPLATE_LINES) + r")\s*$", re.IGNORECASE)
# A teaser of another story: "<prefix>: <headline>" (prefix words in the network's languages and
# those of the real evaluation pages).
_TEASER_PREFIX = re.compile(
    r"^(?:>>\s*+)?(?:read (?:also|more|next)|also read|see also|more on this|related|recommended|"
    r"lesen sie (?:auch|hier|mehr)|lies auch|mehr (?:dazu|zum thema)|siehe auch|auch interessant|"
    r"[àa] lire (?:aussi|[eé]galement)|lire aussi|voir aussi|sur le m[eê]me sujet|"
    r"lea (?:tambi[eé]n|m[aá]s)|lee (?:tambi[eé]n|m[aá]s)|puedes ver|te puede interesar|ver tambi[eé]n|"
    r"llegiu tamb[eé]|vegeu tamb[eé]|leia tamb[eé]m|leggi anche|czytaj (?:te[zż]|tak[zż]e)|zobacz (?:te[zż]|tak[zż]e)|"
    r"dowiedz si[eę] wi[eę]cej|ayr[ıi]ca bak[ıi]n(?:[ıi]z)?|ilgili haber)\s*+[:»>|–—-]\s*+\S", re.IGNORECASE)
# A heading that opens a block of other stories at the end of a text.
_RELATED_TAIL = re.compile(
    r"^(?:related(?: posts| news| articles| stories)?|more (?:news|stories|on this(?: topic)?|from \w+)|"
    r"you (?:may|might) also like|recommended(?: for you| articles)?|read (?:also|next|more)|see also|"
    r"auch interessant|das (?:k[oö]nnte|d[uü]rfte) (?:dich|sie) auch interessieren|"
    r"k[oö]nnte (?:dich|sie) auch interessieren|schon gelesen|lesen sie auch|"
    r"weitere (?:artikel|beitr[aä]ge|themen|nachrichten|meldungen)(?: zum thema)?|mehr zum thema|"
    r"empfohlene (?:beitr[aä]ge|artikel)|[aä]hnliche (?:beitr[aä]ge|artikel)|verwandte (?:beitr[aä]ge|artikel)|"
    r"(?:[àa] )?lire aussi|sur le m[eê]me sujet|articles? similaires|dans la m[eê]me rubrique|"
    r"noticias relacionadas|art[ií]culos relacionados|tambi[eé]n te puede interesar|te puede interesar|"
    r"not[ií]cies relacionades|mat[eé]rias relacionadas|leia tamb[eé]m|articoli correlati|"
    r"czytaj (?:te[zż]|tak[zż]e)|zobacz (?:te[zż]|tak[zż]e)|ilgili haberler)\s*+[:.!?]?$", re.IGNORECASE)
# Photo credits and copyright lines.
_CREDIT = re.compile(
    r"^(?:\(?(?:fotos?|photos?|bild(?:er)?|titelbild|beitragsbild|headerbild|titelfoto|image|images|imagen|"
    r"cr[eé]dits? photos?|cr[eé]dits?|picture|pictures|foto de portada|copyright)\s*+(?:[:©]|\(c\))"
    r"|©|\(c\)\s)", re.IGNORECASE)
_NOTICE = re.compile(
    r"(?:eingeloggt|angemeldet) sein|logged in to (?:comment|post)|log in to (?:comment|reply|post)|"
    r"must be logged in|noch keine kommentare|keine kommentare|no comments yet|be the first to comment|"
    r"schreibe einen kommentar|leave a (?:comment|reply)|kommentar (?:schreiben|verfassen)|"
    r"sie sind (?:aktuell |derzeit )?nicht eingeloggt|deja un comentario|laisser un commentaire", re.IGNORECASE)
_IMAGE_FILE_RE = re.compile(r"^\s*+[\w.-]+\.(png|jpe?g|gif|webp|svg)\s*$", re.IGNORECASE)
_MONTH_WORDS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|octubre|noviembre|diciembre|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|"
    "septembre|octobre|novembre|décembre|decembre|gener|febrer|març|maig|juny|juliol|agost|setembre|"
    "octubre|novembre|desembre|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miércoles|jueves|viernes|"
    "lundi|mardi|mercredi|jeudi|vendredi|dilluns|dimarts|dimecres|dijous|divendres|de|d|del|le|el|the|of|"
    "posted|on|publicado|publié|publicat|virtual|online|am|pm"
)


def _words(alternatives: str) -> str:
    """``a|b|…`` as a regex alternation grouped by first letter (each position of a line is tried
    against the few words with its letter, not against all of them)."""
    groups: dict[str, list[str]] = {}
    for word in dict.fromkeys(alternatives.split("|")):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items()) + ")"


# A dateline alone on a line near the top ("29 August 2017", "18-20 May 2021 | Virtual",
# "DIMARTS 30 DESEMBRE 1969", "Le 5 septembre 2024", "01.02.2020"): metadata, not text. Only
# numbers, date words and separators (and one short word at the end), with a digit and a month
# name or a numeric date among them.
_DATELINE_RE = re.compile(
    r"^(?=(?:\d++|[\s,./|–—:'’-]|" + _words(_MONTH_WORDS) + r"\b)+(?:(?<!\s)\s++\w{1,12})?$)(?=\D*+\d)"
    r"(?=.*?(?:\b" + _words(_MONTH_WORDS.split("|monday")[0]) + r"\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}))",
    re.IGNORECASE)
_BREADCRUMB_RE = re.compile(r"^(.{1,60}?\s(>|›|»|/)\s){2,}")
# A footnote marker inside a line ("…the plan.[2] The…"); one that opens a line is the note's own
# number, and stays.
_INLINE_REF_RE = re.compile(r"(?<=\S)\s?\[\d{1,3}\](?=\W|$)")
_BYLINE_RE = re.compile(
    r"^\s*+Posted by (?P<author>[^,]+),\s*+(?P<org>.+?)(?<!\s)\s++(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}) "
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The text encodings a page may declare (Python's names for the WHATWG encodings, plus UTF-32):
# a declared charset naming anything else — ``idna``, ``punycode``, ``rot13``, ``base64``,
# ``zlib``, ``hex``, ``utf-7``, ``undefined``… — is ignored, as if the page declared none.
_TEXT_CODECS = frozenset(codecs.lookup(name).name for name in (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii", "latin-1",
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
    *(f"cp{n}" for n in (866, 874, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258)),
    "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "tis-620", "gb2312", "gbk", "gb18030", "big5", "big5hkscs",
    "cp950", "euc-jp", "iso2022-jp", "shift-jis", "cp932", "euc-kr", "cp949",
))


def text_charset(name: str | None) -> str | None:
    """``name`` (stripped) when it names a text encoding that web pages use, else ``None``."""
    name = (name or "").strip()
    if not name:
        return None
    try:
        codec = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    return name if codec.name in _TEXT_CODECS else None


def decode_page(body: bytes, header_charset: str | None) -> str:
    """A page's bytes as text (``crawlers.discovery.decode_html``: a BOM, then valid UTF-8, then the
    declared charset, then windows-1252), where a declared charset counts only when it names a
    text encoding (``text_charset``): a page that declares ``idna`` or ``base64`` is decoded as
    one that declares nothing."""
    charset = text_charset(header_charset)
    if charset is None:
        meta = _META_CHARSET.search(body[:4096])
        if meta and text_charset(meta.group(1).decode("ascii", errors="ignore")) is None:
            charset = "windows-1252"  # what an undeclared page is decoded as
    try:
        return decode_html(body, charset)
    except (UnicodeError, LookupError, ValueError):
        return body.decode("windows-1252", errors="replace")


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,200}\?>")


def _html_parser(encoding: str | None = None) -> etree.HTMLParser:
    """lxml.html's parser (``lxml.html.html_parser``: the same options, the same element
    classes), its element classes found by lxml itself instead of by a Python method called for
    every element a tree walk touches (``lxml.html.HtmlElementClassLookup.lookup``: thousands of
    calls per page, in the cleaning, trafilatura and htmldate). Parsed HTML has lower-case tag
    names, as the classes are registered. Without libxml2's table of ``id`` attributes
    (``collect_ids``, as trafilatura's own parser): nothing here looks an element up by its id
    (attributes are read as attributes), and the cleaning of 990 real pages gave the same results
    in 0.08-0.17 ms less a page (two runs, both parsers alternating page by page)."""
    fallback = etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
                                               pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)
    lookup = etree.ElementNamespaceClassLookup(fallback)
    by_tag = lookup.get_namespace(None)
    for tag, cls in lxml.html.HtmlElementClassLookup._default_element_classes.items():  # noqa: SLF001
        by_tag[tag] = cls
    parser = etree.HTMLParser(encoding=encoding, collect_ids=False)
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()
# The page's text is parsed as UTF-8 bytes, the encoding given (any charset declared in the page
# is not read): the same tree as from the text itself, in a fifth less time, libxml2 converting
# no text (on 2,990 real and bench pages, the serialized trees were identical). The control
# characters (``_CONTROL``, all ASCII: each is one byte of its own in UTF-8) become spaces in the
# same pass, a byte table's (the text's regular expression took 0.7 ms a real page).
_UTF8_PARSER = _html_parser("utf-8")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL_SPACES = bytes.maketrans(_CONTROL_BYTES, b" " * len(_CONTROL_BYTES))


def parse_html(html: str | bytes) -> etree._Element | None:
    """The page as an lxml tree, ``None`` when it cannot be parsed."""
    if isinstance(html, bytes):
        html = decode_page(html, None)  # a BOM, valid UTF-8, the <meta> charset, windows-1252
    # An XHTML page's XML declaration names an encoding that no longer applies to decoded text
    # (lxml refuses such a string): it is dropped.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8, the text itself is parsed
        data = None
    try:
        if data is not None:
            return lxml.html.document_fromstring(data.translate(_CONTROL_SPACES), parser=_UTF8_PARSER)
        return lxml.html.document_fromstring(_CONTROL.sub(" ", html), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


# The visible text nodes of a page without templates whose scripts and styles hold text only (as
# parsed HTML's do): a text node's parent tells whether it is in one. Plain strings (no "smart"
# string with its parent), in C: 0.7 ms a real page against 1.3 for the walk below.
_VISIBLE_TEXTS = etree.XPath(
    "/descendant::body[not(ancestor::body)]/descendant::text()[not(parent::script or parent::style)]",
    smart_strings=False)


def _simple_page(tree: etree._Element) -> bool:
    """Whether the document holds no template, and no script or style with an element in it."""
    root = tree.getroottree().getroot()
    for top in (root, *root.itersiblings(), *root.itersiblings(preceding=True)):
        for el in top.iter("template", "script", "style"):
            if el.tag == "template" or len(el):
                return False
    return True


def visible_texts(tree: etree._Element) -> list[str]:
    """The text nodes of the page's body that are in no script, style or template, in document
    order: what ``//body//text()[not(ancestor::script or ancestor::style or ancestor::template)]``
    selects, read by ``_VISIBLE_TEXTS`` on a page where only a text node's parent can be one of
    them, else in one walk of the tree (the XPath looks up every text node's ancestors)."""
    if _simple_page(tree):
        return _VISIBLE_TEXTS(tree)  # type: ignore[no-any-return]
    out: list[str] = []
    for body in _BODIES(tree):
        unseen = any(up.tag in _UNSEEN for up in body.iterancestors())
        stack: list[tuple[Any, bool]] = [(body, unseen)]
        while stack:
            node, hidden = stack.pop()
            if isinstance(node, str):  # a tail, read after its element
                out.append(node)
                continue
            hidden = hidden or node.tag in _UNSEEN
            if not hidden and node.text and isinstance(node.tag, str):  # a comment's text is no text node
                out.append(node.text)
            for child in reversed(node):
                if child.tail and not hidden:
                    stack.append((child.tail, hidden))
                stack.append((child, hidden))
    return out


class VisibleText:
    """The visible text nodes of a page's tree as parsed (``visible_texts``), read once for the
    steps that need them (the check of the page's summary, the pruning of hidden elements)."""

    __slots__ = ("tree", "_texts")

    def __init__(self, tree: etree._Element) -> None:
        self.tree = tree
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = visible_texts(self.tree)
        return self._texts

    def length(self) -> int:
        """The characters of the visible text nodes (``texts``, summed), read from the texts when
        they were read already, else in C: each body's string value less those of the script,
        style and template elements in it that are in no other one."""
        if self._texts is not None:
            return sum(map(len, self._texts))
        total = 0
        for body in _BODIES(self.tree):
            if any(up.tag in _UNSEEN for up in body.iterancestors()):
                continue
            total += len(_STRING(body))
            for el in body.iter(*_UNSEEN):
                up = el.getparent()
                while up is not None and up is not body and up.tag not in _UNSEEN:
                    up = up.getparent()
                if up is body:  # not inside another unseen element
                    total -= len(_STRING(el))
        return total


# Class and id attributes met, and whether a word of ``_PRUNE_CLASS`` is among them: a site's
# pages share their templates' class names, each searched once per worker. Short ones only, at
# most ``_WORDS_KEPT`` of them (then forgotten all at once).
_CLASS_WORDS: dict[str, bool] = {}
_WORDS_KEPT = 20_000
_WORDS_LONGEST = 200


def _prune_words(attrs: str) -> bool:
    """Whether ``attrs`` (an element's class and id) holds a word of ``_PRUNE_CLASS``."""
    hit = _CLASS_WORDS.get(attrs)
    if hit is None:
        hit = _PRUNE_WORDS.search(attrs)
        if len(attrs) <= _WORDS_LONGEST:
            if len(_CLASS_WORDS) >= _WORDS_KEPT:
                _CLASS_WORDS.clear()
            _CLASS_WORDS[attrs] = hit
    return hit


class _PageProse:
    """The guard of the pruning and of the frame: whether an element holds more than
    ``_KEEP_SHARE`` of the page's paragraph text (the page's measured once, when first needed)."""

    __slots__ = ("tree", "total")

    def __init__(self, tree: etree._Element) -> None:
        self.tree = tree
        self.total: int | None = None

    def holds_body(self, el: etree._Element) -> bool:
        prose = paragraph_chars(el)
        if not prose:
            return False
        if self.total is None:
            self.total = paragraph_chars(self.tree) or 1
        return prose > _KEEP_SHARE * self.total


def _candidates(tree: etree._Element) -> list[etree._Element]:
    """The document's elements of ``_CANDIDATE_TAGS``, then the others that carry a class, id,
    style, hidden or aria-hidden attribute, each once. The whole document, as the absolute XPath
    reads it: the elements after (or before) the root element too."""
    root = tree.getroottree().getroot()
    tops = (root, *root.itersiblings(), *root.itersiblings(preceding=True))
    tagged = [el for top in tops for el in top.iter(*_CANDIDATE_TAGS)]
    return tagged + [el for el in _ATTRIBUTED(tree) if el.tag not in _CANDIDATE_TAGS]


def prune_html(tree: etree._Element, visible: VisibleText | None = None) -> etree._Element:
    """Remove what readers never see and what is never article text (in place).

    An element that holds a large share of the page's paragraph text is never removed by a
    class word or by being hidden: a body wrapped in ``class="entry share"`` or
    ``"no-share"``, an article revealed by a script, or a page whose text sits in
    ``<noscript>``, is the article. ``visible``: the tree's visible text, when it was read
    already (the tree unchanged since)."""
    guard = _PageProse(tree)
    page_text: int | None = None
    doomed = []  # removed once every element is judged (on the page as it was), in any order
    by_class = "prune_classes" not in DISABLED
    by_hiding = "prune_hidden" not in DISABLED
    for el in _candidates(tree):  # elements only: their tags are strings
        tag = el.tag
        if tag in _UNSEEN:
            # JSON-LD stays: trafilatura's fallback reads the article body it declares.
            if by_hiding and el.get("type") != "application/ld+json":
                doomed.append(el)
            continue
        style = el.get("style")
        hidden = tag in ("noscript", "dialog") or el.get("hidden") is not None \
            or el.get("aria-hidden") == "true" or (style is not None and _HIDDEN_STYLE.search(style) is not None)
        if hidden:
            if not by_hiding:
                continue
        else:
            if not by_class or tag in ("html", "body", "main", "article"):
                continue
            attrs = f"{el.get('class', '')} {el.get('id', '')}"
            hit = _CLASS_WORDS.get(attrs)
            if not (_prune_words(attrs) if hit is None else hit):
                continue
        if guard.holds_body(el):
            continue
        if hidden:
            # A page whose text sits in divs, hidden until a script shows it.
            if page_text is None:
                page_text = (visible or VisibleText(tree)).length() or 1
            if len(el.text_content()) > page_text / 2:
                continue
        doomed.append(el)
    for heading in _HEADINGS(tree) if "prune_related" not in DISABLED else ():
        if _RELATED_HEADING.match(heading.text_content() or ""):
            nxt = heading.getnext()
            if nxt is not None and nxt.tag in ("ul", "ol", "div", "section", "nav"):
                doomed.append(nxt)
                doomed.append(heading)
            # else: the heading stays, and the line rule ``related_tail`` drops it with the
            # short lines after it
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return tree


# The page's frame: its menus, its footer, its side columns. trafilatura drops them from the tree it
# extracts from, but its fallbacks (readability, jusText), its baseline and its measure of the
# page's text read the whole page, and each of its passes walks them: on the 990 real pages of
# benchmarks/realpages.py they hold a fifth of a page's elements, and the cleaning takes 3 ms a
# page less without them (13 %). They go under the guard the class words have (never one with
# much of the page's paragraph text: some themes put the article in an <aside>): 3 texts change,
# 4 snippets that should not be there fewer, none of those that should be there lost. htmldate
# reads them again (``Frame.restore``): a footer's date is often the only one a page has.
_LAYOUT = ("nav", "footer", "aside")
# With them, the icons and controls that trafilatura also drops from the tree it extracts from:
# vector icons (their paths), drop-down lists (an archive's months, a language switcher), buttons,
# form fields, <picture>'s sources. 6 % of a real page's elements left after the pruning and the
# frame; no text of the 990 real pages changes without them.
_WIDGETS = ("svg", "select", "button", "input", "picture")
# And the <head>'s data: its <meta>, <link> and <base> elements, read before (metadata, canonical
# URL) and after (htmldate), never by the extraction, which copies them with the tree on each of its
# passes. No text of the 990 real pages changes without them.
_HEAD_DATA = ("meta", "link", "base")


class Frame:
    """The layout elements taken out of a tree (``set_frame_aside``), and how to put them back."""

    def __init__(self) -> None:
        # (element, parent, its index there, the element before it or None, characters of its
        # tail added to that element's tail, or to the parent's text)
        self.removed: list[tuple[etree._Element, etree._Element, int, etree._Element | None, int]] = []

    def restore(self) -> None:
        """The tree as it was before (the elements back in place, their tails with them)."""
        while self.removed:
            el, parent, index, before, added = self.removed.pop()
            if added:
                if before is not None:
                    before.tail = before.tail[:-added] or None
                else:
                    parent.text = parent.text[:-added] or None
            parent.insert(index, el)


def set_frame_aside(tree: etree._Element) -> Frame:
    """Take the page's ``<nav>``, ``<footer>`` and ``<aside>`` elements (and its ``_WIDGETS``, and
    the ``_HEAD_DATA`` of its ``<head>``) out of the (pruned) tree, their tails left in place as
    ``drop_tree`` leaves them, except one that holds more than ``_KEEP_SHARE`` of the page's
    paragraph text. ``Frame.restore`` puts them back."""
    frame = Frame()
    if "prune_layout" in DISABLED:
        return frame
    guard = _PageProse(tree)
    taken: set[etree._Element] = set()
    tags = _LAYOUT if "prune_widgets" in DISABLED else _LAYOUT + _WIDGETS
    for el in list(tree.iter(*tags)):
        parent = el.getparent()
        if parent is None or (taken and any(a in taken for a in el.iterancestors(*tags))):
            continue  # in one taken out already
        if guard.holds_body(el):
            continue
        _take(frame, el, parent)
        taken.add(el)
    head = tree.find("head") if "prune_head" not in DISABLED else None
    if head is not None:
        for el in [el for el in head if el.tag in _HEAD_DATA]:
            _take(frame, el, head)
    return frame


def _take(frame: Frame, el: etree._Element, parent: etree._Element) -> None:
    """``el`` out of ``parent``, its tail left in place, recorded in ``frame`` to be put back."""
    index, before, tail = parent.index(el), el.getprevious(), el.tail
    parent.remove(el)  # its tail with it, put back below
    if tail:
        if before is not None:
            before.tail = (before.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    frame.removed.append((el, parent, index, before, len(tail or "")))


def canonical_link(tree: etree._Element) -> str | None:
    for href in _CANONICAL(tree):
        href = href.strip()
        if href:
            return href if len(href) <= MAX_URL else None
    return None


_TEASER_MAX = 200  # characters: a longer line is text, whatever it starts with
_LINK_MIN = 25  # characters: a shorter link text ("Home", "More") may well be a line of text too


def link_texts(tree: etree._Element, url: str = "") -> set[str]:
    """The folded texts of the page's links to other pages that are long enough to be a
    headline. Not these: links within the page (a table of contents links to its own headings),
    to the page itself (a permalink on its heading), and addresses written out as the link's
    text."""
    out = set()
    here = url.split("#")[0].rstrip("/")
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        if here and href.split("#")[0].rstrip("/") in (here, here.split("://", 1)[-1]):
            continue
        text = a.text_content() if len(a) else (a.text or "")  # no child: its text alone, no XPath
        if _LINK_MIN <= len(text) <= 4 * _TEASER_MAX:
            folded = _fold(text)
            if len(folded) >= _LINK_MIN and "@" not in folded and not folded.startswith(("http", "www.")):
                out.add(folded)
    return out


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def clean_paragraphs(lines: list[str], title: str | None,
                     links: set[str] | None = None) -> tuple[list[str], dict[str, Any]]:
    """Line rules applied after trafilatura; returns paragraphs and metadata found in them.
    ``links``: the folded texts of the page's links (``link_texts``)."""
    found: dict[str, Any] = {}
    out: list[str] = []
    tail = False  # after a "More on this" heading: short lines are other stories
    footnotes = False  # after a print view's "Links" heading
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if "line_boilerplate" not in DISABLED:
            if _LINKS_HEADING.match(line):
                footnotes = True
            elif footnotes and _FOOTNOTE_LINK.match(line):
                continue
        short = len(line) <= _TEASER_MAX
        if tail:
            if short:
                continue
            tail = False
        if short and "related_tail" not in DISABLED and _RELATED_TAIL.match(line):
            tail = True
            continue
        if short and (("teaser_prefix" not in DISABLED and _TEASER_PREFIX.match(line))
                      or ("credits" not in DISABLED and _CREDIT.match(line))
                      or ("notices" not in DISABLED and _NOTICE.search(line))):
            continue
        if links and "link_lines" not in DISABLED and len(line) <= 4 * _TEASER_MAX and _fold(line) in links:
            continue
        byline = _BYLINE_RE.match(line) if "byline" not in DISABLED else None
        if byline:
            found["author"] = byline.group("author").strip()
            found["organisation"] = byline.group("org").strip()
            month = _MONTHS.get(byline.group("month"))
            if month:
                found["date"] = f"{byline.group('year')}-{month:02d}-{int(byline.group('day')):02d}"
            continue
        if ("line_boilerplate" not in DISABLED and _BOILERPLATE_RE.match(line)) \
                or ("image_names" not in DISABLED and _IMAGE_FILE_RE.match(line)):
            continue
        if "inline_refs" not in DISABLED and "[" in line:
            line = _INLINE_REF_RE.sub("", line).strip()
        if not line:
            continue
        # a table row: cells, without the frame
        if "table_rows" not in DISABLED and line.startswith("|") and line.endswith("|"):
            line = line.strip("| ").strip()
        # printed twice in a row
        if "doubled" not in DISABLED and out and len(out[-1]) == len(line) and _same_text(out[-1], line):
            continue
        out.append(line)
    return (_drop_header_lines(out, title) if "header_lines" not in DISABLED else out), found


_TABLE_TAIL = re.compile(r"(?<!\s)\s++\|\s+[^|.!?]{1,40}$")
_WRITER_LINE = re.compile(r"^[\w .'-]{2,40} (writer|editor|reporter|correspondent|journalist)$", re.IGNORECASE)


def _drop_header_lines(paragraphs: list[str], title: str | None) -> list[str]:
    """Among the first lines: the title again, a breadcrumb ending in it, a dateline; in a
    line that starts with "<date> <title> …" (table layouts), that prefix."""
    out = list(paragraphs)
    if out and title and len(out[0]) > len(title) + 20:
        at = out[0].find(title)
        if 0 <= at <= 30 and (at == 0 or _DATELINE_RE.match(out[0][:at].strip())):
            out[0] = _TABLE_TAIL.sub("", out[0][at + len(title):].strip())
    for _ in range(4):
        if not out:
            break
        first = out[0]
        if title and (_same_text(first, title)
                      or (_BREADCRUMB_RE.match(first) and _norm(first).endswith(_norm(title)))):
            out.pop(0)
        elif len(first) <= 60 and _DATELINE_RE.match(first):
            out.pop(0)
        else:
            break
    return out


def _norm(text: str) -> str:
    """Case- and accent-insensitive form (Turkish dotted/dotless i included)."""
    text = unicodedata.normalize("NFKD", text.replace("İ", "i").replace("ı", "i"))
    marks = [c for c in set(text) if unicodedata.combining(c)]  # each distinct character looked up once
    if marks:
        text = text.translate(dict.fromkeys(map(ord, marks)))
    return _NON_WORDS.sub(" ", text).strip().casefold()


_NON_WORDS = re.compile(r"\W+")


def _same_text(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


# htmldate reads a date written out in words ("3 de marzo de 2024") with dateparser, which, not
# told the language, tries each of its 205 locales on every string: about 15 ms a string (16 strings
# from 400 real pages), and 1.5-2 s of CPU and 40 MB the first time, to build every
# locale's patterns. It is told the page's language (and English): 0.3 ms a string, 0.13 s the
# first time. The settings are htmldate's own (``htmldate.extractors.get_external_parser``).
# htmldate keeps its reading of a string (``try_date_expr``'s cache) whatever the language: the
# same string on a later page of another language is read as it was the first time.
DATE_PARSER_SETTINGS = {
    "NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True, "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True,
}
_TEXT_LANGUAGE: list[str | None] = [None]  # the language of the page htmldate is reading
HTMLDATE_PARSER: Any = None  # htmldate's own ``get_external_parser``, once replaced


@functools.lru_cache(maxsize=32)
def date_parser(language: str | None) -> Any:
    """dateparser's parser for texts in ``language`` and English; English alone when the language
    is unknown or one dateparser does not have (every locale would cost each cleaning worker
    about 32 MB and 2 s: pages whose text has no language, such as letter-substituted copies,
    would build them all)."""
    from dateparser import DateDataParser  # type: ignore[import-untyped]
    from dateparser.data.languages_info import language_order  # type: ignore[import-untyped]

    languages = [code for code in dict.fromkeys((language, "en")) if code in language_order]
    return DateDataParser(languages=languages, settings=DATE_PARSER_SETTINGS)


def _page_date_parser() -> Any:
    return date_parser(_TEXT_LANGUAGE[0])


def _text_date(tree: etree._Element, language: str | None = None) -> str | None:
    """htmldate's reading of the page (visible text, then other clues), without the network,
    dates in words read in the page's ``language`` (and English). The tree is used up: htmldate
    prunes it in place (it copies a tree it is given first: 0.3 ms a real page it reads, of 4)."""
    global HTMLDATE_PARSER
    import htmldate.core
    import htmldate.extractors
    from htmldate import find_date

    if htmldate.extractors.get_external_parser is not _page_date_parser:  # looked up at each use
        HTMLDATE_PARSER = htmldate.extractors.get_external_parser
        htmldate.extractors.get_external_parser = _page_date_parser  # type: ignore[assignment]
    _TEXT_LANGUAGE[0] = language
    in_place = "date_in_place" not in DISABLED
    if _YEAR_FILTER[0] is None:
        _YEAR_FILTER[0] = htmldate.core.plausible_year_filter
        _NUMERIC_PATTERNS.update(_numeric_patterns(htmldate.core))
    digits = _year_filter_on_digits if "date_digits" not in DISABLED else _YEAR_FILTER[0]
    try:
        with _swapped(htmldate.core, "deepcopy", _same_tree if in_place else htmldate.core.deepcopy), \
                _swapped(htmldate.core, "plausible_year_filter", digits):
            return find_date(tree, extensive_search=True, original_date=True)
    except Exception:  # noqa: BLE001 (a date htmldate cannot read is no date)
        return None
    finally:
        _TEXT_LANGUAGE[0] = None
        _DIGITS_OF[:] = [None, None]


# htmldate's last resort on an undated page reads the whole serialized page (about 50 KB on a
# real page) with up to nine patterns, one ``findall`` each (0.7 ms each). Seven of them match
# digits and the separators ``/.-`` between two non-digits, and return what they matched: those
# read the page with every run of three or more other characters cut to its first and last
# character (``_digits_view``), which gives every match, in the same order, with the same text: a
# match's characters other than digits and separators are only the one before it and the one
# after it, the last and first characters of such runs. The page's view is made once (one split),
# a fifth of the page's length; the copyright and single-year patterns, which read letters, still
# read the whole page. Only the patterns below, checked against htmldate's own, are read so.
_NUMERIC_SOURCES = {
    "THREE_PATTERN": r"/([0-9]{4}/[0-9]{2}/[0-9]{2})[01/]",
    "THREE_LOOSE_PATTERN": r"\D([0-9]{4}[/.-][0-9]{2}[/.-][0-9]{2})\D",
    "SELECT_YMD_PATTERN": r"\D([0-3]?[0-9][/.-][0-1]?[0-9][/.-][0-9]{4})\D",
    "DATESTRINGS_PATTERN": r"(\D19[0-9]{2}[01][0-9][0-3][0-9]\D|\D20[0-9]{2}[01][0-9][0-3][0-9]\D)",
    "SLASHES_PATTERN": r"\D([0-3]?[0-9]/[0-1]?[0-9]/[0129][0-9]|[0-3][0-9]\.[01][0-9]\.[0129][0-9])\D",
    "YYYYMM_PATTERN": r"\D([12][0-9]{3}[/.-](?:1[0-2]|0[1-9]))\D",
    "MMYYYY_PATTERN": r"\D([0-1]?[0-9][/.-][12][0-9]{3})\D",
}
_NUMERIC_PATTERNS: set[Any] = set()
_YEAR_FILTER: list[Any] = [None]  # htmldate's own ``plausible_year_filter``
_DIGITS_OF: list[Any] = [None, None]  # the page's text and its view, for the call in progress
_DIGIT_RUN = re.compile(r"(\d[\d/.\-]*)")


def _numeric_patterns(module: Any) -> list[Any]:
    """htmldate's compiled patterns that are exactly the ones above (none, if it changed them)."""
    found = [getattr(module, name, None) for name in _NUMERIC_SOURCES]
    return [p for p, source in zip(found, _NUMERIC_SOURCES.values(), strict=True)
            if p is not None and p.pattern == source and p.flags == re.UNICODE]


def _digits_view(text: str) -> str:
    """``text`` with each run of three or more characters outside the runs of digits (and the
    separators that follow them) cut to its first and last character."""
    parts = _DIGIT_RUN.split(text)
    parts[::2] = [gap if len(gap) < 3 else gap[0] + gap[-1] for gap in parts[::2]]
    return "".join(parts)


def _year_filter_on_digits(htmlstring: str, *, pattern: Any, **kwargs: Any) -> Any:
    if pattern in _NUMERIC_PATTERNS:
        if _DIGITS_OF[0] is not htmlstring:
            _DIGITS_OF[:] = [htmlstring, _digits_view(htmlstring)]
        htmlstring = _DIGITS_OF[1]
    return _YEAR_FILTER[0](htmlstring, pattern=pattern, **kwargs)


def _same_tree(tree: etree._Element) -> etree._Element:
    return tree


@contextlib.contextmanager
def _swapped(module: Any, name: str, value: Any) -> Iterator[None]:
    """``module.name`` (a library's global, looked up at each use) set to ``value`` for the
    block, put back after."""
    before = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, before)


def detect_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and confidence (0–1) from the text."""
    if len(text) < 20:
        return None, None
    lang, prob = _identifier().classify(text[:600])
    return lang, round(float(prob), 3)


_IDENTIFIER = None


def _identifier():  # type: ignore[no-untyped-def]
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from crawlers import langmodel

        _IDENTIFIER = langmodel.identifier()  # py3langid's, its model unpacked once
    return _IDENTIFIER


def _known(read: Any, unknown: Any, *args: Any) -> Any:
    """``read(*args)``, or ``unknown`` when the page's metadata cannot be read: an odd value costs
    the field, never the page."""
    try:
        return read(*args)
    except Exception:  # noqa: BLE001
        return unknown


DOUBT_SHARE = 0.3  # fast mode: a text shorter than this share of the page's paragraph text is doubtful
RERUNS = [0, 0]  # fast mode: pages extracted, pages extracted again with the fallbacks


_RECALL_RUN = 700  # characters of own text in a row (``crawlers.items.page_structure``: "run")


class _Words(tuple):  # type: ignore[type-arg]
    """A tuple of words whose hash is computed once. jusText caches the frozen set of a stop-word
    list by the tuple it is given (``justext.core.define_stoplist``, an ``lru_cache``), and a
    tuple's hash is computed again on every call: for the 154,484 words of every language that
    trafilatura hands to jusText when a page's language has no list of its own, 3.7 ms on each
    page trafilatura sends to jusText (about one real page in sixteen)."""

    _hash: int

    def __new__(cls, words: Any) -> _Words:
        self = super().__new__(cls, words)
        self._hash = tuple.__hash__(self)
        return self

    def __hash__(self) -> int:
        return self._hash


_stopwords_hashed = False


def stopwords() -> tuple[str, ...]:
    """jusText's stop words of every language, as trafilatura's fallback uses them: built once per
    process (trafilatura's ``jt_stoplist_init``, about 0.2 s) and kept as a ``_Words``, which
    trafilatura then uses for every page."""
    _hash_stopwords()
    import trafilatura.external

    external: Any = trafilatura.external
    words: tuple[str, ...] = external.JT_STOPLIST or external.jt_stoplist_init()
    return words


def _hash_stopwords() -> None:
    """trafilatura's ``jt_stoplist_init`` (called on the first page that needs the list) keeps the
    list as a ``_Words``."""
    global _stopwords_hashed
    if _stopwords_hashed:
        return
    import trafilatura.external

    external: Any = trafilatura.external  # its module variables, typed as None there
    built = external.jt_stoplist_init

    def hashed() -> tuple[str, ...]:
        words = external.JT_STOPLIST = _Words(built())
        return words

    external.jt_stoplist_init = hashed
    if external.JT_STOPLIST and not isinstance(external.JT_STOPLIST, _Words):
        external.JT_STOPLIST = _Words(external.JT_STOPLIST)
    _stopwords_hashed = True


def _extract(tree: etree._Element, url: str, fast: bool, recall: bool = False, used_up: bool = False) -> str:
    """trafilatura's main text of the (pruned) tree: ``fast`` without its fallback extractors,
    ``recall`` favouring recall. ``used_up``: the tree is not read after, and trafilatura changes
    it instead of a copy of it (0.5 ms a real page)."""
    import trafilatura  # here, not at the top: the crawl process itself never loads it
    import trafilatura.core

    if not _stopwords_hashed:
        _hash_stopwords()

    load = trafilatura.core.load_html
    # Not the tree itself when it is used up: trafilatura copies a tree it is given.
    given: Any = _UsedUp(tree, load) if used_up else tree
    with _swapped(trafilatura.core, "load_html", given.load if used_up else load):
        doc = trafilatura.bare_extraction(
            given, url=url, with_metadata=False, deduplicate=False, include_comments=False,
            include_tables=True, include_links=False, favor_precision=False, fast=fast, favor_recall=recall,
        )
    return (doc.text or "") if doc is not None else ""  # type: ignore[union-attr]  # a Document: as_dict is off


class _UsedUp:
    """A tree handed to trafilatura to change in place; trafilatura's loader for anything else."""

    def __init__(self, tree: etree._Element, load: Any) -> None:
        self.tree = tree
        self.other = load

    def load(self, given: Any, max_size: Any = None) -> Any:
        return self.tree if given is self else self.other(given, max_size)


def _extract_again(html: str | bytes, url: str, recall: bool = False) -> str:
    """The page parsed and pruned anew (the extraction changes the tree it reads), extracted with
    trafilatura's fallbacks, ``recall`` favouring recall."""
    tree = parse_html(html)
    if tree is None:
        return ""
    prune_html(tree)
    set_frame_aside(tree)
    return _extract(tree, url, False, recall=recall)


def _doubtful(text: str, prose: int) -> bool:
    """A fast extraction that found much less text than the page's paragraphs hold."""
    RERUNS[0] += 1
    doubtful = len(text) < DOUBT_SHARE * prose
    RERUNS[1] += doubtful
    return doubtful


_LEAD_MIN = 40  # characters: a shorter summary is a slogan, not a lead


def shown_summary(tree: etree._Element, metas: dict[str, list[str]],
                  visible: VisibleText | None = None) -> str | None:
    """The page's summary (``description`` / ``og:description``) when the page also shows it as
    text: the lead paragraph that many CMSs print above the body, outside the element that
    holds it (and which the extraction then leaves out). ``visible``: the tree's visible text,
    when it is read for other steps too."""
    for key in ("og:description", "description", "twitter:description"):
        for value in metas.get(key, []):
            summary = " ".join((value or "").split())
            if len(summary) >= _LEAD_MIN and not summary.endswith(("…", "...", "[…]")):
                shown = " ".join(" ".join((visible or VisibleText(tree)).texts()).split())
                return summary if summary in shown else None
    return None


_LD_BODY_MIN = 200  # characters


def _declared_body(objects: list[dict[str, Any]], text: str) -> str | None:
    """The article body that the page declares in its JSON-LD (``articleBody``), when the
    extracted text is much shorter than it: a page rendered by a script from that data, whose
    HTML holds little more than the frame."""
    best = ""
    for obj in objects:
        body = obj.get("articleBody")
        if isinstance(body, str) and len(body) > len(best):
            best = body
    if len(best) < _LD_BODY_MIN or len(best) < 2 * len(text):
        return None
    if "<" in best:  # some CMSs put the body's HTML there
        best = lxml.html.fromstring(f"<div>{best}</div>").text_content()
    return "\n".join(line for line in best.splitlines() if line.strip())


def clean(html: str | bytes, url: str, min_chars: int = MIN_CHARS, require_article: bool = True,
          links: list[tuple[str, bool]] | None = None, document_links_only: bool = False) -> Cleaned | Rejected:
    """Clean one page. ``require_article``: reject pages without article markers
    (publication date, og:type/JSON-LD article) — section pages, contact pages. ``links``: a
    list that receives the page's links (``crawlers.discovery.anchors``, read before pruning),
    so a crawl that follows them needs no parse of its own; with ``document_links_only``, only
    its links to PDFs."""
    raw = parse_html(html)
    if raw is None:
        return Rejected("unparseable", "the page could not be parsed as HTML")
    if links is not None:
        links.extend(_known(anchors, [], raw, document_links_only))
    objects = _known(json_ld, [], raw)  # read before pruning: JSON-LD lives in <script> elements
    metas = _known(meta_tags, {}, raw)
    kind = _known(page_kind, "unknown", metas, objects)
    canonical = _known(canonical_link, None, raw)
    candidates = _known(date_candidates, {"published": [], "modified": []}, raw, url, objects, metas)
    title = _known(page_title, None, raw, metas)
    author = _known(page_author, None, raw, metas, objects)
    tags = _known(page_tags, [], raw, metas)
    structure = _known(page_structure, {}, raw, url)  # for the item decision (crawlers.items)
    texts = _known(link_texts, set(), raw, url)
    visible = VisibleText(raw)  # read at most once, before pruning, for the lead and the pruning
    lead = _known(shown_summary, None, raw, metas, visible) if "lead" not in DISABLED else None
    prune_html(raw, visible)
    frame = set_frame_aside(raw)  # for the extraction, back for htmldate
    prose = paragraph_chars(raw) if FAST else 0
    # The tree is read again after the extraction only for a date in its text, when the page's
    # metadata has none.
    dated = "extract_in_place" not in DISABLED and pick_date(candidates["published"])[0] is not None
    text = _extract(raw, url, FAST, used_up=dated)
    if FAST and _doubtful(text, prose):
        text = _extract_again(html, url) or text
    run = int((structure or {}).get("run") or 0)
    if "recall_rerun" not in DISABLED and run >= _RECALL_RUN and len(text) < run / 2:
        # The page holds a run of own text much longer than what was extracted: extracted again,
        # favouring recall.
        more = _extract_again(html, url, recall=True)
        if len(more) > len(text):
            text = more
    if "ld_body" not in DISABLED:
        text = _known(_declared_body, None, objects, text) or text
    if not text:
        return Rejected("no_text", "no main text found")
    paragraphs, found = clean_paragraphs(text.split("\n"), title, texts)
    if lead and _norm(lead) not in _norm(" ".join(paragraphs)):
        paragraphs.insert(0, lead)
    body = "\n\n".join(paragraphs)
    byline = [(found["date"], "byline")] if found.get("date") else []
    when, date_source, untrusted = pick_date(byline + candidates["published"])
    language, confidence = detect_language(body)
    if when is None:  # last resort: htmldate on the visible text
        frame.restore()
        when, date_source, from_text = pick_date([(_text_date(raw, language), "text")])
        untrusted += from_text
    modified, modified_source, _ = pick_date(candidates["modified"])
    if require_article and kind != "article" and not (kind == "unknown" and when):
        return Rejected("not_article", f"page type {kind!r}, no article markers")
    if len(body) < min_chars:
        return Rejected("too_short", f"{len(body)} characters < {min_chars}")
    meta: dict[str, Any] = {"page_kind": kind, "language_confidence": confidence, "date_source": date_source}
    if structure:
        meta["structure"] = structure
    if modified:
        meta.update(modified=modified, modified_source=modified_source)
    if untrusted:
        meta["untrusted_dates"] = [u for u in untrusted if u][:5]
    if tags:
        meta["tags"] = tags
    description = (metas.get("description") or metas.get("og:description") or [None])[0]
    if description:
        meta["description"] = cap(description, MAX_DESCRIPTION)
    if "organisation" in found:
        meta["organisation"] = cap(found["organisation"], MAX_ORGANISATION)
    sitename = cap((metas.get("og:site_name") or [None])[0], MAX_SITENAME)
    author = found.get("author") or author
    # A signature block at the end: the author's name, then "<Org> Writer".
    while "signature" not in DISABLED and paragraphs and (
            _WRITER_LINE.match(paragraphs[-1]) or (author and _same_text(paragraphs[-1], author))):
        paragraphs.pop()
    return Cleaned(
        title=title, paragraphs=paragraphs, date=when, author=cap(author, MAX_AUTHOR),
        language=language, language_confidence=confidence, sitename=sitename,
        canonical_url=canonical, meta=meta,
    )
