"""Elections, races, candidates, candidacies, and the FEC candidate master file import."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.core import csvrows
from bloc.electoral import audit, permissions
from bloc.electoral.models import Candidacy, Candidate, Election, FecImport, Level, Race

CANDIDACY_FLOW: dict[str, set[str]] = {
    Candidacy.Status.EXPLORING: {"declared", "withdrawn"},
    Candidacy.Status.DECLARED: {"filed", "withdrawn"},
    Candidacy.Status.FILED: {"on_ballot", "withdrawn"},
    Candidacy.Status.ON_BALLOT: {"won", "lost", "withdrawn"},
}
_STEP_FIELD = {"declared": "declared_at", "filed": "filed_at", "on_ballot": "on_ballot_at"}


def _require_admin(actor: Any) -> None:
    if actor is not None and not roles.is_national_admin(actor):
        raise PermissionDenied("Only national admins keep the race calendar.")


def create_election(
    *, actor: Any, name: str, cycle: int, election_type: str, held_on: date, state: str = ""
) -> Election:
    _require_admin(actor)
    election = Election(
        name=name, cycle=cycle, election_type=election_type, held_on=held_on, state=state.upper()
    )
    election.full_clean()
    with transaction.atomic():
        election.save()
        audit.event("election_created", actor=actor, target=election, cycle=cycle)
    return election


def create_race(*, actor: Any, election: Election, office: str, level: str, **fields: Any) -> Race:
    """`fields`: state, district, ocd_division_id, seats, runoff_rule, runoff_threshold_percent
    and the deadlines (filing_deadline_on, petition_deadline_on, application_deadline_on,
    primary_on, general_on)."""
    _require_admin(actor)
    race = Race(election=election, office=office, level=level, **fields)
    race.full_clean()
    with transaction.atomic():
        race.save()
        audit.event("race_created", actor=actor, target=race, election_id=election.pk)
    return race


def create_candidate(*, actor: Any, full_name: str, **fields: Any) -> Candidate:
    """Organizers add candidates for their chapter's races; admins for any."""
    if actor is not None and not (
        roles.is_national_admin(actor) or roles.organized_chapter_ids(actor)
    ):
        raise PermissionDenied("You may not add candidates.")
    candidate = Candidate(full_name=full_name.strip(), **fields)
    candidate.full_clean()
    with transaction.atomic():
        candidate.save()
        audit.event("candidate_created", actor=actor, target=candidate)
    return candidate


def declare_candidacy(
    *, actor: Any, candidate: Candidate, race: Race, status: str = Candidacy.Status.EXPLORING
) -> Candidacy:
    if actor is not None and not permissions.is_electoral_staff(actor):
        raise PermissionDenied("You may not record candidacies.")
    with transaction.atomic():
        candidacy = Candidacy.objects.create(candidate=candidate, race=race, status=status)
        if status in _STEP_FIELD:
            setattr(candidacy, _STEP_FIELD[status], timezone.now())
            candidacy.save()
        audit.event("candidacy_recorded", actor=actor, target=candidacy, status=status)
    return candidacy


def move_candidacy(*, actor: Any, candidacy: Candidacy, status: str) -> Candidacy:
    """exploring → declared → filed → on ballot → won / lost; withdrawn from any open step."""
    if actor is not None and not permissions.is_electoral_staff(actor):
        raise PermissionDenied("You may not change candidacies.")
    with transaction.atomic():
        candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
        if status not in CANDIDACY_FLOW.get(candidacy.status, set()):
            raise ValidationError(
                f"A candidacy that is {candidacy.get_status_display().lower()} cannot become "
                f"{Candidacy.Status(status).label.lower()}."
            )
        now = timezone.now()
        candidacy.status = status
        if status in _STEP_FIELD:
            setattr(candidacy, _STEP_FIELD[status], now)
        else:
            candidacy.ended_at = now
        candidacy.save()
        audit.event("candidacy_moved", actor=actor, target=candidacy, status=status)
    return candidacy


# FEC candidate master file (https://www.fec.gov/campaign-finance-data/candidate-master-file-description/)

FEC_COLUMNS = {"cand_id", "cand_name", "cand_office", "cand_office_st", "cand_office_district"}
FEC_NAME_MAX = 200  # Candidate.full_name
FEC_STATUS = {
    "C": Candidacy.Status.FILED,  # statutory candidate
    "F": Candidacy.Status.DECLARED,  # statutory candidate for a future election
    "N": Candidacy.Status.EXPLORING,  # not yet a statutory candidate
}


def fec_division(office: str, state: str, district: str) -> str:
    state = state.lower()
    if office == "P":
        return "ocd-division/country:us"
    if office == "S":
        return f"ocd-division/country:us/state:{state}"
    if district and not (district.isascii() and district.isdigit() and len(district) <= 3):
        raise ValueError(district)
    number = int(district or 0)
    # At-large seats are district 00 in FEC files and cd:1 nowhere; OCD uses the state itself.
    return f"ocd-division/country:us/state:{state}" + (f"/cd:{number}" if number else "")


def _fec_name(raw: str) -> str:
    """FEC writes LAST, FIRST MIDDLE; we show First Middle Last."""
    last, _, first = raw.partition(",")
    return f"{first.strip().title()} {last.strip().title()}".strip()


def import_fec_candidates(*, actor: Any, file_name: str, text: str, cycle: int) -> FecImport:
    """Match each row to a race of `cycle` by office and division; create or update the candidate
    and their candidacy. Every row gets a line in the report; nothing is silently dropped."""
    if actor is not None and not permissions.can_import(actor):
        raise PermissionDenied("Only national admins import FEC files.")
    records = csvrows.records(text.lstrip("\ufeff"))
    head = next(records, None)
    if head is not None and head.error:
        raise ValidationError(f"The header line is not valid CSV ({head.error}).")
    names = [h.strip().lower() for h in head.cells] if head is not None else []
    missing = FEC_COLUMNS - set(names)
    if missing:
        raise ValidationError(f"Missing columns: {', '.join(sorted(missing))}.")
    races = {
        (r.ocd_division_id, r.level): r
        for r in Race.objects.filter(election__cycle=cycle, level=Level.FEDERAL)
    }
    report: list[dict[str, Any]] = []
    counts = {"created": 0, "updated": 0, "skipped": 0}
    with transaction.atomic():
        for record in records:
            if record.is_blank:
                continue
            for number, row, outcome, reason in _fec_record(record, names, races):
                counts[outcome] += 1
                report.append(
                    {
                        "row": number,
                        "cand_id": row.get("cand_id", "")[:9].replace("\x00", ""),
                        "outcome": outcome,
                        "reason": reason,
                    }
                )
        result = FecImport.objects.create(
            file_name=file_name.replace("\x00", "")[:200],
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            report=report,
            **counts,
        )
        audit.event("fec_imported", actor=actor, target=result, cycle=cycle, **counts)
    return result


#: a line of the FEC report: (row, cells by column, outcome, reason)
_FecLine = tuple[int, dict[str, str], str, str]


def _fec_record(
    record: csvrows.Record, names: list[str], races: dict[tuple[str, str], Race]
) -> list[_FecLine]:
    """``(row, cells by column, outcome, reason)`` for each file line of one CSV record."""
    cells = record.cells
    row = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name}
    if record.error:  # and every further line the unreadable record ran over
        first, last = record.first, record.last
        after: list[_FecLine] = [
            (n, {}, "skipped", f"part of row {first}") for n in range(first + 1, last + 1)
        ]
        return [(first, {}, "skipped", f"not valid CSV ({record.error})"), *after]
    if record.spans_lines:  # a quote left open: every line it ran over is a row of the report
        first, last = record.first, record.last
        inside: list[_FecLine] = [
            (n, {}, "skipped", f"inside the quoted cell that starts on row {first}")
            for n in range(first + 1, last + 1)
        ]
        return [
            (
                first,
                row,
                "skipped",
                f"a quoted cell runs on to row {last}: is a closing quote missing?",
            ),
            *inside,
        ]
    if any(cell.strip() for cell in cells[len(names) :]):  # a trailing comma is an empty cell
        return [(record.first, row, "skipped", f"{len(cells)} cells; the header has {len(names)}")]
    if any("\x00" in cell for cell in cells):
        return [(record.first, row, "skipped", "a cell holds a NUL character")]
    return [(record.first, row, *_import_row(row, races))]


def _import_row(row: dict[str, str], races: dict[tuple[str, str], Race]) -> tuple[str, str]:
    cand_id = row.get("cand_id", "").upper()
    if len(cand_id) != 9 or cand_id[0] not in "HSP":
        return "skipped", "cand_id is not an FEC candidate id"
    office = row.get("cand_office", "").upper() or cand_id[0]
    status = row.get("cand_status", "").upper() or "N"
    if status not in FEC_STATUS:
        return "skipped", f"status {status}: not running this cycle"
    try:
        division = fec_division(
            office, row.get("cand_office_st", ""), row.get("cand_office_district", "")
        )
    except ValueError:
        return "skipped", "district is not a number"
    race = races.get((division, Level.FEDERAL))
    if race is None:
        return "skipped", f"no race this cycle for {division}"
    name = _fec_name(row.get("cand_name", ""))
    if not name:
        return "skipped", "no name"
    if len(name) > FEC_NAME_MAX:
        return "skipped", f"the name is longer than {FEC_NAME_MAX} characters"
    candidate, created = Candidate.objects.get_or_create(
        fec_candidate_id=cand_id,
        defaults={"full_name": name, "party": row.get("cand_pty_affiliation", "")[:40]},
    )
    candidacy, new_candidacy = Candidacy.objects.get_or_create(
        candidate=candidate, race=race, defaults={"status": FEC_STATUS[status]}
    )
    order = ["exploring", "declared", "filed"]
    if (
        not new_candidacy
        and candidacy.status in order
        and order.index(FEC_STATUS[status]) > order.index(candidacy.status)
    ):
        candidacy.status = FEC_STATUS[status]
        candidacy.save(update_fields=["status", "updated_at"])
    if created:
        return "created", f"new candidate in {race.office}"
    return "updated", f"matched existing candidate in {race.office}"
