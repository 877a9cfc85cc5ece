"""Download handler: Scrapy's HTTP/1.1 handler without Twisted's silent re-send."""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler


class SingleAttemptHTTPHandler(HTTP11DownloadHandler):
    """Twisted's connection pool re-sends an idempotent request once, on its own, when a
    kept-alive connection fails (``retryAutomatically``). A server that resets connections
    then sees every attempt twice, and the retry is neither counted nor paused. Here every
    attempt is one request: failures go to the retry middleware, which backs off and counts."""

    def __init__(self, settings: Any, crawler: Any):
        super().__init__(settings, crawler)
        self._pool.retryAutomatically = False
