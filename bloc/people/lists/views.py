"""The people page organizers work in: filters, sorting, saved lists and bulk actions."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bloc.accounts import selectors as roles
from bloc.core.audit import record_list_view
from bloc.people import permissions
from bloc.people.lists import selectors, services
from bloc.people.lists.forms import SORT_LABELS, BulkForm, PersonFilterForm, SavedListForm
from bloc.people.models import Chapter, PersonQuerySet
from bloc.people.selectors import people_visible_to

PAGE_SIZE = 50


def _require_lister(request: HttpRequest) -> None:
    if not permissions.can_list_people(request.user):
        raise Http404("Not found.")


def _filter_form(request: HttpRequest, data: QueryDict | None) -> PersonFilterForm:
    user = request.user
    scope = None if roles.is_national_admin(user) else roles.organized_chapter_ids(user)
    return PersonFilterForm(
        data or None, chapter_ids=scope, saved_lists=selectors.saved_lists_visible_to(user)
    )


def _filters(form: PersonFilterForm) -> dict[str, Any]:
    return form.cleaned_data if form.is_valid() else {}


def _filter_query(form: PersonFilterForm, *, with_list: bool = True) -> str:
    """The view's filters (not its sort or page) as a query string, for bulk actions and, without
    the list it shows, for saving as a list."""
    data = _filters(form)
    query = QueryDict(mutable=True)
    names = PersonFilterForm.FILTERS + (("saved_list",) if with_list else ())
    for name in names:
        value = data.get(name)
        if value:
            query[name] = str(getattr(value, "pk", value))
    return query.urlencode()


def _columns(sort: str) -> list[dict[str, str]]:
    columns = []
    for key, label in SORT_LABELS.items():
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "next": f"-{key}" if current and not descending else key,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    _require_lister(request)
    form = _filter_form(request, request.GET)
    if "saved_list" in form.errors:
        raise Http404("No such list.")  # another chapter's list: not found, never forbidden
    data = _filters(form)
    people = selectors.people_view(request.user, data)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    chapter = data.get("chapter")
    saved_list = data.get("saved_list")
    record_list_view(
        actor=request.user,
        what="people",
        count=page.paginator.count,
        chapter_id=chapter.pk if chapter else None,
        searched=bool(data.get("q")),
        page=page.number,
        sort=data.get("sort") or "name",
        standing=data.get("standing") or "",
        saved_list_id=saved_list.pk if saved_list else None,
    )
    context = {
        "form": form,
        "page_obj": page,
        "columns": _columns(data.get("sort") or ""),
        "filter_query": _filter_query(form),
        "saved_list": saved_list,
        "bulk_form": BulkForm(saved_lists=selectors.saved_lists_visible_to(request.user)),
        "list_form": SavedListForm(),
    }
    template = "people/_person_rows.html" if request.htmx else "people/person_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def saved_list_list(request: HttpRequest) -> HttpResponse:
    """The lists the reader may use; POST saves the current view (its filters) as a new list."""
    _require_lister(request)
    form = SavedListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        view = _filter_form(request, QueryDict(request.POST.get("query", "")))
        chapter: Chapter | None = _filters(view).get("chapter")
        if form.cleaned_data["share_with_chapter"] and chapter is None:
            form.add_error("share_with_chapter", "Filter the view to one chapter to share it.")
        else:
            try:
                saved_list = services.save_list(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    query=_filter_query(view, with_list=False),
                    chapter=chapter if form.cleaned_data["share_with_chapter"] else None,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, f"Saved the list “{saved_list.name}”.")
                return redirect(f"{reverse('people:person-list')}?saved_list={saved_list.pk}")
    lists = selectors.saved_lists_visible_to(request.user)
    return render(
        request,
        "people/saved_list_list.html",
        {"lists": lists, "form": form, "is_national_admin": roles.is_national_admin(request.user)},
    )


@login_required
def saved_list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lister(request)
    saved_list = selectors.saved_list_for(request.user, pk)
    may_delete = saved_list.owner_id == request.user.pk or roles.is_national_admin(request.user)
    if not may_delete:
        raise Http404("No such list.")
    if request.method == "POST":
        services.delete_list(actor=request.user, saved_list=saved_list)
        messages.success(request, f"Deleted the list “{saved_list.name}”. No one's record changed.")
        return redirect("people:saved-list-list")
    return render(
        request,
        "people/saved_list_delete.html",
        {"saved_list": saved_list, "entries": saved_list.entries.count()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _chosen_people(request: HttpRequest, form: BulkForm, view: PersonFilterForm) -> PersonQuerySet:
    if form.cleaned_data["scope"] == "all":
        return selectors.people_view(request.user, _filters(view))
    ids = form.cleaned_data["person"]
    people = people_visible_to(request.user).filter(pk__in=ids)
    if people.count() != len(ids):
        raise Http404("No such person.")  # someone outside the actor's scope: no probing
    return people


@login_required
@require_POST
def person_bulk(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """One action on the ticked rows or on everyone the view matches. Writes are confirmed."""
    _require_lister(request)
    view = _filter_form(request, QueryDict(request.POST.get("query", "")))
    back = f"{reverse('people:person-list')}?{_filter_query(view)}"
    lists = selectors.saved_lists_visible_to(request.user)
    form = BulkForm(request.POST, saved_lists=lists)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(back)
    people = _chosen_people(request, form, view)
    data = form.cleaned_data
    chapter = _filters(view).get("chapter")
    chapter_id = chapter.pk if chapter else None
    if data["action"] == "export":
        rows = services.export_selection(actor=request.user, people=people, chapter_id=chapter_id)
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in rows), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="people.csv"'
        return response
    if not data["confirmed"]:
        return render(
            request,
            "people/person_bulk_confirm.html",
            {
                "form": form,
                "count": people.count(),
                "action_label": dict(BulkForm.ACTIONS)[data["action"]],
                "stage_label": dict(form.fields["stage"].choices).get(data["stage"], ""),  # type: ignore[attr-defined]
                "people_ids": data["person"],
                "query": request.POST.get("query", ""),
                "back": back,
            },
        )
    if data["action"] == "add_to_list":
        added = services.add_to_list(
            actor=request.user, saved_list=data["target_list"], people=people
        )
        messages.success(request, f"Added {added} people to “{data['target_list'].name}”.")
    else:
        count = services.record_ladder_steps(
            actor=request.user, people=people, stage=data["stage"], chapter_id=chapter_id
        )
        messages.success(request, f"Recorded the ladder step for {count} people.")
    return redirect(back)
