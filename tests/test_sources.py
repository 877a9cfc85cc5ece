import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from crawlers.sources import (
    BUNDLED,
    ConfigError,
    Source,
    SourceDefaults,
    SourceModel,
    SourcesFile,
    load_sources,
    select,
)


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
    ("sources:\n  - name: a\n    url: https://a.org/\n    allow: ['(unclosed']\n", 4, "sources[0].allow[0]",
     "bad regular expression"),
    ("sources:\n  - name: a\n    url: ftp://a.org/\n", 3, "sources[0].url", "not an http(s) URL"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    schedule: 'every day'\n", 4, "sources[0].schedule", "cron"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    max_pages: lots\n", 4, "sources[0].max_pages", "must be int"),
    ("sources:\n  - name: a\n    url: https://a.org/\n  - name: a\n    url: https://b.org/\n", 4,
     "sources[1].name", "duplicate"),
    ("sources:\n  - name: Bad Name\n    url: https://a.org/\n", 2, "sources[0].name", "lower-case"),
    ("sources: [\n  - name: a\n", 2, None, "invalid YAML"),
    ("source:\n  - name: a\n", 1, "sources", "expected a mapping"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    delay: 0\n", 4, "sources[0].delay", "only for loopback"),
    ("sources:\n  - name: a\n    url: https://a.org/\n    delay: .nan\n", 4, "sources[0].delay", "finite number"),
    ("defaults:\n  revisit_days: .inf\nsources:\n  - name: a\n    url: https://a.org/\n", 2,
     "defaults.revisit_days", "finite number"),
])
def test_config_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str | None,
                                              words: str) -> None:
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


# cron expressions (checked by cronsim) ---------------------------------------------------------

def _with_schedule(tmp_path: Path, schedule: str) -> Path:
    return write(tmp_path, f"sources:\n  - name: a\n    url: https://a.org/\n    schedule: '{schedule}'\n")


@pytest.mark.parametrize("schedule,words", [
    ("99 99 * * *", "minute '99' (values 0-59)"),
    ("*/0 * * * *", "minute '*/0' (a step of 0)"),
    ("60 * * * *", "minute '60' (values 0-59)"),
    ("0 24 * * *", "hour '24' (values 0-23)"),
    ("* * 32 * *", "day-of-month '32' (values 1-31)"),
    ("* * 0 * *", "day-of-month '0' (values 1-31)"),
    ("* * * 13 *", "month '13' (values 1-12 or JAN-DEC)"),
    ("* * * * 8", "day-of-week '8' (values 0-7 or SUN-SAT)"),
    ("0 6 * * abc", "day-of-week 'abc'"),
    ("a b c d e", "minute 'a' (values 0-59, '*', ranges a-b, steps /n, lists a,b)"),
    ("0 0 5-1 * *", "day-of-month '5-1' (values 1-31, a range from low to high)"),
    ("0 0 31 2 *", "day-of-month '31' (no month '2' has that day)"),
    ("0 0 * * 5L", "day-of-week '5L'"),   # cronsim extensions Prefect refuses
    ("0 0 LW * *", "day-of-month 'LW'"),
    ("0 6 ? * *", "day-of-month '?'"),
    ("* * * *", "has 4 fields (minute hour day-of-month month day-of-week)"),
    ("0 * * * * *", "has 6 fields"),
    ("@daily", "has 1 field "),
])
def test_bad_cron_expressions_are_refused_with_file_line_key(tmp_path: Path, schedule: str, words: str) -> None:
    path = _with_schedule(tmp_path, schedule)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert (err.value.line, err.value.key) == (4, "sources[0].schedule")
    assert "cron expression" in err.value.message and repr(schedule) in err.value.message
    assert words in err.value.message, err.value.message
    assert str(err.value).startswith(f"{path}:4: sources[0].schedule: ")


def test_bad_cron_in_defaults_names_the_defaults_key(tmp_path: Path) -> None:
    path = write(tmp_path, "defaults:\n  schedule: '*/0 * * * *'\nsources:\n  - name: a\n    url: https://a.org/\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert str(err.value) == (f"{path}:2: defaults.schedule: bad cron expression '*/0 * * * *': "
                              "minute '*/0' (a step of 0)")


@pytest.mark.parametrize("schedule", [
    "*/15 * * * *", "0 6 * * 1-5", "30 2 1 * *", "35 */6 * * *", "0 6 * * MON-FRI", "0 6 1 jan *",
    "0-30/10 6,18 * * *", "0 0 * * 0", "0 0 * * 7", "0 0 29 2 *", "0 0 * * mon,wed", "  0 6 * * *  ",
])
def test_valid_cron_expressions_are_accepted(tmp_path: Path, schedule: str) -> None:
    (src,) = load_sources(_with_schedule(tmp_path, schedule))
    assert src.schedule == schedule


def test_bundled_schedules_pass_and_prefect_accepts_what_is_accepted(tmp_path: Path) -> None:
    """Every schedule the check accepts is one Prefect's scheduler accepts too."""
    from prefect._internal.schemas.validators import validate_cron_string

    schedules = {s.schedule for s in load_sources(BUNDLED) if s.schedule}
    assert schedules
    for schedule in schedules | {"*/15 * * * *", "0 6 * * MON-FRI", "0-30/10 6,18 * * *", "0 0 29 2 *"}:
        validate_cron_string(schedule)


# the model: every kind of bad value, at its line and key ------------------------------------------

A = "sources:\n  - name: a\n    url: https://a.org/\n"
KNOWN = ("allow, delay, deny, documents, documents_allow, documents_max_mb, enabled, feeds, "
         "group, hosts, keep_pages, languages, listings, max_listing_pages, "
         "max_pages, min_chars, name, notes, revisit_days, schedule, sitemaps, stop_after_known_pages, url, wordpress")


@pytest.mark.parametrize("text,line,key,message", [
    # keys
    (A + "    alow: ['x']\n", 4, "sources[0].alow", f"unknown key (known: {KNOWN})"),
    (A + "    1: x\n", 2, "sources[0].1", f"unknown key (known: {KNOWN})"),
    ("sources:\n  - url: https://a.org/\n", 2, "sources[0].name", "missing required key 'name'"),
    ("sources:\n  - name: a\n    notes: x\n", 2, "sources[0].url", "missing required key 'url'"),
    ("sources:\n  - name: a_B\n    url: https://a.org/\n", 2, "sources[0].name",
     "name must be lower-case letters, digits, '-' or '_'"),
    # types, as YAML typed the values
    (A + "    max_pages: '10'\n", 4, "sources[0].max_pages", "must be int, not str"),
    (A + "    max_listing_pages: true\n", 4, "sources[0].max_listing_pages", "must be int, not bool"),
    (A + "    min_chars: 2.5\n", 4, "sources[0].min_chars", "must be int, not float"),
    (A + "    revisit_days: soon\n", 4, "sources[0].revisit_days", "must be int or float, not str"),
    (A + "    delay: false\n", 4, "sources[0].delay", "must be int or float, not bool"),
    (A + "    delay: null\n", 4, "sources[0].delay", "must be int or float, not NoneType"),
    (A + "    enabled: 1\n", 4, "sources[0].enabled", "must be bool, not int"),
    (A + "    wordpress: null\n", 4, "sources[0].wordpress", "must be bool, not NoneType"),
    (A + "    keep_pages: 'yes'\n", 4, "sources[0].keep_pages", "must be bool, not str"),
    (A + "    notes: 2020-01-01\n", 4, "sources[0].notes", "must be str, not date"),
    (A + "    schedule: null\n", 4, "sources[0].schedule", "must be str, not NoneType"),
    (A + "    group: 7\n", 4, "sources[0].group", "must be str, not int"),
    ("sources:\n  - name: 12\n    url: https://a.org/\n", 2, "sources[0].name", "must be str, not int"),
    ("sources:\n  - name: a\n    url: [https://a.org/]\n", 3, "sources[0].url", "must be str, not list"),
    (A + "    hosts: 5\n", 4, "sources[0].hosts", "must be a list of strings"),
    (A + "    languages: [en, 1]\n", 4, "sources[0].languages", "must be a list of strings"),
    (A + "    feeds: {a: 1}\n", 4, "sources[0].feeds", "must be a list of strings"),
    (A + "    allow: null\n", 4, "sources[0].allow", "must be a list of strings"),
    # values
    (A + "    feeds: [https://a.org/feed, /feed]\n", 4, "sources[0].feeds[1]", "not an http(s) URL: '/feed'"),
    (A + "    sitemaps: mailto:x@a.org\n", 4, "sources[0].sitemaps[0]", "not an http(s) URL: 'mailto:x@a.org'"),
    (A + "    listings: ['https:///news']\n", 4, "sources[0].listings[0]", "not an http(s) URL: 'https:///news'"),
    ("sources:\n  - name: a\n    url: 'http://[::1/'\n", 3, "sources[0].url", "not an http(s) URL: 'http://[::1/'"),
    (A + "    deny: ['^x{2}', '[z-a]{2}']\n", 4, "sources[0].deny[1]",
     "bad regular expression '[z-a]{2}': bad character range z-a at position 1"),
    (A + "    schedule: '0 6 * *'\n", 4, "sources[0].schedule", "not a 5-field cron expression"),
    (A + "    max_pages: -1\n", 4, "sources[0].max_pages", "must not be negative"),
    (A + "    stop_after_known_pages: -2\n", 4, "sources[0].stop_after_known_pages", "must not be negative"),
    (A + "    revisit_days: -0.5\n", 4, "sources[0].revisit_days", "must not be negative"),
    (A + "    delay: -1\n", 4, "sources[0].delay", "must not be negative"),
    (A + "    delay: .inf\n", 4, "sources[0].delay", "must be a finite number, not inf"),
    ("sources:\n  - name: a\n    url: http://127.0.0.1:8000/\n    hosts: [example.org]\n    delay: 0.1\n", 5,
     "sources[0].delay", "a delay under 0.25 s is allowed only for loopback hosts"),
    # the file and its sections
    ("sources: []\ngroups: {}\n", 2, "groups", "unknown top-level key (expected 'sources' or 'defaults')"),
    ("defaults: [max_pages]\nsources: []\n", 1, "defaults", "'defaults' must be a mapping"),
    ("sources:\n  name: a\n", 2, "sources", "'sources' must be a list"),
    ("- name: a\n", 1, "sources", "expected a mapping with a 'sources:' list"),
    ("sources:\n  - a\n", 2, "sources[0]", "each source must be a mapping with at least 'name' and 'url'"),
    (A + "  - name: a\n    url: https://b.org/\n", 4, "sources[1].name", "duplicate source name 'a' (first on line 2)"),
    ("defaults:\n  max_pages: many\n" + A, 2, "defaults.max_pages", "must be int, not str"),
    ("defaults:\n  feeds: ftp://a.org/\n" + A, 2, "defaults.feeds[0]", "not an http(s) URL: 'ftp://a.org/'"),
    ("defaults:\n  nmae: a\n" + A, 2, "defaults.nmae", "unknown key"),
    # a delay of the defaults is checked against each source's hosts, at the source
    ("defaults:\n  delay: 0\n" + A, 4, "sources[0].delay", "a delay under 0.25 s is allowed only for loopback hosts"),
])
def test_each_bad_value_is_reported_at_its_line_and_key(tmp_path: Path, text: str, line: int, key: str,
                                                         message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert (err.value.line, err.value.key) == (line, key), str(err.value)
    assert str(err.value).startswith(f"{path}:{line}: {key}: {message}"), str(err.value)


@pytest.mark.parametrize("text,line,key", [
    # in a source: the keys' types in the order written, before the required keys, the name,
    # the URLs, regexes, schedule and bounds
    (A + "    max_pages: -1\n    schedule: x\n    allow: ['(']\n    hosts: 3\n", 7, "sources[0].hosts"),
    (A + "    max_pages: -1\n    schedule: x\n    allow: ['(']\n", 6, "sources[0].allow[0]"),
    (A + "    max_pages: -1\n    schedule: x\n", 5, "sources[0].schedule"),
    ("sources:\n  - name: Bad\n    url: ftp://a.org/\n", 2, "sources[0].name"),
    ("sources:\n  - name: a\n    url: ftp://a.org/\n    delay: x\n", 4, "sources[0].delay"),
    ("sources:\n  - delay: x\n    zz: 1\n", 2, "sources[0].delay"),
    # the file in order: the top level, the defaults, then the sources one by one
    ("sources: 1\ndefaults: 2\nother: 3\n", 3, "other"),
    ("sources: 1\ndefaults: 2\n", 2, "defaults"),
    ("sources:\n  - name: a\n    url: x\ndefaults:\n  max_pages: x\n", 5, "defaults.max_pages"),
    (A + "  - name: b\n    url: https://b.org/\n    max_pages: x\n  - 3\n", 6, "sources[1].max_pages"),
    # a name taken by an earlier source comes before a later source's problem
    (A + "  - name: a\n    url: https://b.org/\n  - name: c\n", 4, "sources[1].name"),
])
def test_the_first_problem_in_the_file_is_reported(tmp_path: Path, text: str, line: int, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_sources(write(tmp_path, text))
    assert (err.value.line, err.value.key) == (line, key), str(err.value)


EVERY_KEY = """\
defaults:
  max_listing_pages: 7
  revisit_days: 1.5
sources:
  - name: full_site-1
    url: https://www.full.example.org/news/
    hosts: [full.example.org, FULL.example.net]
    feeds: https://www.full.example.org/feed/
    sitemaps: [https://www.full.example.org/sitemap.xml]
    listings: [https://www.full.example.org/news/, http://full.example.org/archive/]
    allow: ['^https?://(www\\.)?full\\.example\\.org/news/[^/]+/$']
    deny: ['/tag/', '\\?page=']
    languages: [ca, es]
    schedule: '5 */6 * * MON-FRI'
    group: networks
    wordpress: false
    max_pages: 0
    max_listing_pages: 3
    min_chars: 100
    keep_pages: true
    revisit_days: 0
    stop_after_known_pages: 4
    delay: 2.5
    enabled: false
    notes: 'braces {kept} as written'
    documents: false
    documents_allow: '/publications/'
    documents_max_mb: 12.5
  - name: local
    url: http://127.0.0.1:8080/
    hosts: localhost
    delay: 0
"""


def test_a_file_with_every_key_round_trips(tmp_path: Path) -> None:
    full, local = load_sources(write(tmp_path, EVERY_KEY))
    assert dataclasses.asdict(full) == {
        "name": "full_site-1", "url": "https://www.full.example.org/news/",
        "hosts": ["full.example.org", "FULL.example.net"], "feeds": ["https://www.full.example.org/feed/"],
        "sitemaps": ["https://www.full.example.org/sitemap.xml"],
        "listings": ["https://www.full.example.org/news/", "http://full.example.org/archive/"],
        "allow": [r"^https?://(www\.)?full\.example\.org/news/[^/]+/$"], "deny": ["/tag/", r"\?page="],
        "languages": ["ca", "es"], "schedule": "5 */6 * * MON-FRI", "group": "networks", "wordpress": False,
        "max_pages": 0, "max_listing_pages": 3, "min_chars": 100, "keep_pages": True, "revisit_days": 0,
        "stop_after_known_pages": 4, "delay": 2.5, "enabled": False, "notes": "braces {kept} as written",
        "documents": False, "documents_allow": ["/publications/"], "documents_max_mb": 12.5,
    }
    assert full.all_hosts == ["www.full.example.org", "full.example.org", "full.example.net"]
    assert full.host_aliases() == {"full.example.net": "full.example.org"}
    # The defaults fill what a source leaves out; a single string is a list of one.
    assert (local.max_listing_pages, local.revisit_days, local.hosts, local.delay) == (7, 1.5, ["localhost"], 0)
    assert (local.max_pages, local.min_chars, local.wordpress, local.schedule) == (500, 250, None, None)
    assert (local.documents, local.documents_allow, local.documents_max_mb) == (True, [], 50)
    # What a crawl process is handed (JSON of the dataclass) gives the same Source back.
    for source in (full, local):
        assert Source(**json.loads(json.dumps(dataclasses.asdict(source)))) == source
        assert pickle.loads(pickle.dumps(source)) == source


def test_the_model_and_the_source_have_the_same_keys_and_defaults() -> None:
    fields = {f.name: f for f in dataclasses.fields(Source)}
    assert list(SourceModel.model_fields) == list(fields)
    for name, info in SourceModel.model_fields.items():
        if name in ("name", "url"):
            assert info.is_required() and fields[name].default is dataclasses.MISSING
        elif fields[name].default is dataclasses.MISSING:
            assert info.get_default(call_default_factory=True) == fields[name].default_factory(), name  # type: ignore[misc]
        else:
            assert info.get_default() == fields[name].default, name
    assert set(SourceDefaults.model_fields) == set(fields)
    assert not any(info.is_required() for info in SourceDefaults.model_fields.values())


def test_a_valid_source_model_builds_the_source() -> None:
    model = SourcesFile.model_validate({"defaults": {"max_pages": 9},
                                        "sources": [{"name": "a", "url": "https://a.org/", "hosts": "www.a.org"}]})
    (source,) = [entry.source() for entry in model.sources]
    assert source == Source(name="a", url="https://a.org/", hosts=["www.a.org"], max_pages=9)
