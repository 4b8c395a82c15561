"""The front door (``/``), public chapter pages, the member home (``/me/``) and preferences."""

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from bloc.accounts import selectors as roles
from bloc.core import ratelimit
from bloc.core.csvsafe import safe_cell
from bloc.events import services as event_services
from bloc.home import audit, forms, permissions, selectors, services
from bloc.people import selectors as people
from bloc.people.models import Channel, ConsentEvent, LadderStage

# --- The front door --------------------------------------------------------------------------


def _join_url() -> str:
    """The membership form's address once it exists (``people:join``), else ""."""
    try:
        return reverse("people:join")
    except NoReverseMatch:
        return ""


def front_door(request: HttpRequest) -> HttpResponse:
    """Visitors get the public home; signed-in people go on to theirs (staff: the dashboard)."""
    if request.user.is_authenticated:
        if roles.has_staff_role(request.user):
            return redirect("core:home")
        return redirect("home:me")
    form = forms.ZipForm(request.GET or None)
    zip_code = form.cleaned_data["zip"] if form.is_valid() else ""
    found, origin = selectors.events_near(zip_code)
    return render(
        request,
        "home/front_door.html",
        {
            "form": form,
            "zip_code": zip_code,
            "found": found,
            "origin": origin,
            "zip_chapter": selectors.chapter_for_zip(zip_code) if zip_code else None,
            "days": selectors.upcoming_days(),
            "pledges": selectors.live_pledges(),
            "slate": selectors.public_slate(),
            "results": selectors.recent_results(),
            "join_url": _join_url(),
        },
    )


def chapter_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home/chapter_index.html",
        {"chapters": selectors.public_chapters(), "join_url": _join_url()},
    )


def _chapter_page(
    request: HttpRequest, chapter: Any, form: forms.ContactForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "home/chapter_page.html",
        {
            "chapter": chapter,
            "profile": selectors.profile_of(chapter),
            "events": selectors.chapter_events(chapter),
            "form": form,
            "join_url": _join_url(),
            "can_edit": permissions.can_edit_chapter_page(request.user, chapter.pk),
        },
        status=status,
    )


def chapter_page(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = selectors.public_chapter(slug)
    return _chapter_page(request, chapter, forms.ContactForm())


@require_POST
def chapter_contact(request: HttpRequest, slug: str) -> HttpResponse:
    if ratelimit.over_limit(
        request, group="home.chapter_contact", setting="BLOC_RATE_CHAPTER_CONTACT"
    ):
        return ratelimit.too_many(request)
    chapter = selectors.public_chapter(slug)
    form = forms.ContactForm(request.POST)
    if not form.is_valid():
        return _chapter_page(request, chapter, form, status=400)
    if not form.is_robot:
        data = form.cleaned_data
        try:
            services.contact_chapter(
                chapter=chapter, name=data["name"], email=data["email"], message=data["message"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return _chapter_page(request, chapter, form, status=400)
    # A robot that filled the hidden field is told the same as a person: nothing to learn.
    messages.success(request, f"Thank you. Your message is on its way to {chapter.name}.")
    return redirect(reverse("home:chapter-page", args=[chapter.slug]) + "#contact")


@login_required
def chapter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = selectors.chapter_managed_by(request.user, slug)
    profile = selectors.profile_of(chapter)
    form = forms.ChapterPageForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_chapter_page(
            actor=request.user,
            chapter=chapter,
            about=form.cleaned_data["about"],
            how_to_join=form.cleaned_data["how_to_join"],
        )
        messages.success(request, "The chapter's public page is saved.")
        return redirect("home:chapter-page", slug=chapter.slug)
    return render(request, "home/chapter_edit.html", {"chapter": chapter, "form": form})


# --- The member home -------------------------------------------------------------------------

#: What the next step on the ladder asks of a member, and where it leads.
LADDER_ASKS = {
    LadderStage.PLEDGED: "Add your name to one of our pledges.",
    LadderStage.VOLUNTEERED: "Come to an event near you: one shift is a good start.",
    LadderStage.REPEAT_VOLUNTEER: "Come back for another shift: most of our work is done by "
    "people who came twice.",
    LadderStage.JOINED: "Become a dues-paying member: members vote on what we do.",
    LadderStage.ACTIVE_MEMBER: "Vote in open ballots, co-sponsor a proposal, and come to your "
    "chapter's next event.",
    LadderStage.LEADER: "Ask your chapter's organizers about taking on a role: running a "
    "shift, a committee, a campaign.",
}


@login_required
def member_home(request: HttpRequest) -> HttpResponse:
    person = people.own_person(request.user)
    context: dict[str, Any] = {"person": person, "join_url": _join_url()}
    if person is not None:
        rsvps = selectors.my_rsvps(person)
        stage = selectors.ladder_stage(person)
        next_stage = selectors.next_ladder_stage(stage)
        context.update(
            chapter=person.chapter,
            organizers=selectors.organizer_names(person.chapter_id) if person.chapter_id else [],
            rsvps=rsvps,
            nearby=selectors.events_near_me(person, skip={r.event_id for r in rsvps}),
            ballots=selectors.my_ballots(request.user, person),
            proposals=selectors.proposals_to_cosponsor(request.user, person),
            dues=selectors.my_dues(person),
            signatures=selectors.my_signatures(person),
            stage=LadderStage(stage).label if stage else "",
            next_stage=next_stage,
            next_label=LadderStage(next_stage).label if next_stage else "",
            next_ask=LADDER_ASKS.get(LadderStage(next_stage), "") if next_stage else "",
            pledges=selectors.live_pledges(limit=1) if next_stage == LadderStage.PLEDGED else [],
        )
    return render(request, "home/member_home.html", context)


@login_required
@require_POST
def rsvp_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one of my own RSVPs in one click (events' cancel service frees the seat)."""
    rsvp = selectors.my_rsvp(people.own_person(request.user), pk)
    event_services.cancel_rsvp(actor=request.user, rsvp=rsvp)
    messages.success(request, f"You are no longer down for {rsvp.event.title}.")
    return redirect("home:me")


# --- Preferences -----------------------------------------------------------------------------


def _own_or_404(request: HttpRequest) -> Any:
    person = people.own_person(request.user)
    if person is None:
        raise Http404("Your account is not linked to a record.")
    return person


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    person = people.own_person(request.user)
    context: dict[str, Any] = {"person": person}
    if person is not None:
        consent = people.current_consent(person)
        context.update(
            consent_form=forms.PreferencesConsentForm(
                initial={c: consent.get(c) == ConsentEvent.Status.OPTED_IN for c in Channel.values}
            ),
            move_form=forms.MoveForm(),
            deletion_form=forms.DeletionForm(),
            pending_transfer=selectors.pending_transfer(person),
            pending_deletion=selectors.pending_deletion(person),
        )
    return render(request, "home/preferences.html", context)


@login_required
@require_POST
def preferences_consent(request: HttpRequest) -> HttpResponse:
    person = _own_or_404(request)
    form = forms.PreferencesConsentForm(request.POST)
    if form.is_valid():
        changed = services.update_consent(
            actor=request.user,
            person=person,
            wanted={channel: form.cleaned_data[channel] for channel in Channel.values},
        )
        messages.success(
            request,
            "Saved. Your choices apply from the very next message."
            if changed
            else "Nothing changed.",
        )
    return redirect(reverse("home:preferences") + "#contact")


@login_required
@require_POST
def preferences_move(request: HttpRequest) -> HttpResponse:
    person = _own_or_404(request)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        try:
            transfer = services.request_move(
                actor=request.user,
                person=person,
                zip_code=form.cleaned_data.get("zip_code", ""),
                chapter=form.cleaned_data.get("to_chapter"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Your request to move to {transfer.to_chapter.name} was sent."
            )
    else:
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
    return redirect(reverse("home:preferences") + "#move")


def _download(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)  # Cache-Control: no-store: nobody keeps a copy
    return response


@login_required
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    person = _own_or_404(request)
    data = selectors.personal_data(request.user, person)
    audit.data_downloaded(actor=request.user, person=person, fmt="json")
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return _download(
        HttpResponse(body, content_type="application/json; charset=utf-8"), "my-bloc-data.json"
    )


@login_required
@require_GET
def my_data_csv(request: HttpRequest) -> HttpResponse:
    person = _own_or_404(request)
    rows = selectors.personal_data_rows(selectors.personal_data(request.user, person))
    audit.data_downloaded(actor=request.user, person=person, fmt="csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    for section, number, field, value in rows:
        writer.writerow([section, number, field, safe_cell(value)])
    return _download(
        HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8"), "my-bloc-data.csv"
    )


@login_required
@require_POST
def deletion_request_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """A national admin marks a deletion request done (or declined) from the dashboard."""
    deletion = selectors.deletion_request_for(request.user, pk)
    try:
        services.handle_deletion_request(
            actor=request.user, request=deletion, done=request.POST.get("outcome") != "declined"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Deletion request #{deletion.pk} is marked handled.")
    return redirect("core:home")


@login_required
@require_POST
def deletion_request(request: HttpRequest) -> HttpResponse:
    person = _own_or_404(request)
    form = forms.DeletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick the box to confirm that you want your record deleted.")
    else:
        try:
            services.request_deletion(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "We have your request. Staff will carry it out and write to you."
            )
    return redirect(reverse("home:preferences") + "#delete")
