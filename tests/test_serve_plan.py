"""``flows.serve.plan_deployments``: which deployments ``harvest serve`` plans from a sources
file. Real YAML files, read by ``load_sources``; no Prefect, no mocks."""

from __future__ import annotations

from pathlib import Path

import yaml

from crawlers.sources import BUNDLED, load_sources
from flows.serve import Plan, plan_deployments
from tests.conftest import ROOT


def plans(tmp_path: Path, text: str) -> list[Plan]:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return plan_deployments(load_sources(path))


def entry(name: str, *extra: str) -> str:
    return f"  - name: {name}\n    url: https://{name}.org/\n" + "".join(f"    {line}\n" for line in extra)


def test_a_group_is_one_deployment_with_its_sources_in_file_order(tmp_path: Path) -> None:
    text = "sources:\n" + "".join([
        entry("zeta", "group: nets", "schedule: '35 */6 * * *'"),
        entry("alpha", "group: nets", "schedule: '35 */6 * * *'"),
        entry("mid", "group: nets", "schedule: '35 */6 * * *'"),
    ])
    assert plans(tmp_path, text) == [Plan("crawl-nets", "35 */6 * * *", ["zeta", "alpha", "mid"], "nets")]


def test_each_group_has_its_own_cron_and_a_source_without_group_its_own_deployment(tmp_path: Path) -> None:
    text = "sources:\n" + "".join([
        entry("a1", "group: world", "schedule: '5 */6 * * *'"),
        entry("solo", "schedule: '0 3 * * 1-5'"),
        entry("b1", "group: councils", "schedule: '50 4 * * *'"),
        entry("a2", "group: world", "schedule: '5 */6 * * *'"),
        entry("b2", "group: councils", "schedule: '50 4 * * *'"),
    ])
    # Sorted by deployment name; a source without a group is named after itself, group None.
    assert plans(tmp_path, text) == [
        Plan("crawl-councils", "50 4 * * *", ["b1", "b2"], "councils"),
        Plan("crawl-solo", "0 3 * * 1-5", ["solo"], None),
        Plan("crawl-world", "5 */6 * * *", ["a1", "a2"], "world"),
    ]


def test_disabled_and_unscheduled_sources_get_no_deployment(tmp_path: Path) -> None:
    text = "sources:\n" + "".join([
        entry("live", "group: g", "schedule: '0 6 * * *'"),
        entry("paused", "group: g", "schedule: '0 6 * * *'", "enabled: false"),
        entry("off-alone", "schedule: '0 7 * * *'", "enabled: false"),
        entry("manual", "group: g"),          # a group but no schedule: crawled only by hand
        entry("plain"),
    ])
    assert plans(tmp_path, text) == [Plan("crawl-g", "0 6 * * *", ["live"], "g")]


def test_a_group_whose_sources_are_all_disabled_or_unscheduled_disappears(tmp_path: Path) -> None:
    text = "sources:\n" + "".join([
        entry("x", "group: g", "schedule: '0 6 * * *'", "enabled: false"),
        entry("y", "group: g"),
    ])
    assert plans(tmp_path, text) == []
    assert plans(tmp_path, "sources: []\n") == []


def test_one_group_with_two_crons_is_two_deployments_numbered_in_cron_order(tmp_path: Path) -> None:
    text = "sources:\n" + "".join([
        entry("late", "group: g", "schedule: '30 6 * * *'"),
        entry("early", "group: g", "schedule: '0 6 * * *'"),
        entry("late2", "group: g", "schedule: '30 6 * * *'"),
    ])
    assert plans(tmp_path, text) == [
        Plan("crawl-g", "0 6 * * *", ["early"], "g"),
        Plan("crawl-g-2", "30 6 * * *", ["late", "late2"], "g"),
    ]


def test_the_defaults_schedule_applies_and_a_source_overrides_it(tmp_path: Path) -> None:
    text = ("defaults:\n  schedule: '0 */6 * * *'\nsources:\n" + "".join([
        entry("a", "group: g"),
        entry("b", "group: g"),
        entry("c", "group: g", "schedule: '15 2 * * *'"),
        entry("d"),
    ]))
    assert plans(tmp_path, text) == [
        Plan("crawl-d", "0 */6 * * *", ["d"], None),
        Plan("crawl-g", "0 */6 * * *", ["a", "b"], "g"),
        Plan("crawl-g-2", "15 2 * * *", ["c"], "g"),
    ]


def test_names_are_unique_and_every_scheduled_source_is_in_exactly_one_plan(tmp_path: Path) -> None:
    text = ("defaults:\n  schedule: '0 6 * * *'\nsources:\n" + "".join([
        entry("g", "schedule: '0 7 * * *'"),       # a source named like a group, other cron
        entry("m1", "group: g"),
        entry("m2", "group: g", "schedule: '0 8 * * *'"),
        entry("n1", "group: h"),
        entry("lone"),
        entry("gone", "group: h", "enabled: false"),
    ]))
    planned = plans(tmp_path, text)
    names = [p.name for p in planned]
    assert len(names) == len(set(names)) and all(n.startswith("crawl-") for n in names)
    crawled = [s for p in planned for s in p.sources]
    assert sorted(crawled) == ["g", "lone", "m1", "m2", "n1"]


def test_the_bundled_file_plans_the_deployments_of_prefect_yaml() -> None:
    """prefect.yaml (the work-pool way) declares the same deployments and crons as
    ``harvest serve`` plans from the bundled sources file."""
    planned = plan_deployments(load_sources(BUNDLED))
    assert [p.name for p in planned] == ["crawl-councils", "crawl-networks", "crawl-uclg-sections", "crawl-uclg-world"]
    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    assert {d["name"]: d["schedules"][0]["cron"] for d in declared} == {p.name: p.cron for p in planned}
    assert {d["name"]: d["parameters"]["group"] for d in declared} == {p.name: p.group for p in planned}
    bundled = {s.name: s for s in load_sources(BUNDLED)}
    for plan in planned:
        assert plan.sources and all(bundled[n].enabled and bundled[n].group == plan.group for n in plan.sources)
    disabled = {n for n, s in bundled.items() if not s.enabled}
    assert disabled and not disabled & {n for p in planned for n in p.sources}
