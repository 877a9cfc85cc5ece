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
