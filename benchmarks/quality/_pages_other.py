"""Hand-written fixtures for Drupal 7 / 8, the Drupal print view, Plone, SPIP and local2030."""

from __future__ import annotations

import json

from _chrome import drupal7_document, drupal_settings, esc, gtag, menu, plone_document
from _fixture import Fixture, J
from _pages_wp import P

# Drupal 7 "extlink" module: a visually hidden label after every external link
EXT = J('<span class="ext"><span class="element-invisible"> (link is external)</span></span>')


def d7_menu(items: list) -> str:
    return menu(items, "menu", "menu")


def d7_block(bid: str, title: str | None, inner: str, cls: str = "block-block") -> str:
    h = f'<h2 class="block-title">{esc(title)}</h2>' if title else ""
    return f'<div id="block-{bid}" class="block {cls} contextual-links-region">{h}<div class="content">{inner}</div></div>\n'


def d7_head(*, url: str, title: str, site: str, description: str, published: str, image: str, node: int, base: str,
            og_type: str = "article", extra: str = "") -> str:
    return (
        f'<meta name="description" content="{esc(description)}" />\n'
        f'<link rel="canonical" href="{esc(url)}" />\n<link rel="shortlink" href="{base}/node/{node}" />\n'
        f'<meta property="og:site_name" content="{esc(site)}" />\n<meta property="og:type" content="{og_type}" />\n'
        f'<meta property="og:url" content="{esc(url)}" />\n<meta property="og:title" content="{esc(title)}" />\n'
        f'<meta property="og:description" content="{esc(description)}" />\n<meta property="og:image" content="{esc(image)}" />\n'
        f'<meta property="article:published_time" content="{published}" />\n'
        f'<meta name="twitter:card" content="summary_large_image" />\n<meta name="twitter:title" content="{esc(title)}" />\n'
        + extra)


# ---------------------------------------------------------------------------------------
# CIB Working Group (Drupal 7): headline and "date     cib" line repeated in the body
# ---------------------------------------------------------------------------------------

CIB = "http://www.cib-uclg.org"


def cib_repeated_headline() -> Fixture:
    slug = "cib-members-aim-improve-quality-their-international-programmes"
    url = f"{CIB}/news/{slug}"
    title = "CIB members aim to improve the quality of their international programmes"
    body = [J(f"<h2><strong>{esc(title)}</strong></h2>"), J("<p>October 02, 2017&nbsp;&nbsp;&nbsp;&nbsp; cib</p>")] + P(
        "Around fifty representatives of local government associations and municipalities that run international "
        "cooperation programmes met in <a href=\"https://www.bilbao.eus\">Bilbao</a>" + EXT + " at the end of September for the annual meeting of the "
        "<a href=\"https://www.uclg.org\">UCLG</a>" + EXT + " Working Group on Capacity and Institution Building (CIB). The central question of the meeting was how to measure and improve the "
        "quality of municipal international cooperation.",
        "Members presented the methods they use to monitor their programmes. Several associations work with results "
        "frameworks agreed with their partners, while others rely on peer reviews in which practitioners from both sides "
        "assess what has changed in the services delivered to residents. Participants agreed that reporting on "
        "activities is not enough and that programmes should show their effect on local institutions.",
        "A workshop was devoted to the localisation of the Sustainable Development Goals. Members discussed how the goals "
        "can help partner municipalities set priorities and how they can be used to communicate the value of "
        "international cooperation to councillors and residents in the donor municipalities, who increasingly ask why "
        "local taxes are spent abroad.",
        "The meeting also looked at the changing funding landscape. With several national governments reducing their "
        "support to decentralised cooperation, associations are exploring new partnerships with development banks and "
        "European programmes. Members stressed the need to protect the long-term nature of municipal partnerships, which "
        "is their main strength.",
        "The CIB Working Group will publish a short guide on quality criteria for municipal international cooperation, "
        "based on the discussions in Bilbao, before the UCLG Executive Bureau in 2018.")
    main_menu = [("Home", f"{CIB}/"), ("About", f"{CIB}/about/who-we-are", [("Who we are", f"{CIB}/about/who-we-are"),
                                                                         ("Members", f"{CIB}/about/members"), ("Secretariat", f"{CIB}/about/secretariat")]),
                 ("Themes", f"{CIB}/themes", [("Localizing the SDGs", f"{CIB}/taxonomy/term/880"), ("Local finance", f"{CIB}/taxonomy/term/107"),
                                              ("Migration", f"{CIB}/taxonomy/term/911"), ("Fragile states", f"{CIB}/taxonomy/term/415")]),
                 ("UCLG Champions", f"{CIB}/uclg-champions"), ("News", f"{CIB}/news"), ("Documents", f"{CIB}/documents"),
                 ("Contact", f"{CIB}/contact")]
    node = (
        '<div id="node-2319" class="node node-news node-promoted node-full clearfix" about="/news/' + slug + '" typeof="sioc:Item foaf:Document">\n'
        f'<span property="dc:title" content="{esc(title)}" class="rdf-meta element-hidden"></span>\n'
        '<div class="content">\n'
        f'<div class="field field-name-field-image field-type-image field-label-hidden"><div class="field-items"><div class="field-item even">'
        f'<img typeof="foaf:Image" src="{CIB}/sites/default/files/styles/large/public/bilbao-cib-2017.jpg" width="480" height="320" alt="" /></div></div></div>\n'
        '<div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">\n'
        + "\n".join(body)
        + '\n</div></div></div>\n'
        '<div class="field field-name-field-tags field-type-taxonomy-term-reference field-label-above"><div class="field-label">Tags:&nbsp;</div>'
        '<div class="field-items"><div class="field-item even"><a href="/taxonomy/term/107">Local finance</a></div>'
        '<div class="field-item odd"><a href="/taxonomy/term/880">Localizing the SDGs</a></div></div></div>\n'
        '</div>\n'
        '<ul class="links inline"><li class="node-readmore first"><a href="/news" rel="tag">Back to news</a></li></ul>\n'
        '</div>\n')
    latest = d7_block("views-news-block_1", "Latest news", '<div class="view view-news"><div class="view-content"><ul>'
                      + "".join(f'<li class="views-row"><span class="views-field-title"><a href="{CIB}/news/{s}">{t}</a></span>'
                                f'<span class="views-field-created">{d}</span></li>'
                                for t, s, d in [("Toolbox: localizing the SDGs becomes available", "toolbox-localizing-sdgs-becomes-available", "September 14, 2017"),
                                                ("Engendering metropolitan spaces: connections, challenges and opportunities", "engendering-metropolitan-spaces-connections-challenges-and-opportunities", "August 3, 2017"),
                                                ("CIB at the Africities summit", "cib-africities-summit", "June 22, 2017")])
                      + '</ul></div><div class="more-link"><a href="/news">More news</a></div></div>', "block-views")
    feed = d7_block("node-syndicate", None, f'<a href="{CIB}/rss.xml" class="feed-icon" title="Subscribe to Syndicate">Subscribe to RSS - News</a>', "block-node")
    body_html = (
        '<div id="page-wrapper"><div id="page">\n'
        '<div id="header" class="without-secondary-menu"><div class="section clearfix">\n'
        f'<a href="{CIB}/" title="Home" rel="home" id="logo"><img src="{CIB}/sites/all/themes/cib/logo.png" alt="Home" /></a>\n'
        '<div id="name-and-slogan"><div id="site-name"><strong><a href="/" title="Home" rel="home"><span>CIB Working Group</span></a></strong></div>'
        '<div id="site-slogan">UCLG Working Group on Capacity and Institution Building</div></div>\n'
        '<div class="region region-header">' + d7_block("search-form", None,
                                                        '<form action="/news" method="post" id="search-block-form" accept-charset="UTF-8"><div class="container-inline">'
                                                        '<h2 class="element-invisible">Search form</h2><input title="Enter the terms you wish to search for." type="text" '
                                                        'name="search_block_form" value="" size="15" maxlength="128" class="form-text" /><input type="submit" value="Search" class="form-submit" /></div></form>',
                                                        "block-search") + '</div>\n'
        '<div id="main-menu" class="navigation"><h2 class="element-invisible">Main menu</h2>' + d7_menu(main_menu) + '</div>\n'
        '</div></div>\n'
        '<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">\n'
        '<div id="breadcrumb"><h2 class="element-invisible">You are here</h2><div class="breadcrumb"><a href="/">Home</a> » <a href="/news">News</a></div></div>\n'
        '<div id="content" class="column"><div class="section">\n<a id="main-content"></a>\n'
        f'<h1 class="title" id="page-title">{esc(title)}</h1>\n'
        '<div class="tabs"></div>\n<div class="region region-content">\n'
        + d7_block("system-main", None, node, "block-system")
        + '</div>\n</div></div>\n'
        '<div id="sidebar-second" class="column sidebar"><div class="section"><div class="region region-sidebar-second">\n' + latest + feed
        + '</div></div></div>\n'
        '</div></div>\n'
        '<div id="footer-wrapper"><div class="section"><div id="footer" class="clearfix"><div class="region region-footer">\n'
        + d7_block("block-3", None, '<p>CIB Working Group Secretariat, hosted by VNG International<br />Nassauplein 1, 2585 EA The Hague, The Netherlands</p>'
                   '<p>E-mail: <a href="mailto:cib@vng.nl">cib@vng.nl</a></p>')
        + d7_block("menu-footer", None, d7_menu([("Disclaimer", f"{CIB}/disclaimer"), ("Privacy", f"{CIB}/privacy"), ("Sitemap", f"{CIB}/sitemap")]), "block-menu")
        + '</div></div></div></div>\n'
        '</div></div>\n')
    head = d7_head(url=url, title=title, site="CIB Working Group", description=body[2][3:200], published="2017-10-02T11:20:00+02:00",
                   image=f"{CIB}/sites/default/files/bilbao-cib-2017.jpg", node=2319, base=CIB)
    html = drupal7_document(lang="en", doc_title=f"{title} | CIB Working Group", head_meta=head, base=CIB,
                            body_class="html not-front not-logged-in one-sidebar sidebar-second page-node page-node- page-node-2319 node-type-news",
                            body=body_html, theme="cib", settings=drupal_settings(CIB, "en", 2319))
    return Fixture("cib_repeated_headline", url, html, body)


# ---------------------------------------------------------------------------------------
# uclg.org Drupal 7 print view (print module): footnote link lists, es and en
# ---------------------------------------------------------------------------------------

UCLG = "https://www.uclg.org"

_PRINT_CSS = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 11pt; color: #000; background: #fff; margin: 1.5cm; }
a { color: #000; text-decoration: none; }
.print-logo { float: left; margin: 0 1em 1em 0; }
.print-site_name { font-size: 9pt; color: #555; }
.print-breadcrumb { font-size: 9pt; margin: 0.5em 0; }
.print-title { font-size: 18pt; line-height: 1.2; margin: 0.5em 0 0.3em; clear: both; }
.print-submitted, .print-created { font-size: 9pt; color: #333; margin-bottom: 1em; }
.print-content { line-height: 1.45; }
.print-content p { margin: 0 0 0.8em; text-align: justify; }
.print-content h2, .print-content h3 { font-size: 12pt; margin: 1.2em 0 0.4em; page-break-after: avoid; }
.print-content img { max-width: 100%; height: auto; page-break-inside: avoid; }
.print-content table { border-collapse: collapse; width: 100%; page-break-inside: avoid; }
.print-content td, .print-content th { border: 1px solid #999; padding: 2px 4px; }
.print-footnote { font-size: 8pt; vertical-align: super; }
.print-hr { border: 0; border-top: 1px solid #666; margin: 1em 0; }
.print-source_url { font-size: 9pt; margin: 0.5em 0; word-wrap: break-word; }
.print-links { font-size: 9pt; word-wrap: break-word; }
.print-links p { margin: 0; }
.print-footer { font-size: 8pt; color: #666; margin-top: 1em; border-top: 1px solid #ccc; }
@media print { .print-syslinks { display: none; } a:after { content: ""; } @page { margin: 1.5cm; } }
.field-name-field-tags, .field-name-field-image .field-label { display: none; }
#header, #navigation, #sidebar-first, #sidebar-second, #footer, .breadcrumb, .tabs, .action-links, .pager, .feed-icon { display: none; }
.print-content ul, .print-content ol { margin: 0 0 0.8em 1.5em; padding: 0; }
.print-content li { margin: 0 0 0.2em; }
.print-content blockquote { margin: 0.8em 2em; font-style: italic; border-left: 3px solid #ccc; padding-left: 0.8em; }
.print-content .caption, .print-content .image-caption { font-size: 8pt; color: #555; text-align: center; }
.print-content a[href^="http"]:after { content: ""; }
.print-content .file { display: block; margin: 0.3em 0; }
.print-content .file img { vertical-align: middle; margin-right: 0.3em; }
.print-content iframe, .print-content object, .print-content embed { display: none; }
.print-content .video-filter, .print-content .media-youtube-video { display: none; }
.print-content .rtecenter { text-align: center; }
.print-content .rteright { text-align: right; }
.print-content .rtejustify { text-align: justify; }
.print-submitted .username { font-weight: bold; }
.print-syslinks { float: right; font-size: 9pt; margin: 0 0 1em 1em; }
.print-syslinks a { margin-left: 0.8em; text-decoration: underline; }
.print-mail, .print-pdf { display: none; }
h1, h2, h3, h4 { font-family: Arial, Helvetica, sans-serif; color: #222; }
table.sticky-header { display: none; }
.messages, .status, .warning, .error { display: none; }
.clearfix:after { content: "."; display: block; height: 0; clear: both; visibility: hidden; }
.element-invisible { position: absolute !important; clip: rect(1px, 1px, 1px, 1px); overflow: hidden; height: 1px; }
"""


def _print_page(*, lang: str, url: str, canonical: str, title: str, site_line: str, crumbs: str, date_line: str,
                body: list[str], source_label: str, links_label: str, links: list[str], node: int, extra_head: str = "") -> str:
    links_html = "<br />\n".join(f"[{i}] {esc(u)}" for i, u in enumerate(links, 1))
    return (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
        f"<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"ltr\">\n"
        "<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        f"<title>{esc(title)} | UCLG</title>\n"
        "<meta name=\"Generator\" content=\"Drupal 6 (http://drupal.org)\" />\n"
        f"<link rel=\"canonical\" href=\"{esc(canonical)}\" />\n<link rel=\"shortlink\" href=\"{UCLG}/{lang}/node/{node}\" />\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\" />\n"
        + extra_head
        + "<style type=\"text/css\" media=\"all\">\n" + "".join(
            f'@import url("{UCLG}/{p}?pq3k1x");\n' for p in [
                "modules/system/system.base.css", "modules/system/system.menus.css", "modules/system/system.messages.css",
                "modules/system/system.theme.css", "modules/comment/comment.css", "sites/all/modules/date/date_api/date.css",
                "modules/field/theme/field.css", "modules/node/node.css", "modules/search/search.css", "modules/user/user.css",
                "sites/all/modules/views/css/views.css", "sites/all/modules/ctools/css/ctools.css",
                "sites/all/modules/panels/css/panels.css", "sites/all/modules/print/print_ui/css/print_ui.theme.css",
                "sites/all/modules/eu_cookie_compliance/css/eu_cookie_compliance.css", "sites/all/themes/uclg/css/layout.css",
                "sites/all/themes/uclg/css/style.css", "sites/all/themes/uclg/css/colors.css", "sites/all/themes/uclg/css/print.css"])
        + "</style>\n"
        + f"<script type=\"text/javascript\" src=\"{UCLG}/misc/jquery.js?v=1.4.4\"></script>\n"
        + f"<script type=\"text/javascript\" src=\"{UCLG}/misc/drupal.js?pq3k1x\"></script>\n"
        + "<script type=\"text/javascript\">\n<!--//--><![CDATA[//><!--\njQuery.extend(Drupal.settings, "
        + json.dumps(drupal_settings(UCLG, lang, node, {"print": {"print_css": "sites/all/themes/uclg/css/print.css", "urls": True,
                                                                  "urls_list": "footnotes", "logo": "theme", "sendtoprinter": False}}))
        + ");\n//--><!]]>\n</script>\n"
        + f"<link type=\"text/css\" rel=\"stylesheet\" href=\"{UCLG}/sites/all/modules/print/css/print.css\" media=\"all\" />\n"
        "<style type=\"text/css\">" + _PRINT_CSS + "</style>\n"
        "</head>\n<body>\n"
        f"<div class=\"print-logo\"><img class=\"print-logo\" typeof=\"foaf:Image\" src=\"{UCLG}/sites/all/themes/uclg/logo.png\" alt=\"\" id=\"logo\" /></div>\n"
        f"<div class=\"print-site_name\">{site_line}</div>\n<p />\n"
        f"<div class=\"print-breadcrumb\">{crumbs}</div>\n<hr class=\"print-hr\" />\n"
        f"<h1 class=\"print-title\">{esc(title)}</h1>\n"
        f"<div class=\"print-submitted\">{date_line}</div>\n"
        f"<div class=\"print-content\"><img src=\"{UCLG}/sites/default/files/imagecache/noticia/node-{node}.jpg\" width=\"560\" height=\"315\" alt=\"\" />\n"
        + "\n".join(body)
        + "\n</div>\n"
        "<div class=\"print-footer\">United Cities and Local Governments · Carrer Avinyó, 15 · 08002 Barcelona</div>\n"
        "<hr class=\"print-hr\" />\n"
        f"<div class=\"print-source_url\"><strong>{source_label}</strong> <a href=\"{esc(url)}\">{esc(url)}</a></div>\n"
        f"<div class=\"print-links\"><p><strong>{links_label}</strong><br />\n{links_html}</p></div>\n"
        "<script type=\"text/javascript\">(function(){var a=document.getElementsByTagName('a');for(var i=0;i<a.length;i++){a[i].setAttribute('target','_blank');}})();</script>\n"
        "</body>\n</html>\n")


def uclg_print_es() -> Fixture:
    node = 27311
    canonical = f"{UCLG}/es/media/noticias/los-gobiernos-locales-africanos-se-preparan-para-africities-2018"
    url = f"{UCLG}/es/print/node/{node}"
    title = "Los gobiernos locales africanos se preparan para Africities 2018"
    fn = lambda n: J(f'<span class="print-footnote">[{n}]</span>')  # noqa: E731
    body = [
        "<p>Más de trescientos representantes de gobiernos locales africanos se reunieron en Rabat para preparar la octava "
        "edición de la Cumbre Africities, que se celebrará en Marrakech del 20 al 24 de noviembre de 2018 bajo el lema "
        "«La transición hacia ciudades y territorios sostenibles: el papel de los gobiernos locales y subnacionales de "
        f"África». La reunión fue convocada por <a href=\"http://www.uclga.org\">CGLU África</a>{fn(1)} y el Ministerio del "
        "Interior de Marruecos.</p>",
        "<p>Los participantes revisaron el programa de la cumbre, que incluirá sesiones sobre la financiación de las "
        "ciudades, la migración, el cambio climático y la igualdad de género. También se presentó el informe sobre el "
        "entorno institucional de las colectividades territoriales en África, que clasifica a los países según el grado "
        "de descentralización alcanzado.</p>",
        f"<p>La Secretaria General de <a href=\"https://www.uclg.org/es\">CGLU</a>{fn(2)} subrayó la importancia de que la "
        f"cumbre contribuya a la implementación de la <a href=\"http://habitat3.org/the-new-urban-agenda\">Nueva Agenda "
        f"Urbana</a>{fn(3)} y de los Objetivos de Desarrollo Sostenible en el continente, y anunció que la organización "
        "mundial participará con una delegación de alcaldes de otras regiones.</p>",
        "<h3>Mujeres electas locales</h3>",
        "<p>Durante la reunión se lanzó también la campaña de la Red de Mujeres Electas Locales de África, que pide que "
        "las mujeres ocupen al menos un tercio de los puestos de responsabilidad en los gobiernos locales. Las "
        "representantes de la red recordaron que la participación de las mujeres en la vida política local sigue siendo "
        "muy desigual entre los países del continente.</p>",
        "<p>Los organizadores esperan la participación de más de cinco mil personas, entre ellas alcaldes, ministros, "
        "representantes de la sociedad civil y socios de desarrollo. Más información sobre la cumbre en el sitio web de "
        f"<a href=\"https://www.africities.org\">Africities</a>{fn(4)}.</p>",
    ]
    html = _print_page(
        lang="es", url=canonical, canonical=canonical, title=title,
        site_line=f"Publicado en UCLG (<a href=\"{UCLG}\">{UCLG}</a>)",
        crumbs=f"<a href=\"{UCLG}/es\">Inicio</a> &gt; <a href=\"{UCLG}/es/media\">Medios</a> &gt; <a href=\"{UCLG}/es/media/noticias\">Noticias</a>",
        date_line="Fecha: 22/02/2018", body=body, source_label="URL de origen:", links_label="Enlaces",
        links=["http://www.uclga.org", "https://www.uclg.org/es", "http://habitat3.org/the-new-urban-agenda", "https://www.africities.org"],
        node=node)
    return Fixture("uclg_print_es", url, html, body)


def uclg_print_en() -> Fixture:
    node = 28844
    canonical = f"{UCLG}/en/media/news/uclg-executive-bureau-strasbourg-calls-seat-global-table"
    url = f"{UCLG}/en/print/node/{node}"
    title = "UCLG Executive Bureau in Strasbourg calls for a seat at the global table"
    fn = lambda n: J(f'<span class="print-footnote">[{n}]</span>')  # noqa: E731
    body = [
        "<p>The Executive Bureau of United Cities and Local Governments met in Strasbourg from 5 to 7 June 2018, hosted by "
        "the city and the Eurometropole of Strasbourg together with the <a href=\"http://www.ccre.org\">Council of European "
        f"Municipalities and Regions</a>{fn(1)}. Over three days, more than 250 mayors, councillors and representatives of "
        "local government associations discussed the contribution of local and regional governments to the global "
        "agendas.</p>",
        f"<p>The meeting opened with the Sustainable Cities Dialogue organised with <a href=\"https://unhabitat.org/unacla\">UNACLA</a>{fn(2)}, "
        "the United Nations Advisory Committee of Local Authorities, which focused on the review of Goal 11 at the "
        "High-Level Political Forum in July. Speakers stressed that the targets on housing, transport and public space "
        "cannot be met without the active involvement of the local level.</p>",
        "<p>The members of the Bureau adopted a statement on local finance, asking international institutions to develop "
        "instruments that allow cities to borrow for infrastructure in their own currency, and approved the preparations "
        "for the UCLG World Congress, which will take place in Durban in November 2019.</p>",
        "<p>The Bureau also held a session on the role of cities in receiving refugees and migrants, with the "
        "participation of mayors from Mediterranean cities, who called for direct access to the funds that support the "
        "reception and inclusion of newcomers.</p>",
        "<p>The full programme and the documents of the meeting are available on the "
        f"<a href=\"https://www.uclg.org/en/strasbourg2018\">Executive Bureau website</a>{fn(3)}.</p>",
    ]
    html = _print_page(
        lang="en", url=canonical, canonical=canonical, title=title,
        site_line=f"Published on UCLG (<a href=\"{UCLG}\">{UCLG}</a>)",
        crumbs=f"<a href=\"{UCLG}/en\">Home</a> &gt; <a href=\"{UCLG}/en/media\">Media</a> &gt; <a href=\"{UCLG}/en/media/news\">News</a>",
        date_line="Date: 08/06/2018", body=body, source_label="Source URL:", links_label="Links",
        links=["http://www.ccre.org", "https://unhabitat.org/unacla", "https://www.uclg.org/en/strasbourg2018"], node=node)
    return Fixture("uclg_print_en", url, html, body)


# ---------------------------------------------------------------------------------------
# local2030.org story view: "Posted by … 0 Perspectives" byline, perspectives form
# ---------------------------------------------------------------------------------------

L2030 = "https://local2030.org"
SDGS = ['No poverty', 'Zero hunger', 'Good health and well-being', 'Quality education', 'Gender equality', 'Clean water and sanitation', 'Affordable and clean energy', 'Decent work and economic growth', 'Industry, innovation and infrastructure', 'Reduced inequalities', 'Sustainable cities and communities', 'Responsible consumption and production', 'Climate action', 'Life below water', 'Life on land', 'Peace, justice and strong institutions', 'Partnerships for the goals']


def local2030_byline() -> Fixture:
    url = f"{L2030}/story/view/158"
    title = "Ecuadorian municipalities train facilitators to localize the SDGs"
    body = P(
        "Thirty officials from municipalities and provincial governments of Ecuador took part in a training of trainers "
        "on the localization of the Sustainable Development Goals in Quito from 4 to 6 December 2017. The training was "
        "organised by the Association of Ecuadorian Municipalities (AME) with UN-Habitat, UNDP and UCLG, using the "
        "learning module developed by the three partners.",
        "The module introduces the 2030 Agenda from a local perspective and proposes practical tools to raise awareness, "
        "align local development plans with the goals and monitor progress with local indicators. Over three days, "
        "participants tested the exercises of the module, adapted the case studies to the Ecuadorian context and "
        "prepared their own training sessions.",
        "The facilitators discussed how the goals relate to the development and land-use plans that every municipality "
        "of Ecuador must adopt, and how the national planning system could recognise the efforts made at the local "
        "level. They also worked on examples from the host city, including the urban agriculture programme and the "
        "metropolitan plan for the Quito river basins.",
        "At the end of the training, the new facilitators committed to replicate the sessions in their provinces during "
        "the first half of 2018, with the support of AME. The association plans to reach all 221 municipalities of the "
        "country through these regional workshops.",
        "The experience in Ecuador follows the launch of the learning module in Córdoba, Argentina, and confirms the "
        "interest of Latin American local governments in tools that help them translate the global agenda into local "
        "action.")
    nav = ('<nav class="navbar navbar-default navbar-static-top"><div class="container"><div class="navbar-header">'
           '<button type="button" class="navbar-toggle collapsed" data-toggle="collapse" data-target="#main-nav"><span class="sr-only">Toggle navigation</span>'
           '<span class="icon-bar"></span><span class="icon-bar"></span><span class="icon-bar"></span></button>'
           f'<a class="navbar-brand" href="{L2030}/"><img src="{L2030}/img/local2030-logo.svg" alt="Local2030" /></a></div>'
           '<div class="collapse navbar-collapse" id="main-nav"><ul class="nav navbar-nav navbar-right">'
           + "".join(f'<li><a href="{L2030}/{h}">{t}</a></li>' for t, h in [("About", "about")])
           + '<li class="dropdown"><a href="#" class="dropdown-toggle" data-toggle="dropdown">Local2030 Hubs <span class="caret"></span></a><ul class="dropdown-menu">'
           + "".join(f'<li><a href="{L2030}/hubs/{h.lower().replace(" ", "-")}">{h}</a></li>' for h in [
               "Bilbao", "Bonn", "Buenos Aires", "Cali", "Hawaii", "Kampala", "Lagos", "Medellín", "New York City", "Penang", "Shandong",
               "Sydney", "Vienna"])
           + '</ul></li>'
           + "".join(f'<li><a href="{L2030}/{h}">{t}</a></li>' for t, h in [
               ("Solutions", "library"), ("Stories", "story"), ("Events", "events"), ("Coalition", "coalition"), ("Join", "join")])
           + '<li class="dropdown"><a href="#" class="dropdown-toggle" data-toggle="dropdown">EN <span class="caret"></span></a>'
           '<ul class="dropdown-menu"><li><a href="?lang=es">ES</a></li><li><a href="?lang=fr">FR</a></li></ul></li>'
           '<li><a href="/login" class="btn btn-outline">Sign in</a></li></ul></div></div></nav>\n')
    story = (
        '<div class="container story-view"><div class="row">\n<div class="col-md-8 story-detail">\n'
        '<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/story">Stories</a></li><li class="active">Story</li></ol>\n'
        f'<h1 class="story-title">{esc(title)}</h1>\n'
        '<p class="posted">Posted by <a href="/profile/view/312">Fabienne Perucca</a>, UN-Habitat '
        '<span class="story-date">December 12 2017</span> <span class="story-perspectives"><i class="fa fa-comments-o"></i> 0 Perspectives</span></p>\n'
        f'<div class="story-image"><img class="img-responsive" src="{L2030}/uploads/stories/158/quito-training.jpg" alt="" /></div>\n'
        + "\n".join(body) + "\n"
        '<div class="story-tags"><span class="label label-sdg">SDG 11</span> <span class="label label-sdg">SDG 17</span> '
        '<span class="label label-default">Ecuador</span> <span class="label label-default">Capacity building</span></div>\n'
        '<div class="story-perspectives-box"><h3>Perspectives</h3><p class="text-muted">No perspectives yet. Be the first to share '
        'your perspective on this story.</p><form class="perspective-form" method="post" action="/story/perspective/158">'
        '<textarea class="form-control" name="perspective" placeholder="Add your perspective"></textarea>'
        '<button type="submit" class="btn btn-primary">Post</button></form></div>\n'
        '</div>\n<div class="col-md-4 sidebar">\n'
        '<div class="panel panel-default"><div class="panel-heading">Related stories</div><ul class="list-group">'
        + "".join(f'<li class="list-group-item"><a href="{L2030}/story/view/{i}">{t}</a><br /><small>{d}</small></li>' for i, t, d in [
            (155, "Launch of the second ODS localization learning module within the framework of the Mercocities Summit", "December 12 2017"),
            (149, "Roadmap for localizing the SDGs: implementation and monitoring at subnational level", "October 30 2017"),
            (141, "Cities of Cabo Verde align their municipal plans with the 2030 Agenda", "September 18 2017")])
        + '</ul></div>\n'
        '<div class="panel panel-default"><div class="panel-heading">Browse stories by SDG</div><div class="panel-body sdg-grid">'
        + "".join(f'<a class="sdg-tile sdg-{i}" href="{L2030}/story?sdg={i}" title="SDG {i}: {t}"><img src="{L2030}/img/sdg/E_SDG_Icons-{i:02d}.png" '
                  f'alt="SDG {i}" width="60" height="60" /><span class="sdg-name">{t}</span></a>' for i, t in enumerate(SDGS, 1))
        + '</div></div>\n'
        '<div class="panel panel-default"><div class="panel-heading">Share your story</div><div class="panel-body">'
        '<p>Local2030 collects the stories of local and regional governments, networks and partners implementing the SDGs.</p>'
        '<a class="btn btn-success" href="/story/create">Submit a story</a></div></div>\n'
        '</div>\n</div></div>\n')
    footer = ('<footer class="site-footer"><div class="container"><div class="row">'
              '<div class="col-sm-4"><h4>Local2030</h4><p>Local2030 is the UN system-wide hub for SDG solutions at the local level.</p></div>'
              '<div class="col-sm-4"><h4>Explore</h4><ul class="list-unstyled">'
              + "".join(f'<li><a href="{L2030}/{h}">{t}</a></li>' for t, h in [("Solutions", "library"), ("Stories", "story"), ("Events", "events"),
                                                                               ("Hubs", "hubs"), ("Coalition", "coalition")])
              + '</ul></div><div class="col-sm-4"><h4>Contact</h4><p>local2030@un.org</p></div></div>'
              '<p class="copyright">© 2017 Local2030. All rights reserved. | <a href="/terms">Terms of use</a> | <a href="/privacy">Privacy</a></p></div></footer>\n')
    html = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)} | Local2030</title>\n"
        f"<meta name=\"description\" content=\"{esc(body[0][3:180])}\">\n"
        f"<meta property=\"og:title\" content=\"{esc(title)}\">\n<meta property=\"og:url\" content=\"{url}\">\n"
        f"<meta property=\"og:image\" content=\"{L2030}/uploads/stories/158/quito-training.jpg\">\n"
        "<meta name=\"csrf-token\" content=\"Zk9Wd2FxUjM0a1hQbGh2S1J0eGZ3YkNqUnE4VnJ4b0E=\">\n"
        "<link href=\"https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/css/bootstrap.min.css\" rel=\"stylesheet\">\n"
        "<link href=\"https://maxcdn.bootstrapcdn.com/font-awesome/4.7.0/css/font-awesome.min.css\" rel=\"stylesheet\">\n"
        f"<link href=\"{L2030}/css/site.css?v=1.8.3\" rel=\"stylesheet\">\n"
        "<style>.story-view{padding-top:30px}.story-title{font-size:32px;font-weight:700;margin-bottom:10px}.posted{color:#777;"
        "margin-bottom:20px;font-size:14px}.story-meta a{font-weight:600}.story-body p{font-size:16px;line-height:1.6}"
        ".label-sdg{background:#19486a}.story-perspectives-box{margin-top:40px;border-top:1px solid #eee;padding-top:20px}"
        ".sidebar .panel-heading{font-weight:700;text-transform:uppercase;font-size:12px}.site-footer{background:#19486a;color:#fff;"
        "padding:40px 0;margin-top:60px}.site-footer a{color:#fff}.copyright{margin-top:30px;font-size:12px;opacity:.8}</style>\n"
        + gtag("UA-81772713-1")
        + "</head>\n<body class=\"story-view-page\">\n" + nav + story + footer
        + "<script src=\"https://code.jquery.com/jquery-1.12.4.min.js\"></script>\n"
        "<script src=\"https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/js/bootstrap.min.js\"></script>\n"
        "<script>window.L2030 = " + json.dumps({"story": 158, "perspectives": 0, "lang": "en", "user": None,
                                                "endpoints": {"perspective": "/story/perspective/158", "like": "/story/like/158"}}) + ";</script>\n"
        "</body>\n</html>\n")
    return Fixture("local2030_byline", url, html, body)


# ---------------------------------------------------------------------------------------
# Lleida / La Paeria (Plone 5): skip links, "Esteu aquí:", bound method, quadre.png, 1969
# ---------------------------------------------------------------------------------------

def _plone_body(*, portal: str, site_title: str, globalnav: list[tuple[str, str]], crumbs: list[tuple[str, str]],
                content: str, portlets: str, footer: str) -> str:
    """Body of the Diazo theme of the Lleida sites: one ``#main-wrapper`` holds the
    accessibility links, the header, the "Esteu aquí:" path and the content column; the
    Plone content ids (``content-core``, ``parent-fieldname-text``) are copied by Diazo."""
    return (
        '<div id="main-wrapper" class="paeria-theme">\n'
        '<p class="hiddenStructure" id="portal-accessibility-links">'
        f'<a href="{portal}#contingut" accesskey="2">Saltar al contingut</a> '
        f'<a href="{portal}#portal-globalnav" accesskey="6">Saltar a la navegació</a> '
        f'<a href="{portal}/contacte" accesskey="9">Informació de contacte</a></p>\n'
        '<header id="capcalera"><div class="container">\n'
        f'<a id="portal-logo" title="{esc(site_title)}" href="{portal}"><img src="{portal}/++theme++paeria/img/logo-paeria.svg" alt="{esc(site_title)}" /></a>\n'
        '<div id="portal-searchbox"><form id="searchGadget_form" action="' + portal + '/@@search" role="search" '
        'data-pat-livesearch="ajaxUrl:' + portal + '/@@ajax-search" class="pat-livesearch">'
        '<label for="searchGadget" class="hiddenStructure">Cerca al lloc web</label><div class="LSBox">'
        '<input name="SearchableText" type="text" size="18" id="searchGadget" title="Cerca al lloc web" placeholder="Cerca al lloc web" class="searchField" />'
        '<input class="searchButton" type="submit" value="Cerca" /></div></form></div>\n'
        '<div id="portal-anontools"><ul><li><a href="' + portal + '/login" id="personaltools-login">Entrar</a></li></ul></div>\n'
        '</div></header>\n'
        '<nav class="plone-navbar pat-navigationmarker" id="portal-globalnav-wrapper"><div class="container">'
        '<ul class="plone-nav plone-navbar-nav" id="portal-globalnav">'
        + "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in globalnav)
        + '</ul></div></nav>\n'
        '<div class="container">\n'
        '<p class="ruta-navegacio"><span class="ruta-label">Esteu aquí:</span> '
        + " › ".join(f'<a href="{esc(h)}">{esc(t)}</a>' if h else f'<span class="ruta-actual">{esc(t)}</span>' for t, h in crumbs)
        + '</p>\n'
        '<div class="row">\n'
        '<div id="contingut" class="col-xs-12 col-sm-9">\n'
        + content
        + '</div>\n'
        '<aside id="portal-column-two" class="col-xs-12 col-sm-3" role="complementary">\n' + portlets + '</aside>\n'
        '</div>\n</div>\n'
        '</div>\n'
        + footer)


def _plone_footer(portal: str) -> str:
    return (
        '<footer id="portal-footer-wrapper"><div class="container" id="portal-footer">\n'
        '<div class="row"><div class="col-xs-12 col-sm-4"><section class="portlet portletStaticText"><div class="portletContent">'
        '<p><strong>La Paeria - Ajuntament de Lleida</strong><br />Plaça de la Paeria, 1 - 25007 Lleida<br />Telèfon: 973 700 300</p></div></section></div>\n'
        '<div class="col-xs-12 col-sm-4"><section class="portlet portletActions"><ul>'
        + "".join(f'<li><a href="{portal}/{h}">{t}</a></li>' for t, h in [
            ("Avís legal", "avis-legal"), ("Política de privacitat", "privacitat"), ("Accessibilitat", "accessibilitat"),
            ("Mapa del web", "sitemap"), ("Contacte", "contacte")])
        + '</ul></section></div>\n'
        '<div class="col-xs-12 col-sm-4"><section class="portlet portletSocial"><ul class="social">'
        + "".join(f'<li><a href="{h}" title="{t}">{t}</a></li>' for t, h in [
            ("Facebook", "https://www.facebook.com/paeria"), ("Twitter", "https://twitter.com/paeria_lleida"),
            ("Instagram", "https://www.instagram.com/paeria_lleida"), ("YouTube", "https://www.youtube.com/user/paerialleida")])
        + '</ul></section></div></div>\n'
        '<div class="row"><div class="col-xs-12"><p class="colophon">© Ajuntament de Lleida. Funciona amb Plone &amp; Python</p></div></div>\n'
        '</div></footer>\n')


PAERIA_COOP = "https://cooperacio.paeria.cat"
PAERIA = "https://www.paeria.cat"


def paeria_plone_quefem() -> Fixture:
    url = f"{PAERIA_COOP}/qui-som/que-fem"
    title = "Què fem"
    lis = ["La perspectiva de gènere i la protecció de la infància, que s’integren en totes les iniciatives amb el suport de l’Ajuntament de Lleida.",
           "El treball per la consecució, coneixement i defensa dels DH, i buscar sinergies entre aquests i els Objectius de Desenvolupament Sostenible (ODS).",
           "Treballar entorn a l’enfortiment estructural de la xarxa associativa del municipi de Lleida en conjunt amb els agents de la ciutat.",
           "Incentivar la col·laboració entre entitats socials d’índole diversa.",
           "Facilitar espais i eines per enfortir capacitats de les titularitats del territori en l’EGiBDH a través de l’impuls del Circuit.",
           "Centralitzar l’EGiBDH en totes les línies d’actuació i d’intervenció en solidaritat i cooperació internacional.",
           "Promoure canvis d’actitud en termes de sostenibilitat mediambiental, econòmica i social per assegurar la satisfacció de les necessitats de les generacions presents i les futures a través del desenvolupament sostenible.",
           "L’enfocament intercultural pretén fomentar la convivència entre les persones de diferents cultures i religions a través d'una mirada centrada en la persona com a protagonista i titular de drets."]
    body = [
        "<p>L'Àrea de Cooperació Internacional treballem per les relacions Nord-Sud, la interacció efectiva entre cultures, "
        "la interculturalitat i la diversitat, sempre sota el principi de promoció de l’equitat de gènere i el respecte, la "
        "protecció i la realització dels Drets Humans (DH) a través de l’Enfocament de Gènere i basat en els Drets Humans "
        "(EGiBDH). Com a eixos transversals, apostem per:</p>",
        "<ul>" + "".join(f"<li>{t}</li>" for t in lis) + "</ul>",
        "<p>Sota aquestes premises, l'Àrea de Cooperació ha engegat molts projectes i iniciatives per potenciar la "
        "solidaritat a i des de la nostra ciutat. Aquesta cooperació es duu a terme tant de manera directa, sent la pròpia "
        "Regidoria la impulsora de les iniciatives, com indirecta, amb el cofinançament de projectes implementats per "
        "diverses entitats solidàries de la ciutat de Lleida.</p>",
        J('<p><img class="image-inline captioned" src="' + PAERIA_COOP + '/qui-som/que-fem/quadre.png/@@images/image/large" alt="quadre.png" '
          'title="quadre.png" height="412" width="768" /><br /><span class="discreet">quadre.png</span></p>'),
    ]
    content = (
        '<header><div id="viewlet-above-content-title"><span id="social-tags-body" style="display: none" itemscope itemtype="http://schema.org/WebPage">'
        f'<span itemprop="name">{title}</span><span itemprop="description"></span><span itemprop="url">{url}</span></span></div>\n'
        f'<h1 class="documentFirstHeading">{title}</h1>\n'
        '<div id="viewlet-below-content-title"><div class="documentByLine" id="plone-document-byline">'
        '<span class="documentModified"><span>darrera modificació</span> 14/02/2022 11:32</span></div></div>\n'
        '</header>\n<div id="viewlet-above-content-body"></div>\n'
        '<div id="content-core"><div id="parent-fieldname-text" class="">\n' + "\n".join(body) + "\n</div></div>\n"
        '<div id="viewlet-below-content-body"><div class="visualClear"><!-- --></div><div class="documentActions">'
        '<span id="document-action-print"><a href="javascript:this.print();" title="">Imprimeix</a></span></div></div>\n'
        '<footer><div id="viewlet-below-content"><div class="visualClear"></div></div></footer>\n')
    portlets = (
        '<div class="portletWrapper"><section class="portlet portletNavigationTree"><header class="portletHeader"><a href="'
        + PAERIA_COOP + '/qui-som">Qui som</a></header><nav class="portletContent"><ul class="navTree navTreeLevel0">'
        + "".join(f'<li class="navTreeItem"><a href="{PAERIA_COOP}/qui-som/{h}" class="state-published{" navTreeCurrentItem" if h == "que-fem" else ""}">{t}</a></li>'
                  for t, h in [("Presentació", "presentacio"), ("Què fem", "que-fem"), ("Equip", "equip"), ("Consell Municipal de Cooperació", "consell"),
                               ("Memòries", "memories")])
        + '</ul></nav></section></div>\n'
        '<div class="portletWrapper"><section class="portlet portletStaticText"><header class="portletHeader">Contacte</header><div class="portletContent">'
        '<p>Àrea de Cooperació Internacional<br />Regidoria de Drets Civils, Cooperació i Igualtat<br />Av. Blondel, 25 - 25002 Lleida<br />'
        'cooperacio@paeria.cat</p></div></section></div>\n')
    globalnav = [("Inici", f"{PAERIA_COOP}"), ("Qui som", f"{PAERIA_COOP}/qui-som"), ("Projectes", f"{PAERIA_COOP}/projectes"),
                 ("Subvencions", f"{PAERIA_COOP}/subvencions"), ("Educació per a la justícia global", f"{PAERIA_COOP}/educacio"),
                 ("Circuit de Solidaritat", f"{PAERIA_COOP}/circuit"), ("Actualitat", f"{PAERIA_COOP}/actualitat"),
                 ("Contacte", f"{PAERIA_COOP}/contacte")]
    page = _plone_body(portal=PAERIA_COOP, site_title="Cooperació Internacional - Ajuntament de Lleida", globalnav=globalnav,
                       crumbs=[("Inici", PAERIA_COOP), ("Qui som", f"{PAERIA_COOP}/qui-som"), (title, "")], content=content,
                       portlets=portlets, footer=_plone_footer(PAERIA_COOP))
    head = (f'<meta name="DC.date.modified" content="2022-02-14T11:32:09+01:00" />\n<meta name="DC.format" content="text/plain" />\n'
            f'<meta name="DC.type" content="Pàgina" />\n<meta name="DC.date.created" content="2019-03-05T09:14:40+01:00" />\n'
            f'<meta name="DC.language" content="ca" />\n<meta content="summary" name="twitter:card" />\n'
            f'<meta content="Cooperació Internacional" property="og:site_name" />\n<meta content="{title}" property="og:title" />\n'
            f'<meta content="website" property="og:type" />\n<meta content="{url}" property="og:url" />\n'
            f'<link rel="canonical" href="{url}" />\n')
    html = plone_document(lang="ca", doc_title=f"{title} — Cooperació Internacional", head_meta=head, portal_url=PAERIA_COOP,
                          body_class="frontend icons-on portaltype-document section-qui-som site-cooperacio subsection-que-fem template-document_view thumbs-on userrole-anonymous viewpermission-view",
                          body=page)
    return Fixture("paeria_plone_quefem", url, html, body)


def paeria_plone_news_epoch() -> Fixture:
    slug = "lleida-obre-la-convocatoria-de-subvencions-per-a-projectes-de-cooperacio-internacional"
    url = f"{PAERIA}/ca/actualitat/noticies/{slug}"
    title = "Lleida obre la convocatòria de subvencions per a projectes de cooperació internacional"
    body = P(
        "La Paeria ha obert la convocatòria anual de subvencions per a projectes de cooperació internacional i d'educació "
        "per a la justícia global, dotada amb 420.000 euros. Les entitats de la ciutat poden presentar les seves "
        "sol·licituds fins al 15 de maig a través de la seu electrònica de l'Ajuntament.",
        "La convocatòria estableix tres línies. La primera finança projectes de cooperació al desenvolupament als països "
        "del Sud, amb un import màxim de 30.000 euros per projecte. La segona dona suport a accions d'educació per al "
        "desenvolupament a les escoles i als barris de Lleida, i la tercera cobreix l'ajuda humanitària en situacions "
        "d'emergència.",
        "La regidora de Drets Civils, Cooperació i Igualtat ha destacat que enguany es valoraran especialment els "
        "projectes que incorporin l'enfocament de gènere i basat en drets humans, així com els que impliquin entitats de "
        "persones migrades residents a la ciutat. També s'ha simplificat la documentació que cal presentar per facilitar "
        "la participació de les entitats petites.",
        "L'Àrea de Cooperació Internacional organitzarà dues sessions informatives, el 19 i el 26 d'abril a la sala "
        "d'actes del Centre Cívic de Cappont, per resoldre els dubtes de les entitats sobre les bases i el procés de "
        "justificació de les despeses.",
        "L'any passat es van finançar 24 projectes en 14 països d'Amèrica Llatina, l'Àfrica i l'Orient Mitjà, a més "
        "d'11 projectes d'educació per a la justícia global a la ciutat.")
    bound = (f"&lt;bound method DexterityContent.Title of &lt;NewsItem at /fs-paeria/ca/actualitat/noticies/{slug}&gt;&gt;.")
    content = (
        '<header><div id="viewlet-above-content-title"></div>\n'
        f'<h1 class="documentFirstHeading">{esc(title)}</h1>\n'
        '<div id="viewlet-below-content-title"><div class="documentByLine" id="plone-document-byline">'
        '<span class="documentModified">darrera modificació 04/04/2023 13:05</span></div></div>\n'
        '<p class="data-noticia">30 DESEMBRE 1969</p>\n'
        f'<p class="documentDescription description">{bound}</p>\n'
        '</header>\n<div id="viewlet-above-content-body"></div>\n'
        '<div id="content-core">\n'
        f'<figure class="newsImageContainer"><a class="pat-plone-modal" href="{url}/@@images/image"><img src="{url}/@@images/image/preview" '
        f'alt="{esc(title)}" title="{esc(title)}" class="newsImage" /></a><figcaption class="discreet">Imatge: Ajuntament de Lleida</figcaption></figure>\n'
        '<div id="parent-fieldname-text" class="">\n' + "\n".join(body) + "\n</div></div>\n"
        '<div id="viewlet-below-content-body"><div class="documentActions"><ul>'
        '<li id="document-action-print"><a href="javascript:this.print();">Imprimeix</a></li>'
        '<li id="document-action-sendto"><a href="' + url + '/sendto_form">Envia</a></li></ul></div>'
        '<div id="category" class="documentByLine">Arxivat a: <span><a href="/ca/@@search?Subject:list=Cooperació" class="link-category" rel="tag">Cooperació</a></span></div></div>\n')
    portlets = (
        '<div class="portletWrapper"><section class="portlet portletNews"><header class="portletHeader"><a href="' + PAERIA + '/ca/actualitat/noticies">Notícies</a></header>'
        '<ul class="portletContent">'
        + "".join(f'<li class="portletItem"><a href="{PAERIA}/ca/actualitat/noticies/{s}">{t}<span class="portletItemDetails">{d}</span></a></li>'
                  for t, s, d in [("La Paeria presenta el Pla de Barris 2023", "pla-de-barris-2023", "03/04/2023"),
                                  ("Nova edició del Circuit de Solidaritat", "circuit-de-solidaritat", "31/03/2023"),
                                  ("Obertes les inscripcions als casals d'estiu", "casals-estiu-2023", "30/03/2023")])
        + '</ul><footer class="portletFooter"><a href="' + PAERIA + '/ca/actualitat/noticies">Totes les notícies…</a></footer></section></div>\n'
        '<div class="portletWrapper"><section class="portlet portletStaticText"><div class="portletContent"><p>Informació diària sobre l’actualitat '
        'de l’Ajuntament de Lleida i de la ciutat.</p></div></section></div>\n')
    globalnav = [("Inici", f"{PAERIA}/ca"), ("Ajuntament", f"{PAERIA}/ca/ajuntament"), ("Ciutat", f"{PAERIA}/ca/ciutat"),
                 ("Tràmits", "https://seu.paeria.cat"), ("Actualitat", f"{PAERIA}/ca/actualitat"), ("Agenda", f"{PAERIA}/ca/agenda"),
                 ("Transparència", f"{PAERIA}/ca/transparencia"), ("Participació", f"{PAERIA}/ca/participacio")]
    page = _plone_body(portal=f"{PAERIA}/ca", site_title="La Paeria - Ajuntament de Lleida", globalnav=globalnav,
                       crumbs=[("Inici", f"{PAERIA}/ca"), ("Actualitat", f"{PAERIA}/ca/actualitat"),
                               ("Notícies", f"{PAERIA}/ca/actualitat/noticies"), (title, "")],
                       content=content, portlets=portlets, footer=_plone_footer(f"{PAERIA}/ca"))
    head = ('<meta name="DC.date.created" content="1969-12-30T00:00:00+01:00" />\n<meta name="DC.type" content="Notícia" />\n'
            '<meta name="DC.language" content="ca" />\n<meta content="La Paeria" property="og:site_name" />\n'
            f'<meta content="{esc(title)}" property="og:title" />\n<meta content="website" property="og:type" />\n'
            f'<meta content="{url}" property="og:url" />\n<link rel="canonical" href="{url}" />\n')
    html = plone_document(lang="ca", doc_title=f"{title} — La Paeria", head_meta=head, portal_url=f"{PAERIA}/ca",
                          body_class="frontend icons-on portaltype-news-item section-actualitat site-ca subsection-noticies template-newsitem_view thumbs-on userrole-anonymous",
                          body=page)
    return Fixture("paeria_plone_news_epoch", url, html, body)


# ---------------------------------------------------------------------------------------
# Metropolis (Drupal 7): image caption before the title, "Please click here…" link
# ---------------------------------------------------------------------------------------

METRO = "https://www.metropolis.org"


def metropolis_pictures() -> Fixture:
    slug = "metropolis-women-international-network-adds-new-antennas"
    url = f"{METRO}/news/{slug}"
    title = "The Metropolis Women International Network adds new antennas in Latin America and Africa"
    body = P(
        "The Metropolis Women International Network has welcomed four new antennas during its annual meeting, held in "
        "<a href=\"https://www.buenosaires.gob.ar\">Buenos Aires</a>" + EXT + " on 12 and 13 November 2015. The cities of Quito, Montevideo, Abidjan and Johannesburg join the "
        "network of member cities that coordinate its work at the regional level.",
        "Antennas are member governments that take the lead in promoting gender equality within Metropolis in their "
        "regions. They organise exchanges between women elected officials and municipal technicians, collect good "
        "practices and represent the network at regional events. With the new members, the network now has thirteen "
        "antennas on four continents.",
        "During the meeting, the antennas presented the progress of the projects launched in 2015. Barcelona shared its "
        "experience with gender-sensitive urban planning in public spaces, Mexico City presented its programme of safe "
        "public transport for women, and Seoul explained how it has integrated gender impact assessments into the "
        "municipal budget.",
        "Participants also agreed on the priorities for 2016: to strengthen the presence of women in the decision-making "
        "bodies of Metropolis, to train municipal staff on gender mainstreaming, and to prepare a common contribution to "
        "the <a href=\"https://habitat3.org\">Habitat III conference</a>" + EXT + ", which will take place in Quito in October 2016.",
        "The next meeting of the antennas will take place in Barcelona, in the framework of the reflection days of the "
        "association.") + [J(f'<p>Please click <a href="{METRO}/gallery/women-network-buenos-aires-2015">here</a> to see all the pictures</p>')]
    main_menu = [("About", f"{METRO}/about", [("Mission", f"{METRO}/mission"), ("Members", f"{METRO}/members"),
                                             ("Board of Directors", f"{METRO}/board"), ("Secretariat General", f"{METRO}/secretariat")]),
                 ("Our work", f"{METRO}/our-work", [("Policy transfer", f"{METRO}/policy-transfer"), ("Training", f"{METRO}/training"),
                                                    ("Women International Network", f"{METRO}/women"), ("Observatory", f"{METRO}/observatory")]),
                 ("News", f"{METRO}/news"), ("Events", f"{METRO}/events"), ("Resources", f"{METRO}/resources"), ("Contact", f"{METRO}/contact")]
    node = (
        '<div id="node-4120" class="node node-news node-full clearfix">\n'
        '<div class="field field-name-field-news-image field-type-image field-label-hidden"><div class="field-items"><div class="field-item even">'
        f'<img src="{METRO}/sites/default/files/styles/news_full/public/wn-buenos-aires-2015.jpg" width="870" height="400" alt="" />'
        '<div class="image-caption">Members of the Women International Network during the annual meeting in Buenos Aires</div></div></div></div>\n'
        '<div class="news-label">NEWS</div>\n'
        f'<h1 class="node-title">{esc(title)}</h1>\n'
        '<div class="field field-name-field-date field-type-datetime field-label-hidden"><div class="field-items"><div class="field-item even">'
        '<span class="date-display-single" property="dc:date" datatype="xsd:dateTime" content="2015-11-17T00:00:00+01:00">Tuesday 17/11/2015</span></div></div></div>\n'
        '<div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">\n'
        + "\n".join(body) + '\n</div></div></div>\n'
        '<div class="field field-name-field-related-topics field-type-taxonomy-term-reference field-label-inline clearfix"><div class="field-label">Topics:&nbsp;</div>'
        '<div class="field-items"><div class="field-item even"><a href="/topics/gender">Gender</a></div><div class="field-item odd"><a href="/topics/habitat-iii">Habitat III</a></div></div></div>\n'
        '</div>\n')
    sidebar = d7_block("views-news-latest", "Latest news", '<div class="view"><ul>'
                       + "".join(f'<li><a href="{METRO}/news/{s}">{t}</a></li>' for t, s in [
                           ("Metropolis at the COP21: cities commit to climate action", "metropolis-cop21"),
                           ("Call for applications: Metropolis International Training Institute", "miti-call-2016"),
                           ("Regional secretaries meet in Barcelona", "regional-secretaries-barcelona")])
                       + '</ul></div>', "block-views")
    body_html = (
        '<div id="page-wrapper"><div id="page">\n<header id="header" role="banner"><div class="section clearfix">\n'
        f'<a href="{METRO}/" title="Home" rel="home" id="logo"><img src="{METRO}/sites/all/themes/metropolis/logo.png" alt="Metropolis" /></a>\n'
        '<div class="region region-header">'
        + d7_block("locale-language", None, '<ul class="language-switcher-locale-url"><li class="en first active"><a href="/news/' + slug + '" class="language-link active">English</a></li>'
                   '<li class="es"><a href="/es/news/' + slug + '" class="language-link">Español</a></li><li class="fr last"><a href="/fr/news/' + slug + '" class="language-link">Français</a></li></ul>', "block-locale")
        + '</div>\n<nav id="navigation" role="navigation"><h2 class="element-invisible">Main menu</h2>' + d7_menu(main_menu) + '</nav>\n'
        '</div></header>\n'
        '<div id="main-wrapper"><div id="main" class="clearfix">\n'
        '<div id="content" class="column" role="main"><div class="section"><a id="main-content"></a>\n<div class="region region-content">\n'
        + d7_block("system-main", None, node, "block-system")
        + '</div>\n</div></div>\n'
        '<aside id="sidebar-second" class="column sidebar"><div class="section">' + sidebar + '</div></aside>\n'
        '</div></div>\n'
        '<footer id="footer" role="contentinfo"><div class="section"><div class="region region-footer">'
        + d7_block("block-5", None, '<p>Metropolis Secretariat General<br />Avinyó, 15 - 08002 Barcelona (Spain)<br />Tel: +34 93 342 94 60</p>'
                   '<p>© Metropolis - World Association of the Major Metropolises</p>')
        + '</div></div></footer>\n</div></div>\n'
        '<div id="sliding-popup" class="sliding-popup-bottom" style="background: #0779BF; width: 100%;"><div><div class="popup-content info">'
        '<div id="popup-text"><p>We use cookies on this site to enhance your user experience. By clicking any link on this page you are giving your consent for us to set cookies.</p></div>'
        '<div id="popup-buttons"><button type="button" class="agree-button">OK, I agree</button><button type="button" class="find-more-button">No, give me more info</button></div></div></div></div>\n')
    head = d7_head(url=url, title=title, site="Metropolis", description=body[0][3:180], published="2015-11-17T00:00:00+01:00",
                   image=f"{METRO}/sites/default/files/wn-buenos-aires-2015.jpg", node=4120, base=METRO)
    html = drupal7_document(lang="en", doc_title=f"{title} | Metropolis", head_meta=head, base=METRO,
                            body_class="html not-front not-logged-in one-sidebar sidebar-second page-node page-node-4120 node-type-news i18n-en",
                            body=body_html, theme="metropolis", settings=drupal_settings(METRO, "en", 4120))
    return Fixture("metropolis_pictures", url, html, body)


# ---------------------------------------------------------------------------------------
# Cités Unies France (SPIP, French)
# ---------------------------------------------------------------------------------------

CUF = "https://cites-unies-france.org"
CUF_SUBS = [['Présentation', 'Gouvernance', 'Équipe', 'Partenaires', "Rapports d'activité"], ["Afrique de l'Ouest", 'Maghreb', 'Madagascar', 'Proche et Moyen-Orient', 'Amérique latine', 'Asie', "Europe de l'Est", 'Haïti'], ['Action internationale des collectivités', 'Climat', 'Culture', 'Éducation à la citoyenneté mondiale', 'Jeunesse', 'Santé', 'Eau et assainissement'], ['Ukraine', 'Maroc', 'Liban', 'Haïti', 'Turquie et Syrie'], ['Réunions des groupes-pays', 'Formations', 'Rencontres nationales'], ["Lettre d'information", 'Guides', 'Études'], []]


def cuf_spip_french() -> Fixture:
    slug = "Les-collectivites-francaises-mobilisees-pour-la-reconstruction-au-Maroc"
    url = f"{CUF}/{slug}"
    title = "Les collectivités françaises mobilisées pour la reconstruction au Maroc"
    body = P(
        "Un an après le séisme qui a frappé la région d'Al Haouz le 8 septembre 2023, Cités Unies France a réuni les "
        "collectivités territoriales engagées dans la reconstruction pour faire le point sur les projets en cours. Une "
        "quarantaine de représentants de communes, départements et régions ont participé à la réunion, en présence de "
        "partenaires marocains.",
        "Grâce au fonds de solidarité ouvert par Cités Unies France au lendemain de la catastrophe, plus de 600 000 euros "
        "ont été collectés auprès de 85 collectivités. Ces ressources financent la reconstruction de deux écoles rurales, "
        "la remise en état de réseaux d'adduction d'eau dans des douars de montagne et l'équipement de centres de santé "
        "communaux.",
        "Les élus marocains ont rappelé que la phase d'urgence est terminée mais que la reconstruction prendra plusieurs "
        "années. Ils ont insisté sur l'importance de construire avec des matériaux et des techniques adaptés au climat de "
        "montagne, et d'associer les habitants aux choix d'aménagement des villages.",
        "Les collectivités françaises ont souligné l'intérêt d'un pilotage commun des projets, pour éviter que plusieurs "
        "partenaires n'interviennent dans le même village sans se coordonner. Un groupe de travail sera constitué avec "
        "l'Association marocaine des présidents des conseils communaux afin de suivre les chantiers et de partager les "
        "informations.",
        "Cités Unies France organisera une mission sur place au printemps 2025 avec les collectivités contributrices.")
    rubriques = [("Qui sommes-nous ?", "-Qui-sommes-nous-"), ("Pays et groupes-pays", "-Pays-"), ("Thématiques", "-Thematiques-"),
                 ("Fonds de solidarité", "-Fonds-de-solidarite-"), ("Agenda", "-Agenda-"), ("Publications", "-Publications-"),
                 ("Adhérer", "-Adherer-")]
    aside = ('<div class="aside col-md-4"><div class="bloc-lire-aussi"><h2>À lire aussi</h2><ul class="liste-items">'
             + "".join(f'<li class="item"><div class="logo-article"><img src="{CUF}/local/cache-vignettes/L150xH100/arton{n}.jpg" alt="" />'
                       f'<span class="credit">Image / illustration</span></div><h3><a href="{CUF}/{s}">{t}</a></h3>'
                       f'<p class="chapo">{x}</p><a class="lire-plus" href="{CUF}/{s}">Lire plus</a></li>'
                       for n, t, s, x in [(1840, "Séisme au Maroc : ouverture d'un fonds de solidarité", "Seisme-au-Maroc-ouverture-d-un-fonds",
                                           "Cités Unies France lance un appel à la solidarité des collectivités territoriales françaises."),
                                          (1866, "Groupe-pays Maroc : réunion du 14 mars", "Groupe-pays-Maroc-reunion-du-14-mars",
                                           "Le groupe-pays a fait le point sur les partenariats entre collectivités françaises et marocaines."),
                                          (1901, "Assises de la coopération décentralisée franco-marocaine", "Assises-franco-marocaines",
                                           "Les septièmes assises se tiendront à Tanger à l'automne.")])
             + '</ul></div>'
             '<div class="bloc-agenda"><h2>Agenda</h2><ul>'
             + "".join(f'<li><span class="date">{d}</span> <a href="{CUF}/{h}">{t}</a></li>' for d, t, h in [
                 ("17 sept.", "Groupe-pays Liban", "Groupe-pays-Liban-17-septembre"),
                 ("24 sept.", "Formation : monter un projet de coopération décentralisée", "Formation-monter-un-projet"),
                 ("3 oct.", "Groupe-pays Madagascar", "Groupe-pays-Madagascar-3-octobre"),
                 ("15 oct.", "Rencontre des collectivités engagées en Ukraine", "Rencontre-Ukraine"),
                 ("6 nov.", "Groupe thématique Climat", "Groupe-thematique-Climat")])
             + '</ul><a class="lire-plus" href="' + CUF + '/-Agenda-">Tout l\'agenda</a></div>'
             '<div class="bloc-newsletter"><h2>Lettre d\'information</h2><p>Suivez l\'actualité de la coopération décentralisée.</p>'
             '<form action="/spip.php?page=newsletter" method="post"><input type="email" name="email" placeholder="Votre e-mail" />'
             '<button type="submit">OK</button></form></div></div>\n')
    main = (
        '<div class="main col-md-8">\n'
        '<p class="arbo"><a href="' + CUF + '/">Accueil</a> &gt; <a href="' + CUF + '/-Pays-">Pays et groupes-pays</a> &gt; '
        '<a href="' + CUF + '/-Maroc-">Maroc</a> &gt; <strong class="on">' + esc(title) + '</strong></p>\n'
        '<div class="cartouche">\n'
        f'<div class="logo-article"><img class="spip_logo spip_logos" alt="" src="{CUF}/local/cache-vignettes/L800xH450/arton1953.jpg" width="800" height="450" />'
        '<span class="credit">Image / illustration</span></div>\n'
        f'<h1 class="surlignable">{esc(title)}</h1>\n'
        '<p class="info-publi"><abbr class="published" title="2024-09-05T10:12:00Z">Le 5 septembre 2024</abbr></p>\n'
        '</div>\n'
        '<div class="texte surlignable clearfix">\n' + "\n".join(body) + "\n</div>\n"
        '<div class="partage"><span>Partager :</span> <a href="#" class="partage-facebook">Facebook</a> <a href="#" class="partage-twitter">X</a> '
        '<a href="#" class="partage-linkedin">LinkedIn</a> <a href="#" class="partage-mail">Courriel</a></div>\n'
        '<div class="mots-cles"><a href="/+-Maroc-+" rel="tag">Maroc</a> <a href="/+-Urgence-+" rel="tag">Urgence</a> '
        '<a href="/+-Reconstruction-+" rel="tag">Reconstruction</a></div>\n'
        '</div>\n')
    html = (
        "<!DOCTYPE html>\n<html dir=\"ltr\" lang=\"fr\" class=\"ltr fr no-js\">\n<head>\n"
        "<script type='text/javascript'>/*<![CDATA[*/(function(H){H.className=H.className.replace(/\\bno-js\\b/,'js')})(document.documentElement);/*]]>*/</script>\n"
        f"<title>{esc(title)} - Cités Unies France</title>\n"
        f"<meta name=\"description\" content=\"{esc(body[0][3:200])}\" />\n"
        f"<link rel=\"canonical\" href=\"{url}\" />\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Syndiquer tout le site\" href=\"{CUF}/spip.php?page=backend\" />\n"
        f"<link rel='stylesheet' href='{CUF}/local/cache-css/cssdyn-css_bootstrap_css-5f1a9c2e.css?1727104532' type='text/css' />\n"
        f"<link rel='stylesheet' href='{CUF}/squelettes/css/cuf.css?1718009931' type='text/css' />\n"
        "<script type='text/javascript'>var mediabox_settings={\"auto_detect\":true,\"ns\":\"box\",\"tt_img\":true,\"sel_g\":\"#documents_portfolio a[type='image/jpeg'],#documents_portfolio a[type='image/png'],#documents_portfolio a[type='image/gif']\","
        "\"sel_c\":\".mediabox\",\"str_ssStart\":\"Diaporama\",\"str_ssStop\":\"Arr\\u00eater\",\"str_cur\":\"{current}\\/{total}\",\"str_prev\":\"Pr\\u00e9c\\u00e9dent\","
        "\"str_next\":\"Suivant\",\"str_close\":\"Fermer\",\"splash_url\":\"\",\"lity\":{\"skin\":\"_simple-dark\",\"maxWidth\":\"90%\",\"maxHeight\":\"90%\","
        "\"minWidth\":\"400px\",\"minHeight\":\"\",\"slideshow_speed\":\"2500\",\"opacitePilotage\":\"\",\"defaultCaptionState\":\"expanded\"}};</script>\n"
        f"<script src='{CUF}/local/cache-js/jsdyn-javascript_porte_plume_start_js-6e0d8a1b.js?1727104532' type='text/javascript'></script>\n"
        "<meta name=\"generator\" content=\"SPIP 4.2.10 GIT [4.2: 7b3c9e1d]\" />\n"
        "</head>\n<body class=\"page_article page_article_1953\">\n"
        "<div class=\"page\">\n"
        "<div class=\"header\"><div class=\"container\">"
        f"<a rel=\"start home\" href=\"{CUF}/\" title=\"Accueil\" class=\"accueil\"><img class=\"spip_logo\" src=\"{CUF}/IMG/logo/siteon0.png\" alt=\"Cités Unies France\" /></a>"
        "<p class=\"slogan\">Cités Unies France - Site Web de la coopé©ration décentralisée</p>"
        "<p class=\"slogan2\">Le portail de la coopération décentralisée</p>"
        "<div class=\"formulaire_spip formulaire_recherche\" id=\"formulaire_recherche\"><form action=\"spip.php?page=recherche\" method=\"get\">"
        "<input type=\"hidden\" name=\"page\" value=\"recherche\" /><label for=\"recherche\">Rechercher :</label>"
        "<input type=\"search\" class=\"search text\" size=\"10\" name=\"recherche\" id=\"recherche\" /><input type=\"submit\" class=\"submit\" value=\"&gt;&gt;\" title=\"Rechercher\" /></form></div>"
        "</div></div>\n"
        "<div class=\"nav clearfix\" id=\"nav\"><div class=\"container\"><ul class=\"menu-liste menu-items\">"
        + "".join(f'<li class="menu-entree item"><a href="{CUF}/{h}">{t}</a>'
                  + ('<ul class="menu-liste">' + "".join(f'<li class="menu-entree item"><a href="{CUF}/-{x.replace(" ", "-")}-">{x}</a></li>' for x in subs) + '</ul>' if subs else '')
                  + '</li>' for (t, h), subs in zip(rubriques, CUF_SUBS))
        + "</ul></div></div>\n"
        "<div class=\"wrapper\"><div class=\"container\"><div class=\"row\">\n" + main + aside + "</div></div></div>\n"
        "<div class=\"footer\"><div class=\"container\"><p>Cités Unies France · 9, rue Christiani · 75018 Paris · Tél. : 01 53 41 81 81</p>"
        "<p><a href=\"/Mentions-legales\">Mentions légales</a> | <a href=\"/spip.php?page=plan\">Plan du site</a> | <a href=\"/spip.php?page=backend\">RSS</a></p></div></div>\n"
        "</div>\n"
        "<div id=\"tarteaucitronRoot\"><div id=\"tarteaucitronAlertBig\" class=\"tarteaucitronAlertBigBottom\" style=\"display: block;\">"
        "<span id=\"tarteaucitronDisclaimerAlert\">En poursuivant votre navigation, vous acceptez l'utilisation de services tiers pouvant installer des cookies. "
        "Ce site utilise des cookies et vous donne le contrôle sur ce que vous souhaitez activer.</span>"
        "<button type=\"button\" class=\"tarteaucitronCTAButton tarteaucitronAllow\" id=\"tarteaucitronPersonalize2\">✓ Tout accepter</button>"
        "<button type=\"button\" class=\"tarteaucitronDeny\" id=\"tarteaucitronAllDenied2\">✗ Tout refuser</button>"
        "<button type=\"button\" id=\"tarteaucitronCloseAlert\" class=\"tarteaucitronCloseAlert\">Personnaliser</button></div></div>\n"
        "</body>\n</html>\n")
    return Fixture("cuf_spip_french", url, html, body)


# ---------------------------------------------------------------------------------------
# uclg.org (Drupal 8 + Paragraphs): lead, body and a paragraph entity; long cookie popup
# ---------------------------------------------------------------------------------------

def uclg_drupal8_paragraphs() -> Fixture:
    slug = "uclg-and-un-habitat-renew-their-partnership-sustainable-urbanisation"
    url = f"{UCLG}/en/media/news/{slug}"
    title = "UCLG and UN-Habitat renew their partnership for sustainable urbanisation"
    lead = ["<p>United Cities and Local Governments and UN-Habitat signed a new memorandum of understanding in Nairobi on "
            "28 May 2019, during the first session of the UN-Habitat Assembly, renewing a partnership that goes back to the "
            "creation of the world organisation in 2004.</p>"]
    part1 = P(
        "The agreement was signed by the Secretary General of UCLG and the Executive Director of UN-Habitat in the "
        "presence of mayors and representatives of local government associations from all regions. It sets the "
        "framework for joint work until 2023 and aligns the activities of both organisations with the strategic plan of "
        "UN-Habitat and with the priorities of the UCLG membership.",
        "Both organisations recognised that the implementation of the New Urban Agenda and the urban dimension of the "
        "2030 Agenda depend on strong local governments with adequate powers and resources. The memorandum foresees "
        "regular consultations between the two secretariats and the involvement of local government networks in the "
        "work of the Assembly and of the World Urban Forum.")
    part2 = ["<h3>Areas of cooperation</h3>", "<p>The partners agreed to work together in five areas:</p>",
             "<ul><li>the localization of the Sustainable Development Goals, including voluntary local reviews;</li>"
             "<li>access to basic services and adequate housing;</li><li>urban and territorial planning;</li>"
             "<li>local finance and municipal revenue;</li><li>the protection of cities affected by crises and conflicts.</li></ul>",
             "<p>The two organisations will report on the progress of the partnership at the World Urban Forum in Abu Dhabi "
             "in 2020.</p>"]
    popup = (
        '<div id="sliding-popup" class="sliding-popup-top" role="alertdialog" aria-describedby="popup-text" style="width: 100%;">'
        '<div class="popup-content info"><div id="popup-text">'
        '<h2>Your privacy on uclg.org</h2>'
        '<p>This website uses its own and third-party cookies to improve our services and show you content related to your '
        'preferences by analysing your browsing habits. Some of them are essential for the website to work, such as the ones '
        'that remember your language or keep your session when you use the intranet of the members.</p>'
        '<p>Analytics cookies allow us to count visits and traffic sources so we can measure and improve the performance of '
        'our site. They help us to know which pages are the most and least popular and see how visitors move around the site. '
        'All information these cookies collect is aggregated and therefore anonymous.</p>'
        '<p>Social media cookies are set by the video and social network services that we have added to the site to enable '
        'you to share our content with your friends and networks. If you continue browsing, we consider that you accept their '
        'use. You can change the settings or obtain more information in our cookie policy.</p>'
        '</div><div id="popup-buttons"><button type="button" class="agree-button eu-cookie-compliance-secondary-button">Accept all</button>'
        '<button type="button" class="decline-button eu-cookie-compliance-default-button">Only necessary</button>'
        '<button type="button" class="find-more-button">Cookie policy</button></div></div></div>\n')
    node = (
        f'<article role="article" about="/en/media/news/{slug}" class="node node--type-news node--view-mode-full">\n'
        '<div class="node__meta"><span class="field field--name-created">Wednesday 29/05/2019</span></div>\n'
        '<div class="node__content clearfix">\n'
        '<div class="field field--name-field-lead field--type-text-long field--label-hidden field__item">' + "".join(lead) + '</div>\n'
        '<div class="field field--name-field-image field--type-image field--label-hidden field__item"><img src="/sites/default/files/styles/large/public/2019-05/mou-unhabitat.jpg" width="800" height="450" alt="" /></div>\n'
        '<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">' + "\n".join(part1) + '</div>\n'
        '<div class="field field--name-field-quote field--type-entity-reference-revisions field--label-hidden field__item">'
        '<div class="paragraph paragraph--type--video paragraph--view-mode--default"><div class="field field--name-field-video">'
        '<iframe src="https://www.youtube.com/embed/x1y2z3" title="Signature of the memorandum" width="560" height="315"></iframe></div>'
        '<div class="field field--name-field-video-caption">Video: signature of the memorandum in Nairobi</div></div></div>\n'
        '<div class="field field--name-field-paragraphs field--type-entity-reference-revisions field--label-hidden field__items"><div class="field__item">'
        '<div class="paragraph paragraph--type--text paragraph--view-mode--default"><div class="clearfix text-formatted field field--name-field-text field--type-text-long field--label-hidden field__item">'
        + "\n".join(part2) + '</div></div></div></div>\n'
        '<div class="field field--name-field-tags field--type-entity-reference field--label-above"><div class="field__label">Tags</div><div class="field__items">'
        '<div class="field__item"><a href="/en/taxonomy/term/1006">UN-Habitat</a></div><div class="field__item"><a href="/en/taxonomy/term/856">Localizing the SDGs</a></div></div></div>\n'
        '</div>\n</article>\n')
    settings = {"path": {"baseUrl": "/", "scriptPath": None, "pathPrefix": "en/", "currentPath": "node/30911", "currentPathIsAdmin": False,
                         "isFront": False, "currentLanguage": "en"},
                "pluralDelimiter": "\u0003", "suppressDeprecationErrors": True,
                "ajaxPageState": {"libraries": "classy/base,classy/messages,classy/node,core/html5shiv,eu_cookie_compliance/eu_cookie_compliance_default,"
                                               "google_analytics/google_analytics,paragraphs/drupal.paragraphs.unpublished,system/base,uclg/global-styling",
                                  "theme": "uclg", "theme_token": None},
                "google_analytics": {"trackOutbound": True, "trackMailto": True, "trackDownload": True,
                                     "trackDownloadExtensions": "7z|aac|arc|arj|asf|asx|avi|bin|csv|doc(x|m)?|dot(x|m)?|exe|flv|gif|gz|gzip|hqx|jar|jpe?g|js|mp(2|3|4|e?g)|mov(ie)?|msi|msp|pdf|phps|png|ppt(x|m)?|pot(x|m)?|pps(x|m)?|ppam|sld(x|m)?|thmx|qtm?|ra(m|r)?|sea|sit|tar|tgz|torrent|txt|wav|wma|wmv|wpd|xls(x|m|b)?|xlt(x|m)|xlam|xml|z|zip"},
                "eu_cookie_compliance": {"cookie_policy_version": "1.0.0", "popup_enabled": True, "popup_agreed_enabled": False,
                                         "popup_hide_agreed": False, "popup_clicking_confirmation": False, "popup_scrolling_confirmation": False,
                                         "popup_html_info": "", "use_mobile_message": False, "mobile_popup_html_info": "",
                                         "mobile_breakpoint": 768, "popup_html_agreed": "", "popup_height": "auto", "popup_width": "100%",
                                         "popup_delay": 1000, "popup_link": "/en/cookie-policy", "popup_link_new_window": True,
                                         "popup_position": True, "fixed_top_position": True, "popup_language": "en",
                                         "store_consent": False, "better_support_for_screen_readers": False, "cookie_name": "",
                                         "reload_page": False, "domain": "", "domain_all_sites": False, "popup_eu_only_js": False,
                                         "cookie_lifetime": 100, "cookie_session": 0, "disagree_do_not_show_popup": False,
                                         "method": "categories", "whitelisted_cookies": "", "withdraw_markup": "",
                                         "withdraw_enabled": False, "reload_options": 0, "reload_routes_list": "",
                                         "withdraw_button_on_info_popup": False, "cookie_categories": ["necessary", "analytics", "social"],
                                         "cookie_categories_details": {}, "enable_save_preferences_button": True,
                                         "cookie_value_disagreed": "0", "cookie_value_agreed_show_thank_you": "1",
                                         "cookie_value_agreed": "2", "containing_element": "body", "settings_tab_enabled": False},
                "user": {"uid": 0, "permissionsHash": "9f2b1c8a0e4d6f3b7a5c1e9d8b2f4a6c0e1d3b5f7a9c2e4d6f8b0a1c3e5d7f9b"}}
    head = (
        '<meta charset="utf-8" />\n'
        f'<meta name="description" content="{esc(lead[0][3:-4])}" />\n<link rel="canonical" href="{url}" />\n'
        f'<link rel="shortlink" href="{UCLG}/node/30911" />\n<meta property="og:site_name" content="UCLG" />\n'
        f'<meta property="og:type" content="article" />\n<meta property="og:url" content="{url}" />\n'
        f'<meta property="og:title" content="{esc(title)}" />\n<meta property="article:published_time" content="2019-05-29T10:00:00+02:00" />\n'
        '<meta name="Generator" content="Drupal 8 (https://www.drupal.org)" />\n<meta name="MobileOptimized" content="width" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        f'<link rel="alternate" hreflang="en" href="{url}" />\n<link rel="alternate" hreflang="es" href="{UCLG}/es/media/noticias/cglu-y-onu-habitat-renuevan-su-alianza" />\n'
        f'<link rel="alternate" hreflang="fr" href="{UCLG}/fr/media/actualites/cglu-et-onu-habitat-renouvellent-leur-partenariat" />\n')
    main_menu = [("Home", f"{UCLG}/en"), ("Organisation", f"{UCLG}/en/organisation/presidency", [("Presidency", f"{UCLG}/en/organisation/presidency"),
                                                                                                 ("Structure", f"{UCLG}/en/organisation/structure"),
                                                                                                 ("Sections", f"{UCLG}/en/organisation/structure/uclg-sections")]),
                 ("Issues", f"{UCLG}/en/issues", [("City to city cooperation", f"{UCLG}/en/issues/city-city-cooperation"),
                                                  ("Local finance", f"{UCLG}/en/issues/local-finance"), ("Urban strategic planning", f"{UCLG}/en/issues/urban-strategic-planning")]),
                 ("Media", f"{UCLG}/en/media/news", [("News", f"{UCLG}/en/media/news"), ("Events", f"{UCLG}/en/media/events"), ("Blog", f"{UCLG}/en/media/blog")]),
                 ("Policy Councils", f"{UCLG}/en/policy-councils")]
    body_html = (
        '<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>\n'
        + popup
        + '<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas><div class="layout-container">\n'
        '<header role="banner"><div class="region region-header">'
        f'<div id="block-uclg-branding" class="block block-system-branding-block"><a href="{UCLG}/en" rel="home" class="site-logo"><img src="/themes/custom/uclg/logo.svg" alt="Home" /></a>'
        '<div class="site-name"><a href="/en" rel="home">United Cities and Local Governments</a></div></div>'
        '<div class="language-switcher-language-url block block-language" id="block-languageswitcher" role="navigation"><ul class="links">'
        '<li hreflang="en" class="en is-active"><a href="/en" class="language-link">English</a></li><li hreflang="es"><a href="/es" class="language-link">Español</a></li>'
        '<li hreflang="fr"><a href="/fr" class="language-link">Français</a></li></ul></div></div></header>\n'
        '<div class="region region-primary-menu"><nav role="navigation" id="block-uclg-main-menu"><h2 class="visually-hidden">Main navigation</h2>'
        + menu(main_menu, "menu", "menu") + '</nav></div>\n'
        '<div id="block-uclg-breadcrumbs" class="block block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation"><h2 class="visually-hidden">Breadcrumb</h2>'
        '<ol><li><a href="/en">Home</a></li> › <li><a href="/en/media/news">Media</a></li> › <li><a href="/en/media/news">News</a></li></ol></nav></div>\n'
        '<main role="main"><a id="main-content" tabindex="-1"></a><div class="layout-content"><div class="region region-content">\n'
        f'<div id="block-uclg-page-title" class="block block-core block-page-title-block"><h1 class="page-title"><span class="field field--name-title">{esc(title)}</span></h1></div>\n'
        '<div id="block-uclg-content" class="block block-system block-system-main-block">\n' + node + '</div>\n'
        '</div></div>\n'
        '<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second"><div id="block-views-block-news-latest" class="block block-views">'
        '<h2>Latest news</h2><div class="item-list"><ul>'
        + "".join(f'<li><a href="{UCLG}/en/media/news/{s}">{t}</a></li>' for t, s in [
            ("The World Council of UCLG meets in Strasbourg", "world-council-strasbourg"),
            ("Local and regional governments at the HLPF 2019", "lrgs-hlpf-2019"),
            ("Call for the UCLG Peace Prize 2019", "uclg-peace-prize-2019")])
        + f'</ul></div><a href="{UCLG}/rss.xml" class="feed-icon">Subscribe to RSS - News</a></div></div></aside>\n'
        '</main>\n'
        '<footer role="contentinfo"><div class="region region-footer"><div id="block-newsletter" class="block"><h2>Subscribe to newsletter</h2>'
        '<form action="/en/newsletter/subscribe" method="post"><input type="email" name="mail" placeholder="E-mail" /><input type="submit" value="Subscribe" /></form></div>'
        '<div id="block-footer-address" class="block block-block-content"><p>United Cities and Local Governments<br />Carrer Avinyó, 15 - 08002 Barcelona - Spain<br />Tel: +34 933 428 750</p>'
        '<p>© United Cities and Local Governments</p></div></div></footer>\n'
        '</div></div>\n'
        '<script type="application/json" data-drupal-selector="drupal-settings-json">' + json.dumps(settings) + '</script>\n'
        '<script src="/core/assets/vendor/jquery/jquery.min.js?v=3.4.1"></script>\n<script src="/core/misc/drupal.js?v=8.7.14"></script>\n'
        '<script src="/modules/contrib/eu_cookie_compliance/js/eu_cookie_compliance.js?v=1.8"></script>\n')
    html = (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#  schema: http://schema.org/">\n'
        '<head>\n' + head + f'<title>{esc(title)} | UCLG</title>\n'
        '<link rel="stylesheet" media="all" href="/core/themes/stable/css/system/components/ajax-progress.module.css?q8x9ks" />\n'
        '<link rel="stylesheet" media="all" href="/modules/contrib/eu_cookie_compliance/css/eu_cookie_compliance.css?q8x9ks" />\n'
        '<link rel="stylesheet" media="all" href="/modules/contrib/paragraphs/css/paragraphs.unpublished.css?q8x9ks" />\n'
        '<link rel="stylesheet" media="all" href="/themes/custom/uclg/css/style.css?q8x9ks" />\n'
        + gtag("UA-1123581-3")
        + '</head>\n<body class="path-node page-node-type-news">\n' + body_html + '</body>\n</html>\n')
    return Fixture("uclg_drupal8_paragraphs", url, html, lead + part1 + part2)


FIXTURES = [cib_repeated_headline, uclg_print_es, uclg_print_en, local2030_byline, paeria_plone_quefem,
            paeria_plone_news_epoch, metropolis_pictures, cuf_spip_french, uclg_drupal8_paragraphs]


# ---------------------------------------------------------------------------------------
# Old Lleida cooperation site (ASP.NET WebForms): the whole page inside <form id="aspnetForm">
# ---------------------------------------------------------------------------------------

PAERIA_ES = "http://www.paeria.es"


def _viewstate(n: int) -> str:
    import base64
    import hashlib
    chunks = []
    seed = b"dcci-noticia-1874"
    while sum(len(c) for c in chunks) < n:
        seed = hashlib.sha256(seed).digest()
        chunks.append(base64.b64encode(seed * 3).decode())
    return "/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWBAIBD2QWAg" + "".join(chunks)[:n]


def paeria_aspnet_form() -> Fixture:
    url = f"{PAERIA_ES}/dcci/noticia.aspx?id=1874"
    title = "Les Jornades de Cooperació i Solidaritat reuneixen una trentena d'entitats lleidatanes"
    body = P(
        "La regidoria de Cooperació ha organitzat aquesta setmana les Jornades de Cooperació i Solidaritat, que han reunit "
        "una trentena d'entitats de la ciutat que treballen en projectes de desenvolupament a l'Amèrica Llatina, l'Àfrica "
        "i l'Àsia.",
        "Durant tres dies, les entitats han presentat els projectes que han dut a terme amb el suport de l'Ajuntament, com "
        "ara la construcció d'un centre de salut a Guinea Bissau, un programa de formació de dones agricultores a "
        "Nicaragua o la millora de l'accés a l'aigua potable en diverses comunitats del Senegal.",
        "Les jornades també han servit per debatre sobre el futur de la cooperació municipal en un context de retallades "
        "pressupostàries. Les entitats han reclamat mantenir el compromís de destinar el 0,7% del pressupost propi a la "
        "cooperació i han proposat crear espais de coordinació per evitar la dispersió dels recursos.",
        "El paer en cap ha clausurat l'acte destacant el paper de la societat civil lleidatana en la solidaritat "
        "internacional i ha anunciat que el Consell Municipal de Cooperació es reunirà abans de final d'any per aprovar el "
        "pla director per als propers quatre anys.",
        "Les jornades s'han completat amb una exposició fotogràfica a la Sala Cristòfol, que es podrà visitar fins al 30 "
        "de novembre.")
    left_menu = [("Presentació", "presentacio.aspx"), ("Consell Municipal de Cooperació", "consell.aspx"),
                 ("Pla director", "pla_director.aspx"), ("Projectes", "projectes.aspx"), ("Subvencions", "subvencions.aspx"),
                 ("Sensibilització", "sensibilitzacio.aspx"), ("Agermanaments", "agermanaments.aspx"),
                 ("Entitats", "entitats.aspx"), ("Notícies", "noticies.aspx"), ("Enllaços", "enllacos.aspx"),
                 ("Contacte", "contacte.aspx")]
    others = [(1871, "Obertes les subvencions de cooperació per al 2015", "05/11/2014"),
              (1866, "Exposició «Mirades del Sud» a la Biblioteca Pública", "28/10/2014"),
              (1859, "Lleida s'agermana amb la ciutat de Bambey (Senegal)", "17/10/2014")]
    html = (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"ca\" lang=\"ca\">\n<head id=\"ctl00_Head1\">\n"
        f"<title>\n\t{esc(title)} - Drets Civils, Cooperació i Igualtat - La Paeria\n</title>\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        "<meta name=\"keywords\" content=\"cooperació, solidaritat, Lleida, Paeria, entitats, desenvolupament\" />\n"
        f"<link href=\"{PAERIA_ES}/dcci/css/estils.css\" rel=\"stylesheet\" type=\"text/css\" />\n"
        f"<link href=\"{PAERIA_ES}/dcci/css/menu.css\" rel=\"stylesheet\" type=\"text/css\" />\n"
        f"<script type=\"text/javascript\" src=\"{PAERIA_ES}/dcci/js/jquery-1.4.2.min.js\"></script>\n"
        + gtag("UA-4511820-2")
        + "</head>\n<body>\n"
        "<form name=\"aspnetForm\" method=\"post\" action=\"./noticia.aspx?id=1874\" id=\"aspnetForm\">\n"
        "<div>\n<input type=\"hidden\" name=\"__EVENTTARGET\" id=\"__EVENTTARGET\" value=\"\" />\n"
        "<input type=\"hidden\" name=\"__EVENTARGUMENT\" id=\"__EVENTARGUMENT\" value=\"\" />\n"
        f"<input type=\"hidden\" name=\"__VIEWSTATE\" id=\"__VIEWSTATE\" value=\"{_viewstate(5200)}\" />\n</div>\n"
        "<script type=\"text/javascript\">\n//<![CDATA[\nvar theForm = document.forms['aspnetForm'];\nif (!theForm) {\n    theForm = document.aspnetForm;\n}\n"
        "function __doPostBack(eventTarget, eventArgument) {\n    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {\n"
        "        theForm.__EVENTTARGET.value = eventTarget;\n        theForm.__EVENTARGUMENT.value = eventArgument;\n        theForm.submit();\n    }\n}\n//]]>\n</script>\n"
        f"<script src=\"/WebResource.axd?d=pynGkmcFUV13He1Qd6_TZD8Xp2W0n5xVsGmz0H1&amp;t=634604425351482412\" type=\"text/javascript\"></script>\n"
        "<div id=\"ctl00_pnlGeneral\" class=\"general\">\n"
        "<div id=\"ctl00_pnlCapcalera\" class=\"capcalera\">"
        f"<a id=\"ctl00_hlLogo\" href=\"{PAERIA_ES}/\"><img src=\"{PAERIA_ES}/dcci/img/logo_paeria.gif\" alt=\"La Paeria - Ajuntament de Lleida\" /></a>"
        "<span id=\"ctl00_lblRegidoria\" class=\"regidoria\">Regidoria de Drets Civils, Cooperació i Igualtat</span>"
        "<div class=\"idiomes\"><a id=\"ctl00_lnkCat\" href=\"javascript:__doPostBack('ctl00$lnkCat','')\">Català</a> | "
        "<a id=\"ctl00_lnkEsp\" href=\"javascript:__doPostBack('ctl00$lnkEsp','')\">Castellano</a></div>"
        "<div class=\"cercador\"><input name=\"ctl00$txtCerca\" type=\"text\" id=\"ctl00_txtCerca\" class=\"cerca\" />"
        "<input type=\"submit\" name=\"ctl00$btnCerca\" value=\"Cerca\" id=\"ctl00_btnCerca\" /></div></div>\n"
        "<table id=\"ctl00_tblCos\" class=\"cos\" cellpadding=\"0\" cellspacing=\"0\"><tr>\n"
        "<td class=\"columna-esquerra\" valign=\"top\"><div id=\"ctl00_pnlMenu\" class=\"menu-esquerre\"><ul>"
        + "".join(f'<li><a id="ctl00_rptMenu_ctl{i:02d}_hlMenu" href="{PAERIA_ES}/dcci/{h}">{t}</a></li>' for i, (t, h) in enumerate(left_menu))
        + "</ul></div>"
        "<div class=\"destacat\"><a href=\"" + PAERIA_ES + "/dcci/circuit.aspx\"><img src=\"" + PAERIA_ES + "/dcci/img/banner_circuit.jpg\" alt=\"Circuit de Solidaritat\" /></a></div></td>\n"
        "<td class=\"columna-central\" valign=\"top\">\n"
        "<div id=\"ctl00_ContentPlaceHolder1_pnlNoticia\" class=\"noticia\">\n"
        "<span id=\"ctl00_ContentPlaceHolder1_lblData\" class=\"data\">12/11/2014</span>\n"
        f"<h1><span id=\"ctl00_ContentPlaceHolder1_lblTitol\">{esc(title)}</span></h1>\n"
        f"<img id=\"ctl00_ContentPlaceHolder1_imgNoticia\" class=\"imatge-noticia\" src=\"{PAERIA_ES}/dcci/fotos/noticia_1874.jpg\" alt=\"\" />\n"
        "<div id=\"ctl00_ContentPlaceHolder1_lblText\" class=\"text-noticia\">\n" + "\n".join(body) + "\n</div>\n"
        "<div class=\"tornar\"><a id=\"ctl00_ContentPlaceHolder1_hlTornar\" href=\"" + PAERIA_ES + "/dcci/noticies.aspx\">&lt;&lt; Tornar</a></div>\n"
        "</div>\n</td>\n"
        "<td class=\"columna-dreta\" valign=\"top\"><div class=\"altres-noticies\"><h2>Altres notícies</h2><ul>"
        + "".join(f'<li><span class="data">{d}</span> <a href="{PAERIA_ES}/dcci/noticia.aspx?id={i}">{t}</a></li>' for i, t, d in others)
        + "</ul></div></td>\n</tr></table>\n"
        "<div id=\"ctl00_pnlPeu\" class=\"peu\">La Paeria - Ajuntament de Lleida · Plaça de la Paeria, 1 · 25007 Lleida · Tel. 973 700 300 · "
        "<a href=\"" + PAERIA_ES + "/avis_legal.aspx\">Avís legal</a></div>\n"
        "</div>\n"
        "<div>\n<input type=\"hidden\" name=\"__VIEWSTATEGENERATOR\" id=\"__VIEWSTATEGENERATOR\" value=\"B0A3A9E4\" />\n"
        f"<input type=\"hidden\" name=\"__EVENTVALIDATION\" id=\"__EVENTVALIDATION\" value=\"{_viewstate(600)[40:]}\" />\n</div>\n"
        "</form>\n</body>\n</html>\n")
    return Fixture("paeria_aspnet_form", url, html, body)


FIXTURES.append(paeria_aspnet_form)
