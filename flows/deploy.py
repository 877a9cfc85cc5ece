"""``harvest deploy``: the scheduled crawls as deployments of a Prefect work pool, for workers on
several machines (``prefect worker start --pool NAME``) that share one corpus.

The plan is ``harvest serve``'s (``flows.serve.plan_deployments``: one deployment per schedule
group, with its cron), each deployment on the work pool (a ``process`` pool, created when
missing), entrypoint ``flows/pipeline.py:crawl_flow``, its parameters naming its sources, group,
corpus folder and index location (without its password). ``shards`` splits a group of more
than one source into that many deployments (``crawl-<group>-shard-<i>-of-<n>``), each crawling
every n-th source of the group sorted by name, so that several workers crawl one group at once;
a source that changes shard when the group changes is still crawled by one run at a time (the
per-source concurrency limit of ``flows.pipeline``).

Each deployment runs one flow run at a time, as under ``harvest serve``, and its runs send a
heartbeat every 30 s (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` in the deployment's environment). The
automation ``harvest-crash-silent-runs``, installed with the deployments, marks a run Crashed
when its heartbeats stop for ``crash_after`` seconds (its worker and process were killed, its
machine went down): that frees the deployment's slot for the next scheduled run, which takes
up the work where the corpus left it (only new items are stored).

``write_prefect_yaml`` writes the same plan as a ``prefect.yaml`` for ``prefect deploy --all``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.serve import Plan

ENTRYPOINT = "flows/pipeline.py:crawl_flow"
POOL_TYPE = "process"
TAG = "localgov-harvest"
HEARTBEAT_SECONDS = 30  # the shortest heartbeat interval Prefect sends
CRASH_AUTOMATION = "harvest-crash-silent-runs"
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


def split_shards(plans: list[Plan], shards: int) -> list[tuple[Plan, tuple[int, int] | None]]:
    """Each plan of more than one source split into ``min(shards, sources)`` plans: shard ``i``
    of ``n`` crawls the sources at positions ``i-1, i-1+n, …`` of the group sorted by name (a
    stable, balanced assignment), with ``(i, n)``. Plans of one source, and all plans when
    ``shards`` < 2, stay as they are (with None)."""
    result: list[tuple[Plan, tuple[int, int] | None]] = []
    for plan in plans:
        count = min(max(1, shards), len(plan.sources))
        if count < 2:
            result.append((plan, None))
            continue
        ordered = sorted(plan.sources)
        for i in range(count):
            result.append((Plan(f"{plan.name}-shard-{i + 1}-of-{count}", plan.cron, ordered[i::count], plan.group),
                           (i + 1, count)))
    return result


def plan_pool(plans: list[Plan], shards: int, corpus: str, index: str, config: str | None, jobs: int,
              timeout: float, zero_runs: int, max_lateness: float, busy_wait: float,
              source_lease: float) -> list[Deployment]:
    """The deployments of the work pool: the plans, split into shards, with their runs' parameters.
    ``index`` goes in without its password (``storage.index.public_location``)."""
    from storage.index import public_location

    deployments = []
    for plan, shard in split_shards(plans, shards):
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
# To use it instead of `harvest deploy` (which also installs the automation that marks runs
# whose heartbeats stopped Crashed):
#   prefect work-pool create {pool} --type process
#   prefect --no-prompt deploy --all      # from this folder
#   prefect worker start --pool {pool}    # on each machine, from this folder, with the project's Python
"""


def write_prefect_yaml(path: Path, deployments: list[Deployment], pool: str, workdir: str | None,
                       options: str = "") -> None:
    """The plan as a ``prefect.yaml``. The working directory of the runs is ``workdir``, or
    where ``prefect deploy`` is run (``{{ $PWD }}``) when it is None."""
    from importlib.metadata import version

    document = {
        "name": "localgov-harvest",
        "prefect-version": version("prefect"),
        "pull": _pull_steps(workdir or "{{ $PWD }}"),
        "deployments": [_spec(d, pool) for d in deployments],
    }
    text = YAML_HEAD.format(pool=pool, options=options) + "\n" + yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text(text, encoding="utf-8")


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
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterTags,
        WorkPoolFilter,
        WorkPoolFilterName,
    )
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
        stale = client.read_deployments(
            deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=[TAG])),
            work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])),
        )
        deleted = []
        for old in stale:
            if old.flow_id == flow_id and old.name not in registered:
                client.delete_deployment(old.id)
                deleted.append(old.name)
    return registered, deleted


def install_crash_detection(crash_after: float) -> str:
    """Create (or replace) the automation that marks a ``harvest-crawl`` run Crashed when no
    heartbeat, nor an end, follows its last heartbeat within ``crash_after`` seconds (Prefect's
    way of detecting runs whose process is gone). Returns its id."""
    from datetime import timedelta
    from typing import cast

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture

    from flows.alerts import _existing
    from flows.pipeline import FLOW_NAME

    for existing in _existing(CRASH_AUTOMATION):
        existing.delete()
    automation = cast(Automation, Automation(
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
    ).create())
    return str(automation.id)


def deploy(deployments: list[Deployment], pool: str, workdir: str, crash_after: float) -> int:
    """Register the deployments on the pool (created when missing) and install the crash
    detection; print what was done."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        if ensure_pool(client, pool):
            print(f"work pool {pool} created (type {POOL_TYPE})")
    registered, deleted = register(deployments, pool, workdir)
    print(f"{len(registered)} deployment(s) on work pool {pool}, working directory {workdir}")
    if deleted:
        print(f"deleted, no longer in the plan: {', '.join(deleted)}")
    automation = install_crash_detection(crash_after)
    print(f"automation {CRASH_AUTOMATION} ({automation}) marks a run Crashed {crash_after:.0f} s after "
          "its last heartbeat")
    print(f"start a worker on each machine, in {workdir}: prefect worker start --pool {pool}", file=sys.stderr)
    return 0
