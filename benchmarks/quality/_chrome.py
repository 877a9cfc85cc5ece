"""Page chrome for the hand-written quality fixtures (see build_fixtures.py).

Each theme reproduces the markup of one CMS as it is served by the sites of the catalogue
(/work/shared/research/sites.md): WordPress (classic themes, Divi, Enfold, Elementor),
Drupal 7 and 8, the Drupal 7 print module, Plone 5, SPIP and the local2030.org
Bootstrap site. The chrome is deliberately heavy (menus, sidebars, inline CSS and
JavaScript, JSON-LD) because real pages are.
"""

from __future__ import annotations

import hashlib
import html
import json

esc = html.escape


# ---------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------

_PALETTE = [
    ("black", "#000000"), ("cyan-bluish-gray", "#abb8c3"), ("white", "#ffffff"),
    ("pale-pink", "#f78da7"), ("vivid-red", "#cf2e2e"), ("luminous-vivid-orange", "#ff6900"),
    ("luminous-vivid-amber", "#fcb900"), ("light-green-cyan", "#7bdcb5"),
    ("vivid-green-cyan", "#00d084"), ("pale-cyan-blue", "#8ed1fc"),
    ("vivid-cyan-blue", "#0693e3"), ("vivid-purple", "#9b51e0"),
]
_GRADIENTS = [
    ("vivid-cyan-blue-to-vivid-purple", "linear-gradient(135deg,rgba(6,147,227,1) 0%,rgb(155,81,224) 100%)"),
    ("light-green-cyan-to-vivid-green-cyan", "linear-gradient(135deg,rgb(122,220,180) 0%,rgb(0,208,130) 100%)"),
    ("luminous-vivid-amber-to-luminous-vivid-orange", "linear-gradient(135deg,rgba(252,185,0,1) 0%,rgba(255,105,0,1) 100%)"),
    ("luminous-vivid-orange-to-vivid-red", "linear-gradient(135deg,rgba(255,105,0,1) 0%,rgb(207,46,46) 100%)"),
    ("very-light-gray-to-cyan-bluish-gray", "linear-gradient(135deg,rgb(238,238,238) 0%,rgb(169,184,195) 100%)"),
    ("cool-to-warm-spectrum", "linear-gradient(135deg,rgb(74,234,220) 0%,rgb(151,120,209) 20%,rgb(207,42,186) 40%,rgb(238,44,130) 60%,rgb(251,105,98) 80%,rgb(254,248,76) 100%)"),
    ("blush-light-purple", "linear-gradient(135deg,rgb(255,206,236) 0%,rgb(152,150,240) 100%)"),
    ("electric-grass", "linear-gradient(135deg,rgb(202,248,128) 0%,rgb(113,206,126) 100%)"),
    ("midnight", "linear-gradient(135deg,rgb(2,3,129) 0%,rgb(40,116,252) 100%)"),
]
_FONT_SIZES = [("small", "13px"), ("medium", "20px"), ("large", "36px"), ("x-large", "42px")]
_SPACING = [("20", "0.44rem"), ("30", "0.67rem"), ("40", "1rem"), ("50", "1.5rem"), ("60", "2.25rem"), ("70", "3.38rem"), ("80", "5.06rem")]


def wp_global_styles() -> str:
    """The ``global-styles-inline-css`` block that WordPress 6.x prints in every page."""
    vars_ = "".join(f"--wp--preset--color--{n}: {v};" for n, v in _PALETTE)
    vars_ += "".join(f"--wp--preset--gradient--{n}: {v};" for n, v in _GRADIENTS)
    vars_ += "".join(f"--wp--preset--font-size--{n}: {v};" for n, v in _FONT_SIZES)
    vars_ += "".join(f"--wp--preset--spacing--{n}: {v};" for n, v in _SPACING)
    vars_ += ("--wp--preset--shadow--natural: 6px 6px 9px rgba(0, 0, 0, 0.2);"
              "--wp--preset--shadow--deep: 12px 12px 50px rgba(0, 0, 0, 0.4);"
              "--wp--preset--shadow--sharp: 6px 6px 0px rgba(0, 0, 0, 0.2);")
    rules = [f"body{{{vars_}}}",
             "body .is-layout-flow > .alignleft{float: left;margin-inline-start: 0;margin-inline-end: 2em;}",
             "body .is-layout-flow > .alignright{float: right;margin-inline-start: 2em;margin-inline-end: 0;}",
             "body .is-layout-flow > .aligncenter{margin-left: auto !important;margin-right: auto !important;}",
             "body .is-layout-constrained > :where(:not(.alignleft):not(.alignright):not(.alignfull)){max-width: var(--wp--style--global--content-size);margin-left: auto !important;margin-right: auto !important;}",
             "body .is-layout-flex{display: flex;}body .is-layout-flex{flex-wrap: wrap;align-items: center;}",
             "body .is-layout-grid{display: grid;}",
             "a:where(:not(.wp-element-button)){text-decoration: underline;}",
             ":where(.wp-element-button, .wp-block-button__link){background-color: #32373c;border-width: 0;color: #fff;font-family: inherit;font-size: inherit;line-height: inherit;padding: calc(0.667em + 2px) calc(1.333em + 2px);text-decoration: none;}"]
    for n, _ in _PALETTE:
        rules.append(f".has-{n}-color{{color: var(--wp--preset--color--{n}) !important;}}")
    for n, _ in _PALETTE:
        rules.append(f".has-{n}-background-color{{background-color: var(--wp--preset--color--{n}) !important;}}")
    for n, _ in _PALETTE:
        rules.append(f".has-{n}-border-color{{border-color: var(--wp--preset--color--{n}) !important;}}")
    for n, _ in _GRADIENTS:
        rules.append(f".has-{n}-gradient-background{{background: var(--wp--preset--gradient--{n}) !important;}}")
    for n, _ in _FONT_SIZES:
        rules.append(f".has-{n}-font-size{{font-size: var(--wp--preset--font-size--{n}) !important;}}")
    return "<style id='global-styles-inline-css'>\n" + "\n".join(rules) + "\n</style>\n"


def wp_emoji_script(base: str) -> str:
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/14.0.0/72x72/",
        "ext": ".png",
        "svgUrl": "https://s.w.org/images/core/emoji/14.0.0/svg/",
        "svgExt": ".svg",
        "source": {"concatemoji": f"{base}/wp-includes/js/wp-emoji-release.min.js?ver=6.4.3"},
    }
    return (
        "<script>\nwindow._wpemojiSettings = " + json.dumps(settings) + ";\n"
        "/*! This file is auto-generated */\n"
        "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
        "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,"
        "e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height)"
        ".data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),new Uint32Array(e.getImageData"
        "(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t){return e===r[t]})}function u(e,t,n)"
        "{switch(t){case\"flag\":return n(e,\"\\ud83c\\udff3\\ufe0f\\u200d\\u26a7\\ufe0f\",\"\\ud83c\\udff3\\ufe0f"
        "\\u200b\\u26a7\\ufe0f\")?!1:!n(e,\"\\ud83c\\uddfa\\ud83c\\uddf3\",\"\\ud83c\\uddfa\\u200b\\ud83c\\uddf3\");"
        "case\"emoji\":return!n(e,\"\\ud83e\\udef1\\ud83c\\udffb\\u200d\\ud83e\\udef2\\ud83c\\udfff\",\"\\ud83e\\udef1"
        "\\ud83c\\udffb\\u200b\\ud83e\\udef2\\ud83c\\udfff\")}return!1}function f(e,t,n){var r=\"undefined\"!=typeof "
        "WorkerGlobalScope&&self instanceof WorkerGlobalScope?new OffscreenCanvas(300,150):i.createElement(\"canvas\"),"
        "a=r.getContext(\"2d\",{willReadFrequently:!0}),o=(a.textBaseline=\"top\",a.font=\"600 32px Arial\",{});return "
        "e.forEach(function(e){o[e]=t(a,e,n)}),o}function t(e){var t=i.createElement(\"script\");t.src=e,t.defer=!0,"
        "i.head.appendChild(t)}\"undefined\"!=typeof Promise&&(o=\"wpEmojiSettingsSupports\",s=[\"flag\",\"emoji\"],"
        "n.supports={everything:!0,everythingExceptFlag:!0},e=new Promise(function(e){i.addEventListener("
        "\"DOMContentLoaded\",e,{once:!0})}),new Promise(function(t){var n=function(){try{var e=JSON.parse("
        "sessionStorage.getItem(o));if(\"object\"==typeof e&&\"number\"==typeof e.timestamp&&(new Date).valueOf()"
        "<e.timestamp+604800&&\"object\"==typeof e.supportTests)return e.supportTests}catch(e){}return null}();"
        "if(!n){if(\"undefined\"!=typeof Worker&&\"undefined\"!=typeof OffscreenCanvas&&\"undefined\"!=typeof URL&&"
        "URL.createObjectURL&&\"undefined\"!=typeof Blob)try{var e=\"postMessage(\"+f.toString()+\"(\"+[JSON.stringify"
        "(s),u.toString(),p.toString()].join(\",\")+\"));\",r=new Blob([e],{type:\"text/javascript\"}),a=new Worker"
        "(URL.createObjectURL(r),{name:\"wpTestEmojiSupports\"});return void(a.onmessage=function(e){c(n=e.data),"
        "a.terminate(),t(n)})}catch(e){}c(n=f(s,u,p))}t(n)}).then(function(e){for(var t in e)n.supports[t]=e[t],"
        "n.supports.everything=n.supports.everything&&n.supports[t],\"flag\"!==t&&(n.supports.everythingExceptFlag="
        "n.supports.everythingExceptFlag&&n.supports[t]);n.supports.everythingExceptFlag=n.supports."
        "everythingExceptFlag&&!n.supports.flag,n.DOMReady=!1,n.readyCallback=function(){n.DOMReady=!0}}).then("
        "function(){return e}).then(function(){var e;n.supports.everything||(n.readyCallback(),(e=n.source||{})"
        ".concatemoji?t(e.concatemoji):e.wpemoji&&e.twemoji&&(t(e.twemoji),t(e.wpemoji)))}))}((window,document),"
        "window._wpemojiSettings);\n</script>\n"
    )


def gtag(measurement_id: str) -> str:
    return (
        f"<script async src=\"https://www.googletagmanager.com/gtag/js?id={measurement_id}\"></script>\n"
        "<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}"
        f"gtag('js', new Date());gtag('config', '{measurement_id}', {{'anonymize_ip': true}});</script>\n"
    )


def yoast_graph(*, url: str, title: str, site: str, base: str, lang: str, published: str, modified: str,
                author: str, image: str, description: str, crumbs: list[tuple[str, str]]) -> str:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": {"name": author, "@id": f"{base}/#/schema/person/{hashlib.md5(author.encode()).hexdigest()[:8]}"},
             "headline": title, "datePublished": published, "dateModified": modified,
             "mainEntityOfPage": {"@id": url}, "publisher": {"@id": f"{base}/#organization"},
             "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": image, "inLanguage": lang},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{title} - {site}",
             "isPartOf": {"@id": f"{base}/#website"}, "primaryImageOfPage": {"@id": f"{url}#primaryimage"},
             "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": image, "datePublished": published,
             "dateModified": modified, "description": description,
             "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": lang,
             "potentialAction": [{"@type": "ReadAction", "target": [url]}]},
            {"@type": "ImageObject", "inLanguage": lang, "@id": f"{url}#primaryimage", "url": image,
             "contentUrl": image, "width": 1200, "height": 800},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb",
             "itemListElement": [{"@type": "ListItem", "position": i + 1, "name": n, **({"item": h} if h else {})}
                                 for i, (n, h) in enumerate(crumbs)]},
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": site,
             "publisher": {"@id": f"{base}/#organization"},
             "potentialAction": [{"@type": "SearchAction", "target": {"@type": "EntryPoint",
                                  "urlTemplate": f"{base}/?s={{search_term_string}}"},
                                  "query-input": "required name=search_term_string"}], "inLanguage": lang},
            {"@type": "Organization", "@id": f"{base}/#organization", "name": site, "url": f"{base}/",
             "logo": {"@type": "ImageObject", "inLanguage": lang, "@id": f"{base}/#/schema/logo/image/",
                      "url": f"{base}/wp-content/uploads/logo.png", "contentUrl": f"{base}/wp-content/uploads/logo.png",
                      "width": 400, "height": 120, "caption": site},
             "sameAs": ["https://www.facebook.com/", "https://twitter.com/", "https://www.linkedin.com/"]},
        ],
    }
    return ("<script type=\"application/ld+json\" class=\"yoast-schema-graph\">"
            + json.dumps(graph, ensure_ascii=False) + "</script>\n")


def menu(items: list, cls: str = "menu", sub_cls: str = "sub-menu") -> str:
    """Nested WordPress/Drupal menu: items are (label, href) or (label, href, [children])."""
    out = [f'<ul class="{cls}">']
    for i, item in enumerate(items):
        label, href = item[0], item[1]
        children = item[2] if len(item) > 2 else None
        extra = " menu-item-has-children" if children else ""
        out.append(f'<li id="menu-item-{1000 + i * 7}" class="menu-item menu-item-type-custom menu-item-object-custom{extra}">'
                   f'<a href="{esc(href)}">{esc(label)}</a>')
        if children:
            out.append(menu(children, sub_cls, sub_cls))
        out.append("</li>")
    out.append("</ul>")
    return "".join(out)


def social_icons(links: list[tuple[str, str]]) -> str:
    svg = ('<svg class="icon" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
           '<path d="M12 2C6.5 2 2 6.5 2 12c0 5 3.7 9.1 8.4 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 '
           '2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7C18.3 21.1 22 17 22 12c0-5.5-4.5-10-10-10z"/></svg>')
    return ('<ul class="social-links">' + "".join(
        f'<li class="social-{esc(n.lower())}"><a href="{esc(h)}" target="_blank" rel="noopener">{svg}'
        f'<span class="screen-reader-text">{esc(n)}</span></a></li>' for n, h in links) + "</ul>")


# ---------------------------------------------------------------------------------------
# WordPress
# ---------------------------------------------------------------------------------------

def wp_document(*, lang: str, doc_title: str, head_meta: str, base: str, body_class: str, body: str,
                theme: str = "citynet", extra_head: str = "", footer_scripts: str = "") -> str:
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"UTF-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"profile\" href=\"https://gmpg.org/xfn/11\">\n"
        f"<title>{esc(doc_title)}</title>\n"
        "<meta name=\"robots\" content=\"index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1\">\n"
        + head_meta
        + f"<link rel='dns-prefetch' href='//fonts.googleapis.com' />\n"
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Feed\" href=\"{base}/feed/\" />\n"
        + wp_emoji_script(base)
        + "<style id='wp-emoji-styles-inline-css'>img.wp-smiley, img.emoji {display: inline !important;border: none !important;"
        "box-shadow: none !important;height: 1em !important;width: 1em !important;margin: 0 0.07em !important;"
        "vertical-align: -0.1em !important;background: none !important;padding: 0 !important;}</style>\n"
        f"<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/block-library/style.min.css?ver=6.4.3' media='all' />\n"
        + wp_global_styles()
        + f"<link rel='stylesheet' id='{theme}-style-css' href='{base}/wp-content/themes/{theme}/style.css?ver=2.4.1' media='all' />\n"
        f"<script src='{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>\n"
        f"<script src='{base}/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1' id='jquery-migrate-js'></script>\n"
        f"<link rel=\"https://api.w.org/\" href=\"{base}/wp-json/\" />\n"
        f"<link rel=\"EditURI\" type=\"application/rsd+xml\" title=\"RSD\" href=\"{base}/xmlrpc.php?rsd\" />\n"
        "<meta name=\"generator\" content=\"WordPress 6.4.3\" />\n"
        + extra_head
        + "</head>\n"
        f"<body class=\"{body_class}\">\n"
        + body
        + footer_scripts
        + f"<script src='{base}/wp-includes/js/comment-reply.min.js?ver=6.4.3' id='comment-reply-js' async data-wp-strategy='async'></script>\n"
        f"<script src='{base}/wp-content/themes/{theme}/js/navigation.js?ver=2.4.1' id='{theme}-navigation-js'></script>\n"
        "</body>\n</html>\n"
    )


def wp_head_meta(*, url: str, title: str, site: str, base: str, locale: str, description: str,
                 published: str, modified: str, author: str, image: str, og_type: str = "article",
                 hreflangs: list[tuple[str, str]] | None = None, crumbs: list[tuple[str, str]] | None = None,
                 lang: str = "en-US", section: str = "News", tags: list[str] | None = None) -> str:
    out = [
        f"<meta name=\"description\" content=\"{esc(description)}\" />\n",
        f"<link rel=\"canonical\" href=\"{esc(url)}\" />\n",
        f"<meta property=\"og:locale\" content=\"{locale}\" />\n",
        f"<meta property=\"og:type\" content=\"{og_type}\" />\n",
        f"<meta property=\"og:title\" content=\"{esc(title)}\" />\n",
        f"<meta property=\"og:description\" content=\"{esc(description)}\" />\n",
        f"<meta property=\"og:url\" content=\"{esc(url)}\" />\n",
        f"<meta property=\"og:site_name\" content=\"{esc(site)}\" />\n",
        f"<meta property=\"article:section\" content=\"{esc(section)}\" />\n",
    ]
    for t in tags or []:
        out.append(f"<meta property=\"article:tag\" content=\"{esc(t)}\" />\n")
    out += [
        f"<meta property=\"article:published_time\" content=\"{published}\" />\n",
        f"<meta property=\"article:modified_time\" content=\"{modified}\" />\n",
        f"<meta property=\"og:image\" content=\"{esc(image)}\" />\n",
        "<meta property=\"og:image:width\" content=\"1200\" />\n<meta property=\"og:image:height\" content=\"800\" />\n",
        "<meta property=\"og:image:type\" content=\"image/jpeg\" />\n",
        f"<meta name=\"author\" content=\"{esc(author)}\" />\n",
        "<meta name=\"twitter:card\" content=\"summary_large_image\" />\n",
        f"<meta name=\"twitter:label1\" content=\"Written by\" />\n<meta name=\"twitter:data1\" content=\"{esc(author)}\" />\n",
    ]
    for hl, href in hreflangs or []:
        out.append(f"<link rel=\"alternate\" hreflang=\"{hl}\" href=\"{esc(href)}\" />\n")
    out.append(yoast_graph(url=url, title=title, site=site, base=base, lang=lang, published=published,
                           modified=modified, author=author, image=image, description=description,
                           crumbs=crumbs or [("Home", f"{base}/"), (title, "")]))
    return "".join(out)


def wp_sidebar(*, recent: list[tuple[str, str]], categories: list[tuple[str, str, int]],
               archives: list[tuple[str, str]], tags: list[tuple[str, str]], search_label: str = "Search for:",
               titles: tuple[str, str, str, str] = ("Recent Posts", "Categories", "Archives", "Tags")) -> str:
    rec = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in recent)
    cat = "".join(f'<li class="cat-item"><a href="{esc(h)}">{esc(t)}</a> ({n})</li>' for t, h, n in categories)
    arc = "".join(f"<li><a href='{esc(h)}'>{esc(t)}</a></li>" for t, h in archives)
    tag = "".join(f'<a href="{esc(h)}" class="tag-cloud-link" style="font-size: {10 + (i * 3) % 9}pt;" '
                  f'aria-label="{esc(t)}">{esc(t)}</a>\n' for i, (t, h) in enumerate(tags))
    return (
        '<aside id="secondary" class="widget-area">\n'
        '<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="/">'
        f'<label><span class="screen-reader-text">{esc(search_label)}</span><input type="search" class="search-field" '
        'placeholder="Search &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Search" /></form></section>\n'
        f'<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">{esc(titles[0])}</h2><ul>{rec}</ul></section>\n'
        f'<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">{esc(titles[1])}</h2><ul>{cat}</ul></section>\n'
        f'<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">{esc(titles[2])}</h2><ul>{arc}</ul></section>\n'
        f'<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">{esc(titles[3])}</h2><div class="tagcloud">{tag}</div></section>\n'
        "</aside>\n"
    )


def months(base: str, lang: str = "en", start_year: int = 2024, start_month: int = 5, n: int = 14) -> list[tuple[str, str]]:
    names = {
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"],
        "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
               "octubre", "noviembre", "diciembre"],
        "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
               "octobre", "novembre", "décembre"],
        "tr": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
               "Kasım", "Aralık"],
    }[lang]
    out = []
    y, m = start_year, start_month
    for _ in range(n):
        out.append((f"{names[m - 1]} {y}", f"{base}/{y}/{m:02d}/"))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out


def wp_footer(*, site: str, address: str, phone: str, email: str, columns: list[tuple[str, list[tuple[str, str]]]],
              social: list[tuple[str, str]], copyright_line: str) -> str:
    cols = "".join(
        f'<section class="widget widget_nav_menu"><h2 class="widget-title">{esc(t)}</h2>'
        f'<div class="menu-footer-container">{menu(items, "menu")}</div></section>'
        for t, items in columns)
    return (
        '<footer id="colophon" class="site-footer">\n<div class="footer-widgets"><div class="container">\n'
        f'<section class="widget widget_text"><h2 class="widget-title">{esc(site)}</h2><div class="textwidget">'
        f'<p>{esc(address)}</p><p>Tel: {esc(phone)}<br />E-mail: <a href="mailto:{esc(email)}">{esc(email)}</a></p></div></section>\n'
        + cols
        + f'<section class="widget widget_social">{social_icons(social)}</section>\n'
        '</div></div>\n'
        f'<div class="site-info"><div class="container">{copyright_line}</div></div>\n</footer>\n'
    )


# ---------------------------------------------------------------------------------------
# Drupal 7
# ---------------------------------------------------------------------------------------

def drupal7_document(*, lang: str, doc_title: str, head_meta: str, base: str, body_class: str, body: str,
                     theme: str, settings: dict) -> str:
    css = "".join(
        f'@import url("{base}/{p}?pq3k1x");\n' for p in [
            "modules/system/system.base.css", "modules/system/system.menus.css", "modules/system/system.messages.css",
            "modules/system/system.theme.css", "sites/all/modules/date/date_api/date.css",
            "modules/field/theme/field.css", "modules/node/node.css", "modules/search/search.css",
            "modules/user/user.css", "sites/all/modules/views/css/views.css",
            "sites/all/modules/ctools/css/ctools.css", "sites/all/modules/panels/css/panels.css",
            "sites/all/modules/eu_cookie_compliance/css/eu_cookie_compliance.css",
            f"sites/all/themes/{theme}/css/layout.css", f"sites/all/themes/{theme}/css/style.css",
            f"sites/all/themes/{theme}/css/colors.css"])
    return (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML+RDFa 1.0//EN\"\n  \"http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd\">\n"
        f"<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"{lang}\" version=\"XHTML+RDFa 1.0\" dir=\"ltr\"\n"
        "  xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/terms/\"\n"
        "  xmlns:foaf=\"http://xmlns.com/foaf/0.1/\" xmlns:og=\"http://ogp.me/ns#\" xmlns:sioc=\"http://rdfs.org/sioc/ns#\">\n"
        "<head profile=\"http://www.w3.org/1999/xhtml/vocab\">\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        f"<link rel=\"shortcut icon\" href=\"{base}/sites/all/themes/{theme}/favicon.ico\" type=\"image/vnd.microsoft.icon\" />\n"
        "<meta name=\"Generator\" content=\"Drupal 7 (http://drupal.org)\" />\n"
        + head_meta
        + f"<title>{esc(doc_title)}</title>\n"
        "<style type=\"text/css\" media=\"all\">\n" + css + "</style>\n"
        f"<script type=\"text/javascript\" src=\"{base}/misc/jquery.js?v=1.4.4\"></script>\n"
        f"<script type=\"text/javascript\" src=\"{base}/misc/jquery.once.js?v=1.2\"></script>\n"
        f"<script type=\"text/javascript\" src=\"{base}/misc/drupal.js?pq3k1x\"></script>\n"
        f"<script type=\"text/javascript\" src=\"{base}/sites/all/modules/eu_cookie_compliance/js/eu_cookie_compliance.js?pq3k1x\"></script>\n"
        "<script type=\"text/javascript\">\n<!--//--><![CDATA[//><!--\njQuery.extend(Drupal.settings, "
        + json.dumps(settings) + ");\n//--><!]]>\n</script>\n"
        "</head>\n"
        f"<body class=\"{body_class}\" >\n"
        "<div id=\"skip-link\"><a href=\"#main-content\" class=\"element-invisible element-focusable\">Skip to main content</a></div>\n"
        + body
        + "</body>\n</html>\n"
    )


def drupal_settings(base: str, lang: str, node: int, extra: dict | None = None) -> dict:
    s = {
        "basePath": "/", "pathPrefix": f"{lang}/", "setHasJsCookie": 0,
        "ajaxPageState": {"theme": "uclg", "theme_token": "xS0yF1e4H8R6r9Vw2Yb8pS3lK0nC7dQ5mT1aZ4uE6iO",
                          "js": {f"{base}/misc/jquery.js": 1, f"{base}/misc/jquery.once.js": 1, f"{base}/misc/drupal.js": 1,
                                 "sites/all/modules/eu_cookie_compliance/js/eu_cookie_compliance.js": 1,
                                 "sites/all/modules/google_analytics/googleanalytics.js": 1,
                                 "sites/all/libraries/superfish/superfish.js": 1,
                                 "sites/all/libraries/superfish/jquery.hoverIntent.minified.js": 1},
                          "css": {"modules/system/system.base.css": 1, "modules/system/system.menus.css": 1,
                                  "modules/system/system.messages.css": 1, "modules/field/theme/field.css": 1,
                                  "modules/node/node.css": 1, "sites/all/modules/views/css/views.css": 1}},
        "googleanalytics": {"trackOutbound": 1, "trackMailto": 1, "trackDownload": 1,
                            "trackDownloadExtensions": "7z|aac|arc|arj|asf|asx|avi|bin|csv|doc(x|m)?|dot(x|m)?|exe|flv|gif|gz|gzip|hqx|jar|jpe?g|js|mp(2|3|4|e?g)|mov(ie)?|msi|msp|pdf|phps|png|ppt(x|m)?|pot(x|m)?|pps(x|m)?|ppam|sld(x|m)?|thmx|qtm?|ra(m|r)?|sea|sit|tar|tgz|torrent|txt|wav|wma|wmv|wpd|xls(x|m|b)?|xlt(x|m)|xlam|xml|z|zip"},
        "superfish": {"1": {"id": "1", "sf": {"animation": {"opacity": "show", "height": "show"}, "speed": "fast",
                                              "autoArrows": False, "dropShadows": False},
                            "plugins": {"smallscreen": {"mode": "window_width", "breakpoint": 980,
                                                        "title": "Main menu"}}}},
        "eu_cookie_compliance": {"popup_enabled": 1, "popup_agreed_enabled": 0, "popup_hide_agreed": 0,
                                 "popup_clicking_confirmation": 1, "popup_scrolling_confirmation": False,
                                 "popup_height": "auto", "popup_width": "100%", "popup_delay": 1000,
                                 "popup_link": f"{base}/{lang}/legal-notice", "popup_link_new_window": 1,
                                 "popup_position": None, "popup_language": lang, "domain": ""},
        "currentPath": f"node/{node}", "currentPathIsAdmin": False,
    }
    if extra:
        s.update(extra)
    return s


# ---------------------------------------------------------------------------------------
# Plone 5
# ---------------------------------------------------------------------------------------

def plone_document(*, lang: str, doc_title: str, head_meta: str, portal_url: str, body_class: str, body: str) -> str:
    requirejs = {
        "baseUrl": f"{portal_url}/",
        "paths": {"jquery": "++plone++static/components/jquery/dist/jquery.min",
                  "mockup-patterns-base": "++resource++mockupjs/patterns/base/pattern",
                  "mockup-patterns-modal": "++resource++mockupjs/patterns/modal/pattern",
                  "mockup-patterns-navigation": "++resource++mockupjs/patterns/navigation/pattern",
                  "mockup-patterns-toolbar": "++resource++mockupjs/patterns/toolbar/pattern",
                  "mockup-patterns-livesearch": "++resource++mockupjs/patterns/livesearch/pattern",
                  "mockup-patterns-cookietrigger": "++resource++mockupjs/patterns/cookietrigger/pattern",
                  "mockup-patterns-formautofocus": "++resource++mockupjs/patterns/formautofocus/pattern",
                  "mockup-patterns-markspeciallinks": "++resource++mockupjs/patterns/markspeciallinks/pattern",
                  "mockup-patterns-preventdoublesubmit": "++resource++mockupjs/patterns/preventdoublesubmit/pattern",
                  "mockup-patterns-formunloadalert": "++resource++mockupjs/patterns/formunloadalert/pattern",
                  "mockup-patterns-moment": "++resource++mockupjs/patterns/moment/pattern",
                  "mockup-utils": "++resource++mockupjs/utils", "mockup-i18n": "++resource++mockupjs/i18n",
                  "moment": "++plone++static/components/moment/min/moment.min",
                  "underscore": "++plone++static/components/underscore/underscore",
                  "select2": "++plone++static/components/select2/select2",
                  "pickadate": "++plone++static/components/pickadate/lib/picker",
                  "bootstrap-dropdown": "++plone++static/components/bootstrap/js/dropdown",
                  "bootstrap-collapse": "++plone++static/components/bootstrap/js/collapse",
                  "bootstrap-tooltip": "++plone++static/components/bootstrap/js/tooltip",
                  "bootstrap-transition": "++plone++static/components/bootstrap/js/transition",
                  "pat-base": "++plone++static/components/patternslib/src/core/base",
                  "pat-registry": "++plone++static/components/patternslib/src/core/registry",
                  "pat-utils": "++plone++static/components/patternslib/src/core/utils",
                  "pat-logger": "++plone++static/components/patternslib/src/core/logger",
                  "pat-mockup-parser": "++plone++static/components/patternslib/src/core/mockup-parser",
                  "logging": "++plone++static/components/logging/src/logging",
                  "plone": "++resource++plone", "plone-logged-in": "++resource++plone-logged-in"},
        "shim": {"bootstrap-dropdown": {"deps": ["jquery"]}, "bootstrap-collapse": {"deps": ["jquery"]},
                 "bootstrap-tooltip": {"deps": ["jquery"]}, "select2": {"deps": ["jquery"]},
                 "underscore": {"exports": "window._"}},
        "optimize": "uglify", "wrapShim": True,
    }
    return (
        f"<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\" />\n"
        + head_meta
        + f"<title>{esc(doc_title)}</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\" />\n"
        "<meta name=\"generator\" content=\"Plone - http://plone.com\" />\n"
        f"<link rel=\"stylesheet\" href=\"{portal_url}/++plone++production/++unique++2021-03-11%2010%3A21%3A40/default.css\" data-bundle=\"production\" />\n"
        f"<link rel=\"stylesheet\" href=\"{portal_url}/++theme++paeria/less/paeria-compiled.css\" data-bundle=\"diazo\" />\n"
        f"<link rel=\"search\" href=\"{portal_url}/@@search\" title=\"Cerca en aquest lloc\" />\n"
        "<script>PORTAL_URL = '" + portal_url + "';</script>\n"
        "<script>var requirejs_config = " + json.dumps(requirejs) + ";</script>\n"
        f"<script type=\"text/javascript\" src=\"{portal_url}/++plone++production/++unique++2021-03-11%2010%3A21%3A40/default.js\" data-bundle=\"production\"></script>\n"
        "</head>\n"
        f"<body id=\"visual-portal-wrapper\" class=\"{body_class}\" dir=\"ltr\" data-i18ncatalogurl=\"{portal_url}/plonejsi18n\" "
        f"data-view-url=\"{portal_url}\" data-portal-url=\"{portal_url}\" data-pat-pickadate='{{\"selectYears\": 200}}' "
        f"data-base-url=\"{portal_url}\">\n"
        + body
        + "</body>\n</html>\n"
    )
