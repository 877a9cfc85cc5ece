"""Hand-written WordPress fixtures (classic themes, Divi, Enfold, Elementor, Avada)."""

from __future__ import annotations

from _chrome import esc, gtag, menu, months, wp_document, wp_footer, wp_head_meta, wp_sidebar
from _fixture import Fixture, J


def P(*paras: str) -> list[str]:
    return [f"<p>{p}</p>" for p in paras]


def wp_page(*, base: str, url: str, lang: str, locale: str, site: str, tagline: str, title: str,
            published: str, modified: str, author: str, description: str, image: str,
            main_menu: list, article: str, after_article: str = "", sidebar: str = "", footer: str,
            before_page: str = "", after_page: str = "", body_class: str, theme: str,
            hreflangs: list[tuple[str, str]] | None = None, crumbs: list[tuple[str, str]] | None = None,
            top_bar: str = "", skip_label: str = "Skip to content", extra_head: str = "",
            footer_scripts: str = "", section: str = "News", tags: list[str] | None = None,
            lang_switcher: list[tuple[str, str]] | None = None, html_lang: str | None = None,
            content_wrap: tuple[str, str] | None = None) -> str:
    head = wp_head_meta(url=url, title=title, site=site, base=base, locale=locale, description=description,
                        published=published, modified=modified, author=author, image=image, hreflangs=hreflangs,
                        crumbs=crumbs, lang=html_lang or lang, section=section, tags=tags)
    switcher = ""
    if lang_switcher:
        switcher = ('<div class="wpml-ls-statics-shortcode_actions wpml-ls wpml-ls-legacy-list-horizontal"><ul>'
                    + "".join(f'<li class="wpml-ls-slot-shortcode_actions wpml-ls-item wpml-ls-item-{esc(code)}">'
                              f'<a href="{esc(href)}" class="wpml-ls-link"><span class="wpml-ls-native">{esc(code.upper())}</span></a></li>'
                              for code, href in lang_switcher) + "</ul></div>")
    open_wrap, close_wrap = content_wrap or ('<div id="primary" class="content-area"><main id="main" class="site-main">',
                                             "</main></div>")
    body = (
        before_page
        + f'<a class="skip-link screen-reader-text" href="#content">{esc(skip_label)}</a>\n'
        + '<div id="page" class="site">\n'
        + top_bar
        + '<header id="masthead" class="site-header"><div class="container">\n'
        f'<div class="site-branding"><a href="{base}/" class="custom-logo-link" rel="home"><img width="400" height="120" '
        f'src="{base}/wp-content/uploads/logo.png" class="custom-logo" alt="{esc(site)}" decoding="async" /></a>'
        f'<p class="site-title"><a href="{base}/" rel="home">{esc(site)}</a></p>'
        f'<p class="site-description">{esc(tagline)}</p></div>\n'
        + switcher
        + '<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">'
        '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>'
        + menu(main_menu, "menu nav-menu")
        + "</nav>\n</div></header>\n"
        '<div id="content" class="site-content"><div class="container">\n'
        + open_wrap + "\n"
        + article
        + after_article
        + close_wrap + "\n"
        + sidebar
        + "</div></div>\n"
        + footer
        + "</div>\n"
        + after_page
    )
    return wp_document(lang=html_lang or lang, doc_title=f"{title} - {site}", head_meta=head, base=base,
                       body_class=body_class, body=body, theme=theme, extra_head=extra_head,
                       footer_scripts=footer_scripts)


# ---------------------------------------------------------------------------------------
# UCLG-MEWA (WordPress + WPML): content hidden from readers
# ---------------------------------------------------------------------------------------

MEWA = "https://uclg-mewa.org"
MEWA_MENU = [
    ("About Us", f"{MEWA}/en/about-us/", [("Who We Are", f"{MEWA}/en/who-we-are/"), ("Governance", f"{MEWA}/en/governance/"),
                                          ("Secretariat", f"{MEWA}/en/secretariat/"), ("Members", f"{MEWA}/en/members/"),
                                          ("Why Become a Member?", f"{MEWA}/en/why-become-a-member/")]),
    ("Activities", f"{MEWA}/en/activities/", [("Committees", f"{MEWA}/en/committees/"), ("Projects", f"{MEWA}/en/projects/"),
                                              ("Trainings", f"{MEWA}/en/trainings/"), ("Events", f"{MEWA}/en/category/events/")]),
    ("Thematic Areas", f"{MEWA}/en/thematic-areas/", [("Gender Equality", f"{MEWA}/en/tag/gender-equality/"),
                                                      ("Migration", f"{MEWA}/en/tag/migration/"), ("Climate", f"{MEWA}/en/tag/climate/"),
                                                      ("SDGs", f"{MEWA}/en/tag/sdgs/"), ("Culture", f"{MEWA}/en/tag/culture/"),
                                                      ("Urban Mobility", f"{MEWA}/en/tag/urban-mobility/")]),
    ("News", f"{MEWA}/en/news/"), ("Publications", f"{MEWA}/en/publications/"),
    ("Newsletter", f"{MEWA}/en/newsletter/"), ("Contact", f"{MEWA}/en/contact/"),
]
MEWA_FOOTER = wp_footer(
    site="UCLG-MEWA", address="Yerebatan Caddesi, Salkımsöğüt Sokak No: 2, 34410 Cağaloğlu, Fatih, Istanbul",
    phone="+90 212 511 10 00", email="info@uclg-mewa.org",
    columns=[("Quick Links", [("About Us", f"{MEWA}/en/about-us/"), ("Members", f"{MEWA}/en/members/"),
                              ("Publications", f"{MEWA}/en/publications/"), ("Media Kit", f"{MEWA}/en/media-kit/"),
                              ("Job Opportunities", f"{MEWA}/en/jobs/")]),
             ("Networks", [("UCLG", "https://www.uclg.org"), ("Metropolis", "https://www.metropolis.org"),
                           ("UCLG Africa", "https://www.uclga.org"), ("UCLG ASPAC", "https://uclg-aspac.org"),
                           ("CEMR", "https://ccre-cemr.org")])],
    social=[("Facebook", "https://www.facebook.com/uclgmewa"), ("Twitter", "https://twitter.com/uclgmewa"),
            ("Instagram", "https://www.instagram.com/uclgmewa"), ("YouTube", "https://www.youtube.com/uclgmewa"),
            ("LinkedIn", "https://www.linkedin.com/company/uclg-mewa")],
    copyright_line="© 2024 UCLG-MEWA. All rights reserved. | <a href=\"/en/privacy-policy/\">Privacy Policy</a>")


def mewa_sidebar() -> str:
    return wp_sidebar(
        recent=[("UCLG-MEWA Participated in the UCLG World Council", f"{MEWA}/en/uclg-mewa-participated-in-the-uclg-world-council/"),
                ("Municipalities Discussed Climate Adaptation at the UCLG-MEWA Webinar", f"{MEWA}/en/municipalities-discussed-climate-adaptation-at-the-uclg-mewa-webinar/"),
                ("UCLG-MEWA & WRI Held an Online Meeting", f"{MEWA}/en/uclg-mewa-wri-held-an-online-meeting/"),
                ("Local Voices Heard at the High-Level Political Forum", f"{MEWA}/en/local-voices-heard-at-the-high-level-political-forum/"),
                ("UCLG-MEWA Retreat Istanbul23 Held in the Historical Peninsula", f"{MEWA}/en/uclg-mewa-retreat-istanbul23/")],
        categories=[("Announcements", f"{MEWA}/en/category/announcements/", 48), ("Events", f"{MEWA}/en/category/events/", 131),
                    ("News", f"{MEWA}/en/category/news/", 612), ("Press Releases", f"{MEWA}/en/category/press-releases/", 37),
                    ("Trainings", f"{MEWA}/en/category/trainings/", 74)],
        archives=months(f"{MEWA}/en", "en", 2022, 12, 16),
        tags=[("Age-Friendly Cities", f"{MEWA}/en/tag/age-friendly-cities/"), ("Climate", f"{MEWA}/en/tag/climate/"),
              ("Culture", f"{MEWA}/en/tag/culture/"), ("Gender Equality", f"{MEWA}/en/tag/gender-equality/"),
              ("Migration", f"{MEWA}/en/tag/migration/"), ("Resilience", f"{MEWA}/en/tag/resilience/"),
              ("SDGs", f"{MEWA}/en/tag/sdgs/"), ("Social Inclusion", f"{MEWA}/en/tag/social-inclusion/"),
              ("Urban Mobility", f"{MEWA}/en/tag/urban-mobility/"), ("Water", f"{MEWA}/en/tag/water/")])


MEWA_COOKIE = (
    '<div id="cookie-notice" role="dialog" class="cookie-notice-hidden cookie-revoke-hidden cn-position-bottom" '
    'aria-label="Cookie Notice"><div class="cookie-notice-container"><span id="cn-notice-text" class="cn-text-container">'
    'We use cookies to ensure that we give you the best experience on our website. If you continue to use this site '
    'we will assume that you are happy with it.</span><span id="cn-notice-buttons" class="cn-buttons-container">'
    '<a href="#" id="cn-accept-cookie" data-cookie-set="accept" class="cn-set-cookie cn-button" aria-label="Accept">Accept</a>'
    '<a href="/en/privacy-policy/" target="_blank" id="cn-more-info" class="cn-more-info cn-button" aria-label="Privacy policy">'
    'Privacy policy</a></span></div></div>\n')


def mewa_hidden_content() -> Fixture:
    slug = "uclg-mewa-and-konya-metropolitan-municipality-held-a-workshop-on-age-friendly-cities"
    url = f"{MEWA}/en/{slug}/"
    title = "UCLG-MEWA and Konya Metropolitan Municipality Held a Workshop on Age-Friendly Cities"
    a1 = P(
        "UCLG-MEWA and Konya Metropolitan Municipality held a two-day workshop on age-friendly cities on 3-4 October "
        "2022, in the framework of the International Day of Older Persons. Technical staff from 14 member "
        "municipalities of Türkiye, Iran and Jordan took part in the sessions, together with experts from universities "
        "and civil society organisations working with older people.",
        "The workshop opened with a presentation of the World Health Organization's framework for age-friendly cities "
        "and communities, which covers eight domains of urban life, from outdoor spaces and transport to social "
        "participation, communication and community health services. Participants then assessed their own "
        "municipalities against these domains and identified the areas where local action is most urgent.")
    a2 = ["<h2>Practices from the region</h2>"] + P(
        "Konya Metropolitan Municipality presented its home care services, which reach more than 9,000 older residents "
        "every month, and its network of neighbourhood centres offering meals, health checks and courses. Other "
        "municipalities presented accessible public transport schemes, volunteer visiting programmes and the adaptation "
        "of parks with shaded benches and walking paths.",
        "Several speakers underlined that ageing is not only a matter of social services but also of urban planning. "
        "Narrow pavements, steep stairs and the lack of public toilets keep many older people at home, while isolation "
        "has increased since the pandemic. The participants agreed that older residents must be consulted when new "
        "neighbourhoods and public spaces are designed.",
        "At the end of the workshop, the municipalities drafted a short list of commitments that they will present to "
        "their councils:")
    a3 = ["<ul class=\"wp-block-list\"><li>Carrying out an age-friendliness assessment with older residents' associations;</li>"
          "<li>Including accessibility criteria in all new street and park projects;</li>"
          "<li>Training front-line staff on the rights and needs of older persons.</li></ul>"]
    a4 = P("UCLG-MEWA will follow up on these commitments through its Committee on Social Inclusion and will publish "
           "the practices presented in Konya in its next newsletter.")
    article = a1 + a2 + a3 + a4 + [J('<p class="comments-disabled">Comments are disabled</p>')]
    gallery = (
        '<div class="post-gallery slick-slider slick-initialized" role="region" aria-label="Photo gallery"><div class="slick-list draggable">'
        '<div class="slick-track" style="opacity: 1; width: 4200px; transform: translate3d(-700px, 0px, 0px);">'
        + "".join(
            f'<div class="slick-slide slick-cloned" data-slick-index="{i - 3}" aria-hidden="true" tabindex="-1">'
            f'<figure><img src="{MEWA}/wp-content/uploads/2022/10/konya-workshop-{i}.jpg" alt="" />'
            f'<figcaption>{cap}</figcaption></figure></div>'
            for i, cap in [(4, "Field visit to a neighbourhood centre for older residents in Selçuklu"),
                           (5, "Working group on accessible public transport")])
        + "".join(
            f'<div class="slick-slide{" slick-current slick-active" if i == 1 else ""}" data-slick-index="{i - 1}" '
            f'aria-hidden="{"false" if i == 1 else "true"}" tabindex="-1"><figure><img src="{MEWA}/wp-content/uploads/2022/10/konya-workshop-{i}.jpg" '
            f'alt="Konya workshop {i}" /><figcaption>{cap}</figcaption></figure></div>'
            for i, cap in [(1, "Opening session of the workshop in Konya"),
                           (2, "Participants of the age-friendly cities workshop"),
                           (3, "Presentation of the home care services of Konya Metropolitan Municipality"),
                           (4, "Field visit to a neighbourhood centre for older residents in Selçuklu"),
                           (5, "Working group on accessible public transport")])
        + "</div></div></div>\n")
    hidden_draft = (
        '<div class="wp-block-group announcement" style="display:none">'
        "<p>Konya Metropolitan Municipality will host a workshop on age-friendly cities on 3-4 October. Member "
        "municipalities wishing to attend are invited to register through the form below before 26 September. Travel "
        "costs of one participant per municipality will be covered by the organisers.</p>"
        "<p>For further questions, please contact the UCLG-MEWA Secretariat.</p></div>\n")
    translation_notice = (
        '<div class="wpml-translation-notice" hidden><p>This post is also available in Turkish and Arabic. The '
        'translations are being reviewed by the Secretariat and will be published shortly; until then the automatic '
        'translation may contain errors in names of institutions and places.</p></div>\n')
    template = (
        '<template id="tmpl-member-card"><div class="member-card"><h3 class="member-card__name">{{ name }}</h3>'
        '<p class="member-card__intro">Loading the profile of this member municipality, its population, its mayor and '
        'the committees of UCLG-MEWA in which it takes part.</p><a class="member-card__more" href="#">See the profile of '
        'the municipality</a></div></template>\n')
    modal = (
        '<div class="modal fade" id="newsletterModal" tabindex="-1" role="dialog" aria-labelledby="newsletterModalLabel" aria-hidden="true">'
        '<div class="modal-dialog" role="document"><div class="modal-content"><div class="modal-header">'
        '<h5 class="modal-title" id="newsletterModalLabel">Stay informed</h5></div><div class="modal-body">'
        '<p>Every month the UCLG-MEWA newsletter brings you the latest activities of the Section, calls for '
        'applications, trainings and publications of our member municipalities in the Middle East and West Asia region.</p>'
        '<p>Leave your e-mail address and choose the languages in which you would like to receive it.</p></div>'
        '<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button>'
        '<button type="button" class="btn btn-primary">Subscribe</button></div></div></div></div>\n')
    entry = (
        f'<article id="post-5930" class="post-5930 post type-post status-publish format-standard has-post-thumbnail hentry category-news tag-age-friendly-cities tag-social-inclusion">\n'
        '<header class="entry-header">\n'
        f'<h1 class="entry-title">{esc(title)}</h1>\n'
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="2022-10-05T11:42:08+03:00">October 5, 2022</time></span>'
        '<span class="cat-links"> in <a href="/en/category/news/" rel="category tag">News</a></span></div>\n'
        '</header>\n'
        f'<div class="post-thumbnail"><img width="1200" height="800" src="{MEWA}/wp-content/uploads/2022/10/konya-workshop-1.jpg" '
        'class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" /></div>\n'
        '<div class="entry-content">\n'
        + translation_notice + hidden_draft
        + "\n".join(a1) + "\n" + template + gallery + "\n".join(a2) + "\n" + "\n".join(a3) + "\n" + modal
        + "\n".join(a4) + "\n" + J('<p class="comments-disabled">Comments are disabled</p>')
        + "\n</div>\n"
        '<footer class="entry-footer"><span class="tags-links">Tagged <a href="/en/tag/age-friendly-cities/" rel="tag">Age-Friendly Cities</a>, '
        '<a href="/en/tag/social-inclusion/" rel="tag">Social Inclusion</a></span></footer>\n'
        "</article>\n")
    after = ""
    html = wp_page(
        base=MEWA, url=url, lang="en-US", locale="en_US", site="UCLG-MEWA",
        tagline="United Cities and Local Governments Middle East and West Asia Section", title=title,
        published="2022-10-05T11:42:08+03:00", modified="2022-10-06T09:10:31+03:00", author="UCLG-MEWA",
        description="UCLG-MEWA and Konya Metropolitan Municipality held a two-day workshop on age-friendly cities on 3-4 October 2022.",
        image=f"{MEWA}/wp-content/uploads/2022/10/konya-workshop-1.jpg", main_menu=MEWA_MENU, article=entry,
        after_article=after, sidebar=mewa_sidebar(), footer=MEWA_FOOTER, after_page=MEWA_COOKIE,
        body_class="post-template-default single single-post postid-5930 single-format-standard wp-embed-responsive",
        theme="citynet", hreflangs=[("en", url), ("tr", f"{MEWA}/konya-buyuksehir-belediyesi-ile-yasli-dostu-kentler-calistayi/"),
                                    ("x-default", url)],
        crumbs=[("Home", f"{MEWA}/en/"), ("News", f"{MEWA}/en/news/"), (title, "")],
        lang_switcher=[("en", url), ("tr", f"{MEWA}/konya-buyuksehir-belediyesi-ile-yasli-dostu-kentler-calistayi/"),
                       ("ar", f"{MEWA}/ar/{slug}-2/")],
        extra_head=gtag("G-8M2QX1LZ7P"), tags=["Age-Friendly Cities", "Social Inclusion"])
    return Fixture("mewa_hidden_content", url, html, article)


# ---------------------------------------------------------------------------------------
# CEMR (WordPress + Elementor): <noscript> duplicate of the body
# ---------------------------------------------------------------------------------------

CEMR = "https://ccre-cemr.org"


def cemr_noscript_duplicate() -> Fixture:
    slug = "local-and-regional-governments-call-for-a-stronger-cohesion-policy-after-2027"
    url = f"{CEMR}/{slug}/"
    title = "Local and regional governments call for a stronger cohesion policy after 2027"
    paras = P(
        "Meeting in Brussels on 15 April 2024, the Policy Committee of the Council of European Municipalities and "
        "Regions adopted a position paper on the future of cohesion policy. The paper responds to the "
        "<a href=\"https://ec.europa.eu/regional_policy/information-sources/cohesion-report_en\" target=\"_blank\" rel=\"noopener\">ninth Cohesion "
        "Report" + J('<span class="screen-reader-text"> (opens in a new tab)</span>') + "</a> published by the European Commission in March and sets out the expectations of towns, cities and regions "
        "for the programming period that will start in 2028.",
        "CEMR members stressed that cohesion policy remains the main European investment policy for local authorities. "
        "In many smaller municipalities, European funds finance the majority of investments in water networks, energy "
        "renovation of public buildings and social infrastructure. Proposals to merge cohesion funding into national "
        "recovery-style plans, negotiated between the Commission and national ministries, were met with strong concern.")
    paras += ["<h2>Shared management and partnership</h2>"] + P(
        "The position paper asks that the principle of shared management be maintained and that local and regional "
        "governments take part in the design of programmes, not only in their implementation. Members also called for "
        "simpler rules on state aid and public procurement, and for advance payments that allow municipalities with "
        "limited cash flow to start projects without taking on expensive bridging loans.",
        "Several mayors underlined the territorial dimension of the policy. Rural areas losing population, former "
        "industrial towns and border regions face different challenges, and a single set of national priorities cannot "
        "address them all. Integrated territorial investments and community-led local development were cited as "
        "instruments that work and should be reinforced.",
        "The position paper will be presented to the Belgian Presidency of the Council of the European Union and "
        "discussed with members of the European Parliament's <a href=\"https://www.europarl.europa.eu/committees/en/regi/home\" "
        "target=\"_blank\" rel=\"noopener\">Committee on Regional Development" + J('<span class="screen-reader-text"> (opens in a new tab)</span>')
        + "</a> in May. CEMR will also "
        "contribute to the consultation that the Commission is expected to launch before the end of the year.")
    body = "\n".join(paras)
    el = lambda wid, kind, inner: (  # noqa: E731
        f'<div class="elementor-element elementor-element-{wid} elementor-widget elementor-widget-{kind}" data-id="{wid}" '
        f'data-element_type="widget" data-widget_type="{kind}.default"><div class="elementor-widget-container">{inner}</div></div>\n')
    content = (
        '<div data-elementor-type="single-post" data-elementor-id="8812" class="elementor elementor-8812 elementor-location-single post-21457 post type-post status-publish">\n'
        '<section class="elementor-section elementor-top-section elementor-element elementor-element-5c1e2a8 elementor-section-boxed" data-id="5c1e2a8" data-element_type="section">'
        '<div class="elementor-container elementor-column-gap-default"><div class="elementor-column elementor-col-100 elementor-top-column" data-id="1a7f0d2" data-element_type="column">'
        '<div class="elementor-widget-wrap elementor-element-populated">\n'
        + el("3f2b9c1", "breadcrumbs", '<p id="breadcrumbs"><span><span><a href="/">Home</a></span> / <span><a href="/news/">News</a></span> / '
             f'<span class="breadcrumb_last" aria-current="page">{esc(title)}</span></span></p>')
        + el("7d4e0a6", "theme-post-title", f'<h1 class="elementor-heading-title elementor-size-default">{esc(title)}</h1>')
        + el("2be8f51", "post-info", '<ul class="elementor-inline-items elementor-icon-list-items elementor-post-info">'
             '<li class="elementor-icon-list-item elementor-repeater-item-3d5e2c1 elementor-inline-item" itemprop="datePublished">'
             '<span class="elementor-icon-list-text elementor-post-info__item elementor-post-info__item--type-date">16 April 2024</span></li>'
             '<li class="elementor-icon-list-item elementor-inline-item" itemprop="about"><span class="elementor-post-info__terms-list">'
             '<a href="/category/cohesion-policy/" class="elementor-post-info__terms-list-item">Cohesion policy</a></span></li></ul>')
        + el("9a1c6d3", "theme-post-featured-image", f'<img width="1024" height="576" src="{CEMR}/wp-content/uploads/2024/04/policy-committee-brussels.jpg" '
             'class="attachment-large size-large" alt="" loading="lazy" />')
        + el("c41d2e7", "theme-post-content",
             '<div class="js-reveal" data-reveal="fade-up">\n' + body + '\n</div>\n'
             '<noscript><div class="no-js-content">\n' + body + '\n</div></noscript>')
        + "</div></div></div></section>\n"
        '<section class="elementor-section elementor-element elementor-element-81f2c3e" data-id="81f2c3e"><div class="elementor-container">'
        + el("0d9e8f2", "heading", '<h2 class="elementor-heading-title">Latest news</h2>')
        + el("5e6f7a8", "posts", '<div class="elementor-posts-container elementor-posts elementor-grid">'
             + "".join(f'<article class="elementor-post elementor-grid-item"><div class="elementor-post__text"><h3 class="elementor-post__title">'
                       f'<a href="{CEMR}/{s}/">{t}</a></h3><div class="elementor-post__meta-data"><span class="elementor-post-date">{d}</span></div></div></article>'
                       for t, s, d in [("CEMR welcomes the agreement on the revised Urban Wastewater Treatment Directive", "cemr-welcomes-agreement-urban-wastewater", "11 April 2024"),
                                       ("Towns and regions ready for the European elections", "towns-and-regions-ready-for-the-european-elections", "4 April 2024"),
                                       ("Local employers and trade unions sign joint statement on telework", "local-employers-trade-unions-telework", "28 March 2024")])
             + "</div>")
        + "</div></section>\n</div>\n")
    top = ('<div class="cemr-topbar"><div class="container"><p>Council of European Municipalities and Regions (CEMR) / '
           'European section of United Cities and Local Governments</p></div></div>\n')
    menu_items = [("About us", f"{CEMR}/about-us/", [("Who we are", f"{CEMR}/who-we-are/"), ("Members", f"{CEMR}/members/"),
                                                     ("Governance", f"{CEMR}/governance/"), ("Secretariat", f"{CEMR}/secretariat/")]),
                  ("Our work", f"{CEMR}/our-work/", [("Cohesion policy", f"{CEMR}/cohesion-policy/"), ("Environment", f"{CEMR}/environment/"),
                                                     ("Equality", f"{CEMR}/equality/"), ("Social dialogue", f"{CEMR}/social-dialogue/"),
                                                     ("Town twinning", f"{CEMR}/town-twinning/"), ("Digital", f"{CEMR}/digital/")]),
                  ("News", f"{CEMR}/news/"), ("Events", f"{CEMR}/events/"), ("Publications", f"{CEMR}/publications/"),
                  ("Contact", f"{CEMR}/contact/")]
    footer = wp_footer(site="CEMR", address="Square de Meeûs 1, 1000 Brussels, Belgium", phone="+32 2 511 74 77",
                       email="info@ccre-cemr.org",
                       columns=[("Our work", [("Cohesion policy", f"{CEMR}/cohesion-policy/"), ("Environment", f"{CEMR}/environment/"),
                                              ("Equality", f"{CEMR}/equality/"), ("Social dialogue", f"{CEMR}/social-dialogue/")]),
                                ("Practical", [("Legal notice", f"{CEMR}/legal-notice/"), ("Privacy", f"{CEMR}/privacy/"),
                                               ("Jobs", f"{CEMR}/jobs/"), ("Press", f"{CEMR}/press/")])],
                       social=[("Twitter", "https://twitter.com/ccrecemr"), ("LinkedIn", "https://www.linkedin.com/company/cemr"),
                               ("YouTube", "https://www.youtube.com/cemr")],
                       copyright_line="© CEMR 2024")
    elementor_cfg = ('<script id="elementor-frontend-js-before">var elementorFrontendConfig = {"environmentMode":{"edit":false,'
                     '"wpPreview":false,"isScriptDebug":false},"i18n":{"shareOnFacebook":"Share on Facebook","shareOnTwitter":'
                     '"Share on Twitter","pinIt":"Pin it","download":"Download","downloadImage":"Download image","fullscreen":'
                     '"Fullscreen","zoom":"Zoom","share":"Share","playVideo":"Play Video","previous":"Previous","next":"Next",'
                     '"close":"Close"},"is_rtl":false,"breakpoints":{"xs":0,"sm":480,"md":768,"lg":1025,"xl":1440,"xxl":1600},'
                     '"version":"3.20.3","is_static":false,"experimentalFeatures":{"e_optimized_assets_loading":true,'
                     '"e_optimized_css_loading":true,"additional_custom_breakpoints":true,"container":true,"e_swiper_latest":true,'
                     '"theme_builder_v2":true,"block_editor_assets_optimize":true,"landing-pages":true,"e_image_loading_optimization":true},'
                     '"urls":{"assets":"https:\\/\\/ccre-cemr.org\\/wp-content\\/plugins\\/elementor\\/assets\\/"},"settings":{"page":[],'
                     '"editorPreferences":[]},"kit":{"active_breakpoints":["viewport_mobile","viewport_tablet"],"global_image_lightbox":"yes",'
                     '"lightbox_enable_counter":"yes","lightbox_enable_fullscreen":"yes","lightbox_enable_zoom":"yes"},"post":{"id":21457,'
                     '"title":"Local%20and%20regional%20governments%20call%20for%20a%20stronger%20cohesion%20policy%20after%202027%20-%20CEMR",'
                     '"excerpt":"","featuredImage":"https:\\/\\/ccre-cemr.org\\/wp-content\\/uploads\\/2024\\/04\\/policy-committee-brussels.jpg"}};</script>\n'
                     f"<script src='{CEMR}/wp-content/plugins/elementor/assets/js/frontend.min.js?ver=3.20.3' id='elementor-frontend-js'></script>\n")
    html = wp_page(
        base=CEMR, url=url, lang="en-GB", locale="en_GB", site="CEMR", tagline="Council of European Municipalities and Regions",
        title=title, published="2024-04-16T10:05:00+02:00", modified="2024-04-16T12:31:44+02:00", author="CEMR",
        description="The Policy Committee of CEMR adopted a position paper on the future of cohesion policy.",
        image=f"{CEMR}/wp-content/uploads/2024/04/policy-committee-brussels.jpg", main_menu=menu_items, article=content,
        footer=footer, top_bar=top, body_class="post-template-default single single-post postid-21457 elementor-default elementor-kit-7 elementor-page-8812",
        theme="hello-elementor", skip_label="Skip to main content", footer_scripts=elementor_cfg,
        content_wrap=('<main id="content" class="site-main">', "</main>"), section="Cohesion policy", tags=["Cohesion policy"])
    return Fixture("cemr_noscript_duplicate", url, html, paras)


# ---------------------------------------------------------------------------------------
# uclg.org /new/ portal: article split over three containers, dateline under the title
# ---------------------------------------------------------------------------------------

UCLG_NEW = "https://uclg.org"


def uclg_new_split() -> Fixture:
    slug = "uclg-presidency-meets-in-barcelona-to-prepare-the-world-council"
    url = f"{UCLG_NEW}/new/{slug}/"
    title = "UCLG Presidency meets in Barcelona to prepare the World Council"
    lead = ["<p>The Presidency of United Cities and Local Governments met in Barcelona on 13 November 2023, the first "
            "meeting of its members in the city since the World Congress held in Daejeon in October 2022.</p>"]
    part1 = P(
        "The meeting, hosted at the World Secretariat, was chaired by the President of UCLG and brought together the "
        "co-presidents and vice-presidents of the world organisation, as well as the treasurer and representatives of "
        "the regional sections. Its main purpose was to prepare the agenda of the World Council, which will take place in "
        "Tangier in the spring of 2024.",
        "Members reviewed the implementation of the Pact for the Future of Humanity adopted in Daejeon, which organises "
        "the work of the constituency around three axes: people, planet and government. They welcomed the progress made "
        "in the local review of the Sustainable Development Goals, with more than 250 voluntary local and subnational "
        "reviews now published worldwide.")
    part2 = ["<h3>Finance and the international agenda</h3>"] + P(
        "A large part of the discussion was devoted to local finance. The members agreed that access to international "
        "financing for local governments must be a priority in the run-up to the Summit of the Future, and called on the "
        "partners of the Global Taskforce to advocate for a seat at the table where the reform of the international "
        "financial architecture is discussed.",
        "The Presidency also discussed the preparation of the next edition of the GOLD report, devoted to the financing "
        "of local public services, and the renewal of the partnership with UN-Habitat ahead of the World Urban Forum in "
        "Cairo.",
        "The meeting ended with a tribute to the mayors and councillors who lost their lives in the exercise of their "
        "mandates during the past year.")
    article_html = (
        '<article id="post-40211" class="post-40211 new type-new status-publish has-post-thumbnail hentry tema-governance">\n'
        '<div class="new-header row">\n<div class="col-md-8">\n'
        '<ul class="new-tags"><li><a href="/tema/governance/">Governance</a></li><li><a href="/tema/presidency/">Presidency</a></li></ul>\n'
        f'<h1 class="new-title">{esc(title)}</h1>\n'
        '<div class="new-date">14.11.2023</div>\n'
        '<div class="new-intro">' + "".join(lead) + '</div>\n'
        '</div>\n<div class="col-md-4 new-header-image"><img src="' + UCLG_NEW + '/wp-content/uploads/2023/11/presidency-barcelona.jpg" alt="" /></div>\n'
        '</div>\n'
        '<div class="new-body row"><div class="col-md-8 offset-md-2">\n'
        '<div class="new-section new-section--text">\n' + "\n".join(part1) + '\n</div>\n'
        '<div class="new-section new-section--image"><figure class="wp-block-image size-full"><img src="' + UCLG_NEW
        + '/wp-content/uploads/2023/11/presidency-family-photo.jpg" alt="" /><figcaption class="wp-element-caption">'
        'Family photo of the members of the UCLG Presidency at the World Secretariat</figcaption></figure></div>\n'
        '<div class="new-section new-section--newsletter"><div class="newsletter-box"><h4>The UCLG newsletter</h4>'
        '<p>Receive every two weeks the news of the world organisation and its members.</p>'
        '<a class="btn" href="/newsletter/">Sign up</a></div></div>\n'
        '<div class="new-section new-section--text">\n' + "\n".join(part2) + '\n</div>\n'
        '</div></div>\n'
        '<div class="new-footer"><a class="back" href="/new/">All News</a></div>\n'
        '</article>\n')
    menu_items = [("Who we are", f"{UCLG_NEW}/who-we-are/", [("Our history", f"{UCLG_NEW}/our-history/"), ("Our members", f"{UCLG_NEW}/our-members/"),
                                                             ("Governing bodies", f"{UCLG_NEW}/governing-bodies/"), ("World Secretariat", f"{UCLG_NEW}/world-secretariat/")]),
                  ("What we do", f"{UCLG_NEW}/what-we-do/", [("Advocacy", f"{UCLG_NEW}/advocacy/"), ("Learning", f"{UCLG_NEW}/learning/"),
                                                             ("Research", f"{UCLG_NEW}/research/"), ("GOLD", f"{UCLG_NEW}/gold/"),
                                                             ("Culture", f"{UCLG_NEW}/culture/"), ("Peace", f"{UCLG_NEW}/peace/")]),
                  ("Power of We", f"{UCLG_NEW}/power-of-we/"), ("News", f"{UCLG_NEW}/new/"), ("Events", f"{UCLG_NEW}/events/"),
                  ("Publications", f"{UCLG_NEW}/publications/"), ("Join us", f"{UCLG_NEW}/join-us/")]
    footer = wp_footer(site="United Cities and Local Governments", address="Carrer Avinyó, 15 - 08002 Barcelona - Spain",
                       phone="+34 933 428 750", email="info@uclg.org",
                       columns=[("The organisation", [("Who we are", f"{UCLG_NEW}/who-we-are/"), ("Members", f"{UCLG_NEW}/our-members/"),
                                                      ("Work with us", f"{UCLG_NEW}/work-with-us/"), ("Transparency", f"{UCLG_NEW}/transparency/")]),
                                ("Platforms", [("GOLD", "https://gold.uclg.org"), ("Culture 21", "https://agenda21culture.net"),
                                               ("Learning", "https://www.uclg-learning.org"), ("Local2030", "https://local2030.org")])],
                       social=[("Twitter", "https://twitter.com/uclg_org"), ("Facebook", "https://www.facebook.com/uclgorg"),
                               ("Instagram", "https://www.instagram.com/uclg_org"), ("YouTube", "https://www.youtube.com/uclg")],
                       copyright_line="© United Cities and Local Governments · <a href=\"/legal-notice/\">Legal notice</a> · <a href=\"/cookies/\">Cookies</a>")
    html = wp_page(
        base=UCLG_NEW, url=url, lang="en-GB", locale="en_GB", site="UCLG", tagline="United Cities and Local Governments",
        title=title, published="2023-11-14T13:20:00+01:00", modified="2023-11-15T08:44:12+01:00", author="UCLG",
        description=lead[0][3:-4], image=f"{UCLG_NEW}/wp-content/uploads/2023/11/presidency-barcelona.jpg", main_menu=menu_items,
        article=article_html, footer=footer, body_class="new-template-default single single-new postid-40211",
        theme="uclg2023", lang_switcher=[("en", url), ("es", f"{UCLG_NEW}/es/new/la-presidencia-de-cglu-se-reune-en-barcelona/"),
                                         ("fr", f"{UCLG_NEW}/fr/new/la-presidence-de-cglu-se-reunit-a-barcelone/")],
        extra_head=gtag("G-UCLG2023XQ"), content_wrap=('<main id="main" class="site-main">', "</main>"))
    return Fixture("uclg_new_split", url, html, lead + part1 + part2)


# ---------------------------------------------------------------------------------------
# UCLG Learning (WordPress + Divi): comments, Leave a Reply, Divi placeholder
# ---------------------------------------------------------------------------------------

LEARN = "https://www.uclg-learning.org"


def learning_divi_comments() -> Fixture:
    slug = "peer-learning-on-participatory-budgeting-notes-from-chefchaouen"
    url = f"{LEARN}/{slug}/"
    title = "Peer learning on participatory budgeting: notes from Chefchaouen"
    body = P(
        "Twenty-two practitioners from eleven municipalities of Morocco, Tunisia, Mauritania and Senegal spent three days "
        "in Chefchaouen in early May to compare their experiences with participatory budgeting. The exchange was organised "
        "by the UCLG Learning team with the municipality of Chefchaouen and the regional section UCLG Africa.",
        "Chefchaouen started its first participatory budget in 2016 with a modest envelope for small works in the old "
        "medina. Since then, residents have proposed and voted on the renovation of public fountains, the lighting of "
        "stairways and the creation of a small park on the edge of the town. The municipal team explained how it "
        "organises neighbourhood assemblies, how it assesses the technical feasibility of proposals and how it reports "
        "back on works that are delayed.")
    body += ["<h2>What the participants took home</h2>"] + P(
        "The visitors were most interested in the practical details: how to reach women and young people who rarely "
        "attend public meetings, how to keep the process alive when the budget is cut, and how to explain to residents "
        "that some proposals fall outside the powers of the municipality. Dakar and Sfax shared their experience with "
        "online voting, while smaller municipalities preferred paper ballots at the weekly market.",
        "On the last day, each delegation prepared a short action plan. Most of them plan to start with a pilot in one "
        "or two neighbourhoods, to publish the results of the vote on the municipal website and on social networks, and "
        "to invite other municipalities to observe their first assemblies.",
        "The learning materials used during the exchange, including the step-by-step guide prepared by the Chefchaouen "
        "team, will be translated into Arabic and French and made available on the learning platform.")
    divi_mod = lambda n, inner, kind="et_pb_text": (  # noqa: E731
        f'<div class="et_pb_module {kind} {kind}_{n}  et_pb_text_align_left et_pb_bg_layout_light">'
        f'<div class="et_pb_text_inner">{inner}</div></div>\n')
    placeholder = ("<p>Your content goes here. Edit or remove this text inline or in the module Content settings. You "
                   "can also style every aspect of this content in the module Design settings and even apply custom CSS "
                   "to this text in the module Advanced settings.</p>")
    comments = [
        ("Fatima Zahra El Idrissi", "May 12, 2019 at 10:14 am",
         "Thank you for this summary. In Tiznit we are preparing our first participatory budget for 2020 and the question "
         "of reaching young people is exactly where we struggle. Would it be possible to receive the guide prepared by the "
         "team of Chefchaouen before the translation is finished?",
         [("Learning Team", "May 13, 2019 at 9:02 am",
           "Dear Fatima Zahra, thank you for your message. We will send you the French draft of the guide by e-mail this week.")]),
        ("Mamadou Diallo", "May 14, 2019 at 4:37 pm",
         "Very useful exchange. In our municipality the paper ballot on market day doubled the number of voters compared "
         "with the year before, when the vote was only organised at the town hall.", []),
        ("Sonia Ben Salah", "May 20, 2019 at 11:58 am",
         "It would be good to organise a second exchange on monitoring the works after the vote. This is where residents "
         "lose trust, when nothing happens for two years after they have chosen a project.", []),
        ("Jean-Pierre N.", "June 2, 2019 at 8:15 pm",
         "Great initiative, congratulations to the organisers and to the municipality for its hospitality.", []),
    ]

    def comment(i: int, name: str, when: str, text: str, replies: list | None = None, depth: int = 1) -> str:
        cid = 311 + i * 3 + depth
        out = (f'<li class="comment {"even" if i % 2 == 0 else "odd"} thread-{"even" if i % 2 == 0 else "odd"} depth-{depth}" id="li-comment-{cid}">'
               f'<article id="comment-{cid}" class="comment-body clearfix"><div class="comment_avatar">'
               f'<img alt="{esc(name)}" src="https://secure.gravatar.com/avatar/{cid:032x}?s=80&amp;d=mm&amp;r=g" height="80" width="80" /></div>'
               f'<div class="comment_postinfo"><span class="fn">{esc(name)}</span><span class="comment_date">on {esc(when)}</span></div>'
               f'<div class="comment_area"><div class="comment-content clearfix"><p>{esc(text)}</p>'
               f'<span class="reply-container"><a rel="nofollow" class="comment-reply-link" href="#comment-{cid}" '
               f'data-commentid="{cid}" data-postid="1873" aria-label="Reply to {esc(name)}">Reply</a></span></div></div></article>')
        if replies:
            out += '<ul class="children">' + "".join(comment(i, *r, depth=depth + 1) for r in replies) + "</ul>"
        return out + "</li>\n"

    comment_html = (
        '<section id="comment-wrap">\n<h1 id="comments" class="page_title">5 Comments</h1>\n<ol class="commentlist clearfix">\n'
        + "".join(comment(i, *c) for i, c in enumerate(comments))
        + '</ol>\n<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title"><span>Leave a Reply</span> '
        '<small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Cancel reply</a></small></h3>'
        '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
        '<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> '
        '<span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>'
        '<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> '
        '<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required="required"></textarea></p>'
        '<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" /></p>'
        '<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" /></p>'
        '<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" /></p>'
        '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> '
        '<label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>'
        '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit et_pb_button" value="Submit Comment" /></p></form></div>\n'
        '</section>\n')
    article_html = (
        '<article id="post-1873" class="et_pb_post post-1873 post type-post status-publish format-standard has-post-thumbnail hentry category-peer-learning">\n'
        '<div class="et_post_meta_wrapper">'
        f'<h1 class="entry-title">{esc(title)}</h1>'
        '<p class="post-meta"> by <span class="author vcard"><a href="/author/learning-team/" title="Posts by Learning Team" rel="author">Learning Team</a></span> | '
        '<span class="published">May 10, 2019</span> | <a href="/category/peer-learning/" rel="category tag">Peer Learning</a> | '
        '<a href="#comments">5 comments</a></p>'
        f'<img src="{LEARN}/wp-content/uploads/2019/05/chefchaouen-exchange-1080x675.jpg" alt="" class="" width="1080" height="675" /></div>\n'
        '<div class="entry-content">\n'
        '<div class="et-l et-l--post"><div class="et_builder_inner_content et_pb_gutters3">\n'
        '<div class="et_pb_section et_pb_section_0 et_section_regular"><div class="et_pb_row et_pb_row_0"><div class="et_pb_column et_pb_column_4_4 et_pb_column_0 et-last-child">\n'
        + divi_mod(0, "\n".join(body))
        + divi_mod(1, placeholder)
        + '<div class="et_pb_module et_pb_button_module_wrapper et_pb_button_0_wrapper et_pb_button_alignment_left"><a class="et_pb_button et_pb_button_0 et_pb_bg_layout_light" href="/resources/">Learning resources</a></div>\n'
        + "</div></div></div>\n</div></div>\n</div>\n"
        '<div class="et_post_meta_wrapper">\n' + comment_html + "</div>\n"
        "</article>\n")
    menu_items = [("About", f"{LEARN}/about/", [("Who we are", f"{LEARN}/who-we-are/"), ("Our approach", f"{LEARN}/our-approach/"),
                                               ("Team", f"{LEARN}/team/")]),
                  ("Peer Learning", f"{LEARN}/peer-learning/", [("Organize a Peer-Learning Event", f"{LEARN}/organize-a-peer-learning-event/"),
                                                               ("Past exchanges", f"{LEARN}/past-exchanges/"), ("Testimonials", f"{LEARN}/testimonials/")]),
                  ("SDG Learning Modules", f"{LEARN}/sdg-learning-modules/", [("Module 1: Introduction", f"{LEARN}/module-1/"),
                                                                              ("Module 2: Territorial planning", f"{LEARN}/module-2/"),
                                                                              ("Module 3: Reporting", f"{LEARN}/module-3/")]),
                  ("Resources", f"{LEARN}/resources/"), ("Blog", f"{LEARN}/blog/"), ("Contact", f"{LEARN}/contact/")]
    sidebar = wp_sidebar(
        recent=[("Training of trainers on SDG localization in Kampala", f"{LEARN}/training-of-trainers-kampala/"),
                ("Local economic development: a learning exchange in Bilbao", f"{LEARN}/led-learning-exchange-bilbao/"),
                ("Online course on the localization of the SDGs", f"{LEARN}/online-course-sdg-localization/"),
                ("Cities and migration: the MC2CM peer learning", f"{LEARN}/mc2cm-peer-learning/")],
        categories=[("Blog", f"{LEARN}/category/blog/", 31), ("Peer Learning", f"{LEARN}/category/peer-learning/", 22),
                    ("SDGs", f"{LEARN}/category/sdgs/", 40), ("Trainings", f"{LEARN}/category/trainings/", 27)],
        archives=months(LEARN, "en", 2019, 5, 12),
        tags=[("Africa", f"{LEARN}/tag/africa/"), ("Budget", f"{LEARN}/tag/budget/"), ("Participation", f"{LEARN}/tag/participation/"),
              ("Morocco", f"{LEARN}/tag/morocco/"), ("Peer learning", f"{LEARN}/tag/peer-learning/")])
    footer = wp_footer(site="UCLG Learning", address="Carrer Avinyó, 15 - 08002 Barcelona - Spain", phone="+34 933 428 750",
                       email="learning@uclg.org",
                       columns=[("Learning", [("Peer Learning", f"{LEARN}/peer-learning/"), ("Modules", f"{LEARN}/sdg-learning-modules/"),
                                              ("Resources", f"{LEARN}/resources/")])],
                       social=[("Twitter", "https://twitter.com/uclg_learning"), ("YouTube", "https://www.youtube.com/uclg")],
                       copyright_line="Designed by Elegant Themes | Powered by WordPress")
    divi_js = ('<script id="divi-custom-script-js-extra">var DIVI = {"item_count":"%d Item","items_count":"%d Items"};'
               'var et_builder_utils_params = {"condition":{"diviTheme":true,"extraTheme":false},"scrollLocations":["app","top"],'
               '"builderScrollLocations":{"desktop":"app","tablet":"app","phone":"app"},"onloadScrollLocation":"app","builderType":"fe"};'
               'var et_frontend_scripts = {"builderCssContainerPrefix":"#et-boc","builderCssLayoutPrefix":"#et-boc .et-l"};'
               'var et_pb_custom = {"ajaxurl":"https:\\/\\/www.uclg-learning.org\\/wp-admin\\/admin-ajax.php","images_uri":'
               '"https:\\/\\/www.uclg-learning.org\\/wp-content\\/themes\\/Divi\\/images","builder_images_uri":'
               '"https:\\/\\/www.uclg-learning.org\\/wp-content\\/themes\\/Divi\\/includes\\/builder\\/images","et_frontend_nonce":"8c1d0f9a2b",'
               '"subscription_failed":"Please, check the fields below to make sure you entered the correct information.",'
               '"et_ab_log_nonce":"3e5a7b9c1d","fill_message":"Please, fill in the following fields:","contact_error_message":'
               '"Please, fix the following errors:","invalid":"Invalid email","captcha":"Captcha","prev":"Prev","previous":"Previous",'
               '"next":"Next","wrong_captcha":"You entered the wrong number in captcha.","wrong_checkbox":"Checkbox","ignore_waypoints":"no",'
               '"is_divi_theme_used":"1","widget_search_selector":".widget_search","ab_tests":[],"is_ab_testing_active":"",'
               '"page_id":"1873","unique_test_id":"","ab_bounce_rate":"5","is_cache_plugin_active":"yes","is_shortcode_tracking":"",'
               '"tinymce_uri":"","accent_color":"#e02b20","waypoints_options":[]};</script>\n')
    html = wp_page(
        base=LEARN, url=url, lang="en-US", locale="en_US", site="UCLG Learning", tagline="Learning for local governments",
        title=title, published="2019-05-10T16:20:00+02:00", modified="2019-06-02T20:15:00+02:00", author="Learning Team",
        description="Twenty-two practitioners from eleven municipalities compared their experiences with participatory budgeting in Chefchaouen.",
        image=f"{LEARN}/wp-content/uploads/2019/05/chefchaouen-exchange.jpg", main_menu=menu_items, article=article_html,
        sidebar=sidebar, footer=footer, body_class="post-template-default single single-post postid-1873 et_pb_button_helper_class et_fullwidth_nav et_right_sidebar et_divi_theme et-db",
        theme="Divi", footer_scripts=divi_js, section="Peer Learning")
    return Fixture("learning_divi_comments", url, html, body)


# ---------------------------------------------------------------------------------------
# UCLG ASPAC: old comments + "Comments are closed." + post navigation, event dateline
# ---------------------------------------------------------------------------------------

ASPAC = "https://uclg-aspac.org"


def aspac_comments_closed() -> Fixture:
    slug = "local-governments-in-asia-pacific-trained-on-access-to-climate-finance"
    url = f"{ASPAC}/{slug}/"
    title = "Local governments in Asia-Pacific trained on access to climate finance"
    body = [J('<p class="event-dateline"><strong>18-20 May 2021 | Virtual</strong></p>')] + P(
        "UCLG ASPAC, together with the Global Covenant of Mayors for Climate and Energy and the Asian Development Bank, "
        "organised a three-day online training on access to climate finance for local governments of South-East Asia. "
        "More than 120 officials from city planning, finance and environment departments of Indonesia, the Philippines, "
        "Viet Nam, Cambodia and Malaysia took part.",
        "The training was designed for cities that have already prepared a climate action plan but struggle to turn the "
        "projects listed in the plan into proposals that banks and climate funds can consider. Trainers explained the "
        "difference between grants, concessional loans and blended finance, and walked participants through the project "
        "preparation cycle, from the concept note to the feasibility study.",
        "In group exercises, city teams worked on their own projects, including a flood-protection scheme in a coastal "
        "district, the replacement of street lighting with LED lamps, and a waste-to-compost facility serving municipal "
        "markets. Each team received feedback from finance experts on the data that would be needed to estimate emission "
        "reductions and the revenue the project could generate.",
        "Participants pointed out that national rules on municipal borrowing remain the main obstacle. In several "
        "countries, cities cannot borrow directly or need the approval of the ministry of finance for any loan. UCLG "
        "ASPAC will bring these findings to the regional dialogue on local climate finance planned for the second half "
        "of the year.")
    comments = (
        '<div id="comments" class="comments-area">\n'
        '<h2 class="comments-title">3 thoughts on &ldquo;' + esc(title) + '&rdquo;</h2>\n'
        '<ol class="comment-list">\n'
        '<li id="comment-2291" class="pingback even thread-even depth-1"><div class="comment-body">Pingback: '
        '<a href="https://urbanasiareview.example/climate-finance-roundup/" class="url" rel="ugc external nofollow">Climate finance '
        'readiness for cities &#8211; weekly roundup | Urban Asia Review</a> </div></li>\n'
        '<li id="comment-2294" class="comment odd alt thread-odd thread-alt depth-1"><article id="div-comment-2294" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard"><img alt="" src="https://secure.gravatar.com/avatar/a1?s=32" class="avatar avatar-32 photo" height="32" width="32" />'
        '<b class="fn">Rina Kusuma</b> <span class="says">says:</span></div><div class="comment-metadata"><a href="#comment-2294">'
        '<time datetime="2021-05-25T08:12:40+07:00">May 25, 2021 at 8:12 am</time></a></div></footer>'
        '<div class="comment-content"><p>Thank you UCLG ASPAC for this training. The sessions on the concept note were very '
        'practical and our team in Semarang is already revising the proposal for our drainage project with the comments '
        'we received from the experts.</p></div></article></li>\n'
        '<li id="comment-2297" class="comment even thread-even depth-1 parent"><article id="div-comment-2297" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Jose Miguel Santos</b> <span class="says">says:</span></div>'
        '<div class="comment-metadata"><a href="#comment-2297"><time datetime="2021-05-26T14:03:11+07:00">May 26, 2021 at 2:03 pm</time></a></div></footer>'
        '<div class="comment-content"><p>Will the presentations be shared with participants? Some of our colleagues from the '
        'city finance office could not attend the third day because of the council session.</p></div></article>'
        '<ol class="children"><li id="comment-2298" class="comment byuser bypostauthor odd alt depth-2"><article id="div-comment-2298" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">UCLG ASPAC</b> <span class="says">says:</span></div>'
        '<div class="comment-metadata"><time datetime="2021-05-27T09:30:00+07:00">May 27, 2021 at 9:30 am</time></div></footer>'
        '<div class="comment-content"><p>Dear Jose Miguel, the presentations and the recordings of the three sessions have been '
        'sent to all registered participants by e-mail.</p></div></article></li></ol></li>\n'
        '</ol>\n<p class="no-comments">Comments are closed.</p>\n</div>\n')
    nav = ('<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">'
           '<div class="nav-previous"><a href="' + ASPAC + '/uclg-aspac-and-unicef-launch-child-friendly-cities-initiative/" rel="prev">'
           '<span class="meta-nav" aria-hidden="true">Previous post</span> <span class="post-title">UCLG ASPAC and UNICEF launch a child-friendly '
           'cities initiative in Indonesia</span></a></div><div class="nav-next"><a href="' + ASPAC + '/webinar-on-local-responses-to-covid-19-in-south-asia/" rel="next">'
           '<span class="meta-nav" aria-hidden="true">Next post</span> <span class="post-title">Webinar on local responses to COVID-19 '
           'in South Asia gathers mayors from five countries</span></a></div></div></nav>\n')
    article_html = (
        '<article id="post-11874" class="post-11874 post type-post status-publish format-standard has-post-thumbnail hentry category-news category-climate">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>'
        '<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="2021-05-24T10:00:00+07:00">May 24, 2021</time></span>'
        '<span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/secretariat/">Secretariat</a></span></span></div></header>\n'
        f'<div class="post-thumbnail"><img src="{ASPAC}/wp-content/uploads/2021/05/climate-finance-training.png" alt="" /></div>\n'
        '<div class="entry-content">\n' + "\n".join(body) + "\n</div>\n"
        '<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/news/" rel="category tag">News</a>, '
        '<a href="/category/climate/" rel="category tag">Climate</a></span></footer>\n</article>\n')
    menu_items = [("About", f"{ASPAC}/about/", [("Who we are", f"{ASPAC}/who-we-are/"), ("Members", f"{ASPAC}/members/"),
                                               ("Secretariat", f"{ASPAC}/secretariat/")]),
                  ("Programmes", f"{ASPAC}/programmes/", [("Climate", f"{ASPAC}/climate/"), ("SDGs", f"{ASPAC}/sdgs/"),
                                                         ("Urban Health", f"{ASPAC}/urban-health/"), ("Local Finance", f"{ASPAC}/local-finance/")]),
                  ("News", f"{ASPAC}/news/"), ("Events", f"{ASPAC}/events/"), ("Publications", f"{ASPAC}/publications/"),
                  ("Contact", f"{ASPAC}/contact/")]
    sidebar = wp_sidebar(
        recent=[("Webinar on local responses to COVID-19 in South Asia gathers mayors from five countries", f"{ASPAC}/webinar-on-local-responses-to-covid-19-in-south-asia/"),
                ("UCLG ASPAC and UNICEF launch a child-friendly cities initiative in Indonesia", f"{ASPAC}/uclg-aspac-and-unicef-launch-child-friendly-cities-initiative/"),
                ("Executive Bureau meets online", f"{ASPAC}/executive-bureau-meets-online/")],
        categories=[("Climate", f"{ASPAC}/category/climate/", 54), ("Events", f"{ASPAC}/category/events/", 88),
                    ("News", f"{ASPAC}/category/news/", 430)],
        archives=months(ASPAC, "en", 2021, 5, 12),
        tags=[("Climate finance", f"{ASPAC}/tag/climate-finance/"), ("Indonesia", f"{ASPAC}/tag/indonesia/"),
              ("Philippines", f"{ASPAC}/tag/philippines/"), ("Training", f"{ASPAC}/tag/training/")])
    footer = wp_footer(site="UCLG ASPAC", address="Jakarta Capital City Government Complex, Building H, 21st Floor, Jl. Medan Merdeka Selatan No. 8-9, Jakarta 10110, Indonesia",
                       phone="+62 21 389 01 801", email="info@uclg-aspac.org",
                       columns=[("Links", [("UCLG", "https://www.uclg.org"), ("CityNet", "https://citynet-ap.org"), ("ICLEI", "https://iclei.org")])],
                       social=[("Facebook", "https://www.facebook.com/uclgaspac"), ("Twitter", "https://twitter.com/uclgaspac")],
                       copyright_line="Copyright © 2021 UCLG ASPAC. All rights reserved.")
    html = wp_page(
        base=ASPAC, url=url, lang="en-US", locale="en_US", site="UCLG ASPAC", tagline="United Cities and Local Governments Asia-Pacific",
        title=title, published="2021-05-24T10:00:00+07:00", modified="2021-05-27T09:31:00+07:00", author="Secretariat",
        description="UCLG ASPAC organised a three-day online training on access to climate finance.",
        image=f"{ASPAC}/wp-content/uploads/2021/05/climate-finance-training.png", main_menu=menu_items, article=article_html,
        after_article=nav + comments, sidebar=sidebar, footer=footer,
        body_class="post-template-default single single-post postid-11874 single-format-standard", theme="twentytwenty-child")
    return Fixture("aspac_comments_closed", url, html, body)


# ---------------------------------------------------------------------------------------
# UCLG Africa (WordPress + Enfold): Related posts, You may also like, Next post
# ---------------------------------------------------------------------------------------

UCLGA = "https://www.uclga.org"


def uclga_related_blocks() -> Fixture:
    slug = "alga-launches-a-new-training-cycle-for-municipal-finance-officers-in-central-africa"
    url = f"{UCLGA}/news/{slug}/"
    title = "ALGA launches a new training cycle for municipal finance officers in Central Africa"
    body = P(
        "The African Local Governments Academy (ALGA) of UCLG Africa launched on 21 March 2022 in Yaoundé a new training "
        "cycle for finance officers of local governments of Central Africa. The first session brings together 35 "
        "participants from Cameroon, Gabon, Chad, the Central African Republic and the Republic of Congo.",
        "The programme addresses a long-standing gap. Most municipalities of the region depend on transfers from the "
        "central state that arrive late and are difficult to forecast, while local revenues remain far below their "
        "potential. Finance officers are often recruited without specific training in public financial management and "
        "learn on the job.",
        "Over five modules spread across the year, participants will work on budget preparation and execution, the "
        "mobilisation of own-source revenues, the management of local public debt and the preparation of financial "
        "statements that can be audited. Each module combines classroom sessions, field visits to municipalities that "
        "have reformed their practices, and exercises on the participants' own budgets.",
        "Speaking at the opening, the Secretary General of UCLG Africa recalled that the decentralisation of "
        "responsibilities has not been matched by the decentralisation of resources. He called on national governments "
        "to recognise the profession of local finance officer and to guarantee career paths that keep trained staff in "
        "local administrations.",
        "The training cycle is supported by the Ministry of Decentralisation and Local Development of Cameroon and by the "
        "national associations of local governments of the participating countries. Participants who complete all five "
        "modules will receive a certificate issued by ALGA.")
    teasers = [
        ("UCLG Africa and the Moroccan government sign the headquarters agreement of the Africities secretariat",
         "africities-headquarters-agreement",
         "The agreement signed in Rabat gives the Africities secretariat a permanent legal basis and opens the way to the "
         "preparation of the tenth edition of the summit in Kisumu."),
        ("Local finance: the applications for the online course on own-source revenues are open",
         "online-course-own-source-revenues",
         "The six-week course, delivered in English and French, is designed for finance officers and elected officials "
         "who want to improve the collection of local taxes and fees."),
        ("Women mayors of Central Africa meet in Libreville",
         "women-mayors-central-africa-libreville",
         "The meeting of the network of locally elected women of Central Africa focused on access to land and credit for "
         "women entrepreneurs in secondary cities."),
    ]
    related = (
        "<div class='related_posts clearfix av-related-style-tooltip'><h5 class='related_title'>Related posts</h5>"
        "<div class='related_entries_container'>"
        + "".join(f"<div class='av_one_eighth no_margin relThumb relThumb{i} post-format-standard related_column'>"
                  f"<a href='{UCLGA}/news/{s}/' class='relThumWrap noLightbox' title='{esc(t)}'><span class='related_image_wrap' "
                  f"data-avia-related-tooltip=\"{esc(t)}\"><img width='180' height='180' src='{UCLGA}/wp-content/uploads/2022/0{i}/thumb-{i}.jpg' "
                  f"class='wp-image-{900 + i} avia-img-lazy-loading-not-{900 + i} attachment-square size-square wp-post-image' alt='' />"
                  f"</span><strong class='av-related-title'>{esc(t)}</strong></a></div>"
                  for i, (t, s, _) in enumerate(teasers + [("ALGA graduates its first class of municipal managers", "alga-first-class", ""),
                                                            ("Decentralisation index: a new ranking of African countries", "decentralisation-index", "")], 1))
        + "</div></div>\n")
    jetpack = (
        "<div id='jp-relatedposts' class='jp-relatedposts' style='display: block;'><h3 class=\"jp-relatedposts-headline\"><em>Related</em></h3>"
        "<div class=\"jp-relatedposts-items jp-relatedposts-items-visual jp-relatedposts-grid\">"
        + "".join(f'<div class="jp-relatedposts-post jp-relatedposts-post{i} jp-relatedposts-post-thumbs" data-post-id="{4400 + i}" data-post-format="false">'
                  f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{UCLGA}/news/{s}/" title="{esc(t)}">{esc(t)}</a></h4>'
                  f'<p class="jp-relatedposts-post-excerpt">{esc(x)}</p><p class="jp-relatedposts-post-date">March {3 + i}, 2022</p>'
                  f'<p class="jp-relatedposts-post-context">In &quot;News&quot;</p></div>'
                  for i, (t, s, x) in enumerate(teasers))
        + "</div></div>\n")
    more = (
        '<section class="more-news-grid"><h3 class="more-news-grid__title">You may also like</h3><div class="more-news-grid__items">'
        + "".join(f'<article class="more-news-card"><a href="{UCLGA}/news/{s}/"><img src="{UCLGA}/wp-content/uploads/2022/03/card-{i}.jpg" alt="" /></a>'
                  f'<h4><a href="{UCLGA}/news/{s}/">{esc(t)}</a></h4><p>{esc(x)}</p><a class="more-link" href="{UCLGA}/news/{s}/">Read more</a></article>'
                  for i, (t, s, x) in enumerate(reversed(teasers)))
        + "</div></section>\n")
    nav = ('<div class="single-post-nav"><a class="single-post-nav__prev" href="' + UCLGA + '/news/decentralisation-index/">'
           '<span class="label">Previous post</span><span class="title">Decentralisation index: a new ranking of African countries</span></a>'
           '<a class="single-post-nav__next" href="' + UCLGA + '/news/alga-first-class/"><span class="label">Next post</span>'
           '<span class="title">ALGA graduates its first class of municipal managers</span></a></div>\n')
    suggestions = (
        '<div class="post-suggestions"><h3 class="post-suggestions__title">You may also like</h3>'
        + "".join(f'<div class="post-suggestions__item"><h4><a href="{UCLGA}/news/{s}/">{esc(t)}</a></h4><p>{esc(x)}</p></div>'
                  for t, s, x in teasers[::-1])
        + '</div>\n'
        '<div class="post-pager"><a class="post-pager__prev" href="' + UCLGA + '/news/decentralisation-index/">Previous post: Decentralisation '
        'index: a new ranking of African countries</a> <a class="post-pager__next" href="' + UCLGA + '/news/alga-first-class/">Next post: '
        'ALGA graduates its first class of municipal managers</a></div>\n')
    relpost = (
        '<!-- relpost-thumb-wrapper --><div class="relpost-thumb-wrapper"><!-- filter-class --><div class="relpost-thumb-container">'
        '<h3>Related posts:</h3><div style="clear: both"></div><div style="clear: both"></div><div class="relpost-block-container">'
        + "".join(f'<a href="{UCLGA}/news/{s}/" class="relpost-block-single"><div class="relpost-custom-block-single" style="width: 150px; height: 225px;">'
                  f'<div class="relpost-block-single-image" aria-label="{esc(t)}" role="img" style="background: transparent url({UCLGA}/wp-content/uploads/2022/0{i}/thumb-{i}-150x150.jpg) no-repeat scroll 0% 0%; width: 150px; height: 150px;"></div>'
                  f'<div class="relpost-block-single-text" style="font-family: Arial; font-size: 12px; color: #333333;">{esc(t)}</div></div></a>'
                  for i, (t, s, _) in enumerate(teasers, 1))
        + '</div><!-- close relpost-block-container --><div style="clear: both"></div></div><!-- close filter class --></div><!-- close relpost-thumb-wrapper -->\n')
    article_html = (
        "<article class='post-entry post-entry-type-standard post-entry-4472 post-loop-1 post-parity-odd post-entry-last single-big with-slider "
        "post-4472 post type-post status-publish format-standard has-post-thumbnail hentry category-news tag-alga-2' itemscope='itemscope' itemtype='https://schema.org/BlogPosting'>\n"
        f"<div class='big-preview single-big'><a href='{UCLGA}/wp-content/uploads/2022/03/alga-yaounde.jpg' title='{esc(title)}'>"
        f"<img width='1210' height='423' src='{UCLGA}/wp-content/uploads/2022/03/alga-yaounde-1210x423.jpg' class='wp-image-4473 attachment-entry_with_sidebar size-entry_with_sidebar wp-post-image' alt='' /></a></div>\n"
        "<div class='blog-meta'></div><div class='entry-content-wrapper clearfix standard-content'>\n"
        "<header class=\"entry-content-header\"><div class=\"av-heading-wrapper\">"
        f"<h1 class='post-title entry-title ' itemprop=\"headline\">{esc(title)}<span class=\"post-format-icon minor-meta\"></span></h1>"
        "<span class=\"post-meta-infos\"><time class=\"date-container minor-meta updated\" itemprop=\"datePublished\" datetime=\"2022-03-21T15:10:34+00:00\">21 March 2022</time>"
        "<span class=\"text-sep\">/</span><span class=\"blog-categories minor-meta\">in <a href=\"/category/news/\" rel=\"tag\">News</a></span></span></div></header>\n"
        "<span class=\"av-vertical-delimiter\"></span>\n"
        "<div class=\"entry-content\" itemprop=\"text\">\n" + "\n".join(body) + "\n" + relpost + jetpack + suggestions + "</div>\n"
        "<span class=\"post-meta-infos\"></span><footer class=\"entry-footer\"><span class=\"blog-tags minor-meta\"><strong>Tags:</strong>"
        "<span> <a href=\"/tag/alga-2/\" rel=\"tag\">ALGA</a>, <a href=\"/tag/local-finance/\" rel=\"tag\">local finance</a></span></span></footer>\n"
        "<div class='post_delimiter'></div></div><div class=\"post_author_timeline\"></div>\n"
        "</article>\n")
    menu_items = [("About Us", f"{UCLGA}/about-us/", [("Presentation", f"{UCLGA}/presentation/"), ("Governance", f"{UCLGA}/governance/"),
                                                     ("Regional Offices", f"{UCLGA}/regional-offices/"), ("Members", f"{UCLGA}/members/")]),
                  ("Programmes", f"{UCLGA}/programmes/", [("ALGA", "https://uclgafrica-alga.org"), ("Africities", "https://africities.org"),
                                                         ("Local Finance", f"{UCLGA}/local-finance/"), ("Climate Task Force", f"{UCLGA}/climate-task-force/"),
                                                         ("REFELA", f"{UCLGA}/refela/")]),
                  ("News", f"{UCLGA}/category/news/"), ("Press Releases", f"{UCLGA}/category/press-releases/"),
                  ("Events", f"{UCLGA}/events/"), ("Publications", f"{UCLGA}/publications/"), ("Contact", f"{UCLGA}/contact/")]
    sidebar = wp_sidebar(
        recent=[(t, f"{UCLGA}/news/{s}/") for t, s, _ in teasers],
        categories=[("News", f"{UCLGA}/category/news/", 1288), ("News EARO", f"{UCLGA}/category/news-earo/", 93),
                    ("News WARO", f"{UCLGA}/category/news-waro/", 77), ("Press Releases", f"{UCLGA}/category/press-releases/", 154)],
        archives=months(UCLGA, "en", 2022, 3, 12),
        tags=[("ALGA", f"{UCLGA}/tag/alga-2/"), ("Africities", f"{UCLGA}/tag/africities/"), ("CGLU", f"{UCLGA}/tag/cglu/"),
              ("Local finance", f"{UCLGA}/tag/local-finance/"), ("UCLG Africa", f"{UCLGA}/tag/uclg-africa-2/")])
    footer = wp_footer(site="UCLG Africa", address="22, Essaadyine Street, Hassan, 10020 Rabat, Morocco", phone="+212 537 26 00 62",
                       email="info@uclga.org",
                       columns=[("Useful links", [("Africities", "https://africities.org"), ("ALGA", "https://uclgafrica-alga.org"),
                                                  ("UCLG", "https://www.uclg.org")])],
                       social=[("Facebook", "https://www.facebook.com/uclgafrica"), ("Twitter", "https://twitter.com/UCLGAfrica"),
                               ("YouTube", "https://www.youtube.com/uclgafrica")],
                       copyright_line="© Copyright - UCLG Africa - Enfold WordPress Theme by Kriesi")
    html = wp_page(
        base=UCLGA, url=url, lang="en-US", locale="en_US", site="UCLG Africa", tagline="United Cities and Local Governments of Africa",
        title=title, published="2022-03-21T15:10:34+00:00", modified="2022-03-22T08:02:11+00:00", author="UCLG Africa",
        description="ALGA launched in Yaoundé a new training cycle for finance officers of local governments of Central Africa.",
        image=f"{UCLGA}/wp-content/uploads/2022/03/alga-yaounde.jpg", main_menu=menu_items, article=article_html,
        after_article=related + more + nav, sidebar=sidebar, footer=footer,
        body_class="post-template-default single single-post postid-4472 single-format-standard rtl_columns av-curtain-numeric avia-responsive-images-support",
        theme="enfold", content_wrap=("<main class='template-page content  av-content-small alpha units' role=\"main\" itemprop=\"mainContentOfPage\">", "</main>"))
    return Fixture("uclga_related_blocks", url, html, body)


# ---------------------------------------------------------------------------------------
# PLATFORMA: share bars at the top and bottom of the body, print / e-mail / PDF tools
# ---------------------------------------------------------------------------------------

PLAT = "https://platforma-dev.eu"


def platforma_share_print() -> Fixture:
    slug = "decentralised-cooperation-in-a-changing-world-platforma-partners-meet-in-brussels"
    url = f"{PLAT}/{slug}/"
    title = "Decentralised cooperation in a changing world: PLATFORMA partners meet in Brussels"
    share_top = (
        '<div class="heateor_sss_sharing_container heateor_sss_horizontal_sharing" data-heateor-sss-href="' + url + '">'
        '<div class="heateor_sss_sharing_title" style="font-weight:bold">Share this:</div><div class="heateor_sss_sharing_ul">'
        + "".join(f'<a aria-label="{n}" class="heateor_sss_button_{k}" href="#" title="{n}" rel="nofollow noopener" target="_blank">'
                  f'<span class="heateor_sss_svg heateor_sss_s__default heateor_sss_s_{k}"></span></a>'
                  for n, k in [("Facebook", "facebook"), ("Twitter", "twitter"), ("Linkedin", "linkedin"), ("Email", "email"), ("Print", "print")])
        + "</div></div>\n")
    tools = ('<ul class="article-tools"><li><a href="javascript:window.print()">Print</a></li>'
             f'<li><a href="mailto:?subject={esc(title)}&amp;body={url}">Email</a></li>'
             f'<li><a href="{PLAT}/{slug}/?format=pdf">PDF</a></li></ul>\n')
    body = [J(share_top), J('<p class="post-date-line">29 August 2017</p>')] + P(
        "More than sixty representatives of local and regional governments and their associations gathered in Brussels "
        "for the annual meeting of PLATFORMA partners. For two days, they discussed how decentralised cooperation can "
        "respond to the new European Consensus on Development, adopted in June 2017, and to the growing attention paid to "
        "migration in the external policies of the European Union.",
        "The partners welcomed the fact that the Consensus recognises local authorities as actors of development in their "
        "own right. They also warned that this recognition must be followed by concrete means, such as direct access to "
        "calls for proposals and co-financing rules adapted to the budgets of small municipalities.")
    body += ["<h3>Learning from city-to-city partnerships</h3>"] + P(
        "Several partnerships were presented during the meeting. The twinning between a Swedish municipality and a "
        "district in Botswana showed how long-term cooperation on waste management can change daily services. A French "
        "region and its partner region in Senegal presented their joint programme on youth employment, and a Dutch "
        "municipality explained how it supports the land registry of a Palestinian town.",
        "The last session was devoted to the Sustainable Development Goals. Partners agreed to collect examples of how "
        "decentralised cooperation contributes to their implementation, in order to present them at the High-Level "
        "Political Forum in New York.")
    body += [J(tools)]
    sharedaddy = (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
        '<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>'
        + "".join(f'<li class="share-{k}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{k}-9021" class="share-{k} sd-button share-icon" '
                  f'href="{url}?share={k}&amp;nb=1" target="_blank" title="Click to share on {n}"><span>{lbl}</span></a></li>'
                  for k, n, lbl in [("facebook", "Facebook", "Share on Facebook"), ("twitter", "Twitter", "Share on Twitter"),
                                    ("linkedin", "LinkedIn", "Share on LinkedIn"), ("email", "Email", "Email"), ("print", "Print", "Print")])
        + '<li class="share-end"></li></ul></div></div></div>\n')
    pf = ('<div class="printfriendly pf-button pf-button-content pf-alignleft"><a href="#" rel="nofollow" onclick="window.print(); return false;" '
          'class="noslimstat" title="Printer Friendly, PDF & Email"><img class="pf-button-img" src="https://cdn.printfriendly.com/buttons/printfriendly-pdf-email-button-notext.png" '
          'alt="Print Friendly, PDF & Email" style="width: 110px;height: 30px;" /><span>Print Friendly, PDF &amp; Email</span></a></div>\n')
    newsletter = ('<div class="newsletter-signup"><h4>Subscribe to newsletter</h4><p>Every month, news on decentralised cooperation '
                  'and the development policy of the European Union.</p><form action="https://platforma-dev.us17.list-manage.com/subscribe/post" method="post">'
                  '<input type="email" name="EMAIL" placeholder="Your e-mail" /><input type="submit" value="Subscribe" /></form></div>\n')
    article_html = (
        '<article id="post-9021" class="post-9021 post type-post status-publish format-standard hentry category-news">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1></header>\n'
        '<div class="entry-content">\n' + pf + "\n".join(body) + "\n" + sharedaddy + "</div>\n"
        '</article>\n' + newsletter)
    menu_items = [("About", f"{PLAT}/about/", [("Who we are", f"{PLAT}/who-we-are/"), ("Partners", f"{PLAT}/partners/"),
                                              ("Team", f"{PLAT}/team/")]),
                  ("Topics", f"{PLAT}/topics/", [("Decentralised cooperation", f"{PLAT}/decentralised-cooperation/"),
                                                 ("Migration", f"{PLAT}/migration/"), ("SDGs", f"{PLAT}/sdgs/"),
                                                 ("Climate", f"{PLAT}/climate/")]),
                  ("News", f"{PLAT}/news/"), ("Publications", f"{PLAT}/publications/"), ("Events", f"{PLAT}/events/"),
                  ("Contact", f"{PLAT}/contact/")]
    sidebar = wp_sidebar(
        recent=[("PLATFORMA at the European Development Days", f"{PLAT}/platforma-at-the-european-development-days/"),
                ("Study: the external action of local governments", f"{PLAT}/study-external-action-local-governments/"),
                ("Call for partners: cities and migration", f"{PLAT}/call-for-partners-cities-and-migration/")],
        categories=[("News", f"{PLAT}/category/news/", 210), ("Publications", f"{PLAT}/category/publications/", 66)],
        archives=months(PLAT, "en", 2017, 8, 12),
        tags=[("Development", f"{PLAT}/tag/development/"), ("European Consensus", f"{PLAT}/tag/european-consensus/"),
              ("Twinning", f"{PLAT}/tag/twinning/")])
    footer = wp_footer(site="PLATFORMA", address="Square de Meeûs 1, 1000 Brussels, Belgium", phone="+32 2 265 09 30",
                       email="platforma@ccre-cemr.org",
                       columns=[("PLATFORMA", [("About", f"{PLAT}/about/"), ("Partners", f"{PLAT}/partners/"), ("Legal notice", f"{PLAT}/legal-notice/")])],
                       social=[("Twitter", "https://twitter.com/Platforma4Dev"), ("Facebook", "https://www.facebook.com/platforma4dev")],
                       copyright_line="PLATFORMA is co-funded by the European Union. © 2017 PLATFORMA")
    html = wp_page(
        base=PLAT, url=url, lang="en-GB", locale="en_GB", site="PLATFORMA", tagline="The voice of local and regional governments for development",
        title=title, published="2017-08-29T12:00:00+02:00", modified="2017-08-30T09:20:00+02:00", author="PLATFORMA",
        description="More than sixty representatives of local and regional governments gathered in Brussels for the annual meeting of PLATFORMA partners.",
        image=f"{PLAT}/wp-content/uploads/2017/08/partners-meeting.jpg", main_menu=menu_items, article=article_html,
        sidebar=sidebar, footer=footer, body_class="post-template-default single single-post postid-9021 single-format-standard",
        theme="platforma")
    return Fixture("platforma_share_print", url, html, body)


# ---------------------------------------------------------------------------------------
# UCLG-MEWA in Turkish: headline and date repeated in the body, Turkish chrome
# ---------------------------------------------------------------------------------------

def mewa_turkish() -> Fixture:
    slug = "belediyeler-afet-yonetiminde-deneyimlerini-paylasti"
    url = f"{MEWA}/{slug}/"
    title = "Belediyeler Afet Yönetiminde Deneyimlerini Paylaştı"
    body = [J(f"<h2><strong>{esc(title.upper())}</strong></h2>"), J("<p>18 Mayıs 2023</p>")] + P(
        "UCLG-MEWA tarafından düzenlenen Afet Yönetimi ve Dirençli Şehirler Çalıştayı, 16-17 Mayıs 2023 tarihlerinde "
        "İstanbul'da gerçekleştirildi. Çalıştaya Türkiye, Ürdün, Filistin ve Irak'tan 20 belediyenin teknik personeli ile "
        "üniversitelerden ve sivil toplum kuruluşlarından uzmanlar katıldı.",
        "Çalıştayın ilk gününde, 6 Şubat depremlerinin ardından bölgedeki belediyelerin yürüttüğü arama kurtarma, barınma "
        "ve temel hizmetlerin yeniden sağlanması çalışmaları ele alındı. Katılımcılar, ilk 72 saatte belediyeler arasında "
        "kurulan dayanışma ağlarının hayati bir rol oynadığını, ancak koordinasyon eksikliğinin yardımların dağıtımında "
        "gecikmelere neden olduğunu vurguladı.",
        "İkinci gün, afet öncesi hazırlık konusuna ayrıldı. Belediyeler, yapı stokunun envanterinin çıkarılması, toplanma "
        "alanlarının belirlenmesi ve mahalle düzeyinde gönüllü ekiplerin eğitilmesi konularındaki uygulamalarını paylaştı. "
        "Uzmanlar, risk azaltma planlarının imar planlarıyla birlikte hazırlanması gerektiğinin altını çizdi.",
        "Çalıştayın sonunda katılımcılar, belediyeler arası dayanışma protokollerinin yaygınlaştırılması, afet verilerinin "
        "ortak bir platformda paylaşılması ve yerel yönetimlerin afet risk azaltma fonlarına doğrudan erişiminin "
        "sağlanması yönünde ortak bir bildirge hazırladı.",
        "Çalıştay kapsamında katılımcılar, Hatay ve Kahramanmaraş'ta geçici barınma alanlarını yöneten belediye ekipleriyle "
        "çevrimiçi bir oturum da gerçekleştirdi. Bu oturumda, konteyner kentlerde su, atık ve ulaşım hizmetlerinin nasıl "
        "planlandığı ile çocuklar ve yaşlılar için sosyal destek programları ele alındı.",
        "UCLG-MEWA Genel Sekreteri, çalıştayın çıktılarının Dünya Kentler Günü etkinliklerinde ve UCLG Dünya Konseyi'nde "
        "paylaşılacağını belirtti.")
    share = ('<div class="paylas-alani"><span class="paylas-baslik">Paylaş:</span>'
             + "".join(f'<a class="paylas-{k}" href="#" target="_blank" rel="nofollow">{n}</a>'
                       for k, n in [("facebook", "Facebook"), ("twitter", "Twitter"), ("linkedin", "LinkedIn"), ("whatsapp", "WhatsApp")])
             + "</div>\n")
    similar = ('<div class="benzer-haberler"><h3>Benzer Haberler</h3><ul>'
               + "".join(f'<li><a href="{MEWA}/{s}/">{t}</a><span class="tarih">{d}</span></li>'
                         for t, s, d in [("Deprem Bölgesindeki Belediyelere Dayanışma Ziyareti", "deprem-bolgesindeki-belediyelere-dayanisma-ziyareti", "2 Mart 2023"),
                                         ("İklim Değişikliğine Uyum Webinarı Gerçekleştirildi", "iklim-degisikligine-uyum-webinari", "21 Nisan 2023"),
                                         ("Göç ve Kentler Akran Öğrenme Çalıştayı Gaziantep'te Yapıldı", "goc-ve-kentler-akran-ogrenme-calistayi", "14 Kasım 2019")])
               + "</ul></div>\n")
    nav = ('<div class="haber-gezinme"><a class="onceki" href="' + MEWA + '/iklim-degisikligine-uyum-webinari/">« Önceki Haber</a>'
           '<a class="sonraki" href="' + MEWA + '/kadin-liderligi-toplantisi/">Sonraki Haber »</a></div>\n')
    article_html = (
        '<article id="post-7011" class="post-7011 post type-post status-publish format-standard has-post-thumbnail hentry category-haberler">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>'
        '<div class="entry-meta"><time class="entry-date published" datetime="2023-05-18T12:30:00+03:00">18 Mayıs 2023</time></div></header>\n'
        '<div class="entry-content">\n' + "\n".join(body) + "\n</div>\n" + share + "</article>\n")
    after = similar + nav + '<div id="comments" class="comments-area"><p class="nocomments">Yorumlar kapalı.</p></div>\n'
    menu_items = [("Kurumsal", f"{MEWA}/kurumsal/", [("Hakkımızda", f"{MEWA}/kurumsal/hakkimizda/"), ("Yönetim", f"{MEWA}/kurumsal/yonetim/"),
                                                    ("Üyelik", f"{MEWA}/kurumsal/uyelik/"), ("Neden Üye Olmalıyım?", f"{MEWA}/kurumsal/uyelik/neden-uye-olmaliyim/")]),
                  ("Faaliyetler", f"{MEWA}/faaliyetler/", [("Komiteler", f"{MEWA}/komiteler/"), ("Projeler", f"{MEWA}/projeler/"),
                                                          ("Eğitimler", f"{MEWA}/egitimler/"), ("Etkinlik Takvimi", f"{MEWA}/etkinlik-takvimi/")]),
                  ("Haberler", f"{MEWA}/haberler/"), ("Yayınlar", f"{MEWA}/yayinlar/"), ("E-Bülten", f"{MEWA}/e-bulten/"),
                  ("İletişim", f"{MEWA}/iletisim/")]
    sidebar = wp_sidebar(
        recent=[(t, f"{MEWA}/{s}/") for t, s in [("Deprem Bölgesindeki Belediyelere Dayanışma Ziyareti", "deprem-bolgesindeki-belediyelere-dayanisma-ziyareti"),
                                                 ("İklim Değişikliğine Uyum Webinarı Gerçekleştirildi", "iklim-degisikligine-uyum-webinari"),
                                                 ("UCLG-MEWA Dünya Konseyi'ne Katıldı", "uclg-mewa-dunya-konseyine-katildi")]],
        categories=[("Duyurular", f"{MEWA}/kategori/duyurular/", 52), ("Etkinlikler", f"{MEWA}/kategori/etkinlikler/", 140),
                    ("Haberler", f"{MEWA}/kategori/haberler/", 655)],
        archives=months(MEWA, "tr", 2023, 5, 12),
        tags=[("Afet", f"{MEWA}/etiket/afet/"), ("Dayanıklılık", f"{MEWA}/etiket/dayaniklilik/"), ("Deprem", f"{MEWA}/etiket/deprem/")],
        search_label="Arama:", titles=("Son Yazılar", "Kategoriler", "Arşivler", "Etiketler"))
    footer = wp_footer(site="UCLG-MEWA", address="Yerebatan Caddesi, Salkımsöğüt Sokak No: 2, 34410 Cağaloğlu, Fatih, İstanbul",
                       phone="+90 212 511 10 00", email="info@uclg-mewa.org",
                       columns=[("Hızlı Erişim", [("Hakkımızda", f"{MEWA}/kurumsal/hakkimizda/"), ("Üyelik", f"{MEWA}/kurumsal/uyelik/"),
                                                  ("Yayınlar", f"{MEWA}/yayinlar/"), ("Kariyer", f"{MEWA}/kariyer/")])],
                       social=[("Facebook", "https://www.facebook.com/uclgmewa"), ("Twitter", "https://twitter.com/uclgmewa"),
                               ("Instagram", "https://www.instagram.com/uclgmewa")],
                       copyright_line="© 2023 UCLG-MEWA. Tüm hakları saklıdır. | <a href=\"/kvkk/\">KVKK Aydınlatma Metni</a>")
    cookie = ('<div id="cookie-law-info-bar" data-nosnippet="true"><span>Bu web sitesi, size en iyi deneyimi sunmak için çerezler '
              'kullanır. Siteyi kullanmaya devam ederek çerez kullanımını kabul etmiş sayılırsınız. Ayrıntılı bilgi için Kişisel '
              'Verilerin Korunması Aydınlatma Metnimizi inceleyebilirsiniz.<a role="button" data-cli_action="accept" '
              'id="cookie_action_close_header" class="medium cli-plugin-button cli-plugin-main-button">Kabul Et</a></span></div>\n')
    html = wp_page(
        base=MEWA, url=url, lang="tr-TR", locale="tr_TR", site="UCLG-MEWA",
        tagline="Birleşmiş Kentler ve Yerel Yönetimler Orta Doğu ve Batı Asya Bölge Teşkilatı", title=title,
        published="2023-05-18T12:30:00+03:00", modified="2023-05-18T15:02:00+03:00", author="UCLG-MEWA",
        description="UCLG-MEWA tarafından düzenlenen Afet Yönetimi ve Dirençli Şehirler Çalıştayı İstanbul'da gerçekleştirildi.",
        image=f"{MEWA}/wp-content/uploads/2023/05/afet-calistayi.jpg", main_menu=menu_items, article=article_html,
        after_article=after, sidebar=sidebar, footer=footer, after_page=cookie, skip_label="İçeriğe geç",
        body_class="post-template-default single single-post postid-7011 single-format-standard", theme="citynet",
        lang_switcher=[("tr", url), ("en", f"{MEWA}/en/municipalities-shared-their-experiences-in-disaster-management/")],
        section="Haberler", html_lang="tr-TR")
    return Fixture("mewa_turkish", url, html, body)


# ---------------------------------------------------------------------------------------
# Mercociudades (Spanish, WordPress + Avada): a data table that belongs to the article
# ---------------------------------------------------------------------------------------

MERCO = "https://mercociudades.org"


def mercociudades_table() -> Fixture:
    slug = "mercociudades-presenta-el-balance-de-su-programa-de-cooperacion-sur-sur-2023"
    url = f"{MERCO}/{slug}/"
    title = "Mercociudades presenta el balance de su programa de cooperación sur-sur 2023"
    rows = [("Rosario (Argentina)", "Montevideo (Uruguay)", "Gestión integral de residuos", "12.000"),
            ("Santo André (Brasil)", "Quilmes (Argentina)", "Economía social y solidaria", "10.500"),
            ("Valparaíso (Chile)", "Canelones (Uruguay)", "Cuidados y personas mayores", "9.800"),
            ("Asunción (Paraguay)", "Tandil (Argentina)", "Movilidad urbana sostenible", "11.200"),
            ("La Paz (Bolivia)", "Guarulhos (Brasil)", "Presupuesto participativo", "8.700"),
            ("Esteban Echeverría (Argentina)", "Montevideo (Uruguay)", "Género y diversidad", "9.300")]
    table = ('<div class="table-1"><table width="100%"><thead><tr><th align="left">Ciudad solicitante</th><th align="left">Ciudad socia</th>'
             '<th align="left">Tema</th><th align="right">Aporte (USD)</th></tr></thead><tbody>'
             + "".join(f'<tr><td align="left">{a}</td><td align="left">{b}</td><td align="left">{c}</td><td align="right">{d}</td></tr>'
                       for a, b, c, d in rows)
             + "</tbody></table></div>")
    body = P(
        "La Secretaría Técnica Permanente de Mercociudades presentó el balance del Programa de Cooperación Sur-Sur "
        "correspondiente a 2023, que financió proyectos de intercambio técnico entre gobiernos locales de la red en seis "
        "países de América del Sur.",
        "El programa, que se ejecuta desde 2016 con el apoyo de socios internacionales, permite que equipos municipales "
        "visiten otras ciudades para conocer de cerca políticas que funcionan y adaptarlas a su propio territorio. En esta "
        "edición se presentaron 41 propuestas, de las cuales fueron seleccionadas las siguientes:") + [table] + P(
        "En total se destinaron 61.500 dólares, que cubrieron pasajes, alojamiento y la organización de talleres en las "
        "ciudades anfitrionas. Las evaluaciones de los equipos participantes destacan el valor de conocer a sus pares y de "
        "mantener el contacto una vez terminada la visita.",
        "Por primera vez, el programa incluyó un encuentro virtual de cierre en el que cada equipo compartió los cambios "
        "que introdujo en su municipio tras el intercambio, desde nuevos protocolos de recolección diferenciada hasta una "
        "mesa local de cuidados.",
        "La coordinadora del programa señaló que la convocatoria 2024 se abrirá en abril y que dará prioridad a los "
        "proyectos vinculados con la acción climática y con la inclusión de las juventudes.")
    sharing = ('<div class="fusion-sharing-box fusion-theme-sharing-box fusion-single-sharing-box"><h4>¡Comparte esta publicación en tus redes!</h4>'
               '<div class="fusion-social-networks"><a class="fusion-social-network-icon fusion-facebook" href="#">Facebook</a>'
               '<a class="fusion-social-network-icon fusion-twitter" href="#">X</a><a class="fusion-social-network-icon fusion-whatsapp" href="#">WhatsApp</a>'
               '<a class="fusion-social-network-icon fusion-mail" href="#">Correo electrónico</a></div></div>\n')
    interest = ('<section class="related-posts single-related-posts"><div class="fusion-title title"><h4 class="title-heading-left">Te puede interesar</h4></div>'
                '<div class="fusion-carousel"><ul class="fusion-carousel-holder">'
                + "".join(f'<li class="fusion-carousel-item"><div class="fusion-carousel-item-wrapper"><h4 class="fusion-carousel-title">'
                          f'<a href="{MERCO}/{s}/">{t}</a></h4><div class="fusion-carousel-meta"><span class="fusion-date">{d}</span></div></div></li>'
                          for t, s, d in [("Abierta la convocatoria del Programa de Cooperación Sur-Sur", "abierta-convocatoria-cooperacion-sur-sur", "marzo 2, 2023"),
                                          ("Cumbre de Mercociudades 2023: las ciudades frente a la crisis climática", "cumbre-2023", "diciembre 1, 2023"),
                                          ("Taller regional sobre políticas de cuidados en Montevideo", "taller-cuidados-montevideo", "octubre 20, 2023")])
                + "</ul></div></section>\n")
    article_html = (
        '<article id="post-18830" class="post post-18830 type-post status-publish format-standard has-post-thumbnail hentry category-cooperacion category-noticias">\n'
        f'<h1 class="entry-title fusion-post-title">{esc(title)}</h1>\n'
        '<div class="fusion-meta-info"><div class="fusion-meta-info-wrapper"><span class="updated rich-snippet-hidden">2024-03-08T14:10:11-03:00</span>'
        '<span>08.03.2024</span><span class="fusion-inline-sep">|</span>Categorías: <a href="/category/cooperacion/" rel="category tag">Cooperación</a>, '
        '<a href="/category/noticias/" rel="category tag">Noticias</a><span class="fusion-inline-sep">|</span></div></div>\n'
        f'<div class="fusion-flexslider flexslider fusion-post-slideshow"><ul class="slides"><li><img src="{MERCO}/wp-content/uploads/2024/03/sur-sur-2023.jpg" alt="" /></li></ul></div>\n'
        '<div class="post-content">\n' + "\n".join(body) + "\n</div>\n"
        + sharing + interest + "</article>\n")
    menu_items = [("Institucional", f"{MERCO}/institucional/", [("Quiénes somos", f"{MERCO}/quienes-somos/"), ("Nuestra Misión", f"{MERCO}/mision/"),
                                                               ("Ciudades miembro", f"{MERCO}/ciudades-miembro/"), ("Autoridades", f"{MERCO}/autoridades/")]),
                  ("Temáticas", f"{MERCO}/tematicas/", [("Ambiente", f"{MERCO}/ambiente/"), ("Cooperación internacional", f"{MERCO}/cooperacion/"),
                                                        ("Cultura", f"{MERCO}/cultura/"), ("Género", f"{MERCO}/genero/"), ("Juventudes", f"{MERCO}/juventudes/")]),
                  ("Noticias", f"{MERCO}/category/noticias/"), ("Agenda", f"{MERCO}/agenda/"), ("Publicaciones", f"{MERCO}/publicaciones/"),
                  ("Contacto", f"{MERCO}/contacto/")]
    sidebar = wp_sidebar(
        recent=[("Abierta la convocatoria del Programa de Cooperación Sur-Sur", f"{MERCO}/abierta-convocatoria-cooperacion-sur-sur/"),
                ("Cumbre de Mercociudades 2023", f"{MERCO}/cumbre-2023/")],
        categories=[("Cooperación", f"{MERCO}/category/cooperacion/", 120), ("Noticias", f"{MERCO}/category/noticias/", 1840)],
        archives=months(MERCO, "es", 2024, 3, 12),
        tags=[("Cooperación sur-sur", f"{MERCO}/tag/cooperacion-sur-sur/"), ("Intercambio", f"{MERCO}/tag/intercambio/")],
        search_label="Buscar:", titles=("Entradas recientes", "Categorías", "Archivos", "Etiquetas"))
    footer = wp_footer(site="Mercociudades", address="Luis Piera 1994, Edificio Mercosur, Montevideo, Uruguay", phone="+598 2413 6624",
                       email="stpm@mercociudades.org",
                       columns=[("La red", [("Quiénes somos", f"{MERCO}/quienes-somos/"), ("Ciudades miembro", f"{MERCO}/ciudades-miembro/")])],
                       social=[("Facebook", "https://www.facebook.com/mercociudades"), ("Twitter", "https://twitter.com/mercociudades")],
                       copyright_line="© Mercociudades 2024 | Todos los derechos reservados")
    html = wp_page(
        base=MERCO, url=url, lang="es-ES", locale="es_ES", site="Mercociudades", tagline="Red de ciudades del Mercosur",
        title=title, published="2024-03-08T14:10:11-03:00", modified="2024-03-08T16:40:00-03:00", author="Mercociudades",
        description="La Secretaría Técnica Permanente de Mercociudades presentó el balance del Programa de Cooperación Sur-Sur 2023.",
        image=f"{MERCO}/wp-content/uploads/2024/03/sur-sur-2023.jpg", main_menu=menu_items, article=article_html,
        sidebar=sidebar, footer=footer, skip_label="Saltar al contenido",
        body_class="post-template-default single single-post postid-18830 single-format-standard fusion-body ltr",
        theme="Avada", section="Noticias", html_lang="es-ES")
    return Fixture("mercociudades_table", url, html, body)


# ---------------------------------------------------------------------------------------
# UCCI (Spanish, WordPress + qTranslate-X leftovers)
# ---------------------------------------------------------------------------------------

UCCI = "https://ciudadesiberoamericanas.org"


def ucci_qtranslate() -> Fixture:
    slug = "madrid-acoge-el-encuentro-de-responsables-de-cultura-de-las-capitales-iberoamericanas"
    url = f"{UCCI}/{slug}/"
    title = "Madrid acoge el encuentro de responsables de cultura de las capitales iberoamericanas"
    body = [J("<p>[:es]</p>")] + P(
        "Responsables de cultura de diecisiete capitales iberoamericanas se reunieron en Madrid los días 20 y 21 de "
        "noviembre en el marco del Comité Sectorial de Cultura de la Unión de Ciudades Capitales Iberoamericanas (UCCI). "
        "El encuentro, celebrado en el Centro Cultural Conde Duque, tuvo como eje el papel de la cultura en la cohesión "
        "social de los barrios.",
        "Durante la primera jornada, las delegaciones presentaron programas municipales que acercan la oferta cultural a "
        "los barrios periféricos, como las bibliotecas móviles de Bogotá, los centros culturales comunitarios de "
        "Montevideo y los festivales de barrio de Lisboa. Varias ciudades coincidieron en que la participación vecinal en "
        "la programación es la clave para que estos espacios se mantengan vivos.",
        "La segunda jornada se dedicó a la protección del patrimonio inmaterial y a los derechos culturales. Los "
        "participantes debatieron sobre cómo documentar las fiestas populares, los oficios tradicionales y las lenguas "
        "indígenas presentes en las ciudades, y sobre la necesidad de contar con presupuestos estables para la cultura de "
        "proximidad.",
        "Al cierre, las ciudades acordaron crear un banco de buenas prácticas en gestión cultural local y organizar "
        "intercambios de técnicos municipales durante 2018. La próxima reunión del comité tendrá lugar en Ciudad de "
        "México.") + [J("<p>[:pt]</p>"), J("<p>[:]</p>")]
    article_html = (
        '<article id="post-6620" class="post-6620 post type-post status-publish format-standard has-post-thumbnail hentry category-cultura category-noticias">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>'
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="2017-11-21T18:05:00+01:00">21 noviembre, 2017</time></span>'
        '<span class="cat-links"><a href="/category/cultura/">Cultura</a>, <a href="/category/noticias/">Noticias</a></span></div></header>\n'
        f'<div class="post-thumbnail"><img src="{UCCI}/wp-content/uploads/2017/11/comite-cultura-madrid.jpg" alt="" /></div>\n'
        '<div class="entry-content">\n' + "\n".join(body) + "\n</div>\n</article>\n")
    menu_items = [("[:es]La UCCI[:pt]A UCCI[:]", f"{UCCI}/la-ucci/", [("Historia", f"{UCCI}/historia/"), ("Ciudades miembro", f"{UCCI}/ciudades/"),
                                                                   ("Estatutos", f"{UCCI}/estatutos/"), ("Secretaría General", f"{UCCI}/secretaria-general/")]),
                  ("Comités sectoriales", f"{UCCI}/comites/", [("Cultura", f"{UCCI}/comite-cultura/"), ("Desarrollo económico", f"{UCCI}/comite-desarrollo/"),
                                                              ("Género", f"{UCCI}/comite-genero/"), ("Movilidad", f"{UCCI}/comite-movilidad/")]),
                  ("Noticias", f"{UCCI}/category/noticias/"), ("Agenda", f"{UCCI}/agenda/"), ("Formación", f"{UCCI}/formacion/"),
                  ("Contacto", f"{UCCI}/contacto/")]
    sidebar = wp_sidebar(
        recent=[("[:es]Reunión del Comité de Género en Lisboa[:pt]Reunião do Comité de Género em Lisboa[:]", f"{UCCI}/comite-genero-lisboa/"),
                ("[:es]Curso sobre movilidad urbana en Madrid[:]", f"{UCCI}/curso-movilidad/")],
        categories=[("Cultura", f"{UCCI}/category/cultura/", 64), ("Noticias", f"{UCCI}/category/noticias/", 911)],
        archives=months(UCCI, "es", 2017, 11, 12),
        tags=[("Cultura", f"{UCCI}/tag/cultura/"), ("Madrid", f"{UCCI}/tag/madrid/"), ("Patrimonio", f"{UCCI}/tag/patrimonio/")],
        search_label="Buscar:", titles=("Entradas recientes", "Categorías", "Archivos", "Etiquetas"))
    footer = wp_footer(site="UCCI", address="Calle Montalbán 1, 28014 Madrid, España", phone="+34 91 588 10 00",
                       email="ucci@madrid.es",
                       columns=[("UCCI", [("Historia", f"{UCCI}/historia/"), ("Ciudades miembro", f"{UCCI}/ciudades/"), ("Aviso legal", f"{UCCI}/aviso-legal/")])],
                       social=[("Twitter", "https://twitter.com/ucci_org"), ("Facebook", "https://www.facebook.com/UCCI")],
                       copyright_line="© Unión de Ciudades Capitales Iberoamericanas")
    html = wp_page(
        base=UCCI, url=url, lang="es-ES", locale="es_ES", site="UCCI", tagline="Unión de Ciudades Capitales Iberoamericanas",
        title=title, published="2017-11-21T18:05:00+01:00", modified="2017-11-22T10:00:00+01:00", author="UCCI",
        description="[:es]Responsables de cultura de diecisiete capitales iberoamericanas se reunieron en Madrid.[:]",
        image=f"{UCCI}/wp-content/uploads/2017/11/comite-cultura-madrid.jpg", main_menu=menu_items, article=article_html,
        sidebar=sidebar, footer=footer, skip_label="Saltar al contenido",
        body_class="post-template-default single single-post postid-6620 single-format-standard", theme="ucci",
        lang_switcher=[("es", url), ("pt", f"{UCCI}/pt/{slug}/")], section="Noticias", html_lang="es-ES")
    return Fixture("ucci_qtranslate", url, html, body)


# ---------------------------------------------------------------------------------------
# Eurocities (WordPress): long Cookiebot dialog, byline and reading time
# ---------------------------------------------------------------------------------------

EURO = "https://eurocities.eu"


def eurocities_cookiebot() -> Fixture:
    slug = "cities-step-up-winter-support-for-people-experiencing-homelessness"
    url = f"{EURO}/latest/{slug}/"
    title = "Cities step up winter support for people experiencing homelessness"
    body = P(
        "As temperatures drop across Europe, cities are opening additional shelter places, extending the opening hours of "
        "day centres and sending outreach teams to the streets at night. For many municipalities, the winter plan is the "
        "moment of the year when the gap between the need for support and the services available becomes most visible.",
        "In Ghent, the city has opened a winter shelter with 120 beds in a former school, run together with local "
        "charities. The shelter stays open during the day when temperatures fall below zero, so that people do not have "
        "to return to the street in the morning. Social workers use the time to help residents apply for benefits and "
        "housing.",
        "Warsaw has chosen a different approach. Its outreach teams work with a map of places where people sleep rough, "
        "updated every week with the help of residents who can report cases through a phone line. Teams bring warm "
        "clothes and food, but their main task is to convince people to accept a place in a shelter or a hospital bed.")
    body += ["<h2>Beyond emergency measures</h2>"] + P(
        "Cities are also aware that winter plans alone do not end homelessness. Vienna, Helsinki and Lyon have invested "
        "in Housing First programmes, which offer a permanent flat without conditions, together with support from a "
        "social worker. Evaluations show that more than eight in ten tenants keep their homes after two years.",
        "The European Platform on Combatting Homelessness, launched in Lisbon in 2021, set the goal of ending "
        "homelessness by 2030. Eurocities members have called for a stronger role of cities in the platform and for "
        "European funds that can be used to buy and renovate flats for social housing.",
        "In a joint statement published this week, mayors of twelve cities asked national governments to stop evictions "
        "during the winter months and to guarantee that no one is turned away from a shelter because of their residence "
        "status.")
    body = [J('<span class="span-reading-time rt-reading-time" style="display: block;"><span class="rt-label rt-prefix">Reading Time: </span>'
              '<span class="rt-time">4</span> <span class="rt-label rt-postfix">minutes</span></span>')] + body + [
        J('<div class="writer-card"><img src="' + EURO + '/wp-content/uploads/2021/02/alex-godson.jpg" alt="" /><p class="writer-card__name">Alex Godson</p>'
          '<p class="writer-card__role">Eurocities Writer</p></div>')]
    cats = [
        ("Necessary", 24, "Necessary cookies help make a website usable by enabling basic functions like page navigation "
         "and access to secure areas of the website. The website cannot function properly without these cookies."),
        ("Preferences", 6, "Preference cookies enable a website to remember information that changes the way the website "
         "behaves or looks, like your preferred language or the region that you are in."),
        ("Statistics", 11, "Statistic cookies help website owners to understand how visitors interact with websites by "
         "collecting and reporting information anonymously."),
        ("Marketing", 38, "Marketing cookies are used to track visitors across websites. The intention is to display ads "
         "that are relevant and engaging for the individual user and thereby more valuable for publishers and third party "
         "advertisers."),
        ("Unclassified", 3, "Unclassified cookies are cookies that we are in the process of classifying, together with "
         "the providers of individual cookies."),
    ]
    cookiebot = (
        '<div id="CybotCookiebotDialog" name="CybotCookiebotDialog" role="dialog" aria-modal="true" aria-labelledby="CybotCookiebotDialogBodyContentTitle" '
        'tabindex="-1" lang="en" dir="ltr" class="CybotCookiebotDialogActive CybotEdge" data-template="popup" style="display: flex;">'
        '<div class="CybotCookiebotDialogContentWrapper"><header class="CybotCookiebotDialogHeader"><div class="CybotCookiebotDialogHeaderLogosWrapper">'
        '<div id="CybotCookiebotDialogPoweredbyLink" class="CybotCookiebotDialogBodyLink">Powered by Cookiebot by Usercentrics</div></div></header>'
        '<nav class="CybotCookiebotDialogNav" role="tablist"><ul class="CybotCookiebotDialogNavItems">'
        '<li class="CybotCookiebotDialogNavItem"><a id="CybotCookiebotDialogNavDeclaration" class="CybotCookiebotDialogNavItemLink CybotCookiebotDialogActive" href="#">Consent</a></li>'
        '<li class="CybotCookiebotDialogNavItem"><a class="CybotCookiebotDialogNavItemLink" href="#">Details</a></li>'
        '<li class="CybotCookiebotDialogNavItem"><a class="CybotCookiebotDialogNavItemLink" href="#">About</a></li></ul></nav>'
        '<div id="CybotCookiebotDialogTabContent"><div id="CybotCookiebotDialogBody" class="CybotCookiebotDialogTabPanel">'
        '<div id="CybotCookiebotDialogBodyContent"><h2 id="CybotCookiebotDialogBodyContentTitle" lang="en">This website uses cookies</h2>'
        '<div id="CybotCookiebotDialogBodyContentText" lang="en"><p>We use cookies to personalise content and ads, to provide social media '
        'features and to analyse our traffic. We also share information about your use of our site with our social media, advertising '
        'and analytics partners who may combine it with other information that you\'ve provided to them or that they\'ve collected from '
        'your use of their services.</p><p>You can change or withdraw your consent at any time from the Cookie Declaration on our '
        'website. Learn more about who we are, how you can contact us and how we process personal data in our Privacy Policy.</p>'
        '<p>Your consent applies to the following domains: eurocities.eu, www.eurocities.eu</p></div></div></div>'
        '<div id="CybotCookiebotDialogDetailBody"><div id="CybotCookiebotDialogDetailBodyContentCookieContainerTypes">'
        + "".join(f'<div class="CybotCookiebotDialogDetailBodyContentCookieContainerTypes"><h3 class="CybotCookiebotDialogDetailBodyContentCookieContainerHeader">'
                  f'{n} <span class="CybotCookiebotDialogDetailBulkConsentCount">{c}</span></h3><div class="CybotCookiebotDialogDetailBodyContentCookieTypeIntro">'
                  f'<p>{d}</p></div></div>' for n, c, d in cats)
        + '</div><p class="CybotCookiebotDialogDetailFooter">Cookie declaration last updated on 04/12/2023 by Cookiebot</p></div>'
        '<div id="CybotCookiebotDialogAboutBody"><p>Cookies are small text files that can be used by websites to make a user\'s experience '
        'more efficient.</p><p>The law states that we can store cookies on your device if they are strictly necessary for the operation of '
        'this site. For all other types of cookies we need your permission.</p><p>This site uses different types of cookies. Some cookies '
        'are placed by third party services that appear on our pages.</p></div></div>'
        '<div class="CybotCookiebotDialogFooter"><div id="CybotCookiebotDialogBodyButtonsWrapper">'
        '<button id="CybotCookiebotDialogBodyButtonDecline" class="CybotCookiebotDialogBodyButton">Deny</button>'
        '<button id="CybotCookiebotDialogBodyLevelButtonCustomize" class="CybotCookiebotDialogBodyButton">Customize</button>'
        '<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" class="CybotCookiebotDialogBodyButton">Allow all</button></div></div>'
        '</div></div>\n')
    article_html = (
        '<article id="post-52210" class="post-52210 post type-post status-publish format-standard has-post-thumbnail hentry category-latest">\n'
        '<div class="article-hero"><div class="article-hero__meta"><span class="article-hero__type">News</span>'
        '<time datetime="2023-12-12">12 December 2023</time></div>'
        f'<h1 class="article-hero__title">{esc(title)}</h1>'
        f'<figure class="article-hero__image"><img src="{EURO}/wp-content/uploads/2023/12/winter-shelter.jpg" alt="" /></figure></div>\n'
        '<div class="article-layout"><aside class="article-layout__aside">'
        '<ul class="article-topics"><li><a href="/topic/social-affairs/">Social affairs</a></li><li><a href="/topic/housing/">Housing</a></li></ul></aside>\n'
        '<div class="article-layout__content entry-content">\n' + "\n".join(body) + "\n</div></div>\n"
        '<div class="article-contact"><h3>Contact</h3><p>Alex Godson, Eurocities Writer, <a href="mailto:alex.godson@eurocities.eu">alex.godson@eurocities.eu</a></p></div>\n'
        '</article>\n')
    menu_items = [("About us", f"{EURO}/about-us/", [("Who we are", f"{EURO}/who-we-are/"), ("Our members", f"{EURO}/our-members/"),
                                                    ("Our team", f"{EURO}/our-team/"), ("Work with us", f"{EURO}/work-with-us/")]),
                  ("Our work", f"{EURO}/our-work/", [("Climate", f"{EURO}/climate/"), ("Culture", f"{EURO}/culture/"),
                                                     ("Economy", f"{EURO}/economy/"), ("Mobility", f"{EURO}/mobility/"),
                                                     ("Social affairs", f"{EURO}/social-affairs/"), ("Digital", f"{EURO}/digital/")]),
                  ("Latest", f"{EURO}/latest/"), ("Events", f"{EURO}/events/"), ("Resources", f"{EURO}/resources/"),
                  ("Members area", f"{EURO}/members-area/")]
    footer = wp_footer(site="Eurocities", address="1 Square de Meeûs, 1000 Brussels, Belgium", phone="+32 2 552 08 88",
                       email="info@eurocities.eu",
                       columns=[("Eurocities", [("About us", f"{EURO}/about-us/"), ("Members", f"{EURO}/our-members/"), ("Press", f"{EURO}/press/")]),
                                ("Legal", [("Privacy policy", f"{EURO}/privacy-policy/"), ("Cookie policy", f"{EURO}/cookie-policy/")])],
                       social=[("Twitter", "https://twitter.com/eurocities"), ("LinkedIn", "https://www.linkedin.com/company/eurocities"),
                               ("Instagram", "https://www.instagram.com/eurocities_network")],
                       copyright_line="© 2023 Eurocities")
    html = wp_page(
        base=EURO, url=url, lang="en-GB", locale="en_GB", site="Eurocities", tagline="Network of major European cities", title=title,
        published="2023-12-12T09:00:00+01:00", modified="2023-12-12T11:45:00+01:00", author="Alex Godson",
        description="As temperatures drop across Europe, cities are opening additional shelter places.",
        image=f"{EURO}/wp-content/uploads/2023/12/winter-shelter.jpg", main_menu=menu_items, article=article_html,
        footer=footer, before_page=cookiebot, body_class="post-template-default single single-post postid-52210", theme="eurocities",
        extra_head='<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="4a1f2e7c-9d3b-4e55-8a0c-1b2d3e4f5a6b" data-blockingmode="auto" type="text/javascript"></script>\n',
        content_wrap=('<main id="main" class="site-main">', "</main>"))
    return Fixture("eurocities_cookiebot", url, html, body)


# ---------------------------------------------------------------------------------------
# CLGF (WordPress + Complianz): long consent banner, date line, welcome header
# ---------------------------------------------------------------------------------------

CLGF = "https://www.clgf.org.uk"


def clgf_consent_banner() -> Fixture:
    slug = "pacific-local-government-ministers-meet-in-suva-on-climate-resilience"
    url = f"{CLGF}/whats-new/news/{slug}/"
    title = "Pacific local government ministers meet in Suva on climate resilience"
    body = P(
        "Ministers responsible for local government from eight Pacific countries met in Suva, Fiji, on 12-13 March 2024 "
        "for a regional dialogue on climate resilience organised by the Commonwealth Local Government Forum with the "
        "Ministry of Local Government of Fiji.",
        "The dialogue opened with a session on the lessons of recent cyclones. Town councils in Fiji, Vanuatu and Tonga "
        "described how they reopened markets, cleared drainage systems and organised temporary shelters within days of "
        "the storms, often before national assistance reached them. Ministers recognised that councils are the first "
        "responders in most emergencies but often lack the mandate and the budget to plan ahead.",
        "Delegates then discussed how local governments could access international climate funds. Only a small share of "
        "adaptation finance reaches the local level in the Pacific, and councils find it difficult to meet the "
        "requirements of accreditation. Participants proposed a regional facility that would help councils prepare "
        "projects and channel funds through national governments.",
        "The ministers adopted the Suva Statement on Local Climate Resilience, which commits them to include local "
        "governments in national adaptation plans, to strengthen the capacity of councils to collect data on climate "
        "risks, and to report on progress at the next Commonwealth Local Government Conference.")
    cats = [("Functional", "Always active", "The technical storage or access is strictly necessary for the legitimate purpose of "
             "enabling the use of a specific service explicitly requested by the subscriber or user, or for the sole purpose of "
             "carrying out the transmission of a communication over an electronic communications network."),
            ("Preferences", "", "The technical storage or access is necessary for the legitimate purpose of storing preferences "
             "that are not requested by the subscriber or user."),
            ("Statistics", "", "The technical storage or access that is used exclusively for statistical purposes. The technical "
             "storage or access that is used exclusively for anonymous statistical purposes. Without a subpoena, voluntary "
             "compliance on the part of your Internet Service Provider, or additional records from a third party, information "
             "stored or retrieved for this purpose alone cannot usually be used to identify you."),
            ("Marketing", "", "The technical storage or access is required to create user profiles to send advertising, or to "
             "track the user on a website or across several websites for similar marketing purposes.")]
    banner = (
        '<div class="cmplz-cookiebanner banner-1 optin cmplz-bottom-right cmplz-categories-type-view-preferences" aria-modal="true" '
        'data-nosnippet="true" role="dialog" aria-live="polite" aria-labelledby="cmplz-header-1-optin" aria-describedby="cmplz-message-1-optin">'
        '<div class="cmplz-header"><div class="cmplz-logo"></div><div class="cmplz-title" id="cmplz-header-1-optin">Manage Cookie Consent</div>'
        '<div class="cmplz-close" tabindex="0" role="button" aria-label="Close dialog">×</div></div>'
        '<div class="cmplz-divider cmplz-divider-header"></div><div class="cmplz-body"><div class="cmplz-message" id="cmplz-message-1-optin">'
        '<p>To provide the best experiences, we use technologies like cookies to store and/or access device information. Consenting to '
        'these technologies will allow us to process data such as browsing behaviour or unique IDs on this site. Not consenting or '
        'withdrawing consent, may adversely affect certain features and functions.</p></div>'
        '<div class="cmplz-categories">'
        + "".join(f'<details class="cmplz-category cmplz-{n.lower()}"><summary><span class="cmplz-category-header">'
                  f'<span class="cmplz-category-title">{n}</span><span class="cmplz-always-active">{a}</span></span></summary>'
                  f'<div class="cmplz-description"><span class="cmplz-description-{n.lower()}">{d}</span></div></details>'
                  for n, a, d in cats)
        + '</div></div><div class="cmplz-links cmplz-information"><a class="cmplz-link cmplz-manage-options cookie-statement" href="#">Manage options</a>'
        '<a class="cmplz-link cmplz-manage-third-parties cookie-statement" href="#">Manage services</a>'
        '<a class="cmplz-link cmplz-manage-vendors tcf cookie-statement" href="#">Manage {vendor_count} vendors</a>'
        '<a class="cmplz-link cmplz-external cmplz-read-more-purposes tcf" target="_blank" rel="noopener noreferrer nofollow" '
        'href="https://cookiedatabase.org/tcf/purposes/">Read more about these purposes</a></div>'
        '<div class="cmplz-buttons"><button class="cmplz-btn cmplz-accept">Accept</button><button class="cmplz-btn cmplz-deny">Deny</button>'
        '<button class="cmplz-btn cmplz-view-preferences">View preferences</button><button class="cmplz-btn cmplz-save-preferences">Save preferences</button></div>'
        '<div class="cmplz-links cmplz-documents"><a class="cmplz-link cookie-statement" href="/cookie-policy-uk/">Cookie Policy</a>'
        '<a class="cmplz-link privacy-statement" href="/privacy-policy/">Privacy Statement</a></div></div>\n'
        '<div id="cmplz-manage-consent" data-nosnippet="true"><button class="cmplz-btn cmplz-hidden cmplz-manage-consent manage-consent-1 cmplz-show">Manage consent</button></div>\n')
    top = '<div class="welcome-strip"><div class="container"><p>Welcome to Commonwealth Local Government Forum</p></div></div>\n'
    article_html = (
        '<article id="post-14502" class="post-14502 post type-post status-publish format-standard has-post-thumbnail hentry category-news category-pacific">\n'
        f'<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1><p class="entry-date">15 March 2024</p></header>\n'
        f'<figure class="featured-image"><img src="{CLGF}/wp-content/uploads/2024/03/suva-dialogue.jpg" alt="" /></figure>\n'
        '<div class="entry-content">\n' + "\n".join(body) + "\n</div>\n"
        '<footer class="entry-footer"><p class="entry-categories">Categories: <a href="/category/news/">News</a>, <a href="/category/pacific/">Pacific</a></p></footer>\n'
        '</article>\n')
    menu_items = [("About", f"{CLGF}/about/", [("Who we are", f"{CLGF}/who-we-are/"), ("Our members", f"{CLGF}/our-members/"),
                                             ("Board", f"{CLGF}/board/"), ("Secretariat", f"{CLGF}/secretariat/")]),
                  ("What we do", f"{CLGF}/what-we-do/", [("Advocacy", f"{CLGF}/advocacy/"), ("Programmes", f"{CLGF}/programmes/"),
                                                        ("Research", f"{CLGF}/research/")]),
                  ("Regions", f"{CLGF}/regions/", [("Africa", f"{CLGF}/africa/"), ("Asia", f"{CLGF}/asia/"), ("Caribbean", f"{CLGF}/caribbean/"),
                                                   ("Pacific", f"{CLGF}/pacific/"), ("Europe", f"{CLGF}/europe/")]),
                  ("What's new", f"{CLGF}/whats-new/", [("News", f"{CLGF}/whats-new/news/"), ("Events", f"{CLGF}/whats-new/events/")]),
                  ("Resources", f"{CLGF}/resources/"), ("Contact", f"{CLGF}/contact/")]
    sidebar = wp_sidebar(
        recent=[("CLGF Board meets in London", f"{CLGF}/whats-new/news/clgf-board-meets-in-london/"),
                ("Local government and the Commonwealth Heads of Government Meeting", f"{CLGF}/whats-new/news/chogm-local-government/"),
                ("Call for papers: Commonwealth Journal of Local Governance", f"{CLGF}/whats-new/news/call-for-papers-cjlg/")],
        categories=[("News", f"{CLGF}/category/news/", 540), ("Pacific", f"{CLGF}/category/pacific/", 61)],
        archives=months(f"{CLGF}/whats-new/news", "en", 2024, 3, 12),
        tags=[("Climate", f"{CLGF}/tag/climate/"), ("Fiji", f"{CLGF}/tag/fiji/"), ("Resilience", f"{CLGF}/tag/resilience/")])
    footer = wp_footer(site="Commonwealth Local Government Forum", address="16a Northumberland Avenue, London WC2N 5AP, United Kingdom",
                       phone="+44 20 7389 1490", email="info@clgf.org.uk",
                       columns=[("CLGF", [("About", f"{CLGF}/about/"), ("Members", f"{CLGF}/our-members/"), ("Vacancies", f"{CLGF}/vacancies/")])],
                       social=[("Twitter", "https://twitter.com/CLGFSecretariat"), ("Facebook", "https://www.facebook.com/CLGFSecretariat")],
                       copyright_line="© CLGF 2024 : <a href=\"/privacy-policy/\">Privacy Policy</a>")
    html = wp_page(
        base=CLGF, url=url, lang="en-GB", locale="en_GB", site="Commonwealth Local Government Forum", tagline="Local government in the Commonwealth",
        title=title, published="2024-03-15T10:00:00+00:00", modified="2024-03-15T14:20:00+00:00", author="CLGF",
        description="Ministers responsible for local government from eight Pacific countries met in Suva.",
        image=f"{CLGF}/wp-content/uploads/2024/03/suva-dialogue.jpg", main_menu=menu_items, article=article_html,
        sidebar=sidebar, footer=footer, top_bar=top, after_page=banner,
        body_class="post-template-default single single-post postid-14502 single-format-standard cmplz-status-deny cmplz-eu cmplz-optin",
        theme="clgf", tags=["Climate", "Fiji", "Resilience"])
    return Fixture("clgf_consent_banner", url, html, body)


FIXTURES = [mewa_hidden_content, cemr_noscript_duplicate, uclg_new_split, learning_divi_comments, aspac_comments_closed,
            uclga_related_blocks, platforma_share_print, mewa_turkish, mercociudades_table, ucci_qtranslate,
            eurocities_cookiebot, clgf_consent_banner]
