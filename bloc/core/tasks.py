"""Background work on Django's Tasks API, plus the two gaps it leaves: retries and periodic jobs.

Tasks are enqueued from writes with `transaction.on_commit` so a rolled-back write never sends.
"""

import functools
import logging
import random
import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from bloc.core.registry import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class TemporaryFailure(Exception):
    """A failure worth retrying later (a provider timeout, a dropped connection)."""


def backoff_delay(
    attempt: int,
    *,
    base_seconds: float = 30,
    max_seconds: float = 3600,
    rng: random.Random | None = None,
) -> timedelta:
    """Exponential backoff with jitter: uniform in [c/2, c], c = min(max, base * 2**attempt)."""
    ceiling = min(max_seconds, base_seconds * (2**attempt))
    return timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))


def retrying(
    *,
    max_attempts: int = 5,
    base_seconds: float = 30,
    max_seconds: float = 3600,
    retry_on: tuple[type[BaseException], ...] = (TemporaryFailure,),
) -> Callable[[Callable[P, R]], Callable[..., R | None]]:
    """Re-enqueue the task with backoff when it raises one of `retry_on`.

    Put it *under* `@task()`: the wrapped function takes an extra keyword `attempt`. After the last
    attempt the exception propagates and the backend records the task as failed.
    """

    def decorate(func: Callable[P, R]) -> Callable[..., R | None]:
        @functools.wraps(func)
        def wrapper(*args: Any, attempt: int = 0, **kwargs: Any) -> R | None:
            try:
                return func(*args, **kwargs)
            except retry_on as exc:
                if attempt + 1 >= max_attempts:
                    logger.warning("task %s gave up after %d attempts", func.__name__, attempt + 1)
                    raise
                this_task = import_string(f"{func.__module__}.{func.__name__}")
                delay = backoff_delay(attempt, base_seconds=base_seconds, max_seconds=max_seconds)
                logger.info(
                    "task %s failed (%s); retry %d in %ss",
                    func.__name__,
                    type(exc).__name__,
                    attempt + 1,
                    int(delay.total_seconds()),
                )
                if this_task.get_backend().supports_defer:
                    this_task = this_task.using(run_after=timezone.now() + delay)
                this_task.enqueue(*args, attempt=attempt + 1, **kwargs)
                return None

        return wrapper

    return decorate


@task()
@retrying(
    max_attempts=6, retry_on=(TemporaryFailure, smtplib.SMTPServerDisconnected, ConnectionError)
)
def send_email(
    to: list[str], subject: str, body: str, html: str = "", headers: dict[str, str] | None = None
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TemporaryFailure(f"SMTP {exc.smtp_code}") from exc
        raise


def send_email_on_commit(
    *, to: list[str], subject: str, body: str, html: str = "", headers: dict[str, str] | None = None
) -> None:
    """Transactional email: enqueued only if the surrounding write commits."""
    transaction.on_commit(
        lambda: send_email.enqueue(to=to, subject=subject, body=body, html=html, headers=headers)
    )


def _prune_task_results() -> None:
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    # `default_task_backend` is a proxy: ask the handler for the backend itself.
    if isinstance(task_backends["default"], DatabaseBackend):
        call_command("prune_db_task_results", min_age_days=14, queue_name="*", verbosity=0)


periodic_jobs.register(
    "core.prune-task-results", PeriodicJob(run=_prune_task_results, every=timedelta(days=1))
)
