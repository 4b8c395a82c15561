"""Webhook delivery tasks and the periodic job that retries due deliveries."""

from datetime import timedelta

from django_tasks import task

from bloc.api import webhooks
from bloc.core.registry import PeriodicJob, periodic_jobs


@task()
def deliver_webhooks(delivery_ids: list[int]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for delivery_id in delivery_ids:
        outcome = webhooks.deliver(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


periodic_jobs.register(
    "api.retry-webhooks", PeriodicJob(run=webhooks.retry_due, every=timedelta(minutes=1))
)
