"""``harvest deploy``: the scheduled crawls as deployments of a Prefect work pool, for workers on
several machines (``prefect worker start --pool NAME``) that share one corpus.

The plan is ``harvest serve``'s (``flows.serve.plan_deployments``: one deployment per schedule
group, with its cron), each deployment on the work pool (a ``process`` pool, created when
missing), entrypoint ``flows/pipeline.py:crawl_flow``, its parameters naming its sources, group,
corpus folder and index location (without its password).

``shards`` splits a group into up to that many deployments (``crawl-<group>-shard-<i>-of-<n>``)
so that several workers crawl one group at once. Shards are made of sites, not of sources: the
sources of one site (``site_of``: the registrable domain of a source's hosts, ``www.`` and other
subdomains aside, with the start URL's port when it names one) always share a shard, so one site
is never crawled by two shards at once — the request rate on a site is what one run makes of it,
as on one machine. The sites go largest first to the shard with the fewest sources (ties: the
lower shard; sites of equal size in the order of their first source's name), so the shards are
balanced by source count and the same for the same sources file. A group of one site is not
split. A source that changes shard when the file changes is still crawled by one run at a time
(the per-source concurrency limit of ``flows.pipeline``). No per-site concurrency limit is
needed on top of it: within a group, a site's sources are all in one deployment, which runs one
flow run at a time. Sources of one site in two schedule groups (two deployments) may be crawled
at once, here as under ``harvest serve`` on one machine: give them one group to keep them apart.

Each deployment runs one flow run at a time, as under ``harvest serve``, and its runs send a
heartbeat every 30 s (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` in the deployment's environment). The
automation ``harvest-crash-silent-runs``, installed with the deployments, marks a run Crashed
when its heartbeats stop for ``crash_after`` seconds (its worker and process were killed, its
machine went down): that frees the deployment's slot for the next scheduled run, which takes
up the work where the corpus left it (only new items are stored).

``write_prefect_yaml`` writes the same plan as a ``prefect.yaml`` for ``prefect deploy --all``.
Its ``build`` step (``set_up_pool``, which ``prefect deploy`` runs before it registers each
deployment) does what the deployments themselves cannot say: it installs the crash automation
(a deployment's ``triggers`` can only start runs), creates the per-source concurrency limits
and deletes this project's deployments of the pool that the file no longer has — the set-up of
``harvest deploy``, except the work pool, which ``prefect deploy`` wants to exist beforehand.
"""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawlers.sources import Source
from flows.serve import Plan

ENTRYPOINT = "flows/pipeline.py:crawl_flow"
POOL_TYPE = "process"
TAG = "localgov-harvest"
HEARTBEAT_SECONDS = 30  # the shortest heartbeat interval Prefect sends
CRASH_AUTOMATION = "harvest-crash-silent-runs"
CRASH_AFTER = 90.0  # seconds without a heartbeat before a run is marked Crashed (``--crash-after``)
CRASH_MESSAGE = "no heartbeat for {seconds:.0f} s: its worker or machine is gone; the next run takes up the work"
PROJECT = Path(__file__).resolve().parents[1]


@dataclass
class Deployment:
    """One deployment of the work pool: a plan (or a shard of one) and the parameters of its runs."""

    name: str
    cron: str
    sources: list[str]
    group: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    shard: tuple[int, int] | None = None  # (i, n): the i-th of n shards of its group

    @property
    def description(self) -> str:
        part = f" (shard {self.shard[0]} of {self.shard[1]} of group {self.group})" if self.shard else ""
        return f"Crawl {', '.join(self.sources)} on '{self.cron}'{part}."

    @property
    def tags(self) -> list[str]:
        return [TAG] + ([f"group:{self.group}"] if self.group else [])


@functools.cache
def _suffixes() -> Any:
    """The public suffix list bundled with ``tldextract`` (no download, no cache file)."""
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def site_of(host: str, port: int | None = None) -> str:
    """The site a host belongs to, for politeness across shards: its registrable domain
    (``news.example.org`` and ``www.example.org`` → ``example.org``; ``council.gov.uk`` stays
    whole), or the host itself (``www.`` aside) when it has none (an IP address, ``localhost``);
    with ``:port`` when a port is named (another port is another server)."""
    bare = host.lower().rstrip(".")
    bare = bare[4:] if bare.startswith("www.") else bare
    site = _suffixes()(bare).top_domain_under_public_suffix or bare
    return f"{site}:{port}" if port else site


def source_sites(sources: list[Source]) -> dict[str, list[str]]:
    """The sites of each source, by name: that of its start URL (with its port, if named), then
    those of its other hosts (``Source.all_hosts``)."""
    found: dict[str, list[str]] = {}
    for source in sources:
        parts = urlsplit(source.url)
        try:
            port = parts.port
        except ValueError:  # not a number: the URL check of the sources file reports it
            port = None
        start = parts.hostname or ""
        sites = [site_of(host, port if host == start else None) for host in source.all_hosts]
        found[source.name] = list(dict.fromkeys(sites)) or [source.name]
    return found


def site_clusters(names: list[str], sites: dict[str, list[str]]) -> list[list[str]]:
    """The sources grouped so that two sources sharing a site (directly or through a third)
    are in one cluster; each cluster sorted by name, the clusters by their first name. A source
    without known sites is a cluster of its own."""
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    first: dict[str, str] = {}  # site → the first source (by name) seen on it
    for name in sorted(names):
        for site in sites.get(name, []):
            if site in first:
                a, b = sorted((root(first[site]), root(name)))
                parent[b] = a
            else:
                first[site] = name
    clusters: dict[str, list[str]] = {}
    for name in sorted(names):
        clusters.setdefault(root(name), []).append(name)
    return sorted(clusters.values(), key=lambda cluster: cluster[0])


def split_shards(plans: list[Plan], shards: int,
                 sites: dict[str, list[str]] | None = None) -> list[tuple[Plan, tuple[int, int] | None]]:
    """Each plan split into ``n = min(shards, sites of the group)`` plans, with ``(i, n)``: the
    sources of one site (``sites``: a source's sites by name, ``source_sites``; None: each
    source a site of its own) in one shard; the site clusters, largest first (then by their
    first name), each to the shard with the fewest sources so far (then the lowest ``i``); each
    shard's sources sorted by name. Plans of one site, and all plans when ``shards`` < 2, stay
    as they are (with None)."""
    result: list[tuple[Plan, tuple[int, int] | None]] = []
    for plan in plans:
        clusters = site_clusters(plan.sources, sites or {name: [name] for name in plan.sources})
        count = min(max(1, shards), len(clusters))
        if count < 2:
            result.append((plan, None))
            continue
        bins: list[list[str]] = [[] for _ in range(count)]
        for cluster in sorted(clusters, key=lambda c: (-len(c), c[0])):
            lightest = min(range(count), key=lambda i: (len(bins[i]), i))
            bins[lightest].extend(cluster)
        for i, members in enumerate(bins):
            result.append((Plan(f"{plan.name}-shard-{i + 1}-of-{count}", plan.cron, sorted(members), plan.group),
                           (i + 1, count)))
    return result


def plan_pool(plans: list[Plan], shards: int, corpus: str, index: str, config: str | None, jobs: int,
              timeout: float, zero_runs: int, max_lateness: float, busy_wait: float,
              source_lease: float, sites: dict[str, list[str]] | None = None) -> list[Deployment]:
    """The deployments of the work pool: the plans, split into shards, with their runs' parameters.
    ``index`` goes in without its password (``storage.index.public_location``). ``sites``: the
    sites of the sources (``source_sites``), read from ``config`` when None and shards are asked for."""
    from storage.index import public_location

    if sites is None and shards > 1:
        from crawlers.sources import load_sources

        sites = source_sites(load_sources(config))
    deployments = []
    for plan, shard in split_shards(plans, shards, sites):
        deployments.append(Deployment(plan.name, plan.cron, plan.sources, plan.group, {
            "sources": plan.sources, "group": plan.group, "config": config, "corpus": corpus,
            "index": public_location(index) if index else None, "jobs": jobs, "timeout": timeout,
            "zero_runs": zero_runs, "max_lateness": max_lateness, "busy_wait": busy_wait,
            "source_lease": source_lease,
        }, shard))
    return deployments


def describe(deployments: list[Deployment], pool: str) -> list[str]:
    """One line per deployment: what ``harvest deploy`` prints (and all ``--dry-run`` does)."""
    return [f"{d.name}: '{d.cron}' on pool {pool} → {', '.join(d.sources)}" for d in deployments]


def _spec(deployment: Deployment, pool: str) -> dict[str, Any]:
    """The deployment as a ``prefect.yaml`` entry (and what ``register`` sends the API)."""
    return {
        "name": deployment.name,
        "description": deployment.description,
        "entrypoint": ENTRYPOINT,
        "tags": deployment.tags,
        "parameters": deployment.parameters,
        "schedules": [{"cron": deployment.cron}],
        "concurrency_limit": {"limit": 1, "collision_strategy": "CANCEL_NEW"},
        "work_pool": {"name": pool, "job_variables": {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY":
                                                               str(HEARTBEAT_SECONDS)}}},
    }


def _pull_steps(workdir: str) -> list[dict[str, Any]]:
    """The flow run starts in the project folder on the worker's machine (the same path on all)."""
    return [{"prefect.deployments.steps.set_working_directory": {"directory": workdir}}]


YAML_HEAD = """\
# The scheduled crawls as deployments of the work pool {pool}, written by
#   harvest deploy --pool {pool} --write prefect.yaml{options}
# from the schedule groups of the sources file (run it again after editing the file).
# To use it instead of `harvest deploy`:
#   prefect work-pool create {pool} --type process
#   prefect --no-prompt deploy --all      # from this folder
#   prefect worker start --pool {pool}    # on each machine, from this folder, with the project's Python
# The build step (flows.deploy.set_up_pool, run by `prefect deploy`) sets up the rest as
# `harvest deploy` does: the automation that marks runs whose heartbeats stopped Crashed, the
# concurrency limit of each source, and the deletion of the pool's deployments not in this file.
"""


def _build_steps(deployments: list[Deployment], pool: str, crash_after: float) -> list[dict[str, Any]]:
    """The ``build`` section of the ``prefect.yaml``: ``set_up_pool`` with the whole plan."""
    return [{f"{__name__}.set_up_pool": {
        "pool": pool, "crash_after": crash_after, "deployments": [d.name for d in deployments],
        "sources": sorted({s for d in deployments for s in d.sources}),
    }}]


def write_prefect_yaml(path: Path, deployments: list[Deployment], pool: str, workdir: str | None,
                       options: str = "", crash_after: float = CRASH_AFTER) -> None:
    """The plan as a ``prefect.yaml``. The working directory of the runs is ``workdir``, or
    where ``prefect deploy`` is run (``{{ $PWD }}``) when it is None."""
    from importlib.metadata import version

    document = {
        "name": "localgov-harvest",
        "prefect-version": version("prefect"),
        "build": _build_steps(deployments, pool, crash_after),
        "pull": _pull_steps(workdir or "{{ $PWD }}"),
        "deployments": [_spec(d, pool) for d in deployments],
    }
    text = YAML_HEAD.format(pool=pool, options=options) + "\n" + yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text(text, encoding="utf-8")


def set_up_pool(pool: str, crash_after: float, deployments: list[str], sources: list[str]) -> dict[str, Any]:
    """The ``build`` step of the written ``prefect.yaml``: what ``harvest deploy`` sets up
    besides the deployments — the crash automation (kept when it is already the same), the
    sources' concurrency limits (created when missing) and the deletion of this project's
    deployments of ``pool`` not in ``deployments``. ``prefect deploy`` runs it before it
    registers each deployment, so it is idempotent. Returns what it did (the step's outputs)."""
    from prefect import get_client

    from flows.pipeline import ensure_source_limits

    automation, created = install_crash_detection(float(crash_after))
    if created:
        print(f"automation {CRASH_AUTOMATION} ({automation}) marks a run Crashed {float(crash_after):.0f} s after "
              "its last heartbeat")
    ensure_source_limits(list(sources))
    with get_client(sync_client=True) as client:
        deleted = delete_stale(client, pool, list(deployments))
    if deleted:
        print(f"deleted, no longer in the plan: {', '.join(deleted)}")
    return {"crash_automation": automation, "deleted_deployments": deleted}


def ensure_pool(client: Any, pool: str) -> bool:
    """Create the work pool (type ``process``, Prefect's default job template) unless it
    exists; True when it was created. A pool of another type is refused."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        found = client.read_work_pool(pool)
    except ObjectNotFound:
        client.create_work_pool(WorkPoolCreate(name=pool, type=POOL_TYPE,
                                               base_job_template=ProcessWorker.get_default_base_job_template()))
        return True
    if found.type != POOL_TYPE:
        raise ValueError(f"work pool {pool} is of type {found.type!r}, not {POOL_TYPE!r}: choose another --pool")
    return False


def register(deployments: list[Deployment], pool: str, workdir: str) -> tuple[list[str], list[str]]:
    """Create or update the deployments on the pool (``crawl_flow`` of the ``harvest-crawl``
    flow), and delete this project's deployments of the pool that the plan no longer has (a
    group gone, shards renumbered). Returns the names registered and those deleted."""
    from prefect import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.utilities.callables import parameter_schema

    from flows.pipeline import FLOW_NAME, crawl_flow

    schema = parameter_schema(crawl_flow).model_dump_for_openapi()
    registered: list[str] = []
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name(FLOW_NAME)
        for deployment in deployments:
            spec = _spec(deployment, pool)
            client.create_deployment(
                flow_id=flow_id, name=deployment.name, work_pool_name=pool, entrypoint=ENTRYPOINT,
                parameters=deployment.parameters, parameter_openapi_schema=schema,
                schedules=[DeploymentScheduleCreate(schedule=CronSchedule(cron=deployment.cron), active=True)],
                concurrency_limit=1,
                concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
                tags=deployment.tags, description=deployment.description, paused=False,
                pull_steps=_pull_steps(workdir), path=workdir,
                job_variables=spec["work_pool"]["job_variables"],
            )
            registered.append(deployment.name)
        deleted = delete_stale(client, pool, registered, flow_id)
    return registered, deleted


def delete_stale(client: Any, pool: str, keep: list[str], flow_id: Any = None) -> list[str]:
    """Delete this project's deployments of ``pool`` (tag ``localgov-harvest``, flow
    ``harvest-crawl``) whose names are not in ``keep``; their names."""
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterTags,
        WorkPoolFilter,
        WorkPoolFilterName,
    )
    from prefect.exceptions import ObjectNotFound

    from flows.pipeline import FLOW_NAME

    if flow_id is None:
        try:
            flow_id = client.read_flow_by_name(FLOW_NAME).id
        except ObjectNotFound:  # no deployment of the flow yet
            return []
    stale = client.read_deployments(
        deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=[TAG])),
        work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])),
    )
    deleted = []
    for old in stale:
        if old.flow_id == flow_id and old.name not in keep:
            client.delete_deployment(old.id)
            deleted.append(old.name)
    return sorted(deleted)


def crash_automation(crash_after: float) -> Any:
    """The automation that marks a ``harvest-crawl`` run Crashed when no heartbeat, nor an end,
    follows its last heartbeat within ``crash_after`` seconds (Prefect's way of detecting runs
    whose process is gone), not yet created."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture

    from flows.pipeline import FLOW_NAME

    return Automation(
        name=CRASH_AUTOMATION,
        description="Mark a localgov-harvest crawl run Crashed when its heartbeats stop.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOW_NAME},
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=crash_after),
        ),
        actions=[ChangeFlowRunState(name="Crashed", state=StateType.CRASHED, force=False,
                                    message=CRASH_MESSAGE.format(seconds=crash_after))],
    )


def _same_automation(found: Any, wanted: Any) -> bool:
    """Two automations that do the same (their ids, and their triggers' ids, aside)."""
    def spec(automation: Any) -> Any:
        trigger = automation.trigger.model_dump(mode="json", exclude={"id"})
        # Sets (``expect``, ``after``, ``for_each``) come out in an order of their own.
        trigger = {key: sorted(value) if isinstance(value, list) and all(isinstance(v, str) for v in value)
                   else value for key, value in trigger.items()}
        actions = [action.model_dump(mode="json") for action in automation.actions]
        return (automation.enabled, automation.description, trigger, actions)

    return bool(spec(found) == spec(wanted))


def install_crash_detection(crash_after: float) -> tuple[str, bool]:
    """Make the automation ``harvest-crash-silent-runs`` the one of ``crash_automation``: kept
    when there is one that is the same, else created (the others of that name deleted). Returns
    its id and whether it was created."""
    from typing import cast

    from prefect import get_client
    from prefect.automations import Automation

    wanted = crash_automation(crash_after)
    # All of that name (``Automation.read(name=…)`` gives only the first of them).
    with get_client(sync_client=True) as client:
        existing = [Automation(**found.model_dump()) for found in client.read_automations_by_name(CRASH_AUTOMATION)]
    if len(existing) == 1 and _same_automation(existing[0], wanted):
        return str(existing[0].id), False
    for old in existing:
        old.delete()
    automation = cast(Automation, wanted.create())
    return str(automation.id), True


def deploy(deployments: list[Deployment], pool: str, workdir: str, crash_after: float) -> int:
    """Register the deployments on the pool (created when missing), create the concurrency limits
    of their sources and install the crash detection; print what was done."""
    from prefect import get_client

    from flows.pipeline import ensure_source_limits

    with get_client(sync_client=True) as client:
        if ensure_pool(client, pool):
            print(f"work pool {pool} created (type {POOL_TYPE})")
    registered, deleted = register(deployments, pool, workdir)
    print(f"{len(registered)} deployment(s) on work pool {pool}, working directory {workdir}")
    if deleted:
        print(f"deleted, no longer in the plan: {', '.join(deleted)}")
    ensure_source_limits(sorted({s for d in deployments for s in d.sources}))
    automation, created = install_crash_detection(crash_after)
    print(f"automation {CRASH_AUTOMATION} ({automation}{'' if created else ', unchanged'}) marks a run Crashed "
          f"{crash_after:.0f} s after its last heartbeat")
    print(f"start a worker on each machine, in {workdir}: prefect worker start --pool {pool}", file=sys.stderr)
    return 0
