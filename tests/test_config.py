"""The HARVEST_* settings (crawlers/config.py): every one the code names is declared once, the
README documents each, and a bad value stops with an error naming the variable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers import config

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"\bHARVEST_[A-Z0-9_]*[A-Z0-9]\b")
# Read by the network guard before Scrapy starts: not a Scrapy setting.
PROCESS_ONLY = {"HARVEST_LOOPBACK_ONLY", "HARVEST_PREFECT_SERVER", "HARVEST_SERVER_IDLE", "HARVEST_CACHE",
                "HARVEST_FORK_SERVER"}


def _names_in_code() -> dict[str, str]:
    """Every HARVEST_* name in the source of crawlers/, flows/ and storage/, with a file naming it."""
    found: dict[str, str] = {}
    for folder in ("crawlers", "flows", "storage"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in NAME.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def _readme_environment() -> str:
    """The README's paragraphs on the environment: from "Defaults come from the environment" to
    the next heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("Defaults come from the environment")
    end = text.find("\n#", start)
    return text[start:] if end < 0 else text[start:end]


def test_every_harvest_name_in_the_code_is_declared() -> None:
    found = _names_in_code()
    assert {"HARVEST_CORPUS", "HARVEST_CLEAN_WORKERS", "HARVEST_LOOPBACK_ONLY", "HARVEST_MAX_HOPS"} <= set(found)
    undeclared = {name: path for name, path in found.items() if name not in config.VARIABLES}
    assert not undeclared, f"not declared in crawlers/config.py: {undeclared}"


def test_every_declared_setting_is_documented_in_the_readme() -> None:
    section = _readme_environment()
    missing = [name for name in config.VARIABLES if not re.search(rf"`{name}`", section)]
    assert not missing, f"not in README.md's environment paragraphs: {missing}"


def test_every_declared_setting_is_a_scrapy_setting_read_from_the_environment() -> None:
    import crawlers.settings as settings

    for name, variable in config.VARIABLES.items():
        assert isinstance(variable.default, (variable.type, type(None))), name
        assert variable.doc and "\n" not in variable.doc, name
        if name not in PROCESS_ONLY:
            assert getattr(settings, name) == config.value(name), name


def test_values_parse_to_their_types_and_default_when_unset() -> None:
    assert config.value("HARVEST_CLEAN_WORKERS", {}) == -1
    assert config.value("HARVEST_CLEAN_WORKERS", {"HARVEST_CLEAN_WORKERS": "0"}) == 0
    assert config.value("HARVEST_CLEAN_TIMEOUT", {"HARVEST_CLEAN_TIMEOUT": "2.5"}) == 2.5
    assert config.value("HARVEST_CORPUS", {}) == config.default("HARVEST_CORPUS") == "corpus"
    assert config.value("HARVEST_CONFIG", {}) is None
    assert config.value("HARVEST_LOOPBACK_ONLY", {}) is False
    assert config.value("HARVEST_LOOPBACK_ONLY", {"HARVEST_LOOPBACK_ONLY": "1"}) is True
    assert config.value("HARVEST_LOOPBACK_ONLY", {"HARVEST_LOOPBACK_ONLY": "0"}) is False
    with pytest.raises(KeyError, match="HARVEST_NOPE"):
        config.value("HARVEST_NOPE")


@pytest.mark.parametrize("name,text", [
    ("HARVEST_CLEAN_WORKERS", "abc"),
    ("HARVEST_CLEAN_TIMEOUT", "soon"),
    ("HARVEST_MAX_HOPS", "2.5"),
    ("HARVEST_LOOPBACK_ONLY", "maybe"),
])
def test_a_bad_value_names_the_variable(name: str, text: str) -> None:
    with pytest.raises(ValueError, match=name):
        config.value(name, {name: text})


def test_a_bad_value_in_the_environment_stops_the_settings_with_its_name() -> None:
    env = {**os.environ, "HARVEST_CLEAN_WORKERS": "abc"}
    run = subprocess.run([sys.executable, "-c", "import crawlers.settings"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=60)
    assert run.returncode != 0
    assert "ValueError: HARVEST_CLEAN_WORKERS must be an integer, got 'abc'" in run.stderr
