"""A small static-site HTTP server for test sites and the demo (standard library only).

A site is a directory tree. A URL path maps to a file in it:

- ``root/_routes.json`` (optional) is checked first. It maps ``"/path?query"`` or ``"/path"``
  to an entry ``{"file": "rel/path", "type": "...", "status": 200, "redirect": "/target",
  "body": "...", "headers": {...}}``. Keys are tried in this order: the path and query as
  requested, the path with the query reduced to the pagination keys, the path alone. A
  ``redirect`` entry answers with ``status`` (default 301) and ``Location``. When an entry
  with a ``file`` was matched on the path alone, the query lookup below applies to its file.
- Otherwise the path is percent-decoded (UTF-8). A directory, or a path ending in ``/``,
  serves its ``index.html``; a file serves itself.
- A query ``Q`` selects the file ``<file>@<Q>`` if it exists, else ``<file>@<Q'>`` where
  ``Q'`` keeps only the keys ``page``, ``paged`` and ``b_start:int``, else the file itself
  (real servers ignore unknown parameters such as ``utm_source``).

In served text files (HTML, XML, JSON, text) the literal ``{{BASE}}`` is replaced with the
server's base URL, so fixtures can hold absolute URLs. The same holds for route ``redirect``
and ``headers`` values. Responses carry ``ETag`` and ``Last-Modified``; a matching
``If-None-Match`` or ``If-Modified-Since`` gets ``304``.

Run ``python -m testing.localsite DIR [--port N]`` to serve a directory until Ctrl-C.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import logging
import mimetypes
import signal
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urlsplit

__all__ = ["LocalSite", "RequestRecord", "serve_forever_cli"]

log = logging.getLogger(__name__)

BASE_PLACEHOLDER = b"{{BASE}}"
ROUTES_FILE = "_routes.json"
PAGINATION_KEYS = ("page", "paged", "b_start:int")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    "": "text/html; charset=utf-8",
}
TEXT_TYPE_MARKERS = ("text/", "xml", "json", "javascript")

NOT_FOUND_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    "<body><h1>Not Found</h1><p>The requested URL {path} was not found on this server.</p>"
    "</body></html>\n"
)


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered."""

    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class _Response:
    """What to send back: status, headers and body (``file`` set for static files)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: Path | None = None


class LocalSite:
    """Serve a directory tree over HTTP on a background thread.

    Args:
        root: The site directory.
        host: Interface to bind.
        port: Port to bind; 0 picks a free one.

    Use as a context manager, or call ``start()`` and ``stop()``. ``url`` is valid after
    ``start()``. ``requests`` lists every answered request in arrival order.
    """

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.url = ""
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._routes: dict[str, dict[str, object]] = {}
        self._posts_cache: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LocalSite:
        """Bind the port, load ``_routes.json`` and start serving; return self."""
        if not self.root.is_dir():
            raise NotADirectoryError(f"site root is not a directory: {self.root}")
        routes_path = self.root / ROUTES_FILE
        if routes_path.is_file():
            self._routes = json.loads(routes_path.read_text(encoding="utf-8"))
        server = _Server((self.host, self.port), _Handler)
        server.site = self
        port = server.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name=f"localsite:{port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def record(self, entry: RequestRecord) -> None:
        """Append to the request log (thread-safe)."""
        with self._lock:
            self.requests.append(entry)

    # -- resolution -------------------------------------------------------------------

    def resolve(self, target: str, request_headers: dict[str, str]) -> _Response:
        """Answer a request target ("/path?query") without the network."""
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
        route, matched_query = self._find_route(path, query)
        if route is not None:
            response = self._answer_route(route, path, "" if matched_query else query)
            return _conditional(response, request_headers)
        fs_path = self._decode_path(path)
        if fs_path is None:
            return self._not_found(path)
        file = self._static_file(fs_path, path.endswith("/"), query)
        if file is None:
            return self._not_found(path)
        response = self._file_response(file, 200, None)
        return _conditional(response, request_headers)

    def _find_route(self, path: str, query: str) -> tuple[dict[str, object] | None, bool]:
        """Return (route entry, whether it matched including a query)."""
        if not self._routes:
            return None, False
        keys = []
        for candidate in (path, unquote(path)):
            if query:
                keys.append(f"{candidate}?{query}")
                reduced = _reduce_query(query)
                if reduced:
                    keys.append(f"{candidate}?{reduced}")
        for key in keys:
            if key in self._routes:
                return self._routes[key], True
        for key in (path, unquote(path)):
            if key in self._routes:
                return self._routes[key], False
        return None, False

    def _answer_route(self, route: dict[str, object], path: str, query: str) -> _Response:
        """Build the response for a ``_routes.json`` entry."""
        headers = {k: self._substitute_str(str(v)) for k, v in _dict(route.get("headers")).items()}
        if "redirect" in route:
            status = int(str(route.get("status", 301)))
            headers["Location"] = self._substitute_str(str(route["redirect"]))
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            return _Response(status, headers, b"")
        status = int(str(route.get("status", 200)))
        content_type = str(route["type"]) if "type" in route else None
        if "wp_posts" in route:
            response = self._wp_posts(str(route["wp_posts"]), query, path)
        elif "file" in route:
            rel = self._decode_path("/" + str(route["file"]))
            file = self._static_file(rel, False, query) if rel is not None else None
            if file is None:
                return self._not_found(path)
            response = self._file_response(file, status, content_type)
        else:
            content_type = content_type or "text/html; charset=utf-8"
            body = str(route.get("body", "")).encode("utf-8")
            response = _Response(status, {"Content-Type": content_type}, body)
            if _is_text(content_type):
                response.body = body.replace(BASE_PLACEHOLDER, self.url.encode("ascii"))
        response.headers.update(headers)
        return response

    def _wp_posts(self, rel: str, query: str, path: str) -> _Response:
        """The WordPress REST posts collection, from one JSON file of every post: ``page``,
        ``per_page`` (default 10, at most 100), ``after`` / ``modified_after`` (ISO dates),
        ``_fields``; newest first; X-WP-Total / X-WP-TotalPages; 400 past the last page."""
        file = self._decode_path("/" + rel)
        if file is None or not (self.root / file).is_file():
            return self._not_found(path)
        posts = self._posts(self.root / file)
        params = dict(parse_qsl(query))
        try:
            page = max(1, int(params.get("page", 1)))
            per_page = min(100, max(1, int(params.get("per_page", 10))))
        except ValueError:
            return _json_response(400, {"code": "rest_invalid_param", "message": "Invalid parameter(s)."})
        for key, column in (("after", "date_gmt"), ("modified_after", "modified_gmt")):
            if params.get(key):
                posts = [p for p in posts if str(p.get(column, "")) > params[key][:19]]
        total = len(posts)
        pages = max(1, -(-total // per_page))
        if page > pages:
            return _json_response(400, {"code": "rest_post_invalid_page_number",
                                        "message": "The page number requested is larger than the number of "
                                                   "pages available.",
                                        "data": {"status": 400}})
        chunk = posts[(page - 1) * per_page: page * per_page]
        if params.get("_fields"):
            keep = set(params["_fields"].split(","))
            chunk = [{k: v for k, v in p.items() if k in keep} for p in chunk]
        body = json.dumps(chunk, ensure_ascii=False).replace(BASE_PLACEHOLDER.decode(), self.url)
        response = _json_response(200, None, body.encode("utf-8"))
        response.headers.update({"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})
        return response

    def _posts(self, file: Path) -> list[dict[str, Any]]:
        """Every post of a posts file, newest first (read once per version of the file)."""
        stat = file.stat()
        key = (str(file), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._posts_cache.get(key)
        if cached is None:
            cached = json.loads(file.read_text(encoding="utf-8"))
            cached.sort(key=lambda p: str(p.get("date_gmt", "")), reverse=True)
            with self._lock:
                self._posts_cache = {key: cached}
        return cached

    def _decode_path(self, path: str) -> Path | None:
        """Percent-decode a URL path to a relative path inside root, or None if unsafe."""
        try:
            decoded = unquote_to_bytes(path.encode("latin-1")).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
        segments = [s for s in decoded.split("/") if s]
        if any(s in (".", "..") or "\\" in s or "\x00" in s for s in segments):
            return None
        if segments and segments[0] == ROUTES_FILE:
            return None
        return Path(*segments) if segments else Path()

    def _static_file(self, rel: Path, wants_dir: bool, query: str) -> Path | None:
        """Map a safe relative path (and query) to an existing file inside root."""
        candidate = self.root / rel
        if wants_dir or candidate.is_dir():
            candidate = candidate / "index.html"
        if query:
            variant = self._query_variant(candidate, query)
            if variant is not None:
                candidate = variant
        if not candidate.is_file():
            return None
        if not candidate.resolve().is_relative_to(self.root):
            return None
        return candidate

    def _query_variant(self, file: Path, query: str) -> Path | None:
        """Return ``<file>@<query>`` (or the pagination-only form) if it exists."""
        names = [query, unquote(query), _reduce_query(query)]
        for name in dict.fromkeys(n for n in names if n):
            if "/" in name or name in (".", ".."):
                continue
            variant = file.with_name(f"{file.name}@{name}")
            if variant.is_file():
                return variant
        return None

    def _file_response(self, file: Path, status: int, content_type: str | None) -> _Response:
        """Read a file and build a response with validators."""
        content_type = content_type or _content_type(file)
        body = file.read_bytes()
        if _is_text(content_type):
            body = body.replace(BASE_PLACEHOLDER, self.url.encode("ascii"))
        headers = {
            "Content-Type": content_type,
            "ETag": f'"{hashlib.sha1(body).hexdigest()}"',
            "Last-Modified": formatdate(int(file.stat().st_mtime), usegmt=True),
        }
        return _Response(status, headers, body, file)

    def _not_found(self, path: str) -> _Response:
        body = NOT_FOUND_PAGE.format(path=html.escape(path)).encode("utf-8")
        return _Response(404, {"Content-Type": "text/html; charset=utf-8"}, body)

    def _substitute_str(self, value: str) -> str:
        return value.replace(BASE_PLACEHOLDER.decode(), self.url)


def _json_response(status: int, data: object, body: bytes | None = None) -> _Response:
    payload = body if body is not None else json.dumps(data).encode("utf-8")
    return _Response(status, {"Content-Type": "application/json; charset=UTF-8"}, payload)


def _dict(value: object) -> dict[str, object]:
    """Return value if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _reduce_query(query: str) -> str:
    """Keep only the pagination keys of a query string, in their original order."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{k}={v}" for k, v in pairs if k in PAGINATION_KEYS)


def _content_type(file: Path) -> str:
    """Content type from the file name, ignoring any ``@query`` suffix."""
    name = file.name.split("@", 1)[0]
    suffix = Path(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def _is_text(content_type: str) -> bool:
    return any(marker in content_type for marker in TEXT_TYPE_MARKERS)


def _conditional(response: _Response, request_headers: dict[str, str]) -> _Response:
    """Turn a 200 into a 304 when the request's validators match."""
    if response.status != 200:
        return response
    lower = {k.lower(): v for k, v in request_headers.items()}
    etag = response.headers.get("ETag", "")
    if "if-none-match" in lower:
        tags = [t.strip().removeprefix("W/") for t in lower["if-none-match"].split(",")]
        matched = "*" in tags or etag in tags
    elif "if-modified-since" in lower and response.file is not None:
        try:
            since = parsedate_to_datetime(lower["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return response
        matched = int(response.file.stat().st_mtime) <= since
    else:
        return response
    if not matched:
        return response
    keep = ("ETag", "Last-Modified")
    return _Response(304, {k: v for k, v in response.headers.items() if k in keep})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: LocalSite

    def handle_error(self, request: object, client_address: object) -> None:
        """Keep errors off stderr (clients hanging up are normal)."""
        log.debug("error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "localsite/1.0"
    timeout = 60
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        site = self.server.site
        headers = {k: v for k, v in self.headers.items()}
        try:
            response = site.resolve(self.path, headers)
        except OSError:
            log.debug("failed to read %s", self.path, exc_info=True)
            response = _Response(500, {"Content-Type": "text/plain; charset=utf-8"}, b"error\n")
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body and response.status != 304:
            self.wfile.write(response.body)
        site.record(RequestRecord(self.command, self.path, headers, response.status))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence the default per-request stderr log."""


def serve_forever_cli(argv: list[str] | None = None) -> None:
    """Command line: serve a directory until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m testing.localsite", description="Serve a static test site."
    )
    parser.add_argument("root", type=Path, help="site directory")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    args = parser.parse_args(argv)
    site = LocalSite(args.root, host=args.host, port=args.port)
    try:
        site.start()
    except (NotADirectoryError, OSError) as exc:
        parser.exit(1, f"error: {exc}\n")
    print(site.url, flush=True)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        threading.Event().wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        site.stop()


def _exit_on_signal(signum: int, frame: object) -> None:
    """Turn SIGTERM into a clean shutdown of the CLI server."""
    raise SystemExit(0)


if __name__ == "__main__":
    serve_forever_cli()
