"""``harvest deploy``: the plan of the work pool (shards, parameters, the prefect.yaml written from
it) and its registration on a real Prefect server, read back from the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from crawlers.sources import BUNDLED, load_sources
from flows.deploy import CRASH_AUTOMATION, HEARTBEAT_SECONDS, plan_pool, split_shards
from flows.serve import Plan, plan_deployments
from tests.conftest import ROOT, write_config


def harvest(args: list[str], cwd: Path, api: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def post(api: str, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{api}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def entry(name: str, group: str | None, cron: str = "0 0 1 1 *") -> str:
    return (f"  - name: {name}\n    url: http://127.0.0.1:9/{name}/\n" + (f"    group: {group}\n" if group else "")
            + f"    schedule: '{cron}'\n")


def test_shards_split_a_group_into_disjoint_balanced_sets_by_sorted_name() -> None:
    plans = [Plan("crawl-g", "5 * * * *", ["e", "b", "a", "d", "c"], "g"), Plan("crawl-solo", "0 3 * * *", ["solo"],
                                                                              None)]
    split = split_shards(plans, 2)
    assert [(p.name, p.sources, p.group, shard) for p, shard in split] == [
        ("crawl-g-shard-1-of-2", ["a", "c", "e"], "g", (1, 2)),
        ("crawl-g-shard-2-of-2", ["b", "d"], "g", (2, 2)),
        ("crawl-solo", ["solo"], None, None),
    ]
    # More shards than sources: one source each; the same plan whatever the order in the file.
    assert [p.sources for p, _ in split_shards(plans[:1], 9)] == [["a"], ["b"], ["c"], ["d"], ["e"]]
    shuffled = [Plan("crawl-g", "5 * * * *", ["c", "a", "e", "d", "b"], "g")]
    assert [p.sources for p, _ in split_shards(shuffled, 2)] == [["a", "c", "e"], ["b", "d"]]
    assert [p for p, _ in split_shards(plans, 1)] == plans
    # Every source of the bundled groups in exactly one shard.
    bundled = plan_deployments(load_sources(BUNDLED))
    for shards in (2, 3, 4):
        crawled = [s for p, _ in split_shards(bundled, shards) for s in p.sources]
        assert sorted(crawled) == sorted(s for p in bundled for s in p.sources)


def test_the_parameters_name_group_corpus_and_index_without_its_password() -> None:
    plans = [Plan("crawl-g", "5 * * * *", ["b", "a"], "g")]
    (one,) = plan_pool(plans, 1, "/srv/corpus", "postgresql://harvest:s3cret@db.example:5432/corpus", "s.yaml",
                       2, 600, 3, 3600, 30, 90)
    assert one.parameters == {"sources": ["b", "a"], "group": "g", "config": "s.yaml", "corpus": "/srv/corpus",
                              "index": "postgresql://harvest@db.example:5432/corpus", "jobs": 2, "timeout": 600,
                              "zero_runs": 3, "max_lateness": 3600, "busy_wait": 30, "source_lease": 90}
    (sqlite,) = plan_pool(plans, 1, "corpus", "", None, 1, 3600, 3, 3600, 60, 120)
    assert sqlite.parameters["index"] is None and sqlite.tags == ["localgov-harvest", "group:g"]


def test_the_repository_prefect_yaml_is_what_harvest_deploy_writes(tmp_path: Path) -> None:
    """prefect.yaml is regenerated with `harvest deploy --pool harvest --write prefect.yaml`."""
    written = harvest(["deploy", "--pool", "harvest", "--write", str(tmp_path / "prefect.yaml")], ROOT)
    assert written.returncode == 0, written.stderr
    assert "wrote" in written.stdout
    assert (tmp_path / "prefect.yaml").read_text(encoding="utf-8") == (ROOT / "prefect.yaml").read_text(
        encoding="utf-8"), "prefect.yaml is not up to date: run harvest deploy --pool harvest --write prefect.yaml"
    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert declared["pull"] == [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $PWD }}"}}]
    for deployment in declared["deployments"]:
        assert deployment["entrypoint"] == "flows/pipeline.py:crawl_flow"
        assert deployment["work_pool"] == {"name": "harvest", "job_variables": {
            "env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS)}}}


def test_dry_run_prints_the_shards_and_no_server_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", entry("a", "g"), entry("b", "g"), entry("c", "g"),
                          entry("solo", None, "0 3 * * *"))
    dry = harvest(["deploy", "--pool", "p", "--shards", "2", "--config", str(config), "--dry-run"], tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "crawl-g-shard-1-of-2: '0 0 1 1 *' on pool p → a, c",
        "crawl-g-shard-2-of-2: '0 0 1 1 *' on pool p → b",
        "crawl-solo: '0 3 * * *' on pool p → solo",
    ]
    unset = harvest(["deploy", "--pool", "p", "--config", str(config)], tmp_path)
    assert unset.returncode == 2, unset.stderr
    assert "deploy needs a Prefect server" in unset.stderr and "PREFECT_API_URL" in unset.stderr
    down = harvest(["deploy", "--pool", "p", "--config", str(config)], tmp_path, api="http://127.0.0.1:9/api")
    assert down.returncode == 2 and "no Prefect server answers at http://127.0.0.1:9/api" in down.stderr
    shards = harvest(["deploy", "--pool", "p", "--shards", "0", "--config", str(config), "--dry-run"], tmp_path)
    assert shards.returncode == 2 and "--shards" in shards.stderr


@pytest.mark.slow  # a real Prefect server
def test_deploy_registers_the_shards_on_the_pool_and_a_new_plan_replaces_them(
        tmp_path: Path, prefect_server: dict[str, Any]) -> None:
    api = prefect_server["api"]
    config = write_config(tmp_path / "sources.yaml", entry("dep-a", "dep"), entry("dep-b", "dep"),
                          entry("dep-c", "dep"), entry("dep-solo", None, "0 3 * * 1-5"))
    corpus = tmp_path / "corpus"
    index = "postgresql://harvest:s3cret@127.0.0.1:9/corpus"
    try:
        run = harvest(["deploy", "--pool", "test-deploy-pool", "--shards", "2", "--config", str(config), "--corpus",
                       str(corpus), "--index", index, "--crash-after", "75"], tmp_path, api)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "work pool test-deploy-pool created (type process)" in run.stdout
        assert "without its password" in run.stderr and "s3cret" not in run.stdout + run.stderr
        pool = httpx.get(f"{api}/work_pools/test-deploy-pool", timeout=30).json()
        assert pool["type"] == "process"
        found = post(api, "/deployments/filter", {"work_pools": {"name": {"any_": ["test-deploy-pool"]}}})
        by_name = {d["name"]: d for d in found}
        assert sorted(by_name) == ["crawl-dep-shard-1-of-2", "crawl-dep-shard-2-of-2", "crawl-dep-solo"]
        crons = {name: [s["schedule"]["cron"] for s in d["schedules"] if s["active"]] for name, d in by_name.items()}
        assert crons == {"crawl-dep-shard-1-of-2": ["0 0 1 1 *"], "crawl-dep-shard-2-of-2": ["0 0 1 1 *"],
                         "crawl-dep-solo": ["0 3 * * 1-5"]}
        first = by_name["crawl-dep-shard-1-of-2"]
        assert first["entrypoint"] == "flows/pipeline.py:crawl_flow" and first["work_pool_name"] == "test-deploy-pool"
        assert first["parameters"]["sources"] == ["dep-a", "dep-c"]
        assert by_name["crawl-dep-shard-2-of-2"]["parameters"]["sources"] == ["dep-b"]
        assert {k: first["parameters"][k] for k in ("group", "config", "corpus", "index")} == {
            "group": "dep", "config": str(config), "corpus": str(corpus),
            "index": "postgresql://harvest@127.0.0.1:9/corpus"}
        assert first["job_variables"] == {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}}
        assert first["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
        assert first["global_concurrency_limit"]["limit"] == 1
        assert first["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        assert not first["paused"] and "group:dep" in first["tags"]
        automations = post(api, "/automations/filter", {})
        crash = [a for a in automations if a["name"] == CRASH_AUTOMATION]
        assert len(crash) == 1 and crash[0]["trigger"]["posture"] == "Proactive"
        assert crash[0]["trigger"]["within"] == 75 and crash[0]["actions"][0]["state"] == "CRASHED"
        # Deployed again with another plan: the shards that are gone are deleted, one automation stays.
        again = harvest(["deploy", "--pool", "test-deploy-pool", "--config", str(config), "--corpus", str(corpus)],
                        tmp_path, api)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "deleted, no longer in the plan: crawl-dep-shard-1-of-2, crawl-dep-shard-2-of-2" in again.stdout
        found = post(api, "/deployments/filter", {"work_pools": {"name": {"any_": ["test-deploy-pool"]}}})
        assert sorted(d["name"] for d in found) == ["crawl-dep", "crawl-dep-solo"]
        assert next(d for d in found if d["name"] == "crawl-dep")["parameters"]["index"] is None
        assert len([a for a in post(api, "/automations/filter", {}) if a["name"] == CRASH_AUTOMATION]) == 1
    finally:  # the session's server is shared: other tests count its localgov-harvest deployments
        for deployment in post(api, "/deployments/filter", {"work_pools": {"name": {"any_": ["test-deploy-pool"]}}}):
            httpx.delete(f"{api}/deployments/{deployment['id']}", timeout=30).raise_for_status()
        httpx.delete(f"{api}/work_pools/test-deploy-pool", timeout=30)
        for automation in post(api, "/automations/filter", {}):
            if automation["name"] == CRASH_AUTOMATION:
                httpx.delete(f"{api}/automations/{automation['id']}", timeout=30).raise_for_status()
