"""Shared fixtures: the network guard, local test sites, temporary corpora and configs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from crawlers import netguard

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
SEEDS = ROOT / "corpus"

# Every connection that is not to loopback fails, here and in the crawl processes we start.
os.environ[netguard.ENV] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("HARVEST_CONTACT", "tests@localgov-harvest.invalid")
netguard.install()


@pytest.fixture(scope="session")
def wordpress_site() -> Iterator["LocalSite"]:
    from flows.localsite import LocalSite

    with LocalSite(SITES / "wordpress") as site:
        yield site


@pytest.fixture(scope="session")
def drupal_site() -> Iterator["LocalSite"]:
    from flows.localsite import LocalSite

    with LocalSite(SITES / "drupal") as site:
        yield site


@pytest.fixture
def seeded_corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the five seed documents, as the project ships it."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt")):
        shutil.copy(seed, folder / seed.name)
    return folder


def write_config(path: Path, *entries: str) -> Path:
    """A sources YAML with the given source entries (YAML text, one per source)."""
    path.write_text("sources:\n" + "".join(entries), encoding="utf-8")
    return path
