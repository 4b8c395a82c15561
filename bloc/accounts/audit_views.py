"""The audit-log page: national admins read the whole log, organizers that of their chapters.

The log stores identifiers, counts and field names only; the page shows them as stored, and an
actor as an account number (no names or emails), so reading the log reveals no personal values.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bloc.accounts import permissions, selectors
from bloc.accounts.forms import AuditFilterForm
from bloc.accounts.models import User

PAGE_SIZE = 50


def _distinct(events: Any, field: str) -> list[str]:
    values = events.order_by(field).values_list(field, flat=True).distinct()[:500]
    return [v for v in values if v]


def _actor_id(value: str) -> int | None:
    """An account number, or the account using this email; -1 when none matches."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    user_id = User.objects.filter(email__iexact=value).values_list("pk", flat=True).first()
    return user_id if user_id is not None else -1


def filtered_events(events: Any, data: dict[str, Any]) -> Any:
    actor_id = _actor_id(data.get("actor") or "")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("target_type"):
        events = events.filter(target_type=data["target_type"])
    if data.get("target_id"):
        events = events.filter(target_id=data["target_id"].strip())
    if data.get("occurred_from"):
        events = events.filter(occurred_at__date__gte=data["occurred_from"])
    if data.get("occurred_to"):
        events = events.filter(occurred_at__date__lte=data["occurred_to"])
    return events


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_audit_log(request.user):
        raise Http404("Not found.")
    visible = selectors.audit_events_visible_to(request.user)
    form = AuditFilterForm(
        request.GET or None,
        actions=_distinct(visible, "action"),
        target_types=_distinct(visible, "target_type"),
    )
    events = visible.none()
    if not form.is_bound:
        events = visible
    elif form.is_valid():
        events = filtered_events(visible, form.cleaned_data)
    page = Paginator(events.only(*_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"form": form, "page_obj": page})


_COLUMNS = ("occurred_at", "actor_id", "action", "target_type", "target_id", "chapter_id", "data")
