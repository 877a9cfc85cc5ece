"""Scrapy settings of the project (``scrapy.cfg`` points here).

Politeness by default: robots.txt obeyed, AutoThrottle, at most 2 requests at a time per
domain, a descriptive User-Agent naming a contact (``HARVEST_CONTACT``).
"""

from crawlers import config

BOT_NAME = "localgov-harvest"
SPIDER_MODULES = ["crawlers.spiders"]
SPIDER_LOADER_CLASS = "crawlers.spiderloader.SourceSpiderLoader"

HARVEST_CONFIG = config.value("HARVEST_CONFIG")  # None: the bundled sources.yaml
HARVEST_CORPUS = config.value("HARVEST_CORPUS")
HARVEST_INDEX = config.value("HARVEST_INDEX")  # "": the corpus's index.sqlite
HARVEST_CONTACT = config.value("HARVEST_CONTACT")
USER_AGENT = f"localgov-harvest/0.1 (research crawler of local-government news; contact: {HARVEST_CONTACT})"
# Crawl policy (crawlers/config.py): links followed from article pages, sitemap indexes nested
# below the first sitemap, sitemap files requested per crawl.
HARVEST_MAX_HOPS = config.value("HARVEST_MAX_HOPS")
HARVEST_MAX_SITEMAP_DEPTH = config.value("HARVEST_MAX_SITEMAP_DEPTH")
HARVEST_MAX_SITEMAPS = config.value("HARVEST_MAX_SITEMAPS")
HARVEST_DEAD_END_CAP = config.value("HARVEST_DEAD_END_CAP")
HARVEST_DEAD_END_RECHECKS = config.value("HARVEST_DEAD_END_RECHECKS")
HARVEST_FRUITLESS_WALK = config.value("HARVEST_FRUITLESS_WALK")

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
ITEM_PIPELINES = {"crawlers.pipelines.StorePipeline": 300}
# The crawl's policies (crawlers.components): a request the spider yields passes the trap
# defences, then the seen-store, then the budgets (after Scrapy's DepthMiddleware, 900).
SPIDER_MIDDLEWARES = {
    "crawlers.components.traps.TrapMiddleware": 870,
    "crawlers.components.seen.SeenStoreMiddleware": 860,
    "crawlers.components.budgets.BudgetMiddleware": 850,
}
# A source on several hosts (its aliases, a CDN, a second domain): the next request goes to the
# host with the fewest downloads under way, so one host's delayed requests never hold the
# download slots while another host's wait (Scrapy's broad-crawl advice). Each source is a
# crawler of its own, with its own slots: sources never wait for each other.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# Items are processed in parallel across responses; a page yields one item, and Scrapy sets up
# CONCURRENT_ITEMS cooperative tasks for every response's output, so a small number is cheaper.
CONCURRENT_ITEMS = 8


def source_settings(source) -> dict:  # type: ignore[no-untyped-def]
    """Per-source overrides: the source's ``delay``; an explicit 0 (local test and benchmark
    sites only) switches throttling off."""
    if source.delay is None:
        return {}
    out = {"DOWNLOAD_DELAY": source.delay}
    if source.delay == 0:
        out.update({"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8})
    return out

# Cleaning worker processes: -1 = one per core, 0 = clean in the crawl process itself.
HARVEST_CLEAN_WORKERS = config.value("HARVEST_CLEAN_WORKERS")
# Seconds a cleaning worker may spend on one page; past it the worker is replaced and the page
# skipped as ``clean_timeout`` (0: no limit). Cleaning in the crawl process itself has no limit.
HARVEST_CLEAN_TIMEOUT = config.value("HARVEST_CLEAN_TIMEOUT")
# Seconds a cleaning worker may spend reading one PDF (``clean_timeout`` past it; 0: no limit).
HARVEST_PDF_TIMEOUT = config.value("HARVEST_PDF_TIMEOUT")
# Back-pressure: at most this many bytes of responses waiting for (or in) cleaning before the
# engine stops taking new requests from the scheduler.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# Only HTTP(S) is ever fetched: no file:, ftp:, s3: or data: download handlers, so neither a
# link nor a redirect can make the crawler read local files or other services.
# Every attempt is a single request (no silent re-send by Twisted's pool after a reset).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None,
                     "http": "crawlers.handlers.SingleAttemptHTTPHandler",
                     "https": "crawlers.handlers.SingleAttemptHTTPHandler"}
# A response with more header fields or header bytes than this is dropped (``HeaderTooLarge``).
HARVEST_MAX_HEADERS = config.value("HARVEST_MAX_HEADERS")
HARVEST_MAX_HEADER_BYTES = config.value("HARVEST_MAX_HEADER_BYTES")
# Every request, redirect hop and retry is checked when it is about to be sent: only the
# source's hosts, never private, link-local or metadata addresses (crawlers.offhost). It
# replaces Scrapy's offsite filter, which lets through requests marked dont_filter.
# Retries back off (1 s, 2 s, …) and honour Retry-After (up to 120 s).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawlers.offhost.OffHostMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.StrictRobotsTxtMiddleware": 100,
    # Meta refreshes read with a text charset only (a page declaring idna or base64 is not lost).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawlers.safe_middlewares.SafeMetaRefreshMiddleware": 580,
    # Sees a redirect of an article before RedirectMiddleware (600) follows it: remembered.
    "crawlers.components.seen.RedirectMemoryMiddleware": 650,
    # Off (COOKIES_ENABLED is False) and not even imported: its module loads tldextract and
    # requests, about 4 MB of the crawl process's memory.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawlers.middlewares.CountingDownloaderStats": 850,
}
HARVEST_RETRY_BACKOFF = config.value("HARVEST_RETRY_BACKOFF")
HARVEST_RETRY_AFTER_MAX = config.value("HARVEST_RETRY_AFTER_MAX")
DUPEFILTER_CLASS = "crawlers.middlewares.ReportingDupeFilter"
