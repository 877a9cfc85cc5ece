"""``harvest alerts``: notify a webhook when a crawl flow run fails (a Prefect automation).

Creates (or replaces) a custom-webhook notification block and an automation whose trigger is
the event ``prefect.flow-run.Failed`` of the ``harvest-crawl`` flow. The server evaluates it,
so it works for runs started from the CLI, by ``harvest serve`` or by workers.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from flows.pipeline import FLOW_NAME

AUTOMATION_NAME = "harvest-crawl-failed"
BLOCK_NAME = "harvest-alert-webhook"
SUBJECT = "localgov-harvest: crawl run {{ flow_run.name }} failed"
BODY = ("Flow run {{ flow_run.name }} ({{ flow_run.id }}) of {{ flow.name }} ended {{ flow_run.state.name }}: "
        "{{ flow_run.state.message }}")


def install_failure_alert(webhook_url: str) -> dict[str, Any]:
    """Create the webhook block and the automation; return their ids."""
    from prefect.automations import Automation, SendNotification
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.events.schemas.automations import EventTrigger, Posture

    block = CustomWebhookNotificationBlock(
        name="harvest", url=webhook_url, method="POST",
        json_data={"subject": "{{subject}}", "body": "{{body}}"}, headers=None, cookies=None,
        allow_private_urls=True,
    )
    # Prefect's methods are sync or async by context: called here from sync code, they return values.
    block_id = cast(UUID, block.save(BLOCK_NAME, overwrite=True))
    for existing in _existing(AUTOMATION_NAME):
        existing.delete()
    automation = cast(Automation, Automation(
        name=AUTOMATION_NAME,
        description="Notify when a localgov-harvest crawl flow run fails.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOW_NAME},
            posture=Posture.Reactive,
            threshold=1,
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    ).create())
    return {"automation_id": str(automation.id), "block_document_id": str(block_id)}


def _existing(name: str) -> list[Any]:
    from prefect.automations import Automation

    try:
        found = Automation.read(name=name)
    except ValueError:
        return []
    return found if isinstance(found, list) else [found]
