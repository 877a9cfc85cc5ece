"""A header bomb: a server that answers a status line and then never ends its header section.
``DOWNLOAD_MAXSIZE`` covers only the body, and Twisted reads headers without limit; the
crawler drops such a response after 100 header fields or 64 KB of headers, with flat memory,
and the rest of the site is stored. Real crawl processes against the local news site of
``testing/faultsite.py`` and a raw socket server on 127.0.0.1 (bounded in bytes and time).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testing.faultsite import FaultSite, NewsSite, generated_article
from tests.test_robustness import assert_ok, assert_stored_once, documents, run_crawl

pytestmark = pytest.mark.slow

MEMORY_LIMIT_MB = 300


@dataclass
class BombHit:
    path: str
    seconds: float = 0.0  # from the request to the end of the answer
    sent: int = 0  # header bytes written
    ended: str = ""  # "client closed" or "limit"


class HeaderBomb:
    """A raw HTTP server on 127.0.0.1. ``/robots.txt`` is a plain 404; any other path answers
    ``200 OK`` and then header data without end, as ``kind`` says:

    - ``many_fields``: ever more short header fields;
    - ``folded_field``: one field continued by ever more folded lines;
    - ``endless_line``: one field whose line never ends.

    Each answer stops when the client closes the connection, after ``max_bytes`` or after
    ``max_seconds``."""

    def __init__(self, kind: str, max_bytes: int = 1 << 30, max_seconds: float = 10.0) -> None:
        self.kind, self.max_bytes, self.max_seconds = kind, max_bytes, max_seconds
        self.hits: list[BombHit] = []
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []

    def _start_and_chunk(self) -> tuple[bytes, bytes]:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        if self.kind == "many_fields":
            return head, b"".join(b"X-Filler-%03d: %s\r\n" % (i, b"v" * 100) for i in range(500))
        if self.kind == "folded_field":
            return head + b"X-Folded: start\r\n", (b"\t" + b"v" * 100 + b"\r\n") * 500
        if self.kind == "endless_line":
            return head + b"X-Endless: ", b"v" * 65536
        raise ValueError(self.kind)

    def __enter__(self) -> HeaderBomb:
        thread = threading.Thread(target=self._serve, name=f"header-bomb:{self.port}", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=self.max_seconds + 5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(1.0)
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
            except OSError:
                return
            parts = request.split(b"\r\n", 1)[0].split(b" ")
            path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
            if path == "/robots.txt":
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            hit = BombHit(path)
            self.hits.append(hit)
            start, chunk = self._start_and_chunk()
            t0 = time.monotonic()
            try:
                conn.sendall(start)
                hit.sent = len(start)
                while hit.sent < self.max_bytes and time.monotonic() - t0 < self.max_seconds:
                    if self._stop.is_set():
                        break
                    try:
                        conn.sendall(chunk)
                    except TimeoutError:  # the client does not read: wait within the time limit
                        continue
                    hit.sent += len(chunk)
                hit.ended = "limit"
            except OSError:
                hit.ended = "client closed"
            hit.seconds = time.monotonic() - t0


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with FaultSite() as s:
        yield s
    assert s.errors == [], f"test site handler errors: {s.errors}"


@pytest.mark.parametrize("kind", ["many_fields", "folded_field", "endless_line"])
def test_endless_header_is_dropped_with_flat_memory(kind: str, site: FaultSite, tmp_path: Path,
                                                    seeded_corpus: Path) -> None:
    news = NewsSite(site)
    with HeaderBomb(kind) as bomb:
        article = generated_article(3, "bomb")
        bomb_url = f"{bomb.url}/en/{article.slug}/"
        news.listing_links.append((bomb_url, article.title, article.paragraphs[0][:150]))
        crawl = run_crawl(tmp_path, seeded_corpus, news.url, timeout=90)
    hits = [h for h in bomb.hits if h.path != "/robots.txt"]
    assert crawl.maxrss_mb < MEMORY_LIMIT_MB, (
        f"peak memory of the crawl process {crawl.maxrss_mb:.0f} MB; "
        f"{[(round(h.seconds, 1), round(h.sent / 1e6, 1), h.ended) for h in hits]} (s, MB sent, end)")
    assert hits and all(h.ended == "client closed" and h.seconds < 5 for h in hits), (
        "the crawler read endless headers: "
        f"{[(round(h.seconds, 1), round(h.sent / 1e6, 1), h.ended) for h in hits]} (s, MB sent, end)")
    assert len(hits) == 1, f"the header bomb was requested {len(hits)} times (it must not be retried)\n" + crawl.brief()
    assert_ok(crawl)
    assert_stored_once(seeded_corpus, news)
    assert crawl.summary.get("errors") == {"HeaderTooLarge": 1}, crawl.brief()
    assert not [d for d in documents(seeded_corpus) if d["url"] and str(bomb.port) in d["url"]]
    assert f"HeaderTooLarge for {bomb_url}" in crawl.log, crawl.brief()
