"""Periodic work: unsent contacts of expired batches go back to the pool."""

from bloc.contact import services


def release_expired_batches_job() -> int:
    return services.release_expired_batches()
