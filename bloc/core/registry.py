"""Registries: apps announce what they offer in AppConfig.ready(); others iterate.

`dashboard`, `comms` and the seed command never import capabilities; they read these.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from health_check.base import HealthCheck

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if key in self._items and self._items[key] is not item:
            raise ValueError(f"{self.kind} {key!r} is already registered.")
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise LookupError(f"No {self.kind} named {key!r}.") from None

    def __iter__(self) -> Iterator[tuple[str, T]]:
        return iter(sorted(self._items.items()))

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class DashboardWidget:
    title: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    order: int = 100
    visible_to: Callable[[Any], bool] = field(default=lambda user: True)


@dataclass(frozen=True)
class Audience:
    """A named, explainable set of people, resolved for an actor (scoping is the owner's job)."""

    label: str
    description: str
    people: Callable[..., Any]


@dataclass(frozen=True)
class Export:
    label: str
    url_name: str
    visible_to: Callable[[Any], bool]


@dataclass(frozen=True)
class Seed:
    """Demo data: `run(size, rng)` creates fictional rows; seeds run in `order`."""

    run: Callable[..., dict[str, int]]
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    run: Callable[[], Any]
    every: timedelta


@dataclass(frozen=True)
class SharedDataSource:
    """Data an app can share with a partner organization under a data-sharing agreement.

    `rows(partner_id, since, until)` returns an iterable of dicts (column -> value) about people
    that came to the organization through that partner (e.g. RSVPs from the partner's link). The
    coalition app decides *whether* a liaison may see a kind (an active agreement); the owning app
    decides *what* the rows are. Columns are listed so an export has a stable header."""

    label: str
    columns: tuple[str, ...]
    rows: Callable[..., Any]


@dataclass(frozen=True)
class Gauge:
    """A number `/metrics` reads from the database at each scrape (`bloc.core.metrics`):
    `read()` returns it, or None when there is nothing to measure. Never personal data."""

    documentation: str
    read: Callable[[], float | None]


dashboard_widgets: Registry[DashboardWidget] = Registry("dashboard widget")
audiences: Registry[Audience] = Registry("audience")
exports: Registry[Export] = Registry("export")
seeds: Registry[Seed] = Registry("seed")
periodic_jobs: Registry[PeriodicJob] = Registry("periodic job")
shared_data: Registry[SharedDataSource] = Registry("shared data source")
#: Checks `/health/` runs beside core's own (django-health-check classes; `bloc.core.health`).
health_checks: Registry[type["HealthCheck"]] = Registry("health check")
#: Prometheus gauges served at `/metrics`, by metric name (`bloc_…`).
gauges: Registry[Gauge] = Registry("gauge")

#: Apps that freeze a person's identity (democracy: a person on a live voter roll) register a
#: check here: `check(person_ids, actor)` returns why those people's identity cannot change now
#: (for this actor), or "".
#: people.services asks every check before a merge, an email or phone change, a chapter move or
#: a change of the login linked to a person, and refuses with that reason.
IdentityLock = Callable[[list[int], Any], str]
identity_locks: Registry[IdentityLock] = Registry("identity lock")
