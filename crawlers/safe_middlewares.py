"""Downloader middleware that reads a page's text safely.

Scrapy's ``MetaRefreshMiddleware`` reads the text of every HTML page, decoded with the charset
the page declares. A declared charset that names no text encoding (``Content-Type: text/html;
charset=idna``, ``<meta charset="idna">``: codecs such as ``idna``, ``punycode``, ``rot13``,
``base64`` or ``zlib``) makes that decoding raise, and the page is lost. ``SafeMetaRefreshMiddleware``
takes its place (same order, 580): such a declaration is ignored, as ``crawlers.cleaning.decode_page``
ignores it — the page is read as UTF-8 when its bytes are valid UTF-8, else as windows-1252 —
and the response goes on with that encoding, to the spider as well.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import TextResponse

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


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, on pages whose declared charset may name no text encoding."""

    def process_response(self, request: Any, response: Any, spider: Any) -> Any:
        return super().process_response(request, with_text_encoding(response), spider)
