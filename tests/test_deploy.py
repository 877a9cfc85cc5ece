"""``harvest deploy``: the plan of the work pool (shards, parameters, the prefect.yaml written from
it) and its registration on a real Prefect server, read back from the API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from crawlers.sources import BUNDLED, load_sources
from flows.deploy import CRASH_AUTOMATION, HEARTBEAT_SECONDS, plan_pool, site_of, source_sites, split_shards
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


def delete(api: str, path: str, *, check: bool = True) -> None:
    """Clean-up of the session's shared server: a 503 (the server's database busy for a moment, as
    seen once under load) is tried again, up to five times a second apart."""
    for _ in range(5):
        response = httpx.delete(f"{api}{path}", timeout=30)
        if response.status_code != 503:
            break
        time.sleep(1)
    if check:
        response.raise_for_status()


def entry(name: str, group: str | None, cron: str = "0 0 1 1 *", url: str | None = None,
          hosts: list[str] | None = None) -> str:
    return (f"  - name: {name}\n    url: {url or f'http://127.0.0.1:9/{name}/'}\n"
            + (f"    hosts: [{', '.join(hosts)}]\n" if hosts else "")
            + (f"    group: {group}\n" if group else "") + f"    schedule: '{cron}'\n")


def test_a_site_is_the_registrable_domain_with_a_named_port() -> None:
    assert [site_of(h) for h in ("www.network.org", "publications.network.org", "NETWORK.org.", "council.gov.uk",
                                 "news.council.gov.uk", "www.clgf.org.uk", "aimf.asso.fr")] == [
        "network.org", "network.org", "network.org", "council.gov.uk", "council.gov.uk", "clgf.org.uk",
        "aimf.asso.fr"]
    # No registrable domain (an address, a single label): the host itself; another port, another server.
    assert [site_of("127.0.0.1", 8001), site_of("127.0.0.1"), site_of("www.localhost")] == [
        "127.0.0.1:8001", "127.0.0.1", "localhost"]


# One group of 13 sources on 8 sites: network.org (3, by subdomains), council.gov.uk (2), two
# sources tied by a shared alias (2), one address and port (2), and four sites of one source each.
SITES = {
    "network.org": ["net-events", "net-news", "net-pubs"],
    "council.gov.uk": ["council-a", "council-b"],
    "shared-alias.org": ["alias-x", "alias-y"],
    "127.0.0.1:8001": ["port-1", "port-3"],
}
MANY = [entry("net-news", "g", url="https://www.network.org/news/"),
        entry("net-pubs", "g", url="https://publications.network.org/"),
        entry("net-events", "g", url="https://network.org/events/"),
        entry("council-a", "g", url="https://www.council.gov.uk/a/"),
        entry("council-b", "g", url="https://council.gov.uk/b/"),
        entry("alias-x", "g", url="https://x-site.org/", hosts=["x-site.org", "shared-alias.org"]),
        entry("alias-y", "g", url="https://y-site.org/", hosts=["www.shared-alias.org"]),
        entry("port-1", "g", url="http://127.0.0.1:8001/"),
        entry("port-3", "g", url="http://127.0.0.1:8001/other/"),
        entry("port-2", "g", url="http://127.0.0.1:8002/"),
        entry("alpha", "g", url="https://alpha.org/"), entry("beta", "g", url="https://beta.org/"),
        entry("gamma", "g", url="https://news.gamma.org/")]


def shards_of(config: Path, shards: int) -> list[list[str]]:
    sources = load_sources(config)
    return [p.sources for p, _ in split_shards(plan_deployments(sources), shards, source_sites(sources))]


def test_shards_keep_each_site_whole_and_are_balanced_by_source_count(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", *MANY)
    names = sorted(s.name for s in load_sources(config))
    for shards in (2, 3, 4, 6):
        split = shards_of(config, shards)
        assert len(split) == shards
        assert sorted(s for part in split for s in part) == names
        for site, members in SITES.items():
            holding = [i for i, part in enumerate(split) if set(members) & set(part)]
            assert len(holding) == 1 and set(members) <= set(split[holding[0]]), (site, split)
        for part in split:
            assert part == sorted(part)
        # Greedy, largest site first to the lightest shard: no shard is heavier than the lightest
        # by more than the largest site (3 sources).
        sizes = [len(part) for part in split]
        assert max(sizes) - min(sizes) <= 3, sizes
    assert sorted(map(len, shards_of(config, 2))) == [6, 7]
    assert sorted(map(len, shards_of(config, 3))) == [4, 4, 5]
    # More shards than sites: one shard per site (8), never an empty one.
    assert sorted(map(len, shards_of(config, 12))) == [1, 1, 1, 1, 2, 2, 2, 3]
    # The same shards whatever the order of the file's entries.
    shuffled = write_config(tmp_path / "shuffled.yaml", *MANY[::-1])
    rotated = write_config(tmp_path / "rotated.yaml", *(MANY[5:] + MANY[:5]))
    for shards in (2, 3, 5):
        assert shards_of(shuffled, shards) == shards_of(config, shards) == shards_of(rotated, shards)


def test_a_group_of_one_site_is_not_split_and_sources_without_sites_are_dealt_by_name(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sources.yaml", entry("one", "g", url="https://www.one.org/"),
                          entry("two", "g", url="https://two.one.org/"))
    sources = load_sources(config)
    (only,) = split_shards(plan_deployments(sources), 4, source_sites(sources))
    assert only[1] is None and only[0].name == "crawl-g" and sorted(only[0].sources) == ["one", "two"]
    plans = [Plan("crawl-g", "5 * * * *", ["e", "b", "a", "d", "c"], "g"),
             Plan("crawl-solo", "0 3 * * *", ["solo"], None)]
    split = split_shards(plans, 2)
    assert [(p.name, p.sources, p.group, shard) for p, shard in split] == [
        ("crawl-g-shard-1-of-2", ["a", "c", "e"], "g", (1, 2)),
        ("crawl-g-shard-2-of-2", ["b", "d"], "g", (2, 2)),
        ("crawl-solo", ["solo"], None, None),
    ]
    assert [p for p, _ in split_shards(plans, 1)] == plans


def test_the_bundled_sources_of_one_site_share_a_shard() -> None:
    sources = load_sources(BUNDLED)
    sites = source_sites(sources)
    bundled = plan_deployments(sources)
    scheduled = {s for p in bundled for s in p.sources}
    by_site: dict[str, set[str]] = {}
    for name, found in sites.items():
        for site in found:
            by_site.setdefault(site, set()).add(name)
    shared = {site: names & scheduled for site, names in by_site.items() if len(names & scheduled) > 1}
    assert shared, "the bundled file has scheduled sources sharing a site (a council's two sections)"
    for shards in (2, 3, 4):
        split = [p.sources for p, _ in split_shards(bundled, shards, sites)]
        assert sorted(s for part in split for s in part) == sorted(scheduled)
        for site, names in shared.items():
            assert sum(1 for part in split if names & set(part)) == 1, (site, split)


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
    # a and d share a site (its news and its publications), b and c have one each.
    config = write_config(tmp_path / "sources.yaml", entry("a", "g", url="https://news.one.org/"),
                          entry("b", "g", url="https://two.org/"), entry("c", "g", url="https://three.org/"),
                          entry("d", "g", url="https://www.one.org/publications/"), entry("solo", None, "0 3 * * *"))
    dry = harvest(["deploy", "--pool", "p", "--shards", "2", "--config", str(config), "--dry-run"], tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "crawl-g-shard-1-of-2: '0 0 1 1 *' on pool p → a, d",
        "crawl-g-shard-2-of-2: '0 0 1 1 *' on pool p → b, c",
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
    config = write_config(tmp_path / "sources.yaml", entry("dep-a", "dep", url="http://127.0.0.1:9/a/"),
                          entry("dep-b", "dep", url="http://127.0.0.1:10/b/"),
                          entry("dep-c", "dep", url="http://127.0.0.1:9/c/"), entry("dep-solo", None, "0 3 * * 1-5"))
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
            delete(api, f"/deployments/{deployment['id']}")
        delete(api, "/work_pools/test-deploy-pool", check=False)
        for automation in post(api, "/automations/filter", {}):
            if automation["name"] == CRASH_AUTOMATION:
                delete(api, f"/automations/{automation['id']}")


SETUP_FIELDS = ("description", "entrypoint", "tags", "parameters", "job_variables", "pull_steps", "paused",
                "work_queue_name", "concurrency_options")


def pool_setup(api: str, pool: str) -> dict[str, Any]:
    """What a pool's deployments are, as the API gives them back (their ids, times and pool aside)."""
    found = post(api, "/deployments/filter", {"work_pools": {"name": {"any_": [pool]}}})
    return {d["name"]: {**{key: d[key] for key in SETUP_FIELDS},
                        "limit": (d["global_concurrency_limit"] or {}).get("limit"),
                        "crons": [s["schedule"]["cron"] for s in d["schedules"] if s["active"]]} for d in found}


def crash_automations(api: str) -> list[dict[str, Any]]:
    return [a for a in post(api, "/automations/filter", {}) if a["name"] == CRASH_AUTOMATION]


def call(method: str, url: str) -> httpx.Response:
    """One API request, again after a 503 (the server's SQLite database busy under load)."""
    for _ in range(10):
        response = httpx.request(method, url, timeout=30)
        if response.status_code != 503:
            break
        time.sleep(1)
    return response


def limit_exists(api: str, source: str) -> bool:
    response = call("GET", f"{api}/v2/concurrency_limits/harvest-source-{source}")
    if response.status_code == 404:
        return False
    response.raise_for_status()
    return bool(response.json()["limit"] == 1)


def prefect(args: list[str], api: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The ``prefect`` command line, run from the project folder (as the prefect.yaml says)."""
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED":
           "false"}
    return subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow  # a real Prefect server
def test_prefect_deploy_all_from_the_written_file_sets_up_what_harvest_deploy_does(
        tmp_path: Path, prefect_server: dict[str, Any]) -> None:
    api = prefect_server["api"]
    config = write_config(tmp_path / "sources.yaml", entry("yd-news", "yd", url="https://news.yd-one.org/"),
                          entry("yd-pubs", "yd", url="https://www.yd-one.org/publications/"),
                          entry("yd-two", "yd", url="https://yd-two.org/"),
                          entry("yd-three", "yd", url="https://yd-three.org/"),
                          entry("yd-solo", None, "0 3 * * 1-5", url="https://yd-solo.org/"))
    sources = ["yd-news", "yd-pubs", "yd-solo", "yd-three", "yd-two"]
    corpus = str(tmp_path / "corpus")
    plan = ["--shards", "2", "--config", str(config), "--corpus", corpus, "--crash-after", "75"]
    written = tmp_path / "prefect.yaml"
    home = tmp_path / "prefect-home"
    pools = ("test-yd-harvest", "test-yd-yaml")
    try:
        # The reference: `harvest deploy` on one pool.
        run = harvest(["deploy", "--pool", pools[0], *plan], tmp_path, api)
        assert run.returncode == 0, run.stdout + run.stderr
        reference = pool_setup(api, pools[0])
        assert sorted(reference) == ["crawl-yd-shard-1-of-2", "crawl-yd-shard-2-of-2", "crawl-yd-solo"]
        assert reference["crawl-yd-shard-1-of-2"]["parameters"]["sources"] == ["yd-news", "yd-pubs"]
        assert all(limit_exists(api, name) for name in sources)
        # The other pool had an older plan (no shards): its crawl-yd is stale once the file is deployed.
        older = harvest(["deploy", "--pool", pools[1], "--config", str(config), "--corpus", corpus], tmp_path, api)
        assert older.returncode == 0, older.stdout + older.stderr
        assert "crawl-yd" in pool_setup(api, pools[1])
        # Nothing else left from `harvest deploy`: no automation, no limits.
        for automation in crash_automations(api):
            delete(api, f"/automations/{automation['id']}")
        for name in sources:
            call("DELETE", f"{api}/v2/concurrency_limits/harvest-source-{name}").raise_for_status()
        assert not crash_automations(api) and not any(limit_exists(api, name) for name in sources)

        wrote = harvest(["deploy", "--pool", pools[1], *plan, "--write", str(written)], tmp_path)
        assert wrote.returncode == 0, wrote.stderr
        assert "--crash-after 75" in written.read_text(encoding="utf-8")
        deployed = prefect(["--no-prompt", "deploy", "--all", "--prefect-file", str(written)], api, home)
        assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
        # The same deployments as `harvest deploy` makes, the stale one gone, ...
        assert pool_setup(api, pools[1]) == reference
        assert "deleted, no longer in the plan: crawl-yd" in deployed.stdout
        # ... the crash automation, ...
        (crash,) = crash_automations(api)
        assert crash["enabled"] and crash["trigger"]["posture"] == "Proactive" and crash["trigger"]["within"] == 75
        assert crash["actions"][0]["state"] == "CRASHED" and "no heartbeat for 75 s" in crash["actions"][0]["message"]
        # ... and the concurrency limit of each source.
        assert all(limit_exists(api, name) for name in sources)
        # Deployed again: the same automation is kept (one, not one per deployment or per run).
        again = prefect(["--no-prompt", "deploy", "--all", "--prefect-file", str(written)], api, home)
        assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
        assert [a["id"] for a in crash_automations(api)] == [crash["id"]]
        assert pool_setup(api, pools[1]) == reference
        # `harvest deploy` with another --crash-after replaces it, and a second one of the same name too.
        copy = {k: v for k, v in crash.items() if k not in ("id", "created", "updated", "tags", "owner_resource")}
        post(api, "/automations/", copy)
        assert len(crash_automations(api)) == 2
        changed = harvest(["deploy", "--pool", pools[0], *plan[:-1], "120"], tmp_path, api)
        assert changed.returncode == 0, changed.stdout + changed.stderr
        (replaced,) = crash_automations(api)
        assert replaced["id"] != crash["id"] and replaced["trigger"]["within"] == 120
    finally:  # the session's server is shared: other tests count its localgov-harvest deployments
        for pool in pools:
            for deployment in post(api, "/deployments/filter", {"work_pools": {"name": {"any_": [pool]}}}):
                delete(api, f"/deployments/{deployment['id']}")
            delete(api, f"/work_pools/{pool}", check=False)
        for automation in crash_automations(api):
            delete(api, f"/automations/{automation['id']}")
        for name in sources:
            call("DELETE", f"{api}/v2/concurrency_limits/harvest-source-{name}")
