"""Start-up of the cleaning workers, imported once by their fork server.

trafilatura, the cleaning code and the language model are loaded in the fork server, and each
worker forked from it starts with them in place (pages shared copy-on-write) instead of loading
them again: a second less of CPU per worker at the start of every crawl. What the libraries
build on first use is built here too, once, rather than by every worker on its first pages:
htmldate's search of a text date (with dateparser's patterns of Spanish and English; a worker
builds those of another language, about 0.1 s each, when a page in it needs them,
``crawlers.cleaning.date_parser``), the month names of every dateparser locale that htmldate
looks words up in (0.05-0.12 s a worker, on its first page whose text has no year), and justext's
stop-word lists of every language
(trafilatura's fallback for a page in a language it has no list of: about 30 MB).
"""

import gc

import htmldate.extractors
import trafilatura  # noqa: F401
from justext.core import define_stoplist

from crawlers.cleaner import _worker_main, clean_job  # noqa: F401  (what the workers run)
from crawlers.cleaning import _text_date, detect_language, parse_html, stopwords
from crawlers.memtune import tune_malloc

tune_malloc()  # before the warm-up's allocations; the workers forked from here keep the settings

detect_language("warm up the language identifier with a sentence")
_text_date(parse_html("<html><body><article><p>Publicado el 3 de marzo de 2024</p></article></body></html>"), "es")
getattr(htmldate.extractors, "month_words", list)()  # htmldate's cached look-up (none: nothing to build)
define_stoplist(stopwords())
gc.collect()
gc.freeze()  # what was built so far is never scanned again by a worker's collector
