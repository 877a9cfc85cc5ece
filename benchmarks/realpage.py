"""Theme template markup that gives the benchmark's generated pages the weight and DOM of real
CMS pages.

The network's WordPress/Drupal/Plone pages weigh 30–300 KB, mostly markup around a short
article: a mega-menu with hundreds of nested ``<ul><li><a>`` links and its mobile copy, a top
bar with contact details, language switcher and social icons, sidebar widgets (popular posts,
upcoming events, archives, categories, tag cloud, tweets, newsletter form, banners), footer
link columns with partner logos and office addresses, a cookie-consent dialog, share buttons
with inline SVG icons, breadcrumbs, teaser cards of other posts; plus inline CSS (theme
variables, page-builder rules) and inline scripts (theme configuration JSON, jQuery-style init
code, schema.org JSON-LD). About two thirds of the bytes are element markup, the rest inline
CSS and JS.

``Theme.page`` adds such markup around a page of the generated site, never inside its
``<article>``: the article (title, date, byline, body, tags) and the page's own metadata
(``og:``/``article:`` tags, the BlogPosting JSON-LD) stay as they are. The added markup has no
``<h1>``, no ``<time>``, no ``rel="tag"`` links and no meta tags; its JSON-LD holds only an
Organization and a WebSite. All text is boilerplate drawn (seeded) from a vocabulary: menu
labels, widget titles, event names, one-line teasers in the cards, footer addresses. Internal
links point only at pages the site has (listings, static pages, posts; menu entries use
``#fragments`` of them), other links leave the site, so a crawl of a padded site meets no URL
that the plain site does not have.

Site-wide parts (head CSS and JS, top bar, menus, sidebar widgets, footer, cookie dialog,
closing scripts, the share-bar template) are built once per site in ten weights, like the
network's lighter and heavier themes; each weight takes a prefix of the same lists of menu
entries, widgets, footer columns, CSS rules and scripts, so all pages of a weight share them
byte for byte and a heavier weight adds entries to a lighter one's. The lightest has no top
bar, share bar, mobile menu copy or consent dialog. Per page: breadcrumbs, up to 20 teaser
cards of other posts (a grid under posts, a carousel above the footer), the post's
page-builder CSS and its frontend-config entry; these fill the page to its drawn size. Sizes
(whole page, article included) follow a triangular distribution from 0.2× to 2× the requested
average (mode 0.8×, mean 1×).
"""

from __future__ import annotations

import bisect
import html
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

BASE = "{{BASE}}"

# -- vocabulary ---------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mer", "sin", "ta", "bel", "gar", "ni", "sol", "va", "dur", "men", "ak", "ri", "zen",
             "po", "lu", "tar", "ess", "ho", "qa", "vi", "mon", "dal", "ur", "fe", "gi", "bra", "cel", "ju"]
ABOUT = ["Who We Are", "Vision and Mission", "History", "Governance", "Presidency", "Executive Bureau", "Council",
         "General Assembly", "Secretariat", "Our Team", "Strategic Plan", "Annual Reports", "Financial Statements",
         "Statutes", "Job Opportunities", "Internships", "Procurement", "Become a Member", "Regional Offices",
         "Ethics and Compliance"]
THEMES = ["Gender Equality", "Migration", "Climate Action", "Local Finance", "Urban Mobility",
          "Disaster Risk Reduction", "Local Economic Development", "Culture and Heritage", "Youth", "Smart Cities",
          "Water and Sanitation", "Waste Management", "Public Health", "Urban Planning", "Decentralisation",
          "City Diplomacy", "Food Systems", "Energy Transition", "Housing", "Accessibility"]
THEME_PAGES = ["Overview", "Projects", "Publications", "Events", "Good Practices", "Working Group", "Partners",
               "Resources", "Contact Person", "FAQ"]
MEDIA = ["News", "Events", "Press Releases", "Announcements", "Photo Gallery", "Video Gallery", "Newsletter",
         "Bulletins", "Media Kit", "In the Press", "Podcasts", "Infographics"]
KNOWLEDGE = ["Publications", "Reports", "Policy Papers", "Guides", "Toolkits", "Case Studies", "Webinars",
             "Training Modules", "Academy", "Library", "Data Portal", "Glossary"]
KNOWLEDGE_KINDS = ["Report", "Policy Brief", "Guide", "Toolkit", "Handbook", "Study", "Compendium", "Atlas"]
COUNTRIES = ["Türkiye", "Iran", "Jordan", "Palestine", "Iraq", "Azerbaijan", "Afghanistan", "Pakistan", "Lebanon",
             "Egypt", "Bahrain", "Qatar", "Oman", "Kuwait", "Georgia", "Armenia"]
ADJECTIVES = ["Resilient", "Inclusive", "Green", "Smart", "Safe", "Open", "Sustainable", "Connected", "Healthy",
              "Equal", "Creative", "Learning", "Welcoming", "Circular"]
NOUNS = ["Cities", "Municipalities", "Neighbourhoods", "Communities", "Regions", "Local Governments", "Towns"]
PROGRAMME = ["Programme", "Initiative", "Network", "Platform", "Project", "Partnership", "Academy", "Lab"]
PROJECT_PAGES = ["About the Project", "Partners", "Activities", "Outputs", "News", "Contact"]
EVENT_KINDS = ["Congress", "Executive Bureau Meeting", "Council Meeting", "Forum", "Workshop", "Webinar", "Summit",
               "Study Visit", "Training", "Roundtable", "Conference", "Peer-Learning Event"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PARTNERS = [("UCLG World Secretariat", "uclg.org"), ("UN-Habitat", "unhabitat.org"), ("Metropolis", "metropolis.org"),
            ("ICLEI", "iclei.org"), ("Cities Alliance", "citiesalliance.org"), ("PLATFORMA", "platforma-dev.eu"),
            ("Local2030", "local2030.org"), ("UNDP", "undp.org"), ("European Union", "europa.eu"),
            ("GIZ", "giz.de"), ("World Bank", "worldbank.org"), ("IOM", "iom.int"), ("UNICEF", "unicef.org"),
            ("Mercociudades", "mercociudades.org"), ("AIMF", "aimf.asso.fr"), ("CEMR", "ccre.org"),
            ("CLGF", "clgf.org.uk"), ("FCM", "fcm.ca"), ("UCLG Africa", "uclga.org"),
            ("UCLG ASPAC", "uclg-aspac.org")]
TEASERS = ["Representatives of member cities met in {place} to discuss {object}",
           "Registration is now open for {object} {tail}",
           "Highlights of {object} held in {place}",
           "The secretariat shared the outcomes of {object} {tail}",
           "Municipal experts from {place} joined {object}",
           "Photos and documents of {object} are now available"]
OBJECTS = ["a programme on gender equality", "a plan for SDG localisation", "a peer-learning workshop",
           "a cooperation protocol", "a training for local officials", "a campaign on climate adaptation",
           "a voluntary local review", "a forum on public services", "a study visit"]
TAILS = ["with partners from twelve cities", "in cooperation with UN-Habitat", "for the period 2024-2030",
         "in the framework of the 2030 Agenda", "at the Executive Bureau meeting"]
LANGUAGES = [("tr", "Türkçe", "/"), ("en", "English", "/en/"), ("ar", "العربية", "/#ar"),
             ("fa", "فارسی", "/#fa"), ("ru", "Русский", "/#ru")]
CATEGORIES = [("news", "News"), ("events", "Events")]  # the generated site's categories
SOCIAL = ["facebook", "twitter", "instagram", "youtube", "linkedin", "flickr"]
SHARE = ["facebook", "twitter", "linkedin", "whatsapp", "telegram", "email"]
COOKIE_SERVICES = ["Google Analytics", "YouTube", "Twitter", "Facebook", "WPML", "Elementor", "Complianz",
                   "Cloudflare", "Vimeo", "Google Maps", "Flickr", "Mailchimp"]
COOKIE_PURPOSES = ["Store and track visits across websites", "Store the selected language",
                   "Provide load balancing functionality", "Remember consent choices", "Display embedded videos",
                   "Count page views anonymously", "Keep the session of the visitor"]
COOKIE_TEXTS = {
    "functional": "The technical storage or access is strictly necessary for the legitimate purpose of enabling "
                  "the use of a specific service explicitly requested by the subscriber or user, or for the sole "
                  "purpose of carrying out the transmission of a communication over an electronic network.",
    "preferences": "The technical storage or access is necessary for the legitimate purpose of storing "
                   "preferences that are not requested by the subscriber or user.",
    "statistics": "The technical storage or access that is used exclusively for anonymous statistical purposes. "
                  "Without a subpoena, voluntary compliance on the part of your Internet Service Provider, or "
                  "additional records from a third party, information stored or retrieved for this purpose alone "
                  "cannot usually be used to identify you.",
    "marketing": "The technical storage or access is required to create user profiles to send advertising, or to "
                 "track the user on a website or across several websites for similar marketing purposes.",
}
CSS_PROPS = ["margin", "padding", "font-size", "line-height", "color", "background-color", "border-radius", "width",
             "max-width", "gap", "letter-spacing", "font-weight", "border-width", "z-index", "opacity",
             "transition", "box-shadow", "text-transform", "min-height", "flex-basis"]
WIDGETS = ["heading", "image", "text-editor", "button", "icon-list", "nav-menu", "posts", "social-icons", "divider",
           "spacer", "image-box", "icon-box", "share-buttons", "search-form", "theme-post-title", "loop-grid"]
JS_EVENTS = ["click", "keydown", "focusin", "mouseenter", "mouseleave", "touchstart", "change", "submit"]
JS_SELECTORS = ["menu-toggle", "sub-arrow", "search-toggle", "lang-switcher", "back-to-top", "swiper-button-next",
                "swiper-button-prev", "cmplz-accept", "cmplz-deny", "accordion-title", "tab-title", "popup-close",
                "share-button", "offcanvas-trigger", "video-play", "lightbox-link"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "item"


def _hex(rng: random.Random, digits: int = 7) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _human(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when:%Y}"


def _js(value: object) -> str:
    """JSON for inside a <script> element (WordPress escapes slashes, so no "</" can occur)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")


def _svg(rng: random.Random, name: str, commands: int) -> str:
    """An inline icon as font-awesome/Elementor print them: one long path."""
    d = [f"M{rng.randint(0, 512)} {rng.randint(0, 512)}"]
    for _ in range(commands):
        c = rng.choice("cslqCL")
        n = 6 if c in "cC" else 4 if c in "sq" else 2
        d.append(c + " ".join(f"{rng.uniform(-200, 200):.2f}" for _ in range(n)))
    return (f'<svg aria-hidden="true" class="e-font-icon-svg e-fab-{name}" viewBox="0 0 512 512" '
            f'xmlns="http://www.w3.org/2000/svg"><path d="{"".join(d)}z"></path></svg>')


class _Pool:
    """Items made on demand, always in the same order: a smaller weight of a part is a prefix
    of a larger one, so every weight shows the same first entries."""

    def __init__(self, make: Callable[[int], str | None]) -> None:
        self.make = make
        self.items: list[str] = []
        self.done = False

    def take(self, budget: int) -> list[str]:
        out: list[str] = []
        total = 0
        i = 0
        while total < budget:
            if i == len(self.items):
                item = None if self.done else self.make(i)
                if item is None:
                    self.done = True
                    break
                self.items.append(item)
            out.append(self.items[i])
            total += len(self.items[i])
            i += 1
        return out


@dataclass(frozen=True)
class PostRef:
    """What a teaser card shows of another post."""

    path: str
    title: str
    published: datetime
    tag: str


@dataclass(frozen=True)
class SiteInfo:
    name: str
    tagline: str
    prefix: str
    address: str
    links: list[str]  # paths of the site's listing and static pages
    tags: dict[str, str]  # slug -> name of the site's tags


@dataclass
class _Variant:
    """The site-wide parts of one weight."""

    head: str
    top: str
    menu: str
    sidebar: str
    footer: str
    end: str  # cookie dialog and closing scripts, "{PAGE_CONFIG}" marks the per-page entry
    share: str  # share buttons of posts, "{URL}" and "{TITLE}" mark the page's own

    @property
    def size(self) -> int:
        return sum(map(len, (self.head, self.top, self.menu, self.sidebar, self.footer, self.end, self.share)))


# Share of a weight's bytes per site-wide part: markup about 0.55 (top bar and share buttons
# come on top), CSS 0.26, JS 0.19. With the article's own markup and the teaser cards, about
# 60-65 % of a page's bytes are element markup.
_SHARES = {"css": 0.26, "head_js": 0.09, "menu": 0.22, "mobile": 0.08, "sidebar": 0.09, "footer": 0.11,
           "cookie": 0.05, "end_js": 0.10}
_CARD_SHARE = 0.6  # of the per-page fill; the rest is the post's page-builder CSS


class Theme:
    """The template of one generated site; ``page`` pads one page to a drawn size."""

    def __init__(self, rng: random.Random, page_kb: int, site: SiteInfo, posts: list[PostRef]) -> None:
        self.rng = rng
        self.site = site
        self.page_bytes = page_kb * 1024
        self.menu_id = 3000
        p = site.prefix
        self.internal = [BASE + path for path in site.links] or [f"{BASE}{p}/"]
        self.home = f"{BASE}{p}/"
        self.news = f"{BASE}{p}/news/"
        self.about = next((BASE + path for path in site.links if "about" in path), self.home)
        self.icons = {name: _svg(rng, name, rng.randint(18, 40)) for name in dict.fromkeys(SOCIAL + SHARE)}
        self.posts = posts
        self.cards = [self._card(rng.choice(posts)) for _ in range(min(400, 4 * len(posts)))] if posts else []
        self.page_css = [self._css_rule("{PID}") for _ in range(800)]
        self.card_size = sum(map(len, self.cards)) // len(self.cards) if self.cards else 1500
        self.page_css_ends = [0]
        for rule in self.page_css:
            self.page_css_ends.append(self.page_css_ends[-1] + len(rule))
        self.pools = {
            "css": _Pool(lambda i: self._css_rule(None)),
            "head_js": _Pool(self._head_js),
            "menu": _Pool(self._menu_entry),
            "sidebar": _Pool(self._widget),
            "footer": _Pool(self._footer_column),
            "cookie": _Pool(self._cookie_row),
            "end_js": _Pool(self._end_js),
        }
        self._menu_makers = [self._about_entry, self._member_entry, self._theme_entry, self._project_entry,
                             self._media_entry, self._knowledge_entry, self._event_entry]
        self._menu_tops = ["About Us", "Members", "Thematic Areas", "Projects", "Media", "Knowledge Hub", "Events"]
        self._menu_hrefs = [self.about] + [self._href(i) for i in range(1, len(self._menu_tops))]
        self._menu_counts = [0] * len(self._menu_makers)
        self._menu_dead = [False] * len(self._menu_makers)
        self._menu_next = 0
        self.top = self._top_bar()
        # Weights 0.05, 0.25, ... 1.85 × page_kb: neighbours are 0.2 × page_kb apart, which the
        # per-page fill (cards and post CSS) bridges.
        self.variants = [self._variant(int(self.page_bytes * (0.05 + 0.2 * k)), k) for k in range(10)]
        self.sizes = [v.size for v in self.variants]

    # -- helpers --------------------------------------------------------------------------

    def _next_id(self) -> int:
        self.menu_id += 1
        return self.menu_id

    def _href(self, i: int, fragment: str = "") -> str:
        """An internal link: one of the site's own pages, with a fragment for sub-entries."""
        url = self.internal[i % len(self.internal)]
        return f"{url}#{fragment}" if fragment else url

    def _img(self, slug: str, width: int, height: int, cls: str) -> str:
        year = self.rng.randint(2016, 2024)
        month = self.rng.randint(1, 12)
        stem = f"{BASE}/wp-content/uploads/{year}/{month:02d}/{slug}"
        sizes = [(300, 200), (768, 512), (1024, 683), (1536, 1024)]
        srcset = ", ".join(f"{stem}-{w}x{h}.jpg {w}w" for w, h in sizes)
        return (f'<img width="{width}" height="{height}" src="{stem}-{width}x{height}.jpg" class="{cls}" alt="" '
                f'decoding="async" loading="lazy" srcset="{srcset}, {stem}.jpg 1920w" '
                f'sizes="(max-width: {width}px) 100vw, {width}px">')

    def _li(self, label: str, href: str, children: list[str] | None = None, external: bool = False) -> str:
        n = self._next_id()
        kind = "menu-item-type-custom menu-item-object-custom" if external else \
            "menu-item-type-post_type menu-item-object-page"
        target = ' target="_blank" rel="noopener"' if external else ""
        if not children:
            return (f'<li id="menu-item-{n}" class="menu-item {kind} menu-item-{n}"><a href="{href}"{target} '
                    f'class="elementor-sub-item">{html.escape(label)}</a></li>\n')
        return (f'<li id="menu-item-{n}" class="menu-item {kind} menu-item-has-children menu-item-{n}">'
                f'<a href="{href}"{target} class="elementor-sub-item has-submenu">{html.escape(label)}'
                '<span class="sub-arrow"><svg class="e-font-icon-svg e-fas-angle-right" viewBox="0 0 256 512" '
                'xmlns="http://www.w3.org/2000/svg"><path d="M224.3 273l-136 136c-9.4 9.4-24.6 9.4-33.9 0l-22.6-22.6'
                'c-9.4-9.4-9.4-24.6 0-33.9l96.4-96.4-96.4-96.4c-9.4-9.4-9.4-24.6 0-33.9L54.3 103c9.4-9.4 24.6-9.4 '
                '33.9 0l136 136c9.5 9.4 9.5 24.6.1 34z"></path></svg></span></a>\n'
                f'<ul class="sub-menu elementor-nav-menu--dropdown">\n{"".join(children)}</ul></li>\n')

    def _municipality(self) -> tuple[str, str]:
        name = _name(self.rng)
        label = self.rng.choice([f"{name} Municipality", f"Metropolitan Municipality of {name}",
                                 f"{name} City Council", f"Municipality of {name}"])
        host = self.rng.choice([f"www.{name.lower()}.bel.tr", f"{name.lower()}.gov", f"www.{name.lower()}-city.org"])
        return label, f"https://{host}/"

    # -- menu entries (second level, each with its third level) ----------------------------

    def _about_entry(self, j: int) -> str | None:
        if j >= len(ABOUT):
            return None
        label = ABOUT[j]
        kids = []
        if label in ("Governance", "Secretariat", "Regional Offices"):
            kids = [self._li(f"{_name(self.rng)} {self.rng.choice(['Office', 'Unit', 'Committee', 'Desk'])}",
                             f"{self.about}#{_slug(label)}-{k}") for k in range(self.rng.randint(3, 8))]
        return self._li(label, f"{self.about}#{_slug(label)}", kids)

    def _member_entry(self, j: int) -> str | None:
        if j >= len(COUNTRIES):
            return None
        country = COUNTRIES[j]
        kids = [self._li(*self._municipality(), external=True) for _ in range(self.rng.randint(4, 14))]
        return self._li(country, self._href(j, "members-" + _slug(country)), kids)

    def _theme_entry(self, j: int) -> str | None:
        if j >= len(THEMES):
            return None
        theme = THEMES[j]
        kids = [self._li(page, self._href(j + k, f"{_slug(theme)}-{_slug(page)}"))
                for k, page in enumerate(THEME_PAGES[: self.rng.randint(4, len(THEME_PAGES))])]
        return self._li(theme, self._href(j, _slug(theme)), kids)

    def _project_entry(self, j: int) -> str:
        """Projects are never exhausted: the heaviest weights grow here."""
        name = f"{self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS)} {self.rng.choice(PROGRAMME)}"
        kids = [self._li(page, self._href(j + k, f"{_slug(name)}-{_slug(page)}"))
                for k, page in enumerate(PROJECT_PAGES[: self.rng.randint(2, len(PROJECT_PAGES))])]
        return self._li(name, self._href(j, _slug(name)), kids)

    def _media_entry(self, j: int) -> str | None:
        if j >= len(MEDIA):
            return None
        return self._li(MEDIA[j], self.news if j == 0 else self._href(j, _slug(MEDIA[j])))

    def _knowledge_entry(self, j: int) -> str | None:
        if j < len(KNOWLEDGE):
            return self._li(KNOWLEDGE[j], self._href(j, _slug(KNOWLEDGE[j])))
        year = 2024 - (j - len(KNOWLEDGE))
        if year < 2008:
            return None
        kids = [self._li(f"{self.rng.choice(THEMES)} {self.rng.choice(KNOWLEDGE_KINDS)} {year}",
                         self._href(j + k, f"pub-{year}-{k}")) for k in range(self.rng.randint(3, 9))]
        return self._li(f"Publications {year}", self._href(j, f"publications-{year}"), kids)

    def _event_entry(self, j: int) -> str | None:
        year = 2024 - j
        if year < 2008:
            return None
        kids = [self._li(f"{_name(self.rng)} {self.rng.choice(EVENT_KINDS)} {year}",
                         self._href(j + k, f"event-{year}-{k}")) for k in range(self.rng.randint(4, 12))]
        return self._li(f"Events {year}" if j else "Upcoming Events", self._href(j, f"events-{year}"), kids)

    def _menu_entry(self, i: int) -> str | None:
        """Second-level entries, round-robin over the top-level items ("<top index>|<li>")."""
        for _ in range(len(self._menu_makers)):
            top = self._menu_next
            self._menu_next = (top + 1) % len(self._menu_makers)
            if self._menu_dead[top]:
                continue
            entry = self._menu_makers[top](self._menu_counts[top])
            if entry is None:
                self._menu_dead[top] = True
                continue
            self._menu_counts[top] += 1
            return f"{top}|{entry}"
        return None

    def _menu(self, entries: list[str], mobile: bool) -> str:
        groups: list[list[str]] = [[] for _ in self._menu_tops]
        for entry in entries:
            top, _, li = entry.partition("|")
            groups[int(top)].append(li)
        items = []
        for k, label in enumerate(self._menu_tops):
            n = 2900 + k
            if groups[k]:
                items.append(
                    f'<li id="menu-item-{n}" class="menu-item menu-item-type-custom menu-item-object-custom '
                    f'menu-item-has-children menu-item-{n}"><a href="{self._menu_hrefs[k]}" class="elementor-item '
                    f'has-submenu">{label}<span class="sub-arrow"><i class="fas fa-caret-down"></i></span></a>\n'
                    f'<ul class="sub-menu elementor-nav-menu--dropdown">\n{"".join(groups[k])}</ul></li>\n')
            else:
                items.append(f'<li id="menu-item-{n}" class="menu-item menu-item-type-custom menu-item-object-custom '
                             f'menu-item-{n}"><a href="{self._menu_hrefs[k]}" class="elementor-item">{label}</a>'
                             "</li>\n")
        body = "".join(items)
        if mobile:
            # The copy keeps the classes and drops the ids (a second id would repeat the first).
            body = body.replace("<a href=", '<a tabindex="-1" href=').replace('<li id="menu-item-', '<li data-item="')
            return ('<nav class="elementor-nav-menu--dropdown elementor-nav-menu__container" role="navigation" '
                    'aria-hidden="true"><ul id="menu-2-mega" class="elementor-nav-menu sm-vertical">\n'
                    f'{body}</ul></nav>\n')
        return ('<nav aria-label="Menu" class="elementor-nav-menu--main elementor-nav-menu__container '
                'elementor-nav-menu--layout-horizontal e--pointer-underline e--animation-fade">'
                f'<ul id="menu-1-mega" class="elementor-nav-menu">\n{body}</ul></nav>\n'
                '<div class="elementor-menu-toggle" role="button" tabindex="0" aria-label="Menu Toggle" '
                'aria-expanded="false"><svg aria-hidden="true" role="presentation" class="elementor-menu-toggle__icon'
                '--open e-font-icon-svg e-eicon-menu-bar" viewBox="0 0 1000 1000" xmlns="http://www.w3.org/2000/svg">'
                '<path d="M104 333H896C929 333 958 304 958 271S929 208 896 208H104C71 208 42 237 42 271S71 333 104 '
                '333ZM104 583H896C929 583 958 554 958 521S929 458 896 458H104C71 458 42 487 42 521S71 583 104 583Z'
                'M104 833H896C929 833 958 804 958 771S929 708 896 708H104C71 708 42 737 42 771S71 833 104 833Z">'
                '</path></svg></div>\n')

    # -- top bar ------------------------------------------------------------------------------

    def _top_bar(self) -> str:
        rng = self.rng
        langs = "".join(
            f'<li class="wpml-ls-slot-footer wpml-ls-item wpml-ls-item-{code}"><a href="{BASE}{path}" '
            f'class="wpml-ls-link"><img class="wpml-ls-flag" src="{BASE}/wp-content/plugins/sitepress-multilingual-cms'
            f'/res/flags/{code}.svg" alt="" width="18" height="12"><span class="wpml-ls-native" lang="{code}">'
            f"{label}</span></a></li>"
            for code, label, path in LANGUAGES)
        social = "".join(
            f'<a class="elementor-icon elementor-social-icon elementor-social-icon-{s} elementor-repeater-item-'
            f'{_hex(rng)}" href="https://www.{s}.com/uclgmewa" target="_blank" rel="noopener">'
            f'<span class="elementor-screen-only">{s.capitalize()}</span>{self.icons[s]}</a>'
            for s in SOCIAL[:5])
        return (
            '<div class="elementor-location-header top-bar" data-elementor-type="header" '
            f'data-elementor-id="{rng.randint(100, 999)}">'
            f'<div class="elementor-container elementor-column-gap-default"><div class="elementor-column '
            f'elementor-col-50 elementor-top-column elementor-element elementor-element-{_hex(rng)}">'
            '<ul class="elementor-icon-list-items elementor-inline-items">'
            '<li class="elementor-icon-list-item elementor-inline-item"><a href="tel:+902125115310">'
            '<span class="elementor-icon-list-text">+90 212 511 53 10</span></a></li>'
            '<li class="elementor-icon-list-item elementor-inline-item"><a href="mailto:info@uclg-mewa.org">'
            '<span class="elementor-icon-list-text">info@uclg-mewa.org</span></a></li></ul></div>'
            f'<div class="elementor-column elementor-col-50 elementor-element elementor-element-{_hex(rng)}">'
            f'<div class="elementor-social-icons-wrapper elementor-grid">{social}</div>'
            f'<div class="wpml-ls-statics-footer wpml-ls wpml-ls-legacy-dropdown"><ul>{langs}</ul></div>'
            f'<form class="elementor-search-form" role="search" action="{self.home}" method="get">'
            '<div class="elementor-search-form__container"><label class="elementor-screen-only" '
            'for="elementor-search-form-top">Search</label><input id="elementor-search-form-top" placeholder='
            '"Search..." class="elementor-search-form__input" type="search" name="s" value="">'
            '<button class="elementor-search-form__submit" type="submit" aria-label="Search">'
            '<i aria-hidden="true" class="fas fa-search"></i></button></div></form></div></div></div>\n'
        )

    # -- sidebar widgets -----------------------------------------------------------------------

    def _widget(self, i: int) -> str:
        rng = self.rng
        kind = i % 8
        wid = f"{_hex(rng)}"
        open_ = (f'<section id="custom-{wid}" class="widget elementor-widget elementor-element-{wid} '
                 f'elementor-widget-sidebar">')
        if kind == 0 and self.posts:
            picks = [rng.choice(self.posts) for _ in range(5)]
            items = "".join(
                f'<li class="popular-post"><a href="{BASE}{p.path}" class="thumb">'
                f'{self._img(_slug(p.title)[:40], 150, 150, "attachment-thumbnail size-thumbnail")}</a>'
                f'<div class="popular-post__text"><a href="{BASE}{p.path}">{html.escape(p.title)}</a>'
                f'<span class="popular-post__views">{rng.randint(120, 9000)} views</span></div></li>'
                for p in picks)
            return (f'{open_}<h2 class="widget-title">Popular Posts</h2><ul class="popular-posts">{items}</ul>'
                    "</section>\n")
        if kind == 1:
            items = "".join(
                f'<li class="tribe-events-widget-events-list__event-row"><div class="tribe-events-widget-events-list'
                f'__event-date-tag"><span class="tribe-events-widget-events-list__event-date-tag-month">'
                f'{rng.choice(MONTHS)[:3]}</span><span class="tribe-events-widget-events-list__event-date-tag-daynum">'
                f'{rng.randint(1, 28)}</span></div><div class="tribe-events-widget-events-list__event-details">'
                '<h3 class="tribe-events-widget-events-list__event-title">'
                f'<a href="{self._href(k, "ev-" + _hex(rng, 4))}" '
                f'class="tribe-events-widget-events-list__event-title-url">{_name(rng)} {rng.choice(EVENT_KINDS)}</a>'
                f'</h3><span class="tribe-events-widget-events-list__event-venue">{_name(rng)}, '
                f'{rng.choice(COUNTRIES)}</span></div></li>'
                for k in range(rng.randint(3, 6)))
            return (f'{open_}<h2 class="widget-title">Upcoming Events</h2><ul class="tribe-events-widget-events-list'
                    f'__events">{items}</ul><a href="{self._href(i, "calendar")}" class="tribe-events-widget-events-'
                    'list__view-more-link">View Calendar</a></section>\n')
        if kind == 2:
            first = min((p.published for p in self.posts), default=datetime(2015, 1, 1))
            last = max((p.published for p in self.posts), default=datetime(2024, 1, 1))
            months = []
            y, m = last.year, last.month
            while (y, m) >= (first.year, first.month) and len(months) < 150:
                months.append(f'<option value="{BASE}{self.site.prefix}/{y}/{m:02d}/"> {MONTHS[m - 1]} {y} '
                              f"&nbsp;({rng.randint(2, 60)})</option>\n")
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            return (f'{open_}<h2 class="widget-title">Archives</h2><label class="screen-reader-text" for="archives-'
                    f'dropdown-{wid}">Archives</label><select id="archives-dropdown-{wid}" name="archive-dropdown">'
                    f'<option value="">Select Month</option>\n{"".join(months)}</select></section>\n')
        if kind == 3:
            tags = "".join(
                f'<a href="{BASE}{self.site.prefix}/tag/{slug}/" class="tag-cloud-link tag-link-{20 + k} '
                f'tag-link-position-{k + 1}" style="font-size: {rng.uniform(8, 22):.3f}pt;" aria-label="{name} '
                f'({rng.randint(3, 400)} items)">{name}</a>\n'
                for k, (slug, name) in enumerate(self.site.tags.items()))
            cats = "".join(
                f'<li class="cat-item cat-item-{k + 2}"><a href="{BASE}{self.site.prefix}/category/{slug}/">{name}</a> '
                f"({rng.randint(10, 3000)})</li>" for k, (slug, name) in enumerate(CATEGORIES))
            return (f'{open_}<h2 class="widget-title">Categories</h2><ul>{cats}</ul><h2 class="widget-title">Tags</h2>'
                    f'<div class="tagcloud">{tags}</div></section>\n')
        if kind == 4:
            tweets = "".join(
                f'<li class="tweet"><div class="tweet-author">@uclgmewa</div><div class="tweet-text">'
                f"{rng.choice(['RT @uclg_org:', 'Today:', 'Join us:', 'Save the date:'])} {_name(rng)} "
                f"{rng.choice(EVENT_KINDS)} #{rng.choice(THEMES).replace(' ', '')}</div><span class="
                f'"tweet-date">{rng.randint(1, 23)}h</span></li>' for _ in range(rng.randint(3, 6)))
            return (f'{open_}<h2 class="widget-title">Follow Us on Twitter</h2><ul class="tweets">{tweets}</ul>'
                    '<a class="twitter-timeline" data-height="400" href="https://twitter.com/uclgmewa">Tweets by '
                    'uclgmewa</a></section>\n')
        if kind == 5:
            return (f'{open_}<h2 class="widget-title">Subscribe</h2><form id="mc4wp-form-{rng.randint(1, 9)}" '
                    'class="mc4wp-form mc4wp-form-subscribe" method="post" data-id="412" data-name="Newsletter">'
                    '<div class="mc4wp-form-fields"><p><label>Email address: <input type="email" name="EMAIL" '
                    'placeholder="Your email address" required=""></label></p><p><label><input name="AGREE_TO_TERMS"'
                    ' type="checkbox" value="1" required=""> I have read and agree to the terms &amp; conditions'
                    '</label></p><p><input type="submit" value="Sign up"></p></div><label style="display: none !'
                    'important;">Leave this field empty if you\'re human: <input type="text" name="_mc4wp_honeypot"'
                    ' value="" tabindex="-1" autocomplete="off"></label><input type="hidden" name="_mc4wp_timestamp"'
                    f' value="{rng.randint(1600000000, 1700000000)}"><div class="mc4wp-response"></div></form>'
                    '</section>\n')
        if kind == 6:
            banners = "".join(
                f'<a href="https://www.{host}/" target="_blank" rel="noopener" class="banner-link">'
                f'{self._img(_slug(name), 300, 200, "attachment-medium size-medium banner-image")}</a>'
                for name, host in rng.sample(PARTNERS, 3))
            return f'{open_}<div class="banner-widget">{banners}</div></section>\n'
        links = "".join(f'<li><a href="{href}" target="_blank" rel="noopener">{html.escape(label)}</a></li>'
                        for label, href in (self._municipality() for _ in range(rng.randint(8, 16))))
        return f'{open_}<h2 class="widget-title">Member Cities</h2><ul class="menu">{links}</ul></section>\n'

    # -- footer ------------------------------------------------------------------------------

    def _footer_column(self, i: int) -> str:
        rng = self.rng
        kind = i % 5
        cls = (f'<div class="elementor-column elementor-col-25 elementor-inner-column elementor-element '
               f'elementor-element-{_hex(rng)}"><div class="elementor-widget-wrap elementor-element-populated">')
        if kind == 0:
            kind_of_street = rng.choice(["Caddesi", "Sokak", "Street", "Avenue", "Boulevard"])
            street = self.site.address if i == 0 else f"{_name(rng)} {kind_of_street} No: {rng.randint(1, 120)}"
            return (f'{cls}<h4 class="elementor-heading-title elementor-size-default">'
                    f"{rng.choice(['Headquarters', 'Regional Office', 'Liaison Office', 'Project Office'])}</h4>"
                    f'<div class="elementor-text-editor"><address>{html.escape(street)}'
                    f"<br>{_name(rng)}, {rng.choice(COUNTRIES)}<br>Tel: +90 212 {rng.randint(100, 999)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}</address></div></div></div>\n")
        if kind in (1, 2):
            labels = rng.sample(ABOUT + MEDIA + KNOWLEDGE, rng.randint(6, 10))
            items = "".join(
                f'<li class="elementor-icon-list-item"><a href="{self._href(k, _slug(label))}"><span class="elementor'
                f'-icon-list-icon"><i aria-hidden="true" class="fas fa-chevron-right"></i></span><span class='
                f'"elementor-icon-list-text">{html.escape(label)}</span></a></li>' for k, label in enumerate(labels))
            return (f'{cls}<h4 class="elementor-heading-title elementor-size-default">'
                    f"{rng.choice(['Quick Links', 'Explore', 'About', 'Resources', 'Our Work'])}</h4>"
                    f'<ul class="elementor-icon-list-items">{items}</ul></div></div>\n')
        if kind == 3:
            logos = "".join(
                f'<figure class="gallery-item"><a href="https://www.{host}/" target="_blank" rel="noopener">'
                f'<img width="160" height="80" src="{BASE}/wp-content/uploads/logos/{_slug(name)}.png" class='
                f'"attachment-thumbnail size-thumbnail partner-logo" alt="{html.escape(name)}" loading="lazy">'
                f"</a></figure>" for name, host in rng.sample(PARTNERS, rng.randint(6, 12)))
            return (f'{cls}<h4 class="elementor-heading-title elementor-size-default">Partners</h4>'
                    f'<div class="gallery gallery-columns-4 gallery-size-thumbnail">{logos}</div></div></div>\n')
        cities = "".join(f'<li><a href="{href}" target="_blank" rel="noopener">{html.escape(label)}</a></li>'
                         for label, href in (self._municipality() for _ in range(rng.randint(6, 14))))
        return (f'{cls}<h4 class="elementor-heading-title elementor-size-default">{rng.choice(COUNTRIES)}</h4>'
                f'<ul class="member-list">{cities}</ul></div></div>\n')

    # -- cookie dialog -------------------------------------------------------------------------

    def _cookie_row(self, i: int) -> str:
        rng = self.rng
        service = COOKIE_SERVICES[i % len(COOKIE_SERVICES)]
        name = rng.choice(["_ga_", "wp-", "cmplz_", "_gid", "yt-", "__cf", "_fbp", "wpml_", "elementor_"])
        name += _hex(rng, 6)
        return (f'<div class="cmplz-cookies-table-row"><span class="cmplz-cookie-name">{name}</span>'
                f'<span class="cmplz-cookie-service">{service}</span><span class="cmplz-cookie-expiry">'
                f"{rng.choice(['session', '1 day', '30 days', '1 year', '2 years'])}</span>"
                f'<span class="cmplz-cookie-function">{rng.choice(COOKIE_PURPOSES)}</span></div>\n')

    def _cookie(self, rows: list[str]) -> str:
        per = max(1, len(rows) // 4)
        cats = "".join(
            f'<details class="cmplz-category cmplz-{cat}"><summary><span class="cmplz-category-header">'
            f'<span class="cmplz-category-title">{cat.capitalize()}</span><span class="cmplz-always-active">'
            f'<label class="cmplz-banner-checkbox"><input type="checkbox" id="cmplz-{cat}-optin" data-category='
            f'"cmplz_{cat}" class="cmplz-consent-checkbox cmplz-{cat}" size="40" value="1"><label '
            f'class="cmplz-label" for="cmplz-{cat}-optin"><span class="screen-reader-text">{cat}</span></label>'
            f'</label></span></span></summary><div class="cmplz-description"><span class="cmplz-description-{cat}">'
            f'{text}</span></div><div class="cmplz-cookies-table">{"".join(rows[k * per:(k + 1) * per])}</div>'
            "</details>"
            for k, (cat, text) in enumerate(COOKIE_TEXTS.items()))
        return (
            '<div id="cmplz-cookiebanner-container"><div class="cmplz-cookiebanner cmplz-hidden banner-1 '
            'optin cmplz-bottom-right cmplz-categories-type-view-preferences" aria-modal="true" '
            'data-nosnippet="true" role="dialog" aria-live="polite" aria-labelledby="cmplz-header-1-optin" '
            'aria-describedby="cmplz-message-1-optin"><div class="cmplz-header"><div class="cmplz-logo"></div>'
            '<div class="cmplz-title" id="cmplz-header-1-optin">Manage Cookie Consent</div><div class="cmplz-close"'
            ' tabindex="0" role="button" aria-label="Close dialog">&times;</div></div><div class="cmplz-divider '
            'cmplz-divider-header"></div><div class="cmplz-body"><div class="cmplz-message" id="cmplz-message-1-'
            'optin">To provide the best experiences, we use technologies like cookies to store and/or access '
            'device information. Not consenting or withdrawing consent may adversely affect certain features '
            f'and functions.</div><div class="cmplz-categories">{cats}</div></div><div class="cmplz-links '
            'cmplz-information"><a class="cmplz-link cmplz-manage-options cookie-statement" href="#">Manage '
            'options</a><a class="cmplz-link cmplz-manage-third-parties cookie-statement" href="#">Manage '
            'services</a></div><div class="cmplz-buttons"><button class="cmplz-btn cmplz-accept">Accept</button>'
            '<button class="cmplz-btn cmplz-deny">Deny</button><button class="cmplz-btn cmplz-view-preferences">'
            'View preferences</button><button class="cmplz-btn cmplz-save-preferences">Save preferences</button>'
            '</div><div class="cmplz-links cmplz-documents"><a class="cmplz-link cookie-statement" href="'
            f'{self._href(0, "cookie-policy")}" data-relative_url="#cmplz-document-cookie-statement">Cookie Policy'
            f'</a><a class="cmplz-link privacy-statement" href="{self._href(0, "privacy")}">Privacy Statement</a>'
            '</div></div></div>\n')

    # -- CSS and JS ----------------------------------------------------------------------------

    def _css_value(self) -> str:
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            return "0px"
        if kind == 1:
            return f"{rng.randint(1, 60)}px"
        if kind == 2:
            return f"{rng.uniform(0.5, 3):.2f}em"
        if kind == 3:
            return f"#{_hex(rng, 6)}"
        if kind == 4:
            return f"var(--e-global-color-{_hex(rng)})"
        return "auto" if kind == 5 else f"{rng.randint(10, 100)}%"

    def _css_rule(self, pid: str | None) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        decls = ";".join(f"{prop}:{self._css_value()}" for prop in rng.sample(CSS_PROPS, rng.randint(1, 5)))
        scope = f".elementor-{pid} " if pid else f".elementor-kit-{rng.randint(5, 9)} " if kind < 2 else ""
        el = f".elementor-element.elementor-element-{_hex(rng)}"
        if kind == 0:
            return f"{scope}{el} > .elementor-widget-container{{{decls};}}"
        if kind == 1:
            part = rng.choice(["title", "text", "icon", "image"])
            return f"{scope}{el} .elementor-{rng.choice(WIDGETS)}__{part}{{{decls};}}"
        if kind == 2:
            return f"@media(max-width:{rng.choice([767, 1024, 1366])}px){{{scope}{el}{{{decls};}}}}"
        if kind == 3:
            color = f"{rng.choice(['pale', 'vivid', 'luminous', 'light'])}-{rng.choice(['cyan', 'amber', 'red'])}"
            return (f":root{{--wp--preset--color--{color}-{_hex(rng, 3)}:#{_hex(rng, 6)};}}"
                    f".has-{color}-color{{color:var(--wp--preset--color--{color}) !important;}}")
        if kind == 4:
            return f"{scope}{el}:not(.elementor-motion-effects-element-type-background){{{decls};}}"
        return f"{scope}.elementor-widget-{rng.choice(WIDGETS)} .elementor-{rng.choice(WIDGETS)}{{{decls};}}"

    def _head_js(self, i: int) -> str:
        rng = self.rng
        if i == 0:
            return (
                '<script type="application/ld+json" class="yoast-schema-graph">'
                + _js({"@context": "https://schema.org", "@graph": [
                    {"@type": "Organization", "@id": f"{self.home}#organization", "name": self.site.name,
                     "url": self.home, "logo": {"@type": "ImageObject", "url": f"{BASE}/wp-content/uploads/logo.png",
                                               "width": 512, "height": 512},
                     "sameAs": [f"https://www.{s}.com/uclgmewa" for s in SOCIAL]},
                    {"@type": "WebSite", "@id": f"{self.home}#website", "url": self.home, "name": self.site.name,
                     "description": self.site.tagline, "publisher": {"@id": f"{self.home}#organization"},
                     "potentialAction": [{"@type": "SearchAction", "target": {
                         "@type": "EntryPoint", "urlTemplate": f"{self.home}?s={{search_term_string}}"},
                         "query-input": "required name=search_term_string"}], "inLanguage": "en-US"},
                ]}) + "</script>\n")
        if i == 1:
            return ("<script>window._wpemojiSettings = " + _js({
                "baseUrl": "https://s.w.org/images/core/emoji/14.0.0/72x72/", "ext": ".png",
                "svgUrl": "https://s.w.org/images/core/emoji/14.0.0/svg/", "svgExt": ".svg",
                "source": {"concatemoji": f"{BASE}/wp-includes/js/wp-emoji-release.min.js?ver=6.4.3"}}) + ";\n"
                "/*! This file is auto-generated */\n!function(i,n){var o,s,e;function c(e){try{var t={supportTests:"
                "e,timestamp:(new Date).valueOf()};sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function "
                "p(e,t,n){e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e."
                "getImageData(0,0,e.canvas.width,e.canvas.height).data),r=(e.clearRect(0,0,e.canvas.width,e.canvas."
                "height),e.fillText(n,0,0),new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data));"
                "return t.every(function(e,t){return e===r[t]})}function u(e,t,n){switch(t){case\"flag\":return n(e,"
                "\"\\ud83c\\udff3\\ufe0f\\u200d\\u26a7\\ufe0f\","
                "\"\\ud83c\\udff3\\ufe0f\\u200b\\u26a7\\ufe0f\")?!1:!n(e,"
                "\"\\ud83c\\uddfa\\ud83c\\uddf3\",\"\\ud83c\\uddfa\\u200b\\ud83c\\uddf3\");case\"emoji\":return!n(e,"
                "\"\\ud83e\\udef1\\ud83c\\udffb\\u200d\\ud83e\\udef2\\ud83c\\udfff\",\"\\ud83e\\udef1\\ud83c\\udffb"
                "\\u200b\\ud83e\\udef2\\ud83c\\udfff\")}return!1}}(window,document);\n</script>\n")
        if i == 2:
            gid = f"G-{_hex(rng, 10).upper()}"
            return (f"<script async src=\"https://www.googletagmanager.com/gtag/js?id={gid}\"></script>\n"
                    "<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}"
                    f"gtag('consent','default',{{'analytics_storage':'denied','ad_storage':'denied'}});"
                    f"gtag('js', new Date());gtag('config', '{gid}', {{'anonymize_ip': true}});</script>\n")
        # The theme's configuration objects: labels, breakpoints, URLs of the site's widgets.
        config = {
            "ajaxurl": f"{BASE}/wp-admin/admin-ajax.php", "nonce": _hex(rng, 10), "version": "3.18.3",
            "i18n": {_slug(label).replace("-", "_"): label
                     for label in rng.sample(ABOUT + MEDIA + KNOWLEDGE + THEMES, 12)},
            "breakpoints": {k: {"label": k.capitalize(), "value": v, "direction": "max", "is_enabled": True}
                            for k, v in (("mobile", 767), ("tablet", 1024), ("laptop", 1366), ("widescreen", 2400))},
            "widgets": [{"id": _hex(rng), "type": rng.choice(WIDGETS), "settings": {
                "autoplay": rng.choice(["yes", "no"]), "speed": rng.randint(300, 900),
                "slides_to_show": rng.randint(1, 4), "pause_on_hover": "yes", "arrows": rng.choice(["yes", "no"])}}
                for _ in range(rng.randint(4, 10))],
        }
        name = rng.choice(["themeConfig", "astraConfig", "ElementorProFrontendConfig", "wpmlConfig", "tribeConfig"])
        return f"<script id=\"{_slug(name)}-js-extra-{i}\">var {name}{i} = {_js(config)};</script>\n"

    def _end_js(self, i: int) -> str:
        rng = self.rng
        lines = []
        for _ in range(rng.randint(3, 8)):
            sel = rng.choice(JS_SELECTORS)
            ev = rng.choice(JS_EVENTS)
            el = _hex(rng)
            lines.append(
                f"var $w{el}=$('.elementor-element-{el}');if($w{el}.length){{$w{el}.on('{ev}','.{sel}',function(e){{"
                f"e.preventDefault();var $t=$(this),open=!$t.hasClass('is-active');$t.toggleClass('is-active',open)"
                f".attr('aria-expanded',open);$w{el}.find('.{rng.choice(JS_SELECTORS)}').stop(true,true)"
                f".slide{rng.choice(['Toggle', 'Down', 'Up'])}({rng.randint(150, 400)});}});}}")
        return (f"<script id=\"theme-init-{i}\">jQuery(function($){{'use strict';{''.join(lines)}}});</script>\n")

    # -- one weight of the site-wide parts -----------------------------------------------------

    def _variant(self, size: int, k: int) -> _Variant:
        """The site-wide parts in about ``size`` bytes; the lightest weight (k = 0) has no top
        bar and no share buttons, light ones no mobile menu copy and no consent dialog."""
        budget = {key: int(size * share) for key, share in _SHARES.items()}
        css = self.pools["css"].take(budget["css"])
        half = len(css) // 2
        links = "".join(
            f"<link rel='stylesheet' id='{name}-css' href='{BASE}/wp-content/plugins/{name}/assets/css/{name}.min.css"
            f"?ver=3.18.3' media='all'>\n"
            for name in ("elementor-frontend", "elementor-pro", "swiper", "e-animations", "font-awesome",
                         "wpml-legacy-dropdown", "cmplz-general", "tribe-events-widgets", "mc4wp-form-basic"))
        head = (f"{links}<link rel=\"preload\" href=\"{BASE}/wp-content/themes/citynet/fonts/inter.woff2\" as=\"font\" "
                'type="font/woff2" crossorigin>\n'
                f'<style id="global-styles-inline-css">{"".join(css[:half])}</style>\n'
                f'<style id="elementor-frontend-inline-css">{"".join(css[half:])}</style>\n'
                + "".join(self.pools["head_js"].take(budget["head_js"])))
        entries = self.pools["menu"].take(budget["menu"] - 2000)
        mobile = self._menu(self.pools["menu"].take(budget["mobile"] - 2000), True) if budget["mobile"] > 3000 else ""
        menu = (f'<div class="elementor-widget elementor-widget-nav-menu mega-menu" data-id="{_hex(self.rng)}">'
                f"{self._menu(entries, False)}{mobile}</div>\n")
        sidebar = "".join(self.pools["sidebar"].take(budget["sidebar"]))
        footer = ('<div class="elementor-location-footer footer-columns"><div class="elementor-container '
                  f'elementor-column-gap-wide">{"".join(self.pools["footer"].take(budget["footer"]))}</div>'
                  '<ul class="footer-legal">'
                  + "".join(f'<li><a href="{self._href(k, _slug(label))}">{label}</a></li>'
                            for k, label in enumerate(["Privacy Policy", "Cookie Policy", "Terms of Use",
                                                       "Accessibility", "Sitemap"]))
                  + "</ul></div>\n")
        cookie = self._cookie(self.pools["cookie"].take(budget["cookie"] - 4500)) if budget["cookie"] > 4000 else ""
        end_js = "".join(self.pools["end_js"].take(budget["end_js"]))
        end = (f"{cookie}<div class=\"back-to-top\"><a href=\"#page\" aria-label=\"Back to top\">"
               "<i class=\"fas fa-arrow-up\"></i></a></div>\n"
               f"<script src='{BASE}/wp-content/plugins/elementor/assets/js/frontend.min.js?ver=3.18.3'></script>\n"
               "<script id=\"elementor-frontend-js-before\">var elementorFrontendConfig = "
               + _js({"environmentMode": {"edit": False, "wpPreview": False, "isScriptDebug": False},
                      "is_rtl": False, "breakpoints": {"xs": 0, "sm": 480, "md": 768, "lg": 1025, "xl": 1440,
                                                       "xxl": 1600},
                      "urls": {"assets": f"{BASE}/wp-content/plugins/elementor/assets/"}, "version": "3.18.3"})[:-1]
               + ",\"post\":{PAGE_CONFIG}};</script>\n" + end_js)
        share = self._share("{URL}", "{TITLE}") if k else ""
        return _Variant(head=head, top=self.top if k else "", menu=menu, sidebar=sidebar, footer=footer, end=end,
                        share=share)

    # -- per page -----------------------------------------------------------------------------

    def _card(self, post: PostRef) -> str:
        rng = self.rng
        url = BASE + post.path
        title = html.escape(post.title)
        teaser = rng.choice(TEASERS).format(place=_name(rng), object=rng.choice(OBJECTS), tail=rng.choice(TAILS))
        tag = self.site.tags.get(post.tag, "News")
        return (
            f'<div class="elementor-post elementor-grid-item post-card tag-{post.tag}">'
            f'<div class="elementor-post__card"><a class="elementor-post__thumbnail__link" href="{url}" tabindex="-1">'
            '<div class="elementor-post__thumbnail">'
            f'{self._img(_slug(post.title)[:40], 300, 200, "attachment-medium size-medium wp-post-image")}</div></a>'
            f'<div class="elementor-post__badge">{html.escape(tag)}</div><div class="elementor-post__text">'
            f'<h3 class="elementor-post__title"><a href="{url}">{title}</a></h3><div class="elementor-post__excerpt">'
            f'<p>{teaser} [&hellip;]</p></div><a class="elementor-post__read-more" href="{url}" aria-label="Read more'
            f' about {title}" tabindex="-1">Read More &raquo;</a></div><div class="elementor-post__meta-data">'
            f'<span class="elementor-post-date">{_human(post.published)}</span><span class="elementor-post-avatar">'
            "No Comments</span></div></div></div>\n")

    def _share(self, url: str, title: str) -> str:
        prefixes = {"facebook": "https://www.facebook.com/sharer.php?u=",
                    "twitter": "https://twitter.com/intent/tweet?url=",
                    "linkedin": "https://www.linkedin.com/shareArticle?mini=true&amp;url=",
                    "whatsapp": "https://api.whatsapp.com/send?text=", "telegram": "https://t.me/share/url?url=",
                    "email": "mailto:?subject="}
        buttons = "".join(
            f'<div class="elementor-grid-item"><a class="elementor-share-btn elementor-share-btn_{s}" href="'
            f'{prefixes[s]}{url}" target="_blank" rel="noopener" aria-label="Share on {s}"><span class="elementor-'
            f'share-btn__icon">{self.icons[s]}</span><span class="elementor-share-btn__text"><span class="elementor-'
            f'share-btn__title">{s.capitalize()}</span></span></a></div>' for s in SHARE)
        return (f'<div class="elementor-widget elementor-widget-share-buttons"><div class="elementor-grid" '
                f'data-title="{title}">{buttons}</div></div>\n')

    def _size(self) -> int:
        return int(self.page_bytes * self.rng.triangular(0.2, 2.0, 0.8))

    _CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
    _TITLE = re.compile(r"<title>(.*?)</title>", re.S)
    _IDENT = re.compile(r"(?:postid|page-id)-(\d+)")

    def page(self, page: str) -> str:
        """``page`` with the theme's markup, about as large as drawn for it."""
        rng = self.rng
        target = self._size()
        m = self._CANONICAL.search(page)
        url = m.group(1) if m else self.home
        m = self._TITLE.search(page)
        title = m.group(1).rsplit(" - ", 1)[0] if m else self.site.name
        m = self._IDENT.search(page)
        pid = m.group(1) if m else str(rng.randint(10, 9999))
        post = "single-post" in page

        sep = '<span class="separator"> &raquo; </span>'
        middle = f'<a href="{self.news}">News</a>{sep}' if post else ""
        crumbs = (f'<nav class="rank-math-breadcrumb" aria-label="breadcrumbs"><p><a href="{self.home}">Home</a>'
                  f'{sep}{middle}<span class="last">{title}</span></p></nav>\n')
        config = _js({"id": int(pid), "title": html.unescape(title), "excerpt": "", "featuredImage": False})
        fixed = len(page) + len(crumbs) + len(config) + 400  # 400: the wrappers of cards and post CSS

        # The heaviest weight that leaves room for at least three cards, then cards and the
        # post's CSS up to the drawn size.
        card = self.card_size
        k = max(0, bisect.bisect_right(self.sizes, target - fixed - 3 * card) - 1)
        variant = self.variants[k]
        fill = max(0, target - fixed - variant.size)
        n_cards = min(len(self.cards), 20, max(3 if k else 0, round(fill * _CARD_SHARE / card)))
        share = variant.share.replace("{URL}", url).replace("{TITLE}", title) if post else ""
        cards = rng.sample(self.cards, n_cards)
        css_budget = max(0, fill - n_cards * card)
        start = rng.randrange(len(self.page_css) // 2)
        rules = self.page_css[start:bisect.bisect_left(self.page_css_ends, self.page_css_ends[start] + css_budget)]
        page_css = (f'<style id="elementor-post-{pid}-css">' + "".join(rules).replace("{PID}", pid) + "</style>\n"
                    if rules else "")
        heading = rng.choice(["Related Posts", "Latest News", "Other News", "Recommended for You", "From the Network"])
        first, rest = (cards[:6], cards[6:]) if post else ([], cards)  # a grid under posts only
        grid = (f'<section class="elementor-section elementor-posts-section"><h2 class="elementor-heading-title">'
                f'{heading}</h2><div class="elementor-posts-container elementor-posts elementor-grid '
                f'elementor-posts--skin-cards">{"".join(first)}</div></section>\n' if first else "")
        carousel = (
            '<section class="elementor-section news-carousel"><div class="elementor-container"><h2 class="'
            'elementor-heading-title">More from the Network</h2><div class="swiper-container"><div class="swiper-'
            'wrapper">' + "".join(f'<div class="swiper-slide">{c}</div>' for c in rest)
            + '</div><div class="swiper-pagination"></div><button class="elementor-swiper-button elementor-swiper-'
            'button-prev" aria-label="Previous slide"><i class="eicon-chevron-left"></i></button><button class='
            '"elementor-swiper-button elementor-swiper-button-next" aria-label="Next slide"><i class="eicon-'
            'chevron-right"></i></button></div></div></section>\n' if rest else "")

        inserts = [
            ("</head>", variant.head + page_css, True),
            ('<div id="page" class="site">\n', variant.top, False),
            ("</header>\n", variant.menu, True),
            ('<div class="container">\n', crumbs, False),
            ("</article>\n", share, False),
            ("</main>", grid, True),
            ("</aside>\n", variant.sidebar, True),
            ('<footer id="colophon"', carousel, True),
            ('<div class="site-info">', variant.footer, True),
            ("</body>", variant.end.replace("{PAGE_CONFIG}", config), True),
        ]
        out = []
        pos = 0
        for marker, chunk, before in inserts:
            if not chunk:
                continue
            i = page.find(marker, pos)
            if i < 0:
                continue
            at = i if before else i + len(marker)
            out.append(page[pos:at])
            out.append(chunk)
            pos = at
        out.append(page[pos:])
        return "".join(out)
