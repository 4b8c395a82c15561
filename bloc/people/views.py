"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bloc.people import audit, forms, permissions, selectors, services
from bloc.people.models import Channel, ChapterAssignment, ConsentEvent, LadderEvent


def _require_lister(request: HttpRequest) -> None:
    if not permissions.can_list_people(request.user):
        raise Http404("Not found.")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = selectors.own_person(request.user)
    context: dict[str, Any] = {"person": person}
    if person is not None:
        consent = selectors.current_consent(person)
        context.update(
            membership=getattr(person, "membership", None),
            consent_form=forms.ConsentForm(
                initial={c: consent.get(c) == ConsentEvent.Status.OPTED_IN for c in Channel.values}
            ),
            transfer_form=forms.TransferRequestForm(),
            pending_transfer=person.transfer_requests.filter(status="pending").first(),
            history=ChapterAssignment.objects.filter(person=person).select_related("to_chapter")[
                :10
            ],
        )
    return render(request, "people/me.html", context)


@login_required
@require_POST
def my_consent_update(request: HttpRequest) -> HttpResponse:
    person = selectors.own_person(request.user)
    if person is None:
        raise Http404("No record.")
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        current = selectors.current_consent(person)
        for channel in Channel.values:
            wanted = form.cleaned_data[channel]
            now_in = current.get(channel) == ConsentEvent.Status.OPTED_IN
            if wanted != now_in:
                services.set_consent(
                    actor=request.user,
                    person=person,
                    channel=channel,
                    opted_in=wanted,
                    source="member profile",
                )
        messages.success(request, "Your contact preferences are saved.")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "people/_consent_saved.html", {"form": form})
    return redirect("people:me")


@login_required
@require_POST
def my_transfer_request(request: HttpRequest) -> HttpResponse:
    person = selectors.own_person(request.user)
    if person is None:
        raise Http404("No record.")
    form = forms.TransferRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_transfer(
                actor=request.user,
                person=person,
                to_chapter=form.cleaned_data["to_chapter"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Your request was sent to the chapter.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose a chapter.")
    return redirect("people:me")


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    if person.user_id == request.user.pk and not permissions.can_list_people(request.user):
        return redirect("people:me")
    audit.person_viewed(actor=request.user, person=person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "membership": getattr(person, "membership", None),
            "consent": selectors.current_consent(person),
            "ladder": LadderEvent.objects.filter(person=person)[:20],
            "history": ChapterAssignment.objects.filter(person=person).select_related(
                "from_chapter", "to_chapter"
            )[:20],
            "can_edit": permissions.can_edit_person_in(request.user, person.chapter_id),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    if not permissions.can_edit_person_in(request.user, person.chapter_id):
        raise Http404("Not found.")
    form = forms.PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            # A fresh copy: validating the ModelForm already wrote the new values onto `person`.
            fresh = selectors.person_for(request.user, pk)
            saved = services.update_person(actor=request.user, person=fresh, **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            pending = saved.transfer_requests.filter(status="pending").select_related("to_chapter")
            for transfer in pending:
                messages.info(
                    request,
                    f"The new ZIP code is in {transfer.to_chapter.name}'s area: the move waits "
                    "for that chapter's organizers to approve it.",
                )
            return redirect("people:person-detail", pk=pk)
    return render(request, "people/person_edit.html", {"form": form, "person": person})


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for(request.user, pk)
    if not permissions.can_edit_person_in(request.user, membership.person.chapter_id):
        raise Http404("Not found.")
    form = forms.MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_membership(
                actor=request.user,
                person=membership.person,
                **{f: form.cleaned_data[f] for f in form.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Membership saved.")
            return redirect("people:person-detail", pk=membership.person_id)
    return render(request, "people/membership_edit.html", {"form": form, "membership": membership})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def person_export(request: HttpRequest) -> StreamingHttpResponse:
    _require_lister(request)
    chapter_id = None
    if request.GET.get("chapter"):
        try:
            chapter_id = int(request.GET["chapter"])
        except ValueError:
            raise Http404("No such chapter.") from None
        if chapter_id not in selectors.chapters_in_scope_ids(request.user):
            raise Http404("No such chapter.")
    rows = services.export_people(actor=request.user, chapter_id=chapter_id)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


@login_required
def person_merge(request: HttpRequest) -> HttpResponse:
    _require_lister(request)
    form = forms.MergeForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        survivor = selectors.person_for(request.user, form.cleaned_data["survivor"])
        merged = selectors.person_for(request.user, form.cleaned_data["merged"])
        try:
            services.merge_people(actor=request.user, survivor=survivor, merged=merged)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Merged record #{merged.pk} into #{survivor.pk}.")
            return redirect("people:person-detail", pk=survivor.pk)
    return render(request, "people/person_merge.html", {"form": form})


@login_required
def chapter_list(request: HttpRequest) -> HttpResponse:
    chapters = selectors.chapters_with_counts(request.user)
    return render(
        request,
        "people/chapter_list.html",
        {"chapters": chapters, "can_manage": permissions.can_manage_chapters(request.user)},
    )


@login_required
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = selectors.chapter_for(request.user, slug)
    in_scope = chapter.pk in selectors.chapters_in_scope_ids(request.user)
    return render(
        request,
        "people/chapter_detail.html",
        {
            "chapter": chapter,
            "in_scope": in_scope,
            "zips": chapter.zips.all()[:200],
            "can_manage": permissions.can_manage_chapters(request.user),
        },
    )


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    _require_lister(request)
    return render(
        request,
        "people/transfer_list.html",
        {"transfers": selectors.pending_transfers_for(request.user)},
    )


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lister(request)
    transfer = selectors.transfer_for(request.user, pk)
    try:
        services.decide_transfer(
            actor=request.user, transfer=transfer, approve=request.POST.get("approve") == "1"
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Decision recorded.")
    return redirect("people:transfer-list")


@login_required
def import_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise Http404("Not found.")
    retry = None
    if request.GET.get("retry"):  # "Try again" on a failed import: its settings, a new upload
        retry = selectors.import_job_for(request.user, request.GET["retry"])
    initial = {}
    if retry is not None:
        mapping = "\n".join(f"{column}={field}" for column, field in (retry.mapping or {}).items())
        initial = {"source": retry.source, "dry_run": retry.is_dry_run, "mapping": mapping}
    form = forms.ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = services.start_import(
            actor=request.user,
            upload=form.cleaned_data["file"],
            mapping=form.cleaned_data["mapping"],
            source=form.cleaned_data["source"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("people:import-detail", pk=job.pk)
    return render(
        request,
        "people/import_create.html",
        {"form": form, "jobs": selectors.recent_import_jobs(request.user), "retry": retry},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise Http404("Not found.")
    job = selectors.import_job_for(request.user, pk)
    template = "people/_import_status.html" if request.htmx else "people/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


def consent_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link a public form's confirmation email carries: a button records the opt-in (a
    plain visit does not, so mail scanners that open links change nothing)."""
    try:
        data = services.read_consent_confirmation(token)
    except ValidationError as exc:
        return render(
            request, "people/consent_confirm.html", {"error": " ".join(exc.messages)}, status=400
        )
    if request.method == "POST":
        try:
            services.confirm_consent(token=token)
        except ValidationError as exc:
            return render(
                request,
                "people/consent_confirm.html",
                {"error": " ".join(exc.messages)},
                status=400,
            )
        return render(request, "people/consent_confirm.html", {"done": True})
    channels = ["email" if c == "email" else "text messages" for c in data["c"]]
    return render(request, "people/consent_confirm.html", {"channels": channels})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _require_lister(request)
    return render(
        request, "people/review_list.html", {"reviews": selectors.open_reviews_for(request.user)}
    )


@login_required
@require_POST
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lister(request)
    review = selectors.review_for(request.user, pk)
    services.resolve_review(actor=request.user, review=review)
    messages.success(request, "Marked as reviewed.")
    return redirect("people:review-list")
