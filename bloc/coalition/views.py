"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""

import csv
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from bloc.accounts import selectors as roles
from bloc.coalition import charts, forms, permissions, selectors, services
from bloc.coalition.f7 import import_f7_notices
from bloc.coalition.models import Commitment, Contract, Regime, SignOn, StageChange, Statement
from bloc.core.csvsafe import safe_cell
from bloc.people.models import Chapter
from bloc.people.selectors import people_visible_to

PAGE_SIZE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404("Not found.")


def _scoped_chapters(user: Any) -> QuerySet[Chapter]:
    if roles.is_national_admin(user):
        return Chapter.objects.all()
    return Chapter.objects.filter(pk__in=roles.organized_chapter_ids(user))


# Partners -------------------------------------------------------------------------------------


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_see_partners(request.user))
    form = forms.PartnerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    partners = selectors.search_partners(
        request.user,
        query=filters.get("q", ""),
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        stage=filters.get("stage", ""),
        tag=filters.get("tag", ""),
    )
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "coalition/_partner_rows.html" if request.htmx else "coalition/partner_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page_obj": page,
            "can_create": permissions.can_create_partner(request.user),
        },
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_create_partner(request.user))
    chapter_ids = (
        None if roles.is_national_admin(request.user) else roles.organized_chapter_ids(request.user)
    )
    form = forms.PartnerCreateForm(request.POST or None, chapter_ids=chapter_ids)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in forms.PartnerForm.Meta.fields}
        try:
            partner = services.create_partner(
                actor=request.user,
                tags=form.tag_names(),
                owner_chapter=form.cleaned_data["owner_chapter"],
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{partner} added.")
            return redirect("coalition:partner-detail", pk=partner.pk)
    return render(request, "coalition/partner_form.html", {"form": form, "partner": None})


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    relationship = selectors.relationships_visible_to(request.user).filter(partner=partner).first()
    return render(
        request,
        "coalition/partner_detail.html",
        {
            "partner": partner,
            "relationship": relationship,
            "children": selectors.partners_visible_to(request.user).filter(parent=partner),
            "contacts": selectors.contacts_for(request.user, partner),
            "contracts": selectors.contracts_visible_to(request.user).filter(union_local=partner),
            "commitments": selectors.commitments_visible_to(request.user).filter(partner=partner),
            "tags": partner.tags.all(),
            "can_edit": permissions.can_edit_partner(request.user, partner),
            "contact_form": forms.ContactForm(),
            "sign_ons": selectors.sign_ons_visible_to(request.user)
            .filter(partner=partner)
            .select_related("statement", "signer"),
            "sign_form": forms.SignForm(officers=_officers(request.user, partner)),
            "can_manage_agreements": permissions.can_manage_agreements(request.user),
            "can_receive_shared_data": permissions.can_receive_shared_data(request.user, partner),
        },
    )


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, partner))
    form = forms.PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f != "tags"}
        try:
            services.update_partner(
                actor=request.user,
                partner=selectors.partner_for(request.user, pk),
                tags=form.tag_names(),
                **changes,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("coalition:partner-detail", pk=pk)
    return render(request, "coalition/partner_form.html", {"form": form, "partner": partner})


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, partner))
    form = forms.ContactForm(request.POST, people=people_visible_to(request.user))
    if form.is_valid():
        try:
            services.add_contact(
                actor=request.user,
                partner=partner,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                is_officer=form.cleaned_data["is_officer"],
            )
            messages.success(request, "Contact added.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("coalition:partner-detail", pk=pk)


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, partner))
    contact = selectors.contact_for(request.user, partner, contact_pk)
    services.remove_contact(actor=request.user, contact=contact)
    messages.success(request, "Contact removed.")
    return redirect("coalition:partner-detail", pk=pk)


# Relationships --------------------------------------------------------------------------------


def _board_context(request: HttpRequest) -> dict[str, Any]:
    chapters = _scoped_chapters(request.user)
    chapter_id = None
    wanted = request.GET.get("chapter", "")
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:  # not "²", which int() refuses
        chapter_id = int(wanted)
        if not chapters.filter(pk=chapter_id).exists():
            chapter_id = None
    return {
        "columns": selectors.board(request.user, chapter_id=chapter_id),
        "chapters": chapters,
        "chapter_id": chapter_id,
    }


@login_required
def relationship_board(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_staff_organizer(request.user))
    return render(request, "coalition/relationship_board.html", _board_context(request))


@login_required
def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for(request.user, pk)
    return render(
        request,
        "coalition/relationship_detail.html",
        {
            "relationship": relationship,
            "interactions": selectors.interactions_for(request.user, relationship),
            "history": StageChange.objects.filter(relationship=relationship).select_related(
                "changed_by"
            ),
            "interaction_form": forms.InteractionForm(),
            "move_form": forms.StageMoveForm(initial={"stage": relationship.next_stage}),
            "can_work": permissions.can_work_relationship(request.user, relationship),
            "owner_form": forms.OwnerForm(
                chapters=_scoped_chapters(request.user),
                initial={"chapter": relationship.owner_chapter_id},
            ),
        },
    )


@login_required
@require_POST
def relationship_move(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for(request.user, pk)
    _require(permissions.can_work_relationship(request.user, relationship))
    form = forms.StageMoveForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.move_stage(
                actor=request.user, relationship=relationship, to_stage=form.cleaned_data["stage"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Choose a stage."
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(request)
        context["error"] = error
        return render(request, "coalition/_board.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Stage updated.")
    return redirect("coalition:relationship-detail", pk=pk)


@login_required
@require_POST
def relationship_owner(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a relationship to another chapter (admins), or between an organizer's chapters."""
    relationship = selectors.relationship_for(request.user, pk)
    _require(permissions.can_work_relationship(request.user, relationship))
    form = forms.OwnerForm(request.POST, chapters=_scoped_chapters(request.user))
    if form.is_valid():
        services.assign_relationship_owner(
            actor=request.user,
            relationship=relationship,
            chapter=form.cleaned_data["chapter"],
            user=relationship.owner_user,
        )
        messages.success(request, "Owner changed.")
        if not selectors.relationships_visible_to(request.user).filter(pk=pk).exists():
            return redirect("coalition:relationship-board")
    else:
        messages.error(request, "Choose one of your chapters.")
    return redirect("coalition:relationship-detail", pk=pk)


@login_required
@require_POST
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for(request.user, pk)
    _require(permissions.can_work_relationship(request.user, relationship))
    form = forms.InteractionForm(request.POST, people=people_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.log_interaction(
                actor=request.user,
                relationship=relationship,
                occurred_on=data["occurred_on"],
                channel=data["channel"],
                summary=data["summary"],
                asks=data["asks"],
                next_step=data["next_step"],
                next_step_due_on=data["next_step_due_on"],
                participants=data["participant_ids"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Interaction logged.")
            return redirect("coalition:relationship-detail", pk=pk)
    return render(
        request,
        "coalition/interaction_form.html",
        {"form": form, "relationship": relationship},
        status=400,
    )


@login_required
@require_POST
def interaction_done(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_for(request.user, pk)
    _require(permissions.can_work_relationship(request.user, interaction.relationship))
    try:
        services.complete_next_step(actor=request.user, interaction=interaction)
        messages.success(request, "Next step done.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("next") == "next-steps":
        return redirect("coalition:next-step-list")
    return redirect("coalition:relationship-detail", pk=interaction.relationship_id)


@login_required
def next_step_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_staff_organizer(request.user))
    today = timezone.localdate()
    return render(
        request,
        "coalition/next_step_list.html",
        {"groups": selectors.overdue_next_steps(request.user, today=today), "today": today},
    )


# Contracts ------------------------------------------------------------------------------------


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_see_partners(request.user))
    aligned = {"yes": True, "no": False}.get(request.GET.get("aligned", ""))
    regime = request.GET.get("regime", "")
    contracts = selectors.search_contracts(
        request.user, aligned=aligned, regime=regime if regime in Regime.values else ""
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coalition/contract_list.html",
        {
            "page_obj": page,
            "totals": selectors.contract_totals(request.user),
            "regimes": Regime.choices,
            "can_manage": permissions.can_manage_contracts(request.user),
            "can_import": permissions.can_import_f7(request.user),
        },
    )


@login_required
def contract_calendar(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_see_partners(request.user))
    now = timezone.now()
    today = timezone.localdate(now)
    shown = _calendar_month(request.GET.get("month", ""), today)
    upcoming = selectors.upcoming_deadlines(request.user, now=now, days=365)
    expiring = (
        selectors.contracts_visible_to(request.user)
        .filter(expires_at__gte=now)
        .select_related("union_local")
        .order_by("expires_at")[:100]
    )
    return render(
        request,
        "coalition/contract_calendar.html",
        {
            "upcoming": upcoming,
            "expiring": expiring,
            "now": now,
            "wave_chart": charts.strike_wave_chart(
                selectors.contract_expirations_by_month(request.user, start=today)
            ),
            "month": charts.month_view(request.user, shown, today=today),
        },
    )


def _calendar_month(value: str, today: date) -> date:
    """The month asked for (?month=2028-05), else this one; years Bloc plans for only."""
    try:
        year, month = (int(part) for part in value.split("-"))
        if value.isascii() and 2000 <= year <= 2099:
            return date(year, month, 1)
    except ValueError:
        pass
    return date(today.year, today.month, 1)


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_manage_contracts(request.user))
    initial = {}
    union_local = request.GET.get("union_local", "")
    if union_local.isascii() and union_local.isdigit():
        initial["union_local"] = union_local
    form = forms.ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.record_contract(actor=request.user, **form.contract_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Contract recorded.")
            return redirect("coalition:contract-detail", pk=contract.pk)
    return render(request, "coalition/contract_form.html", {"form": form, "contract": None})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for(request.user, pk)
    return render(
        request,
        "coalition/contract_detail.html",
        {
            "contract": contract,
            "deadlines": contract.deadlines(),
            "now": timezone.now(),
            "can_manage": permissions.can_manage_contracts(request.user),
        },
    )


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for(request.user, pk)
    _require(permissions.can_manage_contracts(request.user))
    form = forms.ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        fields = form.contract_fields()
        try:
            services.update_contract(
                actor=request.user,
                contract=Contract.objects.get(pk=contract.pk),
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("coalition:contract-detail", pk=pk)
    return render(request, "coalition/contract_form.html", {"form": form, "contract": contract})


@login_required
def f7_import(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_import_f7(request.user))
    form = forms.F7UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = import_f7_notices(actor=request.user, data=upload.read(), file_name=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("coalition:f7-import-detail", pk=run.pk)
    return render(
        request,
        "coalition/f7_import.html",
        {"form": form, "imports": selectors.f7_imports_visible_to(request.user)[:20]},
    )


@login_required
def f7_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.f7_import_for(request.user, pk)
    return render(
        request,
        "coalition/f7_import_detail.html",
        {"run": run, "notices": run.notices.select_related("partner")[:500]},
    )


# Commitments ----------------------------------------------------------------------------------


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_see_partners(request.user))
    state = request.GET.get("state", "")
    commitments = selectors.commitments_visible_to(request.user).select_related(
        "partner", "person", "chapter"
    )
    if state in Commitment.State.values:
        commitments = commitments.filter(state=state)
    page = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coalition/commitment_list.html",
        {
            "page_obj": page,
            "states": Commitment.State.choices,
            "counts": selectors.commitment_counts(request.user),
        },
    )


@login_required
def commitment_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, partner))
    form = forms.CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.make_commitment(
                actor=request.user, partner=partner, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Commitment recorded.")
            return redirect("coalition:commitment-detail", pk=commitment.pk)
    return render(request, "coalition/commitment_form.html", {"form": form, "partner": partner})


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for(request.user, pk)
    return render(
        request,
        "coalition/commitment_detail.html",
        {
            "commitment": commitment,
            "moves": [
                (s, Commitment.State(s).label) for s in services.commitment_moves(commitment.state)
            ],
            "can_move": _can_move_commitment(request.user, commitment),
        },
    )


def _can_move_commitment(user: Any, commitment: Commitment) -> bool:
    if commitment.partner is not None:
        return permissions.can_edit_partner(user, commitment.partner)
    if roles.is_national_admin(user):
        return True
    chapter_id = commitment.chapter_id or (commitment.person and commitment.person.chapter_id)
    return chapter_id in roles.organized_chapter_ids(user)


@login_required
@require_POST
def commitment_move(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_for(request.user, pk)
    _require(_can_move_commitment(request.user, commitment))
    form = forms.CommitmentMoveForm(request.POST)
    if form.is_valid():
        try:
            services.advance_commitment(
                actor=request.user,
                commitment=commitment,
                to_state=form.cleaned_data["state"],
                fulfilled_count=form.cleaned_data["fulfilled_count"],
                evidence_url=form.cleaned_data["evidence_url"] or None,
            )
            messages.success(request, "Commitment updated.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose a state.")
    return redirect("coalition:commitment-detail", pk=pk)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(rows: Any, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(r) for r in rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def partner_export(request: HttpRequest) -> StreamingHttpResponse:
    _require(permissions.can_see_partners(request.user))
    return _csv_response(services.export_partners(actor=request.user), "partners.csv")


@login_required
def contract_export(request: HttpRequest) -> StreamingHttpResponse:
    _require(permissions.can_see_partners(request.user))
    return _csv_response(services.export_contracts(actor=request.user), "contracts.csv")


# Sign-ons -------------------------------------------------------------------------------------


def _officers(user: Any, partner: Any) -> Any:
    from bloc.people.models import Person

    contacts = selectors.contacts_for(user, partner).filter(is_officer=True)
    return Person.objects.filter(pk__in=contacts.values("person_id")).order_by("last_name")


def statement_public(request: HttpRequest, slug: str) -> HttpResponse:
    """The public wall: who signed, by tier. Open to everyone, signed in or not."""
    statement = selectors.statement_for_public(slug)
    return render(
        request,
        "coalition/statement_public.html",
        {"statement": statement, "tiers": selectors.public_signers(statement)},
    )


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_staff_organizer(request.user))
    form = forms.StatementForm(request.POST or None)
    if request.method == "POST":
        _require(permissions.can_manage_statements(request.user))
        if form.is_valid():
            try:
                statement = services.create_statement(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Statement created.")
                return redirect("coalition:statement-public", slug=statement.slug)
    return render(
        request,
        "coalition/statement_list.html",
        {
            "statements": Statement.objects.all(),
            "sign_ons": selectors.sign_ons_visible_to(request.user)
            .select_related("partner", "statement", "signer")
            .order_by("status", "-signed_at")[:200],
            "form": form,
            "can_create": permissions.can_manage_statements(request.user),
        },
    )


@login_required
@require_POST
def sign_on_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, partner))
    form = forms.SignForm(request.POST, officers=_officers(request.user, partner))
    if form.is_valid():
        try:
            services.sign_statement(
                actor=request.user,
                statement=form.cleaned_data["statement"],
                partner=partner,
                signer=form.cleaned_data["signer"],
            )
            messages.success(request, "Signed. An organizer will confirm the signer's authority.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose a statement and a signing officer.")
    return redirect("coalition:partner-detail", pk=pk)


@login_required
@require_POST
def sign_on_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.is_staff_organizer(request.user))
    sign_on = selectors.sign_on_for(request.user, pk)
    try:
        services.confirm_signer_authority(actor=request.user, sign_on=sign_on)
        messages.success(request, "Signer's authority confirmed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coalition:statement-list")


@login_required
@require_POST
def sign_on_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    sign_on: SignOn = selectors.sign_on_for(request.user, pk)
    _require(permissions.can_edit_partner(request.user, sign_on.partner))
    try:
        services.withdraw_sign_on(actor=request.user, sign_on=sign_on)
        messages.success(request, "Signature withdrawn; it stays in the history.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coalition:partner-detail", pk=sign_on.partner_id)


# Data-sharing agreements ----------------------------------------------------------------------


def _agreement_form(request: HttpRequest, partner: Any) -> forms.AgreementForm:
    return forms.AgreementForm(
        request.POST or None,
        officers=selectors.contacts_for(request.user, partner).filter(is_officer=True),
        liaisons=selectors.partner_liaisons(partner),
    )


@login_required
def agreement_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Admins: a partner's agreements (in force, upcoming, ended, revoked) and a new one."""
    _require(permissions.can_manage_agreements(request.user))
    partner = selectors.partner_for(request.user, pk)
    form = _agreement_form(request, partner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_data_sharing(
                actor=request.user,
                partner=partner,
                kinds=data["kinds"],
                uses=data["uses"],
                use_note=data["use_note"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                **form.signer_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Data-sharing agreement recorded.")
            return redirect("coalition:agreement-list", pk=pk)
    agreements = (
        selectors.agreements_visible_to(request.user)
        .filter(partner=partner)
        .select_related("granted_by", "revoked_by")
    )
    return render(
        request,
        "coalition/agreement_list.html",
        {
            "partner": partner,
            "agreements": agreements,
            "today": timezone.localdate(),
            "form": form,
            "revoke_form": forms.RevokeAgreementForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agreement_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_manage_agreements(request.user))
    agreement = selectors.agreement_for(request.user, pk)
    form = forms.RevokeAgreementForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_data_sharing(
                actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Agreement revoked; nothing more is shared under it.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Say why the agreement is revoked.")
    return redirect("coalition:agreement-list", pk=agreement.partner_id)


@login_required
def shared_data_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A liaison's "Data shared with us": the kinds an active agreement covers today."""
    partner = selectors.partner_for(request.user, pk)
    return render(
        request,
        "coalition/shared_data_list.html",
        {"partner": partner, "kinds": selectors.shared_kinds_for(request.user, partner)},
    )


@login_required
def shared_data_detail(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    partner = selectors.partner_for(request.user, pk)
    shared = selectors.shared_rows_for(request.user, partner, kind, how="viewed")
    page = Paginator(shared.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    table = [[row[column] for column in shared.columns] for row in page]
    return render(
        request,
        "coalition/shared_data_detail.html",
        {
            "partner": partner,
            "shared": shared,
            "page_obj": page,
            "table": table,
        },
    )


@login_required
def shared_data_export(request: HttpRequest, pk: int, kind: str) -> StreamingHttpResponse:
    partner = selectors.partner_for(request.user, pk)
    shared = selectors.shared_rows_for(request.user, partner, kind, how="exported")

    def rows() -> Any:
        yield [safe_cell(column) for column in shared.columns]
        for row in shared.rows:
            yield [safe_cell(row[column]) for column in shared.columns]

    return _csv_response(rows(), f"{slugify(kind)}-partner-{partner.pk}.csv")
