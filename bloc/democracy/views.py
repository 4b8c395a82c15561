"""Thin views: a form validates, a selector fetches the scoped object, one service acts."""

import csv
import math
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from bloc.accounts import selectors as roles
from bloc.core.csvsafe import safe_cell
from bloc.core.memo import ProcessMemo
from bloc.democracy import charts, clock, forms, permissions, selectors, services
from bloc.democracy.models import Ballot
from bloc.people import selectors as people_selectors
from bloc.people.models import Chapter


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def ballot_list(request: HttpRequest) -> HttpResponse:
    ballots = list(selectors.ballots_visible_to(request.user)[:200])
    return render(
        request,
        "democracy/ballot_list.html",
        {
            "ballots": ballots,
            "open_for_me": selectors.ballots_open_for(request.user),
            "can_manage": permissions.can_manage_ballots(request.user),
        },
    )


@login_required
def ballot_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_ballots(request.user):
        raise Http404("Not found.")
    national = roles.is_national_admin(request.user)
    chapters = (
        Chapter.objects.all()
        if national
        else Chapter.objects.filter(pk__in=roles.organized_chapter_ids(request.user))
    )
    form = forms.BallotForm(request.POST or None, chapters=chapters, allow_national=national)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = services.create_ballot(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                method=data["method"],
                options=form.option_labels(),
                chapter=data["chapter"],
                seats=data["seats"],
                threshold=data["threshold"],
                quorum_share=data["quorum_share"],
                stv_rule=data["stv_rule"],
                max_marks=data["max_marks"],
                cutoff_on=data["cutoff_on"],
                grace_days=data["grace_days"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                trustee_threshold=data["trustee_threshold"],
                trustee_count=data["trustee_count"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Ballot drafted. Check the preflight list before opening.")
            return redirect("democracy:ballot-manage", ballot.pk)
    return render(request, "democracy/ballot_create.html", {"form": form})


@login_required
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_for(request.user, pk)
    entry = selectors.roll_entry_for(request.user, ballot)
    voted = selectors.has_voted(entry)
    now = clock.now()
    can_cast = (
        entry is not None
        and not voted
        and ballot.status == Ballot.Status.OPEN
        and ballot.opens_at <= now < ballot.closes_at
    )
    return render(
        request,
        "democracy/ballot_detail.html",
        {
            "ballot": ballot,
            "options": list(ballot.options.all()),
            "on_roll": entry is not None,
            "voted": voted,
            "form": forms.CastForm(ballot=ballot) if can_cast else None,
            **_turnout(ballot),
            "can_manage": permissions.can_manage_ballot_in(request.user, ballot.chapter_id),
        },
    )


@login_required
@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_for(request.user, pk)
    form = forms.CastForm(request.POST, ballot=ballot)
    if not form.is_valid():
        errors = list(form.non_field_errors()) or ["Check your choices and try again."]
        for error in errors:
            messages.error(request, str(error))
        return redirect("democracy:ballot-detail", ballot.pk)
    try:
        tracker = services.cast_ballot(actor=request.user, ballot=ballot, choice=form.choice())
    except (ValidationError, PermissionDenied) as exc:
        text = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("democracy:ballot-detail", ballot.pk)
    return render(request, "democracy/ballot_receipt.html", {"ballot": ballot, "tracker": tracker})


@require_POST
def ballot_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the voter the tracker their receipt page shows, now (nothing is queued or stored).
    A signed-in voter is identified by their login; a voter by code by the code they used."""
    tracker = request.POST.get("tracker", "").strip().upper()
    code = request.POST.get("code", "")
    if code:
        # The same limits on wrong codes as the vote-by-code page: no oracle for guessing.
        refused = _refused_before_checking(request, pk)
        if refused is not None:
            return refused
    try:
        if code:
            ballot = selectors.ballot_for_receipt_by_code(pk)
            if not _code_opens(pk, code):
                raise PermissionDenied("That voting code is not valid for this ballot.")
            services.send_receipt_by_code(code=code, ballot=ballot, tracker=tracker)
        else:
            if not request.user.is_authenticated:
                raise Http404("Not found.")
            ballot = selectors.ballot_for(request.user, pk)
            entry = selectors.roll_entry_for(request.user, ballot)
            if entry is None or not selectors.has_voted(entry):
                raise Http404("Not found.")
            services.send_receipt(ballot=ballot, entry_id=entry.pk, tracker=tracker)
    except PermissionDenied:
        if code:
            refused = _count_wrong_code(request, pk)
            if refused is not None:
                return refused
        raise Http404("Not found.") from None
    except ValidationError as exc:
        return render(
            request,
            "democracy/ballot_receipt.html",
            {"ballot": ballot, "tracker": tracker, "code": code, "receipt_error": _errors(exc)},
        )
    return render(
        request,
        "democracy/ballot_receipt.html",
        {"ballot": ballot, "tracker": tracker, "code": code, "receipt_sent": True},
    )


@login_required
def ballot_manage(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.managed_ballot_for(request.user, pk)
    return render(
        request,
        "democracy/ballot_manage.html",
        {
            "ballot": ballot,
            "options": list(ballot.options.all()),
            "problems": services.preflight(ballot),
            "shares_form": forms.SharesForm(),
            **_turnout(ballot),
            "fingerprint_ok": (
                selectors.roll_fingerprint(ballot) == ballot.roll_fingerprint
                if ballot.roll_fingerprint
                else None
            ),
        },
    )


STEPS: dict[str, Any] = {
    "notice": services.give_notice,
    "open": services.open_ballot,
    "close": services.close_ballot,
    "certify": services.certify_result,
}


@login_required
@require_POST
def ballot_step(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.managed_ballot_for(request.user, pk)
    form = forms.StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown step.")
        return redirect("democracy:ballot-manage", ballot.pk)
    step = form.cleaned_data["step"]
    try:
        if step == "freeze":
            shares = services.freeze_roll(actor=request.user, ballot=ballot)
            ballot.refresh_from_db()
            response = render(
                request, "democracy/ballot_shares.html", {"ballot": ballot, "shares": shares}
            )
            response["Cache-Control"] = "no-store"
            return response
        note = form.cleaned_data["note"]
        if step == "challenge":
            services.challenge_result(actor=request.user, ballot=ballot, grounds=note)
        elif step == "finalize":
            services.finalize_result(actor=request.user, ballot=ballot, outcome=note)
        else:
            STEPS[step](actor=request.user, ballot=ballot)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "Done.")
    return redirect("democracy:ballot-manage", ballot.pk)


@login_required
@require_POST
def ballot_tally(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.managed_ballot_for(request.user, pk)
    form = forms.SharesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Paste the trustees' shares, one a line.")
        return redirect("democracy:ballot-manage", ballot.pk)
    try:
        services.tally_ballot(actor=request.user, ballot=ballot, shares=form.share_list())
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("democracy:ballot-manage", ballot.pk)
    messages.success(request, "Counted. Review the result, then certify it.")
    return redirect("democracy:ballot-results", ballot.pk)


def _turnout(ballot: Ballot) -> dict[str, Any]:
    """Turnout and its chart, once the roll is frozen."""
    if ballot.roll_size is None:
        return {"turnout": None}
    turnout = selectors.turnout(ballot)
    return {"turnout": turnout, "turnout_chart": charts.turnout_chart(turnout)}


@login_required
def ballot_turnout(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.ballot_for(request.user, pk)
    if ballot.roll_size is None:
        raise Http404("No roll yet.")
    turnout = selectors.turnout(ballot)
    return render(
        request,
        "democracy/_turnout.html",
        {"ballot": ballot, "turnout": turnout, "turnout_chart": charts.turnout_chart(turnout)},
    )


def ballot_results(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.published_ballot_for(request.user, pk)
    result = ballot.result
    data = result.data
    turnout = selectors.turnout(ballot)
    context: dict[str, Any] = {
        "ballot": ballot,
        "result": result,
        "data": data,
        "turnout": turnout,
        "turnout_chart": charts.turnout_chart(turnout),
    }
    if ballot.method == Ballot.Method.YES_NO:
        context["result_chart"] = charts.yes_no_chart(data)
    else:
        counted = charts.rounds(data)
        context["rounds"] = counted
        context["result_chart"] = charts.rounds_chart(data, counted)
    return render(request, "democracy/ballot_results.html", context)


def ballot_record(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.published_ballot_for(request.user, pk)
    response = HttpResponse(ballot.result.ballots_blt, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-ballots.blt"'
    return response


def ballot_record_json(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = selectors.published_ballot_for(request.user, pk)
    response = JsonResponse(selectors.election_record(ballot), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-record.json"'
    return response


def ballot_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Trackers of every sealed ballot: public once certified, else for those who see the ballot."""
    try:
        ballot = selectors.published_ballot_for(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            raise
        ballot = selectors.ballot_for(request.user, pk)
    if ballot.roll_size is None:
        raise Http404("No ballot box yet.")
    form = forms.TrackerForm(request.GET or None)
    tracker = form.cleaned_data["tracker"] if form.is_valid() else ""
    found = selectors.board(ballot, tracker=tracker).exists() if tracker else None
    return render(
        request,
        "democracy/ballot_board.html",
        {
            "ballot": ballot,
            "form": form,
            "tracker": tracker,
            "found": found,
            "trackers": list(selectors.board(ballot).values_list("tracker", flat=True)[:5000]),
            "pending": selectors.pending_count(ballot),
            "mix_min": settings.BLOC_BALLOT_MIX_MIN,
        },
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = list(selectors.proposals_visible_to(request.user).filter(amends__isnull=True)[:200])
    return render(
        request,
        "democracy/proposal_list.html",
        {"proposals": proposals, "can_submit": selectors.is_member_in_scope(request.user, None)},
    )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not selectors.is_member_in_scope(request.user, None):
        raise Http404("Not found.")
    own = people_selectors.own_person(request.user)
    chapter = own.chapter if own else None
    form = forms.NewProposalForm(request.POST or None, chapter=chapter)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.submit_proposal(
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                chapter=chapter if form.cleaned_data["scope"] == "chapter" else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "Proposal submitted. Ask fellow members to co-sponsor it.")
            return redirect("democracy:proposal-detail", proposal.pk)
    return render(request, "democracy/proposal_create.html", {"form": form})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for(request.user, pk)
    own = people_selectors.own_person(request.user)
    is_member = selectors.is_member_in_scope(request.user, proposal.chapter_id)
    return render(
        request,
        "democracy/proposal_detail.html",
        {
            "proposal": proposal,
            "debate": selectors.debate(proposal),
            "amendments": list(proposal.amendments.select_related("author")),
            "cosponsor_count": proposal.cosponsors.count(),
            "has_signed": own is not None and proposal.cosponsors.filter(person=own).exists(),
            "is_author": own is not None and own.pk == proposal.author_id,
            "own_id": own.pk if own else None,
            "is_member": is_member,
            "is_open": proposal.status in ("gathering", "ready"),
            "can_moderate": permissions.can_manage_ballot_in(request.user, proposal.chapter_id),
            "comment_form": forms.CommentForm(),
            "amend_form": forms.ProposalForm(),
            "hide_form": forms.HideForm(),
            "ballot_form": forms.ToBallotForm(),
        },
    )


def _proposal_action(request: HttpRequest, pk: int, act: Any) -> HttpResponse:
    """Run one service for a proposal the reader can see; report the outcome as a message."""
    proposal = selectors.proposal_for(request.user, pk)
    try:
        done = act(proposal)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("democracy:proposal-detail", proposal.amends_id or proposal.pk)


@login_required
@require_POST
def proposal_cosponsor(request: HttpRequest, pk: int) -> HttpResponse:
    def act(proposal: Any) -> str:
        services.cosponsor_proposal(actor=request.user, proposal=proposal)
        return "You have co-sponsored this proposal."

    return _proposal_action(request, pk, act)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def act(proposal: Any) -> str:
        services.withdraw_proposal(actor=request.user, proposal=proposal)
        return "Withdrawn."

    return _proposal_action(request, pk, act)


@login_required
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.CommentForm(request.POST)

    def act(proposal: Any) -> str:
        if not form.is_valid():
            raise ValidationError("Choose a stance and write something.")
        parent_id = form.cleaned_data["parent"]
        parent = proposal.comments.filter(pk=parent_id).first() if parent_id else None
        services.post_comment(
            actor=request.user,
            proposal=proposal,
            stance=form.cleaned_data["stance"],
            body=form.cleaned_data["body"],
            parent=parent,
        )
        return "Comment posted."

    return _proposal_action(request, pk, act)


@login_required
@require_POST
def proposal_amend(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ProposalForm(request.POST)

    def act(proposal: Any) -> str:
        if not form.is_valid():
            raise ValidationError("An amendment needs a title and its text.")
        services.submit_proposal(
            actor=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            amends=proposal,
        )
        return "Amendment submitted."

    return _proposal_action(request, pk, act)


@login_required
@require_POST
def amendment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def act(amendment: Any) -> str:
        services.accept_amendment(actor=request.user, amendment=amendment)
        return "Amendment accepted into the motion."

    return _proposal_action(request, pk, act)


@login_required
@require_POST
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_for(request.user, pk)
    if not permissions.can_manage_ballot_in(request.user, comment.proposal.chapter_id):
        raise Http404("Not found.")
    form = forms.HideForm(request.POST)
    if form.is_valid():
        services.hide_comment(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Comment hidden; the reason is shown in its place.")
    else:
        messages.error(request, "Give a reason for hiding a comment.")
    return redirect("democracy:proposal-detail", comment.proposal_id)


@login_required
@require_POST
def proposal_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for(request.user, pk)
    if not permissions.can_manage_ballot_in(request.user, proposal.chapter_id):
        raise Http404("Not found.")
    form = forms.ToBallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the cutoff date and the voting window.")
        return redirect("democracy:proposal-detail", proposal.pk)
    try:
        ballots = services.put_to_ballot(actor=request.user, proposal=proposal, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("democracy:proposal-detail", proposal.pk)
    messages.success(request, f"{len(ballots)} ballot(s) drafted; give notice when ready.")
    return redirect("democracy:ballot-manage", ballots[-1].pk)


@login_required
@require_POST
def ballot_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue personal voting codes: emailed where we have an address; for the others a CSV to
    print and mail, returned once (the codes are stored only as hashes)."""
    ballot = selectors.managed_ballot_for(request.user, pk)
    try:
        printable = services.issue_voting_codes(actor=request.user, ballot=ballot)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("democracy:ballot-manage", ballot.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-mail-codes.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["name", "address_line1", "address_line2", "city", "state", "zip", "code"])
    for entry, code in printable:
        person = entry.person
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    person.full_name,
                    person.address_line1,
                    person.address_line2,
                    person.city,
                    person.state,
                    person.zip_code,
                    code,
                )
            ]
        )
    return response


def ballot_vote_by_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote with a personal code, without signing in (members reached by email or by mail).

    A national ballot is public and its page shows it. Every other id (a chapter's open
    ballot, a ballot not open, an id that does not exist) answers the same neutral step that
    asks for the code; the ballot appears only to a code that opens it, and the code travels
    in the POST, never in the URL, the session or the database. Wrong codes are limited per
    connection and per ballot (:func:`_refused_before_checking`); right codes never count."""
    ballot = _open_ballot_for_codes(pk)
    public = ballot is not None and ballot.chapter_id is None
    if request.method != "POST":
        if ballot is not None and public:
            form = forms.CastForm(ballot=ballot, with_code=True)
            return render(
                request, "democracy/ballot_vote_by_code.html", {"ballot": ballot, "form": form}
            )
        return _code_step(request, forms.VotingCodeForm())
    refused = _refused_before_checking(request, pk)
    if refused is not None:
        return refused
    if ballot is not None and public:
        return _vote_on_public_ballot(request, ballot)
    return _vote_on_unlisted_ballot(request, pk, ballot)


def _vote_on_public_ballot(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    form = forms.CastForm(request.POST, ballot=ballot, with_code=True)
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            tracker = services.cast_with_code(code=code, ballot=ballot, choice=form.choice())
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except PermissionDenied as exc:
            refused = _count_wrong_code(request, ballot.pk)
            if refused is not None:
                return refused
            form.add_error("code", str(exc))
        else:
            return _private(
                render(
                    request,
                    "democracy/ballot_receipt.html",
                    {"ballot": ballot, "tracker": tracker, "code": code},
                )
            )
    return _private(
        render(request, "democracy/ballot_vote_by_code.html", {"ballot": ballot, "form": form})
    )


def _vote_on_unlisted_ballot(request: HttpRequest, pk: int, ballot: Ballot | None) -> HttpResponse:
    """A chapter's ballot, or an id that is not open: the code first, then (only for a code on
    this ballot's roll) the ballot, with the code carried in the form as a hidden field."""
    step = forms.VotingCodeForm(request.POST)
    if not step.is_valid():
        return _code_step(request, step)  # no code: nothing was checked, nothing counts
    code = step.cleaned_data["code"]
    if not _code_opens(pk, code):
        refused = _count_wrong_code(request, pk)
        if refused is not None:
            return refused
        step.add_error("code", "That voting code is not valid for this ballot.")
        return _code_step(request, step)
    if ballot is None:  # a real code, for a ballot that is not open (only its holder sees this)
        step.add_error(None, "This ballot is not open for voting now.")
        return _code_step(request, step)
    if "cast" not in request.POST:
        form = forms.CastForm(initial={"code": code}, ballot=ballot, with_code=True, hide_code=True)
    else:
        form = forms.CastForm(request.POST, ballot=ballot, with_code=True, hide_code=True)
        if form.is_valid():
            try:
                tracker = services.cast_with_code(code=code, ballot=ballot, choice=form.choice())
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            except PermissionDenied:  # checked a moment ago; count it and show nothing
                return _count_wrong_code(request, pk) or _code_step(request, step)
            else:
                return _private(
                    render(
                        request,
                        "democracy/ballot_receipt.html",
                        {"ballot": ballot, "tracker": tracker, "code": code},
                    )
                )
    return _private(
        render(
            request,
            "democracy/ballot_vote_by_code.html",
            {"ballot": ballot, "form": form, "code_checked": True},
        )
    )


def _code_step(request: HttpRequest, form: forms.VotingCodeForm) -> HttpResponse:
    """The neutral first step: the same page whatever the id (nothing here names the ballot)."""
    return _private(render(request, "democracy/vote_by_code_step.html", {"form": form}))


def _private(response: HttpResponse) -> HttpResponse:
    """A page that may carry a voting code or a ballot: no cache (shared or browser) keeps it."""
    add_never_cache_headers(response)
    return response


# Voting by code (issue 15, finding 6). Which ballots are open, for the vote page's few
# seconds, whether open or not: an id that is not open costs what an open one does.
_VOTE_PAGE_MEMO = ProcessMemo()

#: While a ballot is over its limit of wrong codes, each connection may still get this many
#: wrong on it in the window (a voter's typos) before it waits too. Right codes never count.
WRONG_CODES_PER_CONNECTION_ON_A_FLOODED_BALLOT = 3


def _open_ballot_for_codes(pk: int) -> Ballot | None:
    def load() -> Ballot | None:
        try:
            return selectors.ballot_open_for_codes(pk)
        except Http404:
            return None

    seconds = int(getattr(settings, "BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS", 5))
    return _VOTE_PAGE_MEMO.get(pk, seconds, load)


def _code_opens(pk: int, code: str) -> bool:
    """Whether the code is on this ballot's roll (whatever the ballot's status). Only its hash
    is looked up; the code itself is never logged or kept."""
    if not 0 < pk < 2**63:
        return False
    return selectors.roll_entry_for_code(services.code_hash(code), pk) is not None


def _wrong_code_counters(pk: int) -> tuple[tuple[str, Any, str], ...]:
    """(group, key, rate) of the three counts of wrong codes, all in the default cache: per
    connection (every ballot), per ballot (every connection), and per connection on this
    ballot (the typos a connection is allowed while the ballot is flooded). The connection is
    django-ratelimit's ``ip`` key: the client address as ``bloc.core.ratelimit`` has it read."""
    client_rate = getattr(settings, "BLOC_RATE_WRONG_CODE_CLIENT", "")
    ballot_rate = getattr(settings, "BLOC_RATE_WRONG_CODE_BALLOT", "")
    flood_rate = (
        re.sub(r"^\d+", str(WRONG_CODES_PER_CONNECTION_ON_A_FLOODED_BALLOT), ballot_rate)
        if ballot_rate
        else ""
    )
    return (
        ("democracy.wrong-code.client", "ip", client_rate),
        ("democracy.wrong-code.ballot", lambda _group, _request: str(pk), ballot_rate),
        (f"democracy.wrong-code.flood.{pk}", "ip", flood_rate),
    )


def _usage(
    request: HttpRequest, group: str, key: Any, rate: str, *, increment: bool
) -> dict[str, int] | None:
    if not rate:
        return None  # an empty setting turns this limit off
    usage: dict[str, int] | None = get_usage(
        request, group=group, key=key, rate=rate, increment=increment
    )
    return usage


def _refused_before_checking(request: HttpRequest, pk: int) -> HttpResponse | None:
    """429 before any code is looked up: for a connection that has had its wrong codes, and,
    while the ballot is over its limit, for one that has had its few typos on this ballot."""
    client, ballot, flood = _wrong_code_counters(pk)
    mine = _usage(request, *client, increment=False)
    if mine is not None and mine["count"] >= mine["limit"]:
        return _too_many(request, "Too many wrong codes from this connection", mine["time_left"])
    here = _usage(request, *flood, increment=False)
    if here is not None and here["count"] >= here["limit"]:
        total = _usage(request, *ballot, increment=False)
        if total is not None and total["count"] >= total["limit"]:
            wait = min(here["time_left"], total["time_left"])
            return _too_many(request, "Too many wrong codes have been tried for this ballot", wait)
    return None


def _count_wrong_code(request: HttpRequest, pk: int) -> HttpResponse | None:
    """Count a wrong code on every counter; 429 once the ballot is over its limit (a right
    code is never counted, and still works: see :func:`_refused_before_checking`)."""
    client, ballot, flood = _wrong_code_counters(pk)
    _usage(request, *client, increment=True)
    _usage(request, *flood, increment=True)
    total = _usage(request, *ballot, increment=True)
    if total is not None and total["count"] > total["limit"]:
        return _too_many(
            request, "Too many wrong codes have been tried for this ballot", total["time_left"]
        )
    return None


def _too_many(request: HttpRequest, reason: str, seconds: int) -> HttpResponse:
    """429 saying when to try again. Names no ballot: it may answer any id."""
    seconds = max(1, seconds)
    minutes = math.ceil(seconds / 60)
    message = f"{reason}; try again in {minutes} minute{'' if minutes == 1 else 's'}."
    response = render(
        request, "democracy/vote_by_code_limited.html", {"message": message}, status=429
    )
    response["Retry-After"] = str(seconds)
    return _private(response)
