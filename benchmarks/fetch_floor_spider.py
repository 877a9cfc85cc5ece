"""The cost of fetching alone, as a floor: a plain Scrapy spider that downloads a list of URLs
with Scrapy's default components and does nothing with the pages (no parsing, no cleaning, no
storing). No Scrapy-based pipeline can spend less CPU per page in its crawl process.

    scrapy runspider benchmarks/fetch_floor_spider.py -a urls=urls.txt
"""

import scrapy


class FetchFloorSpider(scrapy.Spider):
    name = "fetch-floor"
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 16,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                       "TELNETCONSOLE_ENABLED": False}

    def __init__(self, urls: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls_file = urls

    async def start(self):
        with open(self.urls_file, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield scrapy.Request(line.strip(), callback=self.parse)

    def parse(self, response):
        self.crawler.stats.inc_value("fetch_floor/pages")
        return None
