"""Pure helpers of discovery: which URL is what (article candidate, listing, never),
and parsers for feeds, sitemaps and WordPress REST answers. No network, no Scrapy."""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

# Never an article and never worth following (CMS internals, feeds, static files, views).
DENY_DEFAULT = re.compile(
    r"(/wp-(admin|login|includes|content)/|/wp-json/|xmlrpc\.php|/feed/?$|/rss(\.xml)?/?$|/atom(\.xml)?$|"
    r"/comments?/|[?&]replytocom=|/search(/|$|\?)|[?&]s=|/user(/|$)|/admin/|/node/add|@@|/print/|"
    r"[?&](print|format)=|/login|/cart|/checkout|/trackback/?$|/embed/?$|"
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|docx?|xlsx?|pptx?|odt|zip|rar|gz|mp3|mp4|avi|mov|ics|xml|json|txt)$)",
    re.IGNORECASE,
)
DOCUMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|epub)$", re.IGNORECASE)
# Query parameters that only re-order or re-display a listing.
_LISTING_VIEW_PARAMS = re.compile(r"^(sort|order|orderby|order_by|dir|direction|view|display|layout|mode)$", re.I)


def strip_view_params(url: str) -> str:
    """``url`` without sort / view parameters (they never select other content)."""
    from urllib.parse import parse_qsl, urlencode

    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _LISTING_VIEW_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


def listing_key(url: str, aliases: dict[str, str]) -> str:
    """A listing page's identity: its canonical URL without sort and view parameters."""
    from urllib.parse import parse_qsl, urlencode

    from storage.ids import canonical_url

    parts = urlsplit(canonical_url(url, aliases))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _LISTING_VIEW_PARAMS.match(k)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def repeating_path(url: str, limit: int = 3, max_segments: int = 12) -> bool:
    """A crawler trap: a path segment repeated ``limit`` times, or a very deep path."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > max_segments:
        return True
    return any(segments.count(s) >= limit for s in set(segments))


# Listing-like URLs: followed for their links, never stored as items.
LISTING_RE = re.compile(
    r"(/page/\d+/?$|[?&](page|paged|b_start(:int|%3Aint)?|PAGEN_\d+|start|offset)=\d+|/tag/|/tags/|"
    r"/category/|/categories/|/categoria/|/author/|/taxonomy/term/|"
    r"/archives?/?$|/news/?$|/noticias/?$|/noticies/?$|/actualites/?$|/actualitat/?$|/media/news/?$|"
    r"/blog/?$|/events/?$|/agenda/?$)",
    re.IGNORECASE,
)
# Pages of a paginated listing (numbered page links count as pagination too).
PAGINATION_RE = re.compile(r"(/page/\d+/?$|[?&](page|paged|b_start(:int|%3Aint)?|PAGEN_\d+|start|offset)=\d+)", re.IGNORECASE)
def page_number(url: str) -> int | None:
    """The page number of a listing URL (``/page/3/``, ``?page=3``, ``?b_start:int=40``)."""
    m = PAGINATION_RE.search(url)
    if not m:
        return None
    digits = re.findall(r"\d+", m.group(0))
    return int(digits[-1]) if digits else None


def next_page(current: str, numbered: list[str]) -> list[str]:
    """Of a listing's numbered page links, the first one after the current page."""
    here = page_number(current) or 0
    later = [(n, u) for u in numbered if (n := page_number(u)) is not None and n > here]
    return [min(later)[1]] if later else []


NEXT_TEXT = re.compile(
    r"^\s*(next|next page|older posts|older entries|siguiente|següent|suivant|pr[oó]xim[oa]|"
    r"weiter|»|›|>|→|next\s*[›»>→]|[›»>→]\s*next|següent\s*[›»]?|suivant\s*[›»]?|siguiente\s*[›»]?)\s*$",
    re.IGNORECASE,
)


def anchors(root: etree._Element) -> list[tuple[str, bool]]:
    """A parsed HTML page's links, in document order: (href as written, whether ``rel`` or the
    link text says "next page")."""
    out: list[tuple[str, bool]] = []
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        rel = a.get("rel") or ""
        is_next = "next" in rel.split() or bool(NEXT_TEXT.match(" ".join(a.text_content().split())))
        out.append((href, is_next))
    return out


@dataclass(frozen=True)
class FeedEntry:
    """A link found in a feed, sitemap or REST answer, with what it said of the item."""

    url: str
    date: str | None = None
    title: str | None = None


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def url_dir(url: str) -> str:
    """The start URL's folder (``https://x.org/en/`` for ``https://x.org/en/news``)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def host_matches(url: str, hosts: list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    bare = host[4:] if host.startswith("www.") else host
    return any(bare == (h[4:] if h.startswith("www.") else h) for h in hosts)


def clean_link(base: str, href: str) -> str | None:
    """Absolute http(s) URL without fragment, or ``None`` for mailto:, javascript:, etc."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def classify_url(url: str, allow: list[re.Pattern[str]], deny: list[re.Pattern[str]]) -> str:
    """``deny``, ``listing`` or ``candidate`` (an article candidate)."""
    if DENY_DEFAULT.search(url) or any(p.search(url) for p in deny):
        return "deny"
    if LISTING_RE.search(url):
        return "listing"
    if allow and not any(p.search(url) for p in allow):
        return "other"
    path = urlsplit(url).path
    if re.fullmatch(r"(/[a-z]{2}(-[a-z]{2})?)?/\d{4}(/\d{1,2})?/?", path):
        return "listing"  # a date archive
    if path in ("", "/") or re.fullmatch(r"/[a-z]{2}(-[a-z]{2})?/?", path):
        return "listing"  # a home page or a language home
    return "candidate"


def _xml(body: bytes) -> etree._Element | None:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(50_000_000)
        except (OSError, EOFError):
            return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body.lstrip(), parser=parser)
    except etree.XMLSyntaxError:
        return None
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> tuple[str, list[FeedEntry]]:
    """(``index``|``urlset``|``invalid``, entries) of a sitemap (gzip accepted)."""
    root = _xml(body)
    if root is None or _local(root.tag) not in ("sitemapindex", "urlset"):
        return "invalid", []
    kind = "index" if _local(root.tag) == "sitemapindex" else "urlset"
    entries = []
    for child in root:
        loc = lastmod = None
        for el in child:
            name = _local(el.tag)
            if name == "loc" and el.text:
                loc = el.text.strip()
            elif name == "lastmod" and el.text:
                lastmod = el.text.strip()
        if loc:
            entries.append(FeedEntry(loc, lastmod))
    return kind, entries


def parse_feed(body: bytes, base: str) -> list[FeedEntry] | None:
    """Entries of an RSS or Atom feed, ``None`` when the body is not a feed."""
    root = _xml(body)
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        return None
    entries = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = date = title = None
        for el in item:
            child = _local(el.tag)
            if child == "link":
                href = el.get("href")
                if href and el.get("rel", "alternate") == "alternate":
                    link = href
                elif el.text and el.text.strip():
                    link = el.text.strip()
            elif child in ("pubdate", "published", "updated", "date") and el.text and not date:
                date = el.text.strip()
            elif child == "title" and el.text:
                title = el.text.strip()
        if link:
            entries.append(FeedEntry(urljoin(base, link), date, title))
    return entries


def parse_wp_posts(body: bytes) -> list[FeedEntry] | None:
    """Links of a ``/wp-json/wp/v2/posts`` answer, ``None`` when it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for post in data:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            title = post.get("title", {})
            out.append(FeedEntry(post["link"], post.get("modified_gmt") or post.get("date_gmt"),
                                 title.get("rendered") if isinstance(title, dict) else None))
    return out


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_html(body: bytes, header_charset: str | None) -> str:
    """Decode a page whose declared charset may lie: a BOM wins; then bytes that are valid
    UTF-8 are UTF-8 (other encodings almost never produce valid multi-byte UTF-8); then the
    declared charset (header, then ``<meta>``); then windows-1252, the usual undeclared one."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [header_charset] if header_charset else []
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", errors="ignore"))
    for name in declared:
        name = (name or "").strip().lower()
        if name and name.replace("-", "") not in ("utf8",):
            if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
                name = "windows-1252"  # what browsers do for these labels
            try:
                return body.decode(name, errors="replace")
            except LookupError:
                continue
    return body.decode("windows-1252", errors="replace")
