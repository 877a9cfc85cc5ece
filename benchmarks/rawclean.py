"""One unit of the benchmark's raw cleaning limit, run in a cleaning worker (an importable
module, so that the pool's workers can unpickle it)."""

from pathlib import Path

from crawlers.cleaner import clean_job
from crawlers.contracts import CleanOptions


def page_url(path: Path) -> str:
    return "http://127.0.0.1/en/" + path.parent.name + "/"


def clean_file(path: str) -> bool:
    """Read one page from disk and clean it as a crawl does; True if it gave an article."""
    result, _ = clean_job(Path(path).read_bytes(), page_url(Path(path)), CleanOptions(250, True))
    return hasattr(result, "paragraphs")
