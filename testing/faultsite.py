"""A programmable HTTP server for robustness tests, and a small news site to put on it.

``FaultSite`` is a threaded standard-library HTTP server on 127.0.0.1 (like
``testing.localsite.LocalSite``, but routes are Python functions): a request target
``/path?query`` is answered by the handler registered for the exact target, else for the
path, else for the longest registered prefix, else with a 404 page. A handler receives a
``Req`` and returns ``(status, headers, body)`` — or ``RESET`` to close the connection
without answering. Every request is logged (``site.log``) with its arrival time and status.

``NewsSite`` puts a WordPress-like local-government news site on a ``FaultSite``: a home
page (``/en/``) linking the news listing (``/en/news/``, paginated when asked), articles
with ``og:type=article`` and ``article:published_time``, an "About" page, robots.txt. Tests
add their traps and faults next to it with the helpers at the end of this module.

No file system, no internet: everything is generated in memory.
"""

from __future__ import annotations

import functools
import gzip
import html
import io
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "RESET", "Req", "Hit", "FaultSite", "Article", "NewsSite", "ARTICLES", "generated_article",
    "accented_article", "ACCENTED_WORDS", "page_html", "article_html", "listing_html",
    "not_found_html", "redirect", "flaky", "retry_after", "slow", "reset", "static",
    "gzip_bomb", "entity_bomb_sitemap", "huge_sitemap_gz", "huge_robots", "oversized_html",
    "binary_junk", "MINIMAL_PDF",
]

RESET = object()
"""Handler answer: close the connection at once (TCP RST), without any HTTP response."""

Body = bytes | str | Iterable[bytes]
Reply = tuple[int, dict[str, str], Body]
Handler = Callable[["Req"], "Reply | object"]

HTML = "text/html; charset=utf-8"


# -- the server --------------------------------------------------------------------------

@dataclass(frozen=True)
class Req:
    """One request, as a handler sees it."""

    method: str
    target: str  # "/path?query" as requested
    path: str
    query: str
    headers: dict[str, str]
    nth: int  # 0 for the first request of this target, 1 for the second…
    site: FaultSite

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass
class Hit:
    """One logged request: what was asked, when (``time.monotonic()``), and the answer."""

    method: str
    target: str
    path: str
    query: str
    headers: dict[str, str]
    time: float
    status: int | None = None  # None: no answer (reset, or the client went away)
    note: str = ""


class FaultSite:
    """Serve Python handlers over HTTP on a background thread.

    Use as a context manager (or ``start()`` / ``stop()``). ``url`` is ``http://127.0.0.1:PORT``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.url = ""
        self.routes: dict[str, Handler] = {}
        self.prefixes: dict[str, Handler] = {}
        self.log: list[Hit] = []
        self.errors: list[str] = []  # exceptions raised by handlers (a bug in a test, not the crawler)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FaultSite:
        server = _Server((self.host, self.port), _Handler)
        server.site = self
        self.port = server.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=f"faultsite:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes sleeping handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FaultSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # routes
    def route(self, target: str, handler: Handler) -> None:
        """Answer ``target`` ("/path" or "/path?query") with ``handler``."""
        self.routes[target] = handler

    def prefix(self, prefix: str, handler: Handler) -> None:
        """Answer every path starting with ``prefix`` (longest prefix wins) with ``handler``."""
        self.prefixes[prefix] = handler

    def page(self, target: str, body: Body, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """A fixed answer (HTML unless ``headers`` say otherwise)."""
        self.route(target, static(body, status, headers))

    def sleep(self, seconds: float) -> None:
        """Sleep in a handler; returns early when the server stops."""
        self.stopping.wait(seconds)

    def find(self, path: str, query: str) -> Handler | None:
        target = f"{path}?{query}" if query else path
        if target in self.routes:
            return self.routes[target]
        if path in self.routes:
            return self.routes[path]
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            if path.startswith(prefix):
                return self.prefixes[prefix]
        return None

    # the log
    def _record(self, hit: Hit) -> int:
        with self._lock:
            self.log.append(hit)
            nth = self._counts.get(hit.target, 0)
            self._counts[hit.target] = nth + 1
            return nth

    def hits(self, path: str | None = None, prefix: str | None = None, contains: str | None = None,
             where: Callable[[Hit], bool] | None = None) -> list[Hit]:
        """Logged requests: of one path (any query), under a prefix, containing a string."""
        with self._lock:
            log = list(self.log)
        return [h for h in log
                if (path is None or h.path == path)
                and (prefix is None or h.path.startswith(prefix))
                and (contains is None or contains in h.target)
                and (where is None or where(h))]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()
            self._counts.clear()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: FaultSite

    def handle_error(self, request: object, client_address: object) -> None:  # noqa: D401
        pass  # clients that go away mid-answer (cancelled downloads) are expected here


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    _reset = False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        path, query = parts.path or "/", parts.query
        hit = Hit(self.command, self.path, path, query, {k: v for k, v in self.headers.items()}, time.monotonic())
        nth = site._record(hit)
        handler = site.find(path, query)
        try:
            reply = handler(Req(self.command, self.path, path, query, hit.headers, nth, site)) if handler \
                else (404, {}, not_found_html(site.url))
        except Exception as exc:  # a bug in the test's handler: say so, answer 500
            site.errors.append(f"{self.path}: {type(exc).__name__}: {exc}")
            reply = (500, {"Content-Type": "text/plain"}, f"handler error: {exc}")
        if reply is RESET:
            hit.note = "reset"
            self._hard_reset()
            return
        status, headers, body = reply  # type: ignore[misc]
        headers = dict(headers)
        headers.setdefault("Content-Type", HTML)
        if isinstance(body, str):
            charset = "utf-8"
            body = body.encode(charset)
        try:
            self.send_response(status)
            chunks: Iterable[bytes]
            if isinstance(body, (bytes, bytearray)):
                headers.setdefault("Content-Length", str(len(body)))
                chunks = [bytes(body)]
            else:
                chunks = body
                if "Content-Length" not in headers:
                    headers["Connection"] = "close"
                    self.close_connection = True
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            hit.status = status
            if send_body:
                for chunk in chunks:
                    if site.stopping.is_set():
                        break
                    self.wfile.write(chunk)
            self.wfile.flush()
        except (ConnectionError, OSError) as exc:
            hit.note = f"client went away: {type(exc).__name__}"
            self.close_connection = True

    def _hard_reset(self) -> None:
        """Close the socket with SO_LINGER 0: the client sees a connection reset."""
        self._reset = True
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass


# -- handler factories --------------------------------------------------------------------

def static(body: Body, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    return lambda req: (status, dict(headers or {}), body)


def redirect(location: str, status: int = 301) -> Handler:
    """Redirect to ``location`` (a path is made absolute on the server's URL)."""
    def handler(req: Req) -> Reply:
        target = req.site.url + location if location.startswith("/") else location
        return status, {"Location": target, "Content-Type": HTML}, f'<a href="{html.escape(target)}">Moved</a>'
    return handler


def flaky(failures: Sequence[Reply], then: Handler) -> Handler:
    """Answer the n-th request of a target with ``failures[n]``, later ones with ``then``."""
    def handler(req: Req) -> Reply | object:
        return failures[req.nth] if req.nth < len(failures) else then(req)
    return handler


def retry_after(seconds: int, then: Handler, times: int = 1) -> Handler:
    """429 Too Many Requests with ``Retry-After`` the first ``times`` requests, then ``then``."""
    busy = (429, {"Retry-After": str(seconds), "Content-Type": HTML},
            "<html><body><h1>429 Too Many Requests</h1><p>Please slow down.</p></body></html>")
    return flaky([busy] * times, then)


def slow(seconds: float, then: Handler) -> Handler:
    """Wait ``seconds`` before answering (interrupted when the server stops)."""
    def handler(req: Req) -> Reply | object:
        req.site.sleep(seconds)
        return then(req)
    return handler


def reset(req: Req) -> object:
    """Close the connection without answering."""
    return RESET


# -- page templates (WordPress-like chrome) ----------------------------------------------

@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    published: str  # ISO 8601 with offset
    paragraphs: tuple[str, ...]
    author: str = "Communications Team"
    tags: tuple[str, ...] = ()


SITE_NAME = "Mediterranean Cities Network"
_SOCIAL = ("https://www.facebook.com/medcitiesnet", "https://twitter.com/medcitiesnet",
           "https://www.youtube.com/@medcitiesnet")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def page_html(base: str, title: str, main: str, *, og_type: str = "website", head_extra: str = "",
              body_class: str = "page", canonical: str | None = None, recent: Sequence[tuple[str, str]] = (),
              footer_extra: str = "", href: Callable[[str], str] | None = None, charset_meta: str | None = "UTF-8",
              lang: str = "en-US") -> str:
    """A full page in the site's chrome: header and menu, ``main``, sidebar, footer, cookie notice."""
    href = href or (lambda path: base + path)
    canon = f'<link rel="canonical" href="{_esc(canonical)}">\n' if canonical else ""
    recent_items = "".join(f'<li><a href="{_esc(href(p))}">{_esc(t)}</a></li>' for p, t in recent)
    social = "".join(f'<li><a href="{u}" target="_blank" rel="noopener">{u.split("/")[2]}</a></li>' for u in _SOCIAL)
    meta_charset = f'<meta charset="{charset_meta}">\n' if charset_meta else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{meta_charset}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)} &#8211; {SITE_NAME}</title>
<meta property="og:locale" content="en_US">
<meta property="og:type" content="{og_type}">
<meta property="og:title" content="{_esc(title)}">
<meta property="og:site_name" content="{SITE_NAME}">
{head_extra}{canon}<link rel="https://api.w.org/" href="{base}/wp-json/">
<link rel="stylesheet" id="theme-style-css" href="{base}/wp-content/themes/medcities/style.css?ver=6.5.2" media="all">
<meta name="generator" content="WordPress 6.5.2">
</head>
<body class="{body_class}">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header">
<div class="site-branding"><a href="{_esc(href('/en/'))}" rel="home"><img src="{base}/wp-content/uploads/logo.png" alt="{SITE_NAME}"></a>
<p class="site-description">Local governments of the Mediterranean working together</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="{_esc(href('/en/'))}">Home</a></li>
<li class="menu-item"><a href="{_esc(href('/en/about-us/'))}">About us</a></li>
<li class="menu-item"><a href="{_esc(href('/en/news/'))}">News</a></li>
</ul></nav>
</header>
<div id="content" class="site-content"><div class="container">
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
<aside id="secondary" class="widget-area">
<section class="widget widget_search"><form role="search" method="get" class="search-form" action="{base}/en/"><label><span class="screen-reader-text">Search for:</span><input type="search" name="s"></label></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent_items}</ul></section>
</aside>
</div></div>
<footer id="colophon" class="site-footer">
<section class="widget widget_text"><h2 class="widget-title">Contact</h2><div class="textwidget"><p>Secretariat: Carrer de la Diputació 92, 08015 Barcelona</p></div></section>
<section class="widget widget_social"><h2 class="widget-title">Follow us</h2><ul class="social-links">{social}</ul></section>
{footer_extra}<div class="site-info">&copy; 2024 {SITE_NAME}. All rights reserved.</div>
</footer>
</div>
<div id="cookie-notice" role="dialog" class="cookie-notice-hidden"><span class="cn-text-container">We use cookies to ensure that we give you the best experience on our website.</span><a href="#" class="cn-set-cookie">Accept</a></div>
<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>
</body>
</html>
"""


def article_html(base: str, article: Article, path: str, *, title: str | None = None, body_extra: str = "",
                 **chrome: object) -> str:
    """An article page: og:type=article, article:published_time, JSON-free WordPress markup."""
    title = article.title if title is None else title
    url = base + path
    paras = "\n".join(f"<p>{_esc(p)}</p>" for p in article.paragraphs)
    head = (f'<meta property="og:url" content="{_esc(url)}">\n'
            f'<meta property="article:published_time" content="{article.published}">\n'
            f'<meta name="author" content="{_esc(article.author)}">\n')
    day = article.published[:10]
    main = f"""<article id="post-{abs(hash(article.slug)) % 9000 + 1000}" class="post type-post status-publish format-standard hentry category-news">
<header class="entry-header">
<h1 class="entry-title">{_esc(title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{article.published}">{day}</time></span><span class="byline"> by <span class="author vcard">{_esc(article.author)}</span></span></div>
</header>
<div class="entry-content">
{paras}
{body_extra}</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{base}/en/category/news/" rel="category tag">News</a></span></footer>
</article>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a class="share-facebook" href="https://www.facebook.com/sharer.php?u={_esc(url)}">Share on Facebook</a></li></ul></div>
<div id="comments" class="comments-area"><p class="nocomments">Comments are closed.</p></div>"""
    chrome.setdefault("canonical", url)
    return page_html(base, title, main, og_type="article", head_extra=head,
                     body_class="post-template-default single single-post", **chrome)  # type: ignore[arg-type]


def listing_html(base: str, title: str, items: Sequence[tuple[str, str, str]], *, nav: str = "",
                 **chrome: object) -> str:
    """A listing page: ``items`` are (href, title, excerpt); ``nav`` the pagination markup."""
    entries = "\n".join(
        f'<article class="post type-post hentry"><h2 class="entry-title"><a href="{_esc(h)}" rel="bookmark">{_esc(t)}</a></h2>'
        f'<div class="entry-summary"><p>{_esc(x)}</p></div><a class="more-link" href="{_esc(h)}">Read more</a></article>'
        for h, t, x in items)
    main = f'<header class="page-header"><h1 class="page-title">{_esc(title)}</h1></header>\n{entries}\n{nav}'
    return page_html(base, title, main, body_class="archive category", **chrome)  # type: ignore[arg-type]


def not_found_html(base: str, status_text: bool = True) -> str:
    """WordPress's "Page not found" template (served with 404 — or with 200 as a soft 404)."""
    main = """<section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></header>
<div class="page-content">
<p>It looks like nothing was found at this location. The page you are looking for may have been moved, renamed or deleted, or the link you followed may be out of date. Maybe try one of the links below or a search of the website, or return to the home page to browse the latest news of the network.</p>
<section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul><li>May 2024</li><li>March 2024</li><li>January 2024</li><li>October 2023</li><li>June 2023</li></ul></section>
<section class="widget widget_categories"><h2 class="widget-title">Most Used Categories</h2><ul><li>News (48)</li><li>Events (17)</li><li>Publications (9)</li><li>Calls for proposals (6)</li></ul></section>
<p>If you believe this is an error, please contact the web team of the secretariat and tell us which address you tried to reach.</p>
</div></section>"""
    return page_html(base, "Page not found", main, head_extra='<meta name="robots" content="noindex, follow">\n',
                     body_class="error404")


# -- texts ---------------------------------------------------------------------------------

ARTICLES: tuple[Article, ...] = (
    Article(
        "valencia-hosts-mediterranean-forum-on-localising-the-sdgs",
        "Valencia Hosts Mediterranean Forum on Localising the Sustainable Development Goals",
        "2024-03-12T17:40:00+01:00",
        (
            "More than 300 mayors, councillors and technical staff from 21 countries met in Valencia on 11 and "
            "12 March for the Mediterranean Forum on the Localisation of the Sustainable Development Goals, "
            "organised by the city council together with the regional network of local governments.",
            "Over two days, participants compared how their administrations align municipal budgets, strategic "
            "plans and procurement rules with the 2030 Agenda. Delegations from Tunis, Izmir, Marseille and Beirut "
            "presented voluntary local reviews, the reports in which a city assesses its own progress towards the "
            "goals and identifies the gaps that remain.",
            "Valencia's deputy mayor for sustainable development explained that the city now tags every line of "
            "its annual budget with the goal it contributes to. \u201cIt took us three years to build the method, "
            "but today any resident can see how much we spend on affordable housing, clean mobility or gender "
            "equality,\u201d she said during the opening session.",
            "Several speakers warned that local governments still lack reliable data at the neighbourhood level. "
            "The forum agreed to set up a working group on municipal statistics, coordinated by the network's "
            "secretariat, which will publish a common set of indicators before the end of the year.",
            "The final declaration calls on national governments to involve cities in the preparation of their "
            "voluntary national reviews and to channel part of development funding directly to municipalities. "
            "The next edition of the forum will be hosted by the municipality of Sfax in 2025.",
        ),
        tags=("sdg", "localisation"),
    ),
    Article(
        "twelve-cities-agree-a-joint-plan-to-cool-their-streets",
        "Twelve Cities Agree a Joint Plan to Cool Their Streets in Summer",
        "2024-05-21T10:05:00+02:00",
        (
            "Twelve cities of southern Europe and North Africa signed a joint action plan on urban heat on "
            "Tuesday, after a record summer in which temperatures above 44 degrees were measured in several of "
            "their historic centres.",
            "The plan commits the signatories to plant at least 50,000 street trees by 2030, to open a network of "
            "climate shelters in libraries, schools and civic centres during heat waves, and to replace dark "
            "asphalt with lighter, permeable surfaces when streets are renovated. Each city will appoint a heat "
            "officer responsible for coordinating municipal services during alerts.",
            "Public health departments will share a common early-warning protocol, so that residents over 75, "
            "people living alone and outdoor workers receive a phone call or a visit when a red alert is "
            "declared. Seville and Athens, which already run such services, will train the staff of the other "
            "cities in the autumn.",
            "The cost of the first phase is estimated at 38 million euros. Part of it will come from municipal "
            "budgets, and the cities have jointly applied for a regional development grant to finance the climate "
            "shelters and the monitoring of surface temperatures by satellite.",
            "Opening the meeting, the chair of the network recalled that cities are on the front line of the "
            "climate crisis but rarely have the resources to match their responsibilities. \u201cHeat kills "
            "quietly, mostly at home and mostly among the poorest,\u201d she said. \u201cThis plan is about "
            "protecting people before the next summer, not after it.\u201d",
        ),
        tags=("climate", "heat"),
    ),
    Article(
        "mayors-call-for-direct-access-to-climate-finance",
        "Mayors Call for Direct Access to Climate Finance Ahead of COP",
        "2023-10-30T09:15:00+01:00",
        (
            "A delegation of 40 mayors and governors presented a joint statement on climate finance to the "
            "finance ministers of the G20 in Marrakech, asking that a fixed share of international climate funds "
            "be made directly available to subnational governments.",
            "According to figures quoted in the statement, less than ten percent of climate finance reaches the "
            "local level, although cities account for around seventy percent of global energy-related emissions "
            "and carry much of the cost of adaptation, from drainage systems to coastal defences.",
            "The mayors proposed three measures: simplified application procedures for projects under 5 million "
            "dollars, the recognition of municipal credit ratings by multilateral development banks, and technical "
            "assistance to prepare bankable projects in intermediary cities, which often lack specialised staff.",
            "The mayor of Dakar described how her city waited four years for a loan to rebuild its rainwater "
            "network, while floods returned every rainy season. \u201cWe are not asking for charity. We are asking "
            "to be allowed to borrow and invest in our own resilience,\u201d she told the ministers.",
            "The statement will be presented again at the climate conference in December, where local and "
            "regional governments will hold a dedicated ministerial meeting on urbanisation and climate change. "
            "The network has invited its members to endorse the text before 20 November.",
        ),
        tags=("climate", "finance"),
    ),
    Article(
        "residents-of-braga-choose-42-projects-in-the-participatory-budget",
        "Residents of Braga Choose 42 Projects in the Participatory Budget",
        "2024-01-18T14:30:00+00:00",
        (
            "More than 27,000 residents of Braga took part in this year's participatory budget, choosing 42 "
            "neighbourhood projects that the municipality will carry out in 2024 with a total budget of "
            "2.4 million euros.",
            "The most voted proposals include a covered playground in the district of S\u00e3o Vicente, new "
            "bicycle lanes connecting the university campus to the railway station, the renovation of two "
            "community gardens and a programme of free swimming lessons for primary school children. Young people "
            "between 14 and 18 years old voted for the first time, and chose a skate park and a youth music studio.",
            "The process started in May with 65 public meetings in parishes, schools and care homes, where "
            "residents submitted 480 ideas. Municipal technicians then assessed the cost and feasibility of each "
            "proposal together with their authors, before the final list was put to an online and in-person vote "
            "in November.",
            "The councillor responsible for citizen participation said that turnout had doubled in two years, "
            "mainly thanks to voting points set up in markets and health centres. She announced that ten percent "
            "of the budget will be reserved next year for projects proposed by residents over 65.",
            "Braga shares its experience within the international network of participatory democracy, and will "
            "host a study visit of municipal officers from Cape Verde and Mozambique in March.",
        ),
        tags=("participation",),
    ),
    Article(
        "network-launches-peer-learning-programme-on-migrant-inclusion",
        "Network Launches Peer-Learning Programme on Migrant Inclusion",
        "2023-06-07T11:00:00+03:00",
        (
            "The network of local governments launched on Wednesday a two-year peer-learning programme on the "
            "inclusion of migrants and refugees, bringing together sixteen cities from Europe, the Middle East and "
            "West Africa.",
            "Each participating city will be paired with another facing similar challenges. Gaziantep, which has "
            "welcomed more than 450,000 refugees since 2012, will work with Amman on access to municipal services, "
            "while Lampedusa and Agadez will exchange on the reception of people arriving after dangerous journeys.",
            "The programme combines study visits, online workshops and small grants of up to 30,000 euros for "
            "pilot projects. Cities will test, among other things, one-stop shops where newcomers can register, "
            "find language classes and get advice on housing and employment, and mentoring schemes that pair "
            "long-term residents with new arrivals.",
            "Speaking at the launch, the network's secretary general stressed that migration is experienced first "
            "in neighbourhoods, schools and health centres. \u201cNational policies decide who may come; cities "
            "decide whether people can live together well,\u201d he said. He called on donors to recognise the "
            "costs municipalities bear when their population grows suddenly.",
            "The results of the pilots will be collected in a practical guide to be published at the end of the "
            "programme in both English and Arabic. Applications for the second group of cities will open in January.",
        ),
        tags=("migration",),
    ),
)

_CITIES = [
    "Lleida", "Izmir", "Sfax", "Porto Alegre", "Kazan", "Bogor", "Montevideo", "Rosario", "Tangier", "Nablus",
    "Kochi", "Chefchaouen", "Bilbao", "Gdansk", "Tetouan", "Konya", "Irbid", "Sousse", "Patras", "Split",
    "Oran", "Mersin", "Byblos", "Zarqa", "Larnaca", "Trabzon", "Essaouira", "Kairouan", "Genoa", "Thessaloniki",
    "Cuenca", "Quetzaltenango", "Mwanza", "Kisumu", "Surabaya", "Cebu",
]
_TOPICS = [
    ("Flood Protection", "flood protection", "new retention basins, the cleaning of storm drains before the rainy season and a flood map published for every district"),
    ("School Meals", "healthy school meals", "locally sourced vegetables, a ban on sugary drinks in canteens and free breakfasts for children of low-income families"),
    ("Public Transport", "public transport", "a new bus rapid transit line, integrated tickets for buses and trams and night services on weekends"),
    ("Waste Collection", "waste collection", "door-to-door collection of organic waste, new recycling points in markets and fines for illegal dumping"),
    ("Affordable Housing", "affordable housing", "the renovation of empty municipal buildings, rent guarantees for young tenants and a register of vacant flats"),
    ("Street Lighting", "energy-efficient street lighting", "the replacement of 18,000 lamps with LED fittings, dimming after midnight and solar-powered lights in parks"),
    ("Digital Services", "digital public services", "online appointments at the town hall, a single portal for permits and free training for older residents"),
    ("Water Supply", "drinking water supply", "the repair of leaking mains, smart meters for large consumers and public fountains in every neighbourhood"),
    ("Cultural Heritage", "the protection of cultural heritage", "the restoration of the old market hall, guided walks led by students and grants for traditional crafts"),
    ("Youth Employment", "youth employment", "paid internships in municipal services, a start-up incubator in the former railway depot and evening vocational courses"),
    ("Urban Agriculture", "urban agriculture", "community gardens on vacant plots, seed libraries in public schools and a weekly farmers' market"),
    ("Road Safety", "road safety", "30 km/h zones around schools, raised crossings on main avenues and a campaign for motorcycle helmets"),
]
_OFFICIALS = ["the mayor", "the deputy mayor for urban services", "the head of the planning department",
              "the councillor for social affairs", "the city manager", "the president of the municipal assembly"]
_PARTNERS = ["the national development agency", "a regional university", "the chamber of commerce",
             "neighbourhood associations", "a European twin city", "the UN-Habitat country office",
             "the provincial government", "a cooperative bank"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_SENTENCES = [
    "The decision was taken unanimously after a debate of almost three hours in which every group in the council spoke.",
    "{Official} said that the measures respond to complaints collected during {n} public meetings held last year.",
    "According to the municipal statistics office, {pct} percent of households will benefit directly from the programme.",
    "Work is expected to begin in {month} and to last about {k} months, depending on the weather and on procurement.",
    "The project is co-financed by {partner}, which will cover roughly a third of the cost.",
    "Opposition councillors welcomed the plan but asked for quarterly reports on spending and progress.",
    "Residents can follow every step of the work on an interactive map published on the council website.",
    "A similar scheme in {city2} reduced costs by {pct} percent in its first two years, officials noted.",
    "The municipality will also hire {k} additional staff and train existing teams in the new procedures.",
    "Local businesses will be consulted before any street is closed, to limit the impact on trade.",
    "Small contracts will be reserved for social enterprises that employ people who have been out of work for a long time.",
    "{Official} thanked {partner} for its technical support during the preparation of the project.",
    "The plan had been announced during the election campaign and was one of the most debated promises.",
    "An independent evaluation will be carried out after {k} months by researchers from a local university.",
    "Students from the technical school took part in the design and will present their proposals in {month}.",
    "In the first phase, priority will go to the districts of {district} and {district2}, where needs are greatest.",
    "The council will publish the list of contractors and the value of every contract in its open data portal.",
    "Representatives of {city2} attended the session as observers and expressed interest in a similar approach.",
    "Officials admitted that earlier attempts had failed because maintenance was never budgeted.",
    "A helpline will be open on weekdays for residents who want to ask questions or report problems.",
    "The programme is part of the city's strategy for {year}-{year2}, adopted after a year of consultation.",
    "Civil society organisations will sit on the monitoring committee together with elected officials.",
    "A first assessment showed that {n} buildings and {k} public spaces need urgent attention.",
    "The budget for {year} includes {m} million for the first phase, with further funding expected later.",
    "Neighbourhood meetings will be organised every {month_name_free} month so residents can suggest changes.",
    "Women's associations asked that lighting, seating and toilets be considered in every design.",
    "The council also approved a motion asking the national government to simplify the tendering rules.",
    "Older residents will receive information by post as well as online, so nobody is left out.",
    "The network of municipalities will share the results with its members at its next annual congress.",
    "The mayor of {city2} sent a message of support and offered to share the experience of its own teams.",
]
_DISTRICTS = ["the old town", "the harbour", "the northern hills", "the railway quarter", "the university district",
              "the market area", "the eastern suburbs", "the riverside", "the industrial zone", "the new town"]


@functools.cache
def generated_article(i: int, prefix: str = "news") -> Article:
    """The i-th of an endless series of distinct, plausible local-government news items.

    Built from a sentence pool with many slots, seeded by ``i``: no two items are near-duplicates
    of each other (different city, topic, sentences, numbers)."""
    rnd = random.Random(f"{prefix}-{i}")
    city = _CITIES[i % len(_CITIES)]
    title_topic, topic, details = _TOPICS[(i * 7 + i // len(_CITIES)) % len(_TOPICS)]
    verbs = ["Approves a Plan for", "Launches a Programme on", "Presents its Strategy for", "Invests in",
             "Opens a Consultation on", "Signs an Agreement on"]
    title = f"{city} {verbs[(i // 3) % len(verbs)]} {title_topic} ({_MONTHS[i % 12]} {2019 + i % 5}, item {i})"
    year = 2019 + i % 5
    others = [c for c in _CITIES if c != city]

    def fill(template: str) -> str:
        d1, d2 = rnd.sample(_DISTRICTS, 2)
        return template.format(
            Official=rnd.choice(_OFFICIALS).capitalize(), n=rnd.randint(12, 240), pct=rnd.randint(11, 68),
            month=rnd.choice(_MONTHS), k=rnd.randint(3, 36), partner=rnd.choice(_PARTNERS),
            city2=rnd.choice(others), district=d1, district2=d2, year=year, year2=year + 4,
            m=rnd.randint(2, 90), month_name_free="third",
        )

    sentences = [fill(s) for s in rnd.sample(_SENTENCES, 12)]
    intro = (f"The city council of {city} announced a new programme on {topic} on {rnd.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday'])}, "
             f"with a budget of {rnd.randint(2, 60)} million and a timetable running until {year + rnd.randint(2, 6)}. "
             f"It includes {details}.")
    paragraphs = (intro, " ".join(sentences[0:4]), " ".join(sentences[4:8]), " ".join(sentences[8:12]))
    slug = f"{prefix}-{i:04d}-" + "-".join(city.lower().split()) + "-" + title_topic.lower().replace(" ", "-")
    month = i % 12 + 1
    return Article(slug, title, f"{year}-{month:02d}-{i % 27 + 1:02d}T09:30:00+01:00", paragraphs)


ACCENTED_WORDS = ("café", "Besançon", "São Paulo", "Düsseldorf", "Málaga", "Région Île-de-France", "façade",
                  "naïve", "Zoë Dupré", "€2.5 million", "“green corridors”", "2024–2026")


def accented_article(i: int, slug: str) -> Article:
    """A distinct article whose text carries every word of ``ACCENTED_WORDS`` (all in windows-1252)."""
    base = generated_article(1000 + i, prefix="charset")
    # Distinct per article: the same paragraph on four pages would be learned as site template.
    extra = (f"On day {i + 1} of the visit, speaking at the reopened café on the town hall square, the deputy mayor of Besançon, Zoë Dupré, "
             "compared notes with delegations from São Paulo, Düsseldorf and Málaga and with the Région "
             "Île-de-France. The restored façade cost €2.5 million; it would be naïve, she said, to think the "
             "“green corridors” of the 2024–2026 plan will pay for themselves.")
    return Article(slug, base.title.replace(" (", " — accents (", 1), base.published, (base.paragraphs[0], extra) + base.paragraphs[1:])


# -- the news site --------------------------------------------------------------------------

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"


class NewsSite:
    """A WordPress-like news site on a ``FaultSite``.

    Routes: ``/robots.txt``, ``/en/`` (home: latest items + link to the listing), ``/en/news/``
    (listing; ``/en/news/page/N/`` when ``per_page`` is set), ``/en/about-us/`` (a page, not an
    article), and every article at ``/en/<slug>/``. Pages are rendered per request, so tests
    can add listing links (``listing_links``), footer HTML (``footer_extra``) or a per-link
    suffix (``link_suffix``, e.g. session ids) after building.
    """

    def __init__(self, site: FaultSite, articles: Sequence[Article] = ARTICLES, *, per_page: int | None = None,
                 robots: str | None = DEFAULT_ROBOTS, article_delay: float = 0.0, sitemap: bool = False) -> None:
        self.site = site
        self.articles: list[Article] = list(articles)
        self.per_page = per_page
        self.listing_links: list[tuple[str, str, str]] = []  # (path or URL, title, excerpt) after the articles
        self.footer_extra = ""
        self.link_suffix: Callable[[], str] | None = None
        self.listing_extra: Callable[[Req], str] | None = None  # more HTML after a listing's items
        self.article_delay = article_delay
        if robots is not None:
            site.page("/robots.txt", robots, headers={"Content-Type": "text/plain"})
        site.route("/", redirect("/en/", 302))
        site.route("/en/", self._home)
        site.route("/en/news/", self._listing)
        site.prefix("/en/news/page/", self._listing)
        site.route("/en/category/news/", self._listing)
        site.route("/en/about-us/", self._about)
        if sitemap:  # WordPress core sitemaps: an index and one page of posts
            site.route("/wp-sitemap.xml", self._sitemap_index)
            site.route("/wp-sitemap-posts-post-1.xml", self._sitemap_posts)
        for article in self.articles:
            self.add_article(article)

    @property
    def url(self) -> str:
        """The source URL to crawl."""
        return self.site.url + "/en/"

    @property
    def base(self) -> str:
        return self.site.url

    def path(self, article: Article) -> str:
        return f"/en/{article.slug}/"

    @property
    def article_paths(self) -> list[str]:
        return [self.path(a) for a in self.articles]

    def href(self, path: str) -> str:
        """An absolute link to ``path`` (with the link suffix, when set)."""
        url = path if path.startswith(("http:", "https:", "ftp:", "file:")) else self.base + path
        if self.link_suffix is not None and url.startswith(self.base):
            suffix = self.link_suffix()
            url += ("&" if "?" in url else "?") + suffix
        return url

    def chrome(self) -> dict[str, object]:
        recent = [(self.path(a), a.title) for a in self.articles[:5]]
        return {"recent": recent, "footer_extra": self.footer_extra, "href": self.href}

    def add_article(self, article: Article, path: str | None = None, *, register: bool = True,
                    headers: dict[str, str] | None = None, **render: object) -> str:
        """Serve ``article`` at ``path`` (default ``/en/<slug>/``); returns the path."""
        path = path or self.path(article)

        def handler(req: Req) -> Reply:
            if self.article_delay:
                req.site.sleep(self.article_delay)
            page = article_html(self.base, article, path, **{**self.chrome(), **render})
            return 200, dict(headers or {"Content-Type": HTML}), page
        self.site.route(path, handler)
        if register and article not in self.articles:
            self.articles.append(article)
        return path

    def _items(self) -> list[tuple[str, str, str]]:
        items = [(self.href(self.path(a)), a.title, a.paragraphs[0][:160] + "…") for a in self.articles]
        items += [(self.href(p), t, x) for p, t, x in self.listing_links]
        return items

    def _home(self, req: Req) -> Reply:
        items = self._items()[:5]
        nav = f'<p class="view-all"><a href="{_esc(self.href("/en/news/"))}">All news</a></p>'
        return 200, {}, listing_html(self.base, "Latest news", items, nav=nav, **self.chrome())

    def _listing(self, req: Req) -> Reply:
        items = self._items()
        if req.params.get("sort") in ("asc", "title"):
            items.sort(key=lambda item: item[1])
        elif req.params.get("sort") == "desc":
            items.sort(key=lambda item: item[1], reverse=True)
        # Pagination links keep the query (as WordPress's paginate_links does), session ids aside.
        kept = "&".join(f"{k}={v}" for k, v in parse_qsl(req.query, keep_blank_values=True) if k != "PHPSESSID")
        keep = "?" + kept if kept else ""
        extra = self.listing_extra(req) if self.listing_extra else ""
        page = 1
        if req.path.startswith("/en/news/page/"):
            try:
                page = int(req.path.rstrip("/").rsplit("/", 1)[1])
            except ValueError:
                return 404, {}, not_found_html(self.base)
        if not self.per_page:
            if page != 1:
                return 404, {}, not_found_html(self.base)
            return 200, {}, listing_html(self.base, "News", items, nav=extra, **self.chrome())
        pages = max(1, -(-len(items) // self.per_page))
        if page > pages:
            return 404, {}, not_found_html(self.base)
        chunk = items[(page - 1) * self.per_page: page * self.per_page]
        links = []
        if page > 1:
            prev = ("/en/news/" if page == 2 else f"/en/news/page/{page - 1}/") + keep
            links.append(f'<a class="prev page-numbers" href="{_esc(self.href(prev))}">&laquo; Previous</a>')
        for n in range(1, pages + 1):
            target = ("/en/news/" if n == 1 else f"/en/news/page/{n}/") + keep
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                         else f'<a class="page-numbers" href="{_esc(self.href(target))}">{n}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{_esc(self.href(f"/en/news/page/{page + 1}/{keep}"))}">Next &raquo;</a>')
        nav = extra + '<nav class="navigation pagination"><div class="nav-links">' + "".join(links) + "</div></nav>"
        return 200, {}, listing_html(self.base, f"News – Page {page}", chunk, nav=nav, **self.chrome())

    def _sitemap_index(self, req: Req) -> Reply:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.base}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>\n")
        return 200, {"Content-Type": "application/xml; charset=UTF-8"}, body

    def _sitemap_posts(self, req: Req) -> Reply:
        urls = "".join(f"<url><loc>{self.base}{self.path(a)}</loc><lastmod>{a.published}</lastmod></url>"
                       for a in self.articles)
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>\n")
        return 200, {"Content-Type": "application/xml; charset=UTF-8"}, body

    def _about(self, req: Req) -> Reply:
        main = ("<article class=\"page\"><h1 class=\"entry-title\">About us</h1><div class=\"entry-content\">"
                "<p>The Mediterranean Cities Network brings together more than 120 local governments of the "
                "Mediterranean basin. It supports decentralised cooperation, the exchange of experience between "
                "municipal staff and the voice of cities in international negotiations on climate, migration and "
                "sustainable development.</p></div></article>")
        return 200, {}, page_html(self.base, "About us", main, **self.chrome())  # type: ignore[arg-type]


# -- fault bodies ---------------------------------------------------------------------------

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
               b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
               b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
               b"4 0 obj << /Length 60 >> stream\nBT /F1 12 Tf 72 720 Td (Annual report of the network 2023) Tj ET\n"
               b"endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@functools.cache
def gzip_bomb(uncompressed: int = 1 << 30) -> bytes:
    """A gzip stream of ``uncompressed`` zero bytes (1 GiB → about 1 MB), built in 1 MiB steps."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        chunk = bytes(1 << 20)
        for _ in range(uncompressed // len(chunk)):
            gz.write(chunk)
    return out.getvalue()


def billion_laughs(root: str) -> str:
    """A DOCTYPE for ``root`` declaring ``&lol9;``, 10^9 × "lol" when expanded."""
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE {root} [\n" + "\n".join(ents) + "\n]>\n"


def entity_bomb_sitemap(base: str) -> bytes:
    """A sitemap whose <loc> is a "billion laughs" entity."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + billion_laughs("urlset") +
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<url><loc>{base}/en/&lol9;/</loc><lastmod>2024-05-01</lastmod></url>\n"
        "</urlset>\n"
    ).encode("utf-8")


@functools.cache
def huge_sitemap_gz(base: str, count: int = 200_000, path: str = "/en/archive-item-{:06d}/") -> bytes:
    """A gzipped urlset of ``count`` URLs on ``base`` (over the protocol's 50,000 limit)."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
        gz.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for i in range(count):
            gz.write(f"<url><loc>{base}{path.format(i)}</loc><lastmod>2024-0{i % 9 + 1}-15</lastmod></url>\n".encode())
        gz.write(b"</urlset>\n")
    return raw.getvalue()


@functools.cache
def huge_robots(size: int = 5 * 1024 * 1024, head: str = "") -> bytes:
    """A robots.txt of ``size`` bytes: ``head`` first, then endless Disallow lines."""
    lines = ["User-agent: *", head.rstrip("\n")] if head else ["User-agent: *"]
    text = "\n".join(lines) + "\n"
    parts = [text]
    total, i = len(text), 0
    while total < size:
        line = f"Disallow: /archive/2009/old-page-{i:07d}/\n"
        parts.append(line)
        total += len(line)
        i += 1
    return "".join(parts).encode("ascii")


def oversized_html(base: str, article: Article, path: str, size: int = 12 * 1024 * 1024) -> bytes:
    """A real article page padded over ``size`` bytes with an inline data: image (as some CMSs do)."""
    page = article_html(base, article, path)
    pad = "A" * size
    return page.replace("</article>", f'<img alt="" src="data:image/png;base64,{pad}"></article>', 1).encode("utf-8")


def binary_junk(size: int = 20_000, seed: int = 7) -> bytes:
    """Random bytes (a JPEG-like header, then noise), to be served as text/html."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(seed).randbytes(size)
