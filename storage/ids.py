"""Canonical URLs and stable document ids.

A document's id is the first 16 hex digits of the SHA-256 of its canonical URL, so the
same item reached through ``http``/``https``, ``www``/bare host, a host alias, a
trailing slash, a fragment or tracking parameters gets the same id and file name.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that never select content: analytics, click ids, session ids,
# and view switches of the CMSs we crawl.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_hsenc|_hsmi|yclid|"
    r"ref|ref_src|phpsessid|jsessionid|sid|sessionid|s_id|set_language|amp|output)$",
    re.IGNORECASE,
)
_ID_LEN = 16
# Characters left as they are when a path is re-quoted: RFC 3986 reserved and
# unreserved characters plus '%' so existing escapes survive.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def _normalise_escapes(part: str, safe: str) -> str:
    """Decode then re-encode, so ``%c4%b1``, ``%C4%B1`` and a raw ``ı`` agree."""
    return quote(unquote(part), safe=safe.replace("%", ""))


def canonical_url(url: str, host_aliases: dict[str, str] | None = None) -> str:
    """Return the canonical form of ``url`` (``_canonical``; the same URL asked for again, as a crawl
    does for each page several times, is not worked out again)."""
    return _canonical(url, tuple(host_aliases.items()) if host_aliases else ())


@functools.lru_cache(maxsize=4096)
def _canonical(url: str, aliases: tuple[tuple[str, str], ...]) -> str:
    """The canonical form of ``url``, ``aliases`` the (alias, main host) pairs.

    - scheme ``https`` for http(s) URLs, host lower-case without ``www.``,
      default ports dropped, host mapped through ``host_aliases`` (alias → main host);
    - fragment dropped, tracking/session parameters dropped, remaining ones sorted;
    - percent-escapes normalised (upper-case, UTF-8), AMP suffixes (``/amp/``) removed;
    - trailing slash removed (except for the root path).

    Never raises: a URL that cannot be parsed (a port out of range, an unclosed IPv6
    bracket) comes back as written, without its fragment.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.split("#", 1)[0]
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if aliases:
        host = dict(aliases).get(host, host)
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    else:
        netloc = host
    if scheme in ("http", "https"):
        scheme = "https"
    path = _normalise_escapes(parts.path or "/", _PATH_SAFE)
    path = re.sub(r"/{2,}", "/", path)
    path = re.sub(r"/amp/?$", "/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)
    ]
    query = urlencode(sorted(query_pairs), quote_via=quote, safe=":")
    return urlunsplit((scheme, netloc, path, query, ""))


def strip_tracking(url: str) -> str:
    """``url`` without fragment and tracking/session parameters, otherwise as it was (a URL
    that cannot be parsed is returned as it is)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, quote_via=quote, safe=":/"), ""))


def doc_id(canonical: str) -> str:
    """Stable 16-hex-digit id of a canonical URL."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:_ID_LEN]


def content_hash(text: str) -> str:
    """Hash of a document's text, whitespace-insensitive."""
    norm = " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
