"""The usual wiring, as a baseline: a plain Scrapy CrawlSpider that calls
``trafilatura.extract`` in its callback (on the reactor thread) and writes JSONL.

    scrapy runspider benchmarks/naive_spider.py -a start=http://127.0.0.1:PORT/en/ -o out.jsonl
"""

from urllib.parse import urlsplit

import trafilatura
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class NaiveSpider(CrawlSpider):
    name = "naive"
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                       "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False}
    rules = (
        Rule(LinkExtractor(allow=r"/news-item-"), callback="parse_item", follow=True),
        Rule(LinkExtractor(allow=r"/page/\d+/"), follow=True),
    )

    def __init__(self, start: str = "", *args, **kwargs):
        self.start_urls = [start + "news/"]
        self.allowed_domains = [urlsplit(start).hostname]
        super().__init__(*args, **kwargs)

    def parse_item(self, response):
        text = trafilatura.extract(response.text, url=response.url)
        if text:
            yield {"url": response.url, "text": text}
