"""Pure helpers of discovery: which URL is what (article candidate, listing, never),
and parsers for feeds, sitemaps and WordPress REST answers. No network, no Scrapy.

No helper raises on a malformed URL (a port out of range, an unclosed IPv6 bracket): such a
link resolves to ``None``, matches no host and is never a candidate.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

# The end of a path segment: a slash, a query, a fragment, path parameters, a script or page
# extension (``/login.php``, ``/cart.aspx``), or the end of the URL.
_SEGMENT_END = r"(?=[/?#;]|\.(?:php\d?|aspx?|s?html?|jspx?|cfm|do)(?:[/?#;]|$)|$)"
# A slash that starts a path segment (not the ``//`` before the host: ``https://cart.example``).
_SEGMENT_START = r"(?<!/)/"
# Never an article and never worth following (CMS internals, feeds, static files, views). Words
# match whole path segments: ``/cart/`` and ``/login.php`` are denied, ``/news/cartagena-hosts/``
# and ``/en/carthage-mayor/`` are not.
DENY_DEFAULT = re.compile(
    r"(/wp-(admin|includes|content)/|" + _SEGMENT_START + r"xmlrpc\.php|/wp-json/|"
    r"/feed/?$|/rss(\.xml)?/?$|/atom(\.xml)?$|"
    r"/comments?/|[?&]replytocom=|[?&]s=|/admin/|@@|/print/|[?&](print|format)=|/trackback/?$|/embed/?$|"
    + _SEGMENT_START + r"(search|user|wp-login|login|logout|signin|sign-in|cart|basket|checkout|my-account|account)"
    + _SEGMENT_END + r"|" + _SEGMENT_START + r"node/add" + _SEGMENT_END + r"|"
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|docx?|xlsx?|pptx?|odt|zip|rar|gz|mp3|mp4|avi|mov|ics|xml|json|txt)$)",
    re.IGNORECASE,
)
DOCUMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|epub)$", re.IGNORECASE)
# A link to a PDF as written in a page (a query or fragment may follow the path).
_PDF_HREF = re.compile(r"\.pdf\s*(?:[?#]|$)", re.IGNORECASE)
# CMS internals a PDF is never worth fetching from (``/wp-content/uploads/`` is where WordPress
# keeps its PDFs, and the extension is what makes it one: ``DENY_DEFAULT`` denies both).
_DOCUMENT_DENY = re.compile(r"/wp-(admin|includes)/|/wp-json/|/admin/|@@|[?&]replytocom=|/print/", re.IGNORECASE)
# Query parameters that only re-order or re-display a listing.
_LISTING_VIEW_PARAMS = re.compile(r"^(sort|order|orderby|order_by|dir|direction|view|display|layout|mode)$", re.I)


def strip_view_params(url: str) -> str:
    """``url`` without sort / view parameters (they never select other content)."""
    from urllib.parse import parse_qsl, urlencode

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _LISTING_VIEW_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


def listing_key(url: str, aliases: dict[str, str]) -> str:
    """A listing page's identity: its canonical URL without sort and view parameters."""
    from urllib.parse import parse_qsl, urlencode

    from storage.ids import canonical_url

    canon = canonical_url(url, aliases)
    try:
        parts = urlsplit(canon)
    except ValueError:
        return canon
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _LISTING_VIEW_PARAMS.match(k)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def repeating_path(url: str, limit: int = 3, max_segments: int = 12) -> bool:
    """A crawler trap: a path segment repeated ``limit`` times, or a very deep path."""
    try:
        segments = [s for s in urlsplit(url).path.split("/") if s]
    except ValueError:
        return False
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
PAGINATION_RE = re.compile(r"(/page/\d+/?$|[?&](page|paged|b_start(:int|%3Aint)?|PAGEN_\d+|start|offset)=\d+)",
                           re.IGNORECASE)
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


Anchor = tuple[str, bool] | tuple[str, bool, str]


def anchors(root: etree._Element, documents_only: bool = False) -> list[Anchor]:
    """A parsed HTML page's links, in document order: (href as written, whether ``rel`` or the
    link text says "next page"), and for a link to a PDF its text as a third member (the
    document's title when the file has none; ``title`` attribute when the link has no text).
    ``documents_only``: the links to PDFs only, the others not read further than their href
    (a real news page has about 150 links, and few or none of them to a PDF)."""
    out: list[Anchor] = []
    for a in root.iter("a"):
        href = a.get("href")
        if not href or (documents_only and not _PDF_HREF.search(href)):
            continue
        rel = a.get("rel") or ""
        text = " ".join(a.text_content().split())
        is_next = "next" in rel.split() or bool(NEXT_TEXT.match(text))
        if _PDF_HREF.search(href):
            out.append((href, is_next, text or " ".join((a.get("title") or "").split())))
        else:
            out.append((href, is_next))
    return out


def is_pdf_url(url: str) -> bool:
    """Whether a URL's path names a PDF (``….pdf``)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path[-4:].lower() == ".pdf"


def document_allowed(url: str, allow: list[re.Pattern[str]], deny: list[re.Pattern[str]],
                     documents_allow: list[re.Pattern[str]]) -> bool:
    """Whether a PDF's URL is one to fetch: not a CMS internal, not denied by the source, within
    its ``allow`` (when it has one) and its ``documents_allow`` (when it has one)."""
    if _DOCUMENT_DENY.search(url) or any(p.search(url) for p in deny):
        return False
    if allow and not any(p.search(url) for p in allow):
        return False
    return not documents_allow or any(p.search(url) for p in documents_allow)


@dataclass(frozen=True)
class FeedEntry:
    """A link found in a feed, sitemap or REST answer, with what it said of the item."""

    url: str
    date: str | None = None
    title: str | None = None


def site_root(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def url_dir(url: str) -> str:
    """The start URL's folder (``https://x.org/en/`` for ``https://x.org/en/news``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def host_matches(url: str, hosts: list[str]) -> bool:
    """Whether ``url`` is on one of ``hosts`` (``www.`` aside); a malformed URL is on none."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if port == 0:
        return False
    bare = host[4:] if host.startswith("www.") else host
    return any(bare == (h[4:] if h.startswith("www.") else h) for h in hosts)


def clean_link(base: str, href: str) -> str | None:
    """Absolute http(s) URL without fragment, or ``None`` for mailto:, javascript:, etc. and
    for a malformed link."""
    return parse_link(base, href)[0]


# A root-relative link as most pages write them (``/en/news/slug/?page=2``): printable ASCII
# without a fragment, path parameters or backslashes. Without dot segments ("/." never in it),
# joining it to a page's URL only puts the page's scheme and host in front of it.
_PLAIN_ROOT_LINK = re.compile(r"/(?!/)[A-Za-z0-9\-._~!$&'()*+,=:@/?%]*")
# An absolute link as plain: a host name or address, a port perhaps, then a path and query of
# the same characters (a fragment after them is dropped).
_PLAIN_ABSOLUTE_LINK = re.compile(r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?([/?][A-Za-z0-9\-._~!$&'()*+,=:@/?%]*)?"
                                  r"(?:#.*)?")


@lru_cache(maxsize=1024)
def _http_root(base: str) -> tuple[str, str] | None:
    """(``scheme://host[:port]``, the host in lower case) of ``base`` when it is a well-formed
    http(s) URL with an ASCII host part; else ``None``."""
    try:
        parts = urlsplit(base)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or port == 0 or not parts.netloc.isascii():
        return None
    return f"{parts.scheme}://{parts.netloc}", host


def parse_link(base: str, href: str) -> tuple[str | None, bool]:
    """(``clean_link(base, href)``, whether ``href`` is a malformed http(s) link: a port out of
    range, an unclosed IPv6 bracket, no host). Never raises."""
    url, bad, _host = split_link(base, href)
    return url, bad


def split_link(base: str, href: str) -> tuple[str | None, bool, str]:
    """``parse_link``'s answer and the URL's host in lower case ("" without a URL). On a page of
    a well-formed http(s) URL, a plain link (root-relative or absolute, the way most pages write
    them) is joined and taken apart without ``urljoin`` and ``urlsplit`` (the same results: a
    listing or an article page holds hundreds of links)."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None, False, ""
    if href[0] == "/":
        if "/." not in href and _PLAIN_ROOT_LINK.fullmatch(href) and (page := _http_root(base)) is not None:
            path, _, query = href.partition("?")
            return f"{page[0]}{href if query else path}", False, page[1]
    elif (plain := _PLAIN_ABSOLUTE_LINK.fullmatch(href)) and href.isprintable() and _http_root(base) is not None:
        # ``urljoin`` gives such a link back as written (or parsed and put together again).
        scheme, host, port, rest = plain.groups()
        if port is not None and not 0 < int(port) <= 65535:
            return None, True, ""
        path, _, query = (rest or "").partition("?")
        netloc = f"{host}:{port}" if port is not None else host
        return f"{scheme}://{netloc}{path or '/'}{'?' + query if query else ''}", False, host.lower()
    try:
        parts = urlsplit(urljoin(base, href))
        host, port = parts.hostname, parts.port
    except ValueError:
        return None, True, ""
    if parts.scheme not in ("http", "https"):
        return None, False, ""
    if not host or port == 0:
        return None, True, ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, "")), False, host


def join_url(base: str, href: str) -> str:
    """``href`` resolved against ``base``; as written when either cannot be parsed."""
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def classify_url(url: str, allow: list[re.Pattern[str]], deny: list[re.Pattern[str]]) -> str:
    """``deny``, ``listing`` or ``candidate`` (an article candidate)."""
    if DENY_DEFAULT.search(url) or any(p.search(url) for p in deny):
        return "deny"
    if LISTING_RE.search(url):
        return "listing"
    if allow and not any(p.search(url) for p in allow):
        return "other"
    try:
        path = urlsplit(url).path
    except ValueError:
        return "other"
    if re.fullmatch(r"(/[a-z]{2}(-[a-z]{2})?)?/\d{4}(/\d{1,2})?/?", path):
        return "listing"  # a date archive
    if path in ("", "/") or re.fullmatch(r"/[a-z]{2}(-[a-z]{2})?/?", path):
        return "listing"  # a home page or a language home
    return "candidate"


MAX_XML_BYTES = 8 * 1024 * 1024  # the most of a sitemap or feed ever read, inflated (DOWNLOAD_MAXSIZE)


class _Capped:
    """``body`` as a stream for the XML parser: gzip inflated as it is read, leading
    whitespace skipped, at most ``limit`` bytes. ``truncated``: there was more."""

    def __init__(self, body: bytes, limit: int):
        self.limit, self.count = limit, 0
        self.leading, self.truncated = True, False
        gzipped = body[:2] == b"\x1f\x8b"
        self.raw: gzip.GzipFile | io.BytesIO = gzip.GzipFile(fileobj=io.BytesIO(body)) if gzipped else io.BytesIO(body)

    def _raw_read(self, size: int) -> bytes:
        try:
            return self.raw.read1(size)  # what is there: a broken stream keeps what came before
        except (OSError, EOFError, zlib.error):  # a broken gzip stream ends where it breaks
            return b""

    def read(self, size: int = -1) -> bytes:
        while True:
            room = self.limit - self.count
            if room <= 0:
                return b""
            chunk = self._raw_read(room if size is None or size < 0 else min(size, room))
            self.count += len(chunk)
            if self.count >= self.limit and not self.truncated:
                self.truncated = bool(self._raw_read(1))
            if not self.leading or not chunk:
                return chunk
            chunk = chunk.lstrip()
            if chunk:
                self.leading = False
                return chunk


def _events(stream: _Capped) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) of a streamed parse: entities not expanded, no network, no huge
    trees; ends quietly where the document breaks, and before the part read last when the
    document was cut at the size limit (it may end inside an entry)."""
    parse = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                            load_dtd=False, huge_tree=False, recover=True)
    try:
        for event, element in parse:
            if stream.truncated:
                return
            yield event, element
    except etree.XMLSyntaxError:
        return


def _root(events: Iterator[tuple[str, etree._Element]]) -> etree._Element | None:
    for event, element in events:
        if event == "start":
            return element
    return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class Entries:
    """The entries of a sitemap or feed, parsed as they are iterated: the document is never
    held as a whole tree, and a caller that stops early parses no further.
    ``truncated``: the (inflated) document was larger than the size limit and its end was
    not read."""

    def __init__(self, entries: Iterator[FeedEntry], stream: _Capped | None = None):
        self._entries, self._stream = entries, stream

    def __iter__(self) -> Iterator[FeedEntry]:
        return self._entries

    @property
    def truncated(self) -> bool:
        return bool(self._stream and self._stream.truncated)


def _forget(element: etree._Element) -> None:
    """Free an entry once read: its content, and the siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def parse_sitemap(body: bytes, max_size: int = MAX_XML_BYTES) -> tuple[str, Entries]:
    """(``index``|``urlset``|``invalid``, entries) of a sitemap (gzip accepted, at most
    ``max_size`` bytes of it read once inflated)."""
    stream = _Capped(body, max_size)
    events = _events(stream)
    root = _root(events)
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(_local(root.tag)) if root is not None else None
    if kind is None:
        return "invalid", Entries(iter(()))
    return kind, Entries(_sitemap_entries(events, root), stream)


def _sitemap_entries(events: Iterator[tuple[str, etree._Element]], root: etree._Element) -> Iterator[FeedEntry]:
    for event, child in events:
        if event != "end" or child.getparent() is not root:
            continue
        loc = lastmod = None
        for el in child:
            name = _local(el.tag)
            if name == "loc" and el.text:
                loc = el.text.strip()
            elif name == "lastmod" and el.text:
                lastmod = el.text.strip()
        _forget(child)
        if loc:
            yield FeedEntry(loc, lastmod)


def parse_feed(body: bytes, base: str, max_size: int = MAX_XML_BYTES) -> Entries | None:
    """Entries of an RSS or Atom feed (gzip accepted, at most ``max_size`` bytes of it read
    once inflated), ``None`` when the body is not a feed. Links are resolved against ``base``
    (a malformed one is left as written)."""
    stream = _Capped(body, max_size)
    events = _events(stream)
    root = _root(events)
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        return None
    return Entries(_feed_entries(events, base), stream)


def _feed_entries(events: Iterator[tuple[str, etree._Element]], base: str) -> Iterator[FeedEntry]:
    for event, item in events:
        if event != "end" or _local(item.tag) not in ("item", "entry"):
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
        parent = item.getparent()
        if parent is not None and _local(parent.tag) not in ("item", "entry"):
            _forget(item)
        if link:
            yield FeedEntry(join_url(base, link), date, title)


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
    declared charset (header, then ``<meta>``; a page declared UTF-8 stays UTF-8 despite a stray
    invalid byte); then windows-1252, the usual undeclared one."""
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
        if name.replace("-", "").replace("_", "") == "utf8":
            # Declared UTF-8 with a stray invalid byte (a truncated character in a teaser): it
            # is still UTF-8, that byte aside, when its other non-ASCII characters decode well
            # (a windows-1252 page that says UTF-8 has hardly any that do).
            text = body.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            if sum(1 for c in text if c > "\x7f") - bad > 4 * bad:
                return text
            continue
        if name:
            if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
                name = "windows-1252"  # what browsers do for these labels
            try:
                return body.decode(name, errors="replace")
            except LookupError:
                continue
    return body.decode("windows-1252", errors="replace")
