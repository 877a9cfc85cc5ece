from pathlib import Path

import pytest

from crawlers.sources import BUNDLED, ConfigError, load_sources, select


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_registry_declares_the_seed_sites() -> None:
    sources = {s.name: s for s in load_sources(BUNDLED)}
    for name in ("uclg-mewa", "uclg", "local2030", "lleida-cooperacio", "metropolis", "mercociudades"):
        assert name in sources, name
    assert "uclg-mewa.org" in sources["uclg-mewa"].all_hosts
    assert all(s.url.startswith(("http://", "https://")) for s in sources.values())


def test_minimal_source_needs_only_name_and_url(tmp_path: Path) -> None:
    (src,) = load_sources(write(tmp_path, "sources:\n  - name: a\n    url: https://a.org/\n"))
    assert src.enabled and src.feeds == [] and src.max_pages == 500


def test_defaults_apply_and_sources_override(tmp_path: Path) -> None:
    text = ("defaults:\n  max_pages: 10\n  schedule: '0 6 * * *'\n"
            "sources:\n  - name: a\n    url: https://a.org/\n  - name: b\n    url: https://b.org/\n    max_pages: 3\n")
    a, b = load_sources(write(tmp_path, text))
    assert (a.max_pages, b.max_pages, b.schedule) == (10, 3, "0 6 * * *")


@pytest.mark.parametrize("text,line,key,words", [
    ("sources:\n  - name: a\n    url: https://a.org/\n    alow: ['x']\n", 4, "sources[0].alow", "unknown key"),
    ("sources:\n  - name: a\n", 2, "sources[0].url", "missing required key 'url'"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    allow: ['(unclosed']\n", 4, "sources[0].allow[0]", "bad regular expression"),
    ("sources:\n  - name: a\n    url: ftp://a.org/\n", 3, "sources[0].url", "not an http(s) URL"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    schedule: 'every day'\n", 4, "sources[0].schedule", "cron"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    max_pages: lots\n", 4, "sources[0].max_pages", "must be int"),
    ("sources:\n  - name: a\n    url: https://a.org/\n  - name: a\n    url: https://b.org/\n", 4, "sources[1].name", "duplicate"),
    ("sources:\n  - name: Bad Name\n    url: https://a.org/\n", 2, "sources[0].name", "lower-case"),
    ("sources: [\n  - name: a\n", 2, None, "invalid YAML"),
    ("source:\n  - name: a\n", 1, "sources", "expected a mapping"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    delay: 0\n", 4, "sources[0].delay", "only for loopback"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    delay: .nan\n", 4, "sources[0].delay", "finite number"),
    ("defaults:\n  revisit_days: .inf\nsources:\n  - name: a\n    url: https://a.org/\n", 2,
     "defaults.revisit_days", "finite number"),
])
def test_config_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str | None, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert err.value.line == line
    assert err.value.key == key
    assert words in err.value.message
    assert str(err.value).startswith(f"{path}:{line}:")


def test_select_named_and_unknown(tmp_path: Path) -> None:
    text = "sources:\n  - name: a\n    url: https://a.org/\n  - name: b\n    url: https://b.org/\n    enabled: false\n"
    sources = load_sources(write(tmp_path, text))
    assert [s.name for s in select(sources, None)] == ["a"]
    assert [s.name for s in select(sources, ["b"])] == ["b"]
    with pytest.raises(ConfigError, match="unknown source"):
        select(sources, ["zzz"])
