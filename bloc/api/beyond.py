"""Beyond OSDI, read-only: chapters, partner organizations, contracts, the public slate,
ballots' published records, and what a data-sharing agreement lets a partner receive (checked
and audited on every read by coalition.shared_rows_for)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from bloc.api import hal, schemas
from bloc.coalition import selectors as coalition
from bloc.coalition.models import Partner
from bloc.democracy import selectors as democracy
from bloc.electoral import selectors as electoral
from bloc.people import selectors as people

router = Router(tags=["beyond OSDI"])


def _chapter_doc(request: HttpRequest, chapter: Any) -> dict[str, Any]:
    return {
        "identifiers": [f"bloc:chapter-{chapter.slug}"],
        "name": chapter.name,
        "slug": chapter.slug,
        "status": chapter.status,
        "state": chapter.state,
        "parent": chapter.parent.slug if chapter.parent_id else None,
        "member_count": getattr(chapter, "member_count", None),
        "_links": {"self": hal.link(hal.base(request) + f"chapters/{chapter.slug}")},
    }


@router.get(
    "/chapters",
    response={200: schemas.ChaptersCollection, **schemas.ERRORS},
    by_alias=True,
    summary="Chapters",
    operation_id="chapters_list",
)
def chapters_list(request: HttpRequest) -> dict[str, Any]:
    """Every chapter (chapters are public); member counts only for chapters in your scope."""
    chapters = people.chapters_with_counts(request.user)
    root = hal.base(request)
    return {
        "total_pages": 1,
        "per_page": max(1, len(chapters)),
        "page": 1,
        "total_records": len(chapters),
        "_links": {"self": hal.link(root + "chapters"), "curies": hal.CURIES},
        "_embedded": {"osdi:chapters": [_chapter_doc(request, c) for c in chapters]},
    }


def _partner_doc(request: HttpRequest, partner: Partner) -> dict[str, Any]:
    self_href = hal.base(request) + f"partners/{partner.pk}"
    return {
        "identifiers": [f"bloc:partner-{partner.pk}"],
        "name": partner.name,
        "kind": partner.kind,
        "parent": f"bloc:partner-{partner.parent_id}" if partner.parent_id else None,
        "city": partner.city,
        "state": partner.state,
        "website": partner.website,
        "tags": [t.name for t in partner.tags.all()],
        "_links": {"self": hal.link(self_href), "bloc:shared": hal.link(self_href + "/shared")},
    }


@router.get(
    "/partners",
    response={200: schemas.PartnersCollection, **schemas.ERRORS},
    by_alias=True,
    summary="Partner organizations",
    operation_id="partners_list",
)
def partners_list(
    request: HttpRequest, page: int = hal.PAGE, per_page: int = hal.PER_PAGE
) -> dict[str, Any]:
    """Organizers and admins see every partner; a liaison only their own organization."""
    qs = coalition.partners_visible_to(request.user).prefetch_related("tags").order_by("pk")
    items, doc = hal.page_of(request, qs, path="partners", page=page, per_page=per_page)
    doc["_embedded"] = {"osdi:partners": [_partner_doc(request, p) for p in items]}
    return doc


@router.get(
    "/partners/{partner_id}",
    response={200: schemas.Partner, **schemas.ERRORS},
    by_alias=True,
    summary="One partner organization",
    operation_id="partner_detail",
)
def partner_detail(request: HttpRequest, partner_id: int) -> dict[str, Any]:
    return _partner_doc(request, coalition.partner_for(request.user, partner_id))


@router.get(
    "/partners/{partner_id}/shared",
    response={200: list[schemas.SharedKind], **schemas.ERRORS},
    by_alias=True,
    summary="What a data-sharing agreement lets this partner receive today",
    operation_id="partner_shared_kinds",
)
def partner_shared_kinds(request: HttpRequest, partner_id: int) -> list[dict[str, Any]]:
    """For the partner's liaisons and national admins, while an agreement is in force;
    anyone else, or after the agreement ends or is revoked: 404."""
    partner = coalition.partner_for(request.user, partner_id)
    root = hal.base(request) + f"partners/{partner.pk}/shared/"
    return [
        {
            "kind": k.key,
            "label": k.source.label,
            "columns": list(k.source.columns),
            "_links": {"self": hal.link(root + k.key)},
        }
        for k in coalition.shared_kinds_for(request.user, partner)
    ]


@router.get(
    "/partners/{partner_id}/shared/{kind}",
    response={200: schemas.SharedRows, **schemas.ERRORS},
    by_alias=True,
    summary="The rows of one shared kind (audited)",
    operation_id="partner_shared_rows",
)
def partner_shared_rows(request: HttpRequest, partner_id: int, kind: str) -> dict[str, Any]:
    partner = coalition.partner_for(request.user, partner_id)
    shared = coalition.shared_rows_for(request.user, partner, kind)
    return {
        "kind": shared.key,
        "label": shared.label,
        "columns": list(shared.columns),
        "rows": shared.rows,
    }


def _contract_doc(request: HttpRequest, contract: Any) -> dict[str, Any]:
    return {
        "identifiers": [f"bloc:contract-{contract.pk}"],
        "union_local": f"bloc:partner-{contract.union_local_id}",
        "employer": contract.employer,
        "unit_name": contract.unit_name,
        "unit_size": contract.unit_size,
        "regime": contract.regime,
        "effective_at": contract.effective_at,
        "expires_at": contract.expires_at,
        "time_zone": contract.time_zone,
        "is_aligned": contract.is_aligned,
        "bargaining_state": contract.bargaining_state,
        "alignment_stage": contract.alignment_stage,
        "notice_deadlines": [
            {"kind": d.kind, "label": d.label, "due_at": d.due_at} for d in contract.deadlines()
        ],
        "_links": {
            "self": hal.link(hal.base(request) + f"contracts/{contract.pk}"),
            "bloc:partner": hal.link(hal.base(request) + f"partners/{contract.union_local_id}"),
        },
    }


@router.get(
    "/contracts",
    response={200: schemas.ContractsCollection, **schemas.ERRORS},
    by_alias=True,
    summary="Union contracts and their notice deadlines",
    operation_id="contracts_list",
)
def contracts_list(
    request: HttpRequest, page: int = hal.PAGE, per_page: int = hal.PER_PAGE
) -> dict[str, Any]:
    """Organizers and admins see every contract; a liaison their organization's and its
    locals'. Soonest expiry first."""
    qs = coalition.search_contracts(request.user)
    items, doc = hal.page_of(request, qs, path="contracts", page=page, per_page=per_page)
    doc["_embedded"] = {"osdi:contracts": [_contract_doc(request, c) for c in items]}
    return doc


@router.get(
    "/contracts/{contract_id}",
    response={200: schemas.Contract, **schemas.ERRORS},
    by_alias=True,
    summary="One contract",
    operation_id="contract_detail",
)
def contract_detail(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    return _contract_doc(request, coalition.contract_for(request.user, contract_id))


@router.get(
    "/slate/{cycle}",
    response={200: list[schemas.SlateEntry], **schemas.ERRORS},
    summary="The public slate of an election cycle: endorsed candidacies",
    operation_id="slate",
)
def slate(request: HttpRequest, cycle: int) -> list[dict[str, Any]]:
    """The same public slate as the slate page (national and chapter endorsements)."""
    return [
        {
            "candidate": entry["candidate"].full_name,
            "party": entry["candidate"].party,
            "office": entry["race"].office,
            "state": entry["race"].state,
            "district": entry["race"].district,
            "national": entry["national"],
            "chapters": entry["chapters"],
        }
        for entry in electoral.slate(cycle)
    ]


@router.get(
    "/ballots/{ballot_id}/record",
    response={200: dict[str, Any], **schemas.ERRORS},
    summary="A ballot's published election record (what `bloc verify` reads)",
    operation_id="ballot_record",
)
def ballot_record(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """Certified ballots are public; a tallied, uncertified one only to those who run it."""
    return democracy.election_record(democracy.published_ballot_for(request.user, ballot_id))
