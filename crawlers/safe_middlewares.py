"""Downloader middleware that reads a page's text safely.

Scrapy's ``MetaRefreshMiddleware`` reads the text of every HTML page, decoded with the charset
the page declares. A declared charset that names no text encoding (``Content-Type: text/html;
charset=idna``, ``<meta charset="idna">``: codecs such as ``idna``, ``punycode``, ``rot13``,
``base64`` or ``zlib``) makes that decoding raise, and the page is lost. ``SafeMetaRefreshMiddleware``
takes its place (same order, 580): such a declaration is ignored, as ``crawlers.cleaning.decode_page``
ignores it — the page is read as UTF-8 when its bytes are valid UTF-8, else as windows-1252 —
and the response goes on with that encoding, to the spider as well.

The refresh is looked for in the first 4,096 characters of the page, as Scrapy does, but only
those are decoded: Scrapy decodes the whole body (``response.text``, 150 KB on a real news page)
and nothing else in the crawl process reads it — the cleaning workers decode the page themselves.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib.html import get_meta_refresh

from crawlers.cleaning import text_charset


def with_text_encoding(response: Any) -> Any:
    """``response``, or a copy of it with an encoding that decodes text when the one it
    declares does not name a text encoding."""
    if not isinstance(response, TextResponse):
        return response
    try:
        encoding = response.encoding
    except (UnicodeError, LookupError, ValueError):
        encoding = None
    if text_charset(encoding):
        return response
    try:
        response.body.decode("utf-8")
        fallback = "utf-8"
    except UnicodeDecodeError:
        fallback = "cp1252"
    return response.replace(encoding=fallback)


HEAD_CHARS = 4096  # where Scrapy's get_meta_refresh looks for the refresh
_HEAD_BYTES = HEAD_CHARS * 4  # enough bytes for that many characters in any encoding but UTF-32


def head_text(response: TextResponse) -> str:
    """The first ``HEAD_CHARS`` characters of the page's text, decoding only the bytes needed."""
    body = response.body
    if len(body) > _HEAD_BYTES:
        text = body[:_HEAD_BYTES].decode(response.encoding, "replace")
        if len(text) >= HEAD_CHARS:
            return text[:HEAD_CHARS]
    return response.text[:HEAD_CHARS]


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, on pages whose declared charset may name no text
    encoding, reading only the head of the page."""

    def process_response(self, request: Any, response: Any, spider: Any) -> Any:
        response = with_text_encoding(response)
        if (request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or not isinstance(response, HtmlResponse)
                or urlparse_cached(request).scheme not in {"http", "https"}):
            return response
        interval, url = get_meta_refresh(head_text(response), response.url, response.encoding,
                                         ignore_tags=self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval is not None and interval < self._maxdelay:
            return self._redirect(redirected, request, spider, "meta refresh")
        return response
