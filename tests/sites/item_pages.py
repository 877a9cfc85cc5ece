"""A council news site in the WordPress theme of the test sites, with the pages around the news
that a crawl meets and must not store: a calendar month view, a press-release listing, a contact
page with its form, a service page, search results, a tag page, the home page. Its items include
articles without any article markers and three-sentence announcements.

``build_item_site(root)`` writes the site (served by ``testing.localsite.LocalSite``) and returns
its pages as ``ItemPage`` values (path, HTML with ``{{BASE}}``, whether it is an item, its kind).
Used by tests/test_items.py (a crawl of it) and benchmarks/items.py (the labelled set).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import wordpress_parts as parts
from sitegen import BASE, Block, Entry, SiteTree, esc
from theme_wordpress import Config, WordPressBuilder

COUNCIL = Config(
    name="Riverside Council", tagline="News and services of Riverside City Council", prefix="/en",
    news_title="News", per_page=20, feed_size=10, address="1 Town Hall Square, Riverside",
    full_chrome=True, rest_api=False, tag_names={"climate": "Climate"},
)
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)

ARTICLES = [  # (slug, title, paragraphs): full articles
    ("riverside-joins-climate-network", "Riverside joins the regional climate network", [
        "Riverside City Council has joined the regional network of municipalities for climate action, the "
        "mayor announced on Monday at the opening of the winter session of the council.",
        "The network brings together forty towns and cities that share data on emissions, coordinate their "
        "investments in public transport and apply jointly for European funding for retrofitting schools.",
        "The council will send two technical officers to the network's working groups on energy and on "
        "adaptation, and will host the network's spring meeting in the old market hall.",
    ]),
    ("new-bus-lines-for-the-north-district", "New bus lines for the north district", [
        "Two new bus lines will connect the north district with the railway station and the hospital from "
        "the first of March, the transport department of the council said.",
        "The lines were requested by the district's residents' association during the participatory budget "
        "process of last year, in which more than three thousand people voted.",
        "Buses will run every twelve minutes on weekdays and every twenty minutes at weekends; the fares are "
        "those of the rest of the urban network, and the monthly pass is valid on both lines.",
    ]),
    ("library-opening-hours-extended", "Library opening hours extended during exams", [
        "The central library and the two district libraries will stay open until midnight during the exam "
        "period, from the fifteenth of January to the ninth of February.",
        "The council agreed the extension with the student union after a survey showed that many students "
        "lack a quiet place to study at home, especially in the older housing estates.",
        "Additional staff have been hired for the evening shifts and the reading rooms will be heated until "
        "closing time; the cafeteria of the central library will remain open until ten.",
    ]),
]
SHORT = [  # three-sentence announcements
    ("road-closure-mill-street", "Road closure on Mill Street",
     "Mill Street will be closed to traffic on Saturday from 8 am to 4 pm for tree pruning. Buses 3 and 7 "
     "will be diverted via Station Road. The council apologises for any inconvenience."),
    ("council-meeting-postponed", "Council meeting postponed",
     "The plenary meeting planned for Thursday is postponed to the following week. The agenda remains "
     "unchanged. The meeting will be streamed live on the council's channel."),
    ("free-compost-for-residents", "Free compost for residents",
     "Residents can collect free compost at the recycling centre this weekend. Please bring your own bags. "
     "Proof of address is required."),
]


@dataclass
class ItemPage:
    path: str
    html: str
    item: bool
    kind: str  # item, listing, calendar, form, page, search, tag, home
    via: str  # how a crawl of this site reaches the page
    found_on: str | None = None


def _entries() -> list[Entry]:
    out = []
    for i, (slug, title, paras) in enumerate(ARTICLES + [(s, t, [p]) for s, t, p in SHORT]):
        when = START - timedelta(days=2 * i)
        out.append(Entry(title=title, path=f"/en/news/{slug}/", body=[Block("p", p) for p in paras],
                         published=when, modified=when, author="Press Office", ident=500 + i, slug=slug,
                         tags=["climate"] if i % 2 == 0 else []))
    return out


def _human(when: datetime) -> str:
    return f"{when.day} {when:%B} {when.year}"


def build_item_site(root: Path) -> list[ItemPage]:
    posts = _entries()
    b = WordPressBuilder(COUNCIL, posts, [], root)
    tree = SiteTree(root)
    pages: list[ItemPage] = []

    def add(path: str, html: str, item: bool, kind: str, via: str, found_on: str | None = None,
            file: str | None = None) -> None:
        if file:
            tree.add(file, html)
        else:
            tree.add_page(path, html)
        pages.append(ItemPage(path, html, item, kind, via, found_on))

    plain_head = '<meta name="description" content="Riverside City Council">\n'
    for index, post in enumerate(posts):
        marked = index == 0 or post.slug == SHORT[0][0]  # the others have no article markers at all
        head = parts.post_head(COUNCIL, post) if marked else plain_head
        date_line = (f'<div class="entry-meta"><span class="posted-on">Published on '
                     f'<time datetime="{post.published.isoformat()}">{_human(post.published)}</time></span></div>\n'
                     if post.published and index % 2 == 0 else
                     f'<p class="date">{_human(post.published)}</p>\n')  # a date as plain text only
        main = (f'<article id="post-{post.ident}" class="post-{post.ident} post type-post hentry">\n'
                f'<header class="entry-header"><h1 class="entry-title">{esc(post.title)}</h1>\n{date_line}</header>\n'
                f'<div class="entry-content">\n' + "".join(f"<p>{esc(p)}</p>\n" for p in post.paragraphs)
                + "</div>\n</article>\n" + parts.share_links(post))
        html = b.document(f"{post.title} - {COUNCIL.name}", post.path, head, "single single-post", main)
        add(post.path, html, True, "item", "listing", "/en/news/")

    def teasers(items: list[Entry]) -> str:
        return "".join(parts.teaser(COUNCIL, p) for p in items)

    news = (f'<header class="page-header"><h1 class="page-title">News</h1></header>\n{teasers(posts)}')
    add("/en/news/", b.document("News - Riverside Council", "/en/news/",
                                parts.website_head(COUNCIL, "News", "/en/news/", "News"), "archive blog", news),
        False, "listing", "listing", "/en/")
    press = ('<header class="page-header"><h1 class="page-title">Press releases</h1></header>\n'
             '<p>Press releases of the City Council.</p>\n' + teasers(posts[:4]) +
             f'<nav class="navigation pagination"><div class="nav-links"><span class="page-numbers current">1</span>'
             f'<a class="page-numbers" href="{BASE}/en/press-releases/?page=2">2</a></div></nav>\n')
    add("/en/press-releases/", b.document("Press releases - Riverside Council", "/en/press-releases/",
                                          plain_head, "page", press), False, "listing", "listing", "/en/")
    # A month view of the events calendar (The Events Calendar's grid, simplified).
    cells = []
    for week in range(5):
        row = []
        for day in range(7):
            n = week * 7 + day - 0  # January 2024 starts on a Monday
            if 1 <= n + 1 <= 31:
                events = ""
                if (n + 1) in (9, 16, 23):
                    events = (f'<div class="tribe-events-calendar-month__calendar-event"><h3 class="event-title">'
                              f'<a href="{BASE}/en/events/council-open-day-{n + 1}/">Council open day</a></h3>'
                              '<time datetime="2024-01-%02d">10:00 - 14:00</time></div>' % (n + 1))
                row.append(f'<td class="tribe-events-calendar-month__day"><time datetime="2024-01-{n + 1:02d}">'
                           f'{n + 1}</time>{events}</td>')
            else:
                row.append('<td class="tribe-events-calendar-month__day tribe-events-calendar-month__day--other"></td>')
        cells.append("<tr>" + "".join(row) + "</tr>")
    calendar = ('<header class="page-header"><h1 class="page-title">Events in January 2024</h1></header>\n'
                '<p>Open days, concerts, markets and sessions of the City Council.</p>\n'
                '<table class="tribe-events-calendar-month"><thead><tr>'
                + "".join(f"<th>{d}</th>" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
                + "</tr></thead><tbody>" + "".join(cells) + "</tbody></table>\n"
                f'<a class="next" href="{BASE}/en/events/?month=2">February</a>\n')
    add("/en/events/?month=1", b.document("Events - Riverside Council", "/en/events/", plain_head, "events",
                                         calendar), False, "calendar", "listing", "/en/",
        file="en/events/index.html@month=1")
    contact = ('<article class="page type-page"><header class="entry-header"><h1 class="entry-title">Contact us'
               '</h1></header>\n<div class="entry-content">\n<p>Write to the City Council with the form below; '
               'we answer within five working days. For urgent matters call 010 555 0100.</p>\n'
               f'<form class="wpcf7-form" method="post" action="{BASE}/en/contact/#wpcf7">'
               '<p><label>Your name<input type="text" name="your-name"></label></p>'
               '<p><label>Your email<input type="email" name="your-email"></label></p>'
               '<p><label>Subject<input type="text" name="your-subject"></label></p>'
               '<p><label>Your message<textarea name="your-message"></textarea></label></p>'
               '<p><input type="submit" value="Send"></p></form>\n</div></article>\n')
    add("/en/contact/", b.document("Contact - Riverside Council", "/en/contact/",
                                   parts.website_head(COUNCIL, "Contact", "/en/contact/", "Contact"), "page", contact),
        False, "form", "listing", "/en/")
    service = ('<article class="page type-page"><header class="entry-header"><h1 class="entry-title">Waste '
               'collection</h1></header>\n<div class="entry-content">\n'
               '<p>Household waste is collected twice a week in every district of the city. Put your bins out '
               'after 8 pm on the evening before the collection day and take them back in by the next evening.</p>\n'
               '<p>Glass, paper and packaging go to the coloured containers in the street. Bulky items are '
               'collected free of charge on request: book a collection online or call the service line.</p>\n'
               '<p>The recycling centre on Station Road accepts garden waste, electrical appliances, paint and '
               'batteries from Monday to Saturday, 9 am to 6 pm.</p>\n</div></article>\n')
    add("/en/services/waste-collection/", b.document(
        "Waste collection - Riverside Council", "/en/services/waste-collection/",
        parts.website_head(COUNCIL, "Waste collection", "/en/services/waste-collection/", "Waste"), "page", service),
        False, "page", "listing", "/en/")
    search = ('<header class="page-header"><h1 class="page-title">Search results for: bus</h1></header>\n'
              + teasers(posts[1:4]))
    add("/en/search-results/bus/", b.document("Search - Riverside Council", "/en/search-results/bus/", plain_head,
                                              "search", search), False, "listing", "link")
    tag = ('<header class="page-header"><h1 class="page-title">Tag: Climate</h1></header>\n'
           + teasers([p for p in posts if "climate" in p.tags]))
    add("/en/topics/climate/", b.document("Climate - Riverside Council", "/en/topics/climate/", plain_head, "tag",
                                          tag), False, "listing", "link")
    home = (f'<section class="home-intro"><h1 class="home-title">{esc(COUNCIL.name)}</h1>\n'
            f'<p>{esc(COUNCIL.tagline)}</p></section>\n'
            f'<section class="latest-news"><h2 class="section-title">Latest News</h2>\n{teasers(posts[:3])}'
            f'<a class="button all-news" href="{BASE}/en/news/">All News</a></section>\n'
            f'<ul class="quick-links"><li><a href="{BASE}/en/press-releases/">Press releases</a></li>'
            f'<li><a href="{BASE}/en/events/?month=1">Events</a></li>'
            f'<li><a href="{BASE}/en/contact/">Contact</a></li>'
            f'<li><a href="{BASE}/en/services/waste-collection/">Waste collection</a></li></ul>\n')
    add("/en/", b.document(COUNCIL.name, "/en/", parts.website_head(COUNCIL, COUNCIL.name, "/en/", "Home"), "home",
                           home), False, "listing", "link")
    tree.add("robots.txt", "User-agent: *\nAllow: /\n")
    tree.write()
    (root / "pages.json").write_text(json.dumps([
        {"path": p.path, "item": p.item, "kind": p.kind} for p in pages], indent=1), encoding="utf-8")
    return pages
