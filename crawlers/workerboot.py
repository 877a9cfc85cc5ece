"""Start-up of the cleaning workers, imported once by their fork server.

trafilatura, the cleaning code and the language model are loaded in the fork server, and each
worker forked from it starts with them in place (pages shared copy-on-write) instead of loading
them again: a second less of CPU per worker at the start of every crawl.
"""

import htmldate  # noqa: F401  (loaded by the cleaning code when first needed)
import trafilatura  # noqa: F401

from crawlers.cleaner import _worker_main, clean_job  # noqa: F401  (what the workers run)
from crawlers.cleaning import detect_language

detect_language("warm up the language identifier with a sentence")
