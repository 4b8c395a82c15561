"""Views through the Django test client: the response and the database, with denial cases."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bloc.coalition import services
from bloc.coalition.models import Commitment, Contract, F7Notice, Interaction, Partner, Stage
from bloc.coalition.tests.world import world
from bloc.coalition.tests.xlsx import f7_workbook
from bloc.core.models import AuditEvent


def _many_partners(n, start=0):
    for i in range(start, start + n):
        services.create_partner(
            actor=None,
            name=f"Example Local {i:03d}",
            kind=Partner.Kind.UNION_LOCAL,
            tags=["union", f"t{i % 3}"],
        )


@pytest.mark.django_db
def test_partner_list_pages_with_a_fixed_number_of_queries(
    client, personas, django_assert_num_queries
):
    _many_partners(5)
    client.force_login(personas.admin)
    url = reverse("coalition:partner-list")
    client.get(url)  # warm caches (content types, session)
    with django_assert_num_queries(6) as few:
        response = client.get(url)
    assert response.status_code == 200
    _many_partners(40, start=5)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 45
    assert len(response.context["page_obj"].object_list) == 25


@pytest.mark.django_db
def test_partner_list_filters_by_type_stage_and_tag(client, personas):
    w = world(personas)
    services.create_partner(actor=None, name="Tenants Together", kind=Partner.Kind.COMMUNITY)
    services.move_stage(actor=None, relationship=w.other.relationship, to_stage=Stage.ENGAGED)
    services.update_partner(actor=None, partner=w.own, tags=["auto"])
    client.force_login(personas.admin)
    url = reverse("coalition:partner-list")

    def names(query):
        return [p.name for p in client.get(url, query).context["page_obj"]]

    assert names({"kind": "community"}) == ["Tenants Together"]
    assert names({"stage": "engaged"}) == [w.other.name]
    assert names({"tag": "auto"}) == [w.own.name]
    assert names({"state": "il"}) == [w.other.name]
    client.force_login(personas.liaison)
    assert names({}) == [w.own.name]


@pytest.mark.django_db
def test_an_organizer_creates_a_partner_owned_by_their_chapter_only(client, personas):
    client.force_login(personas.organizer_a)
    url = reverse("coalition:partner-create")
    data = {"name": "Riverside Food Bank Workers", "kind": "community", "tags": "food, care"}
    response = client.post(url, {**data, "owner_chapter": personas.chapter_b.pk})
    assert response.status_code == 200 and not Partner.objects.exists()
    response = client.post(url, {**data, "owner_chapter": personas.chapter_a.pk})
    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{partner.pk}/")
    assert partner.relationship.owner_chapter == personas.chapter_a
    client.force_login(personas.member_a)
    assert client.post(url, {**data, "name": "Other"}).status_code == 404


@pytest.mark.django_db
def test_a_liaison_edits_their_own_record_and_nothing_else(client, personas):
    w = world(personas)
    client.force_login(personas.liaison)
    form = {"name": w.own.name, "kind": "union_local", "size": "1500", "state": "NY", "tags": "x"}
    response = client.post(reverse("coalition:partner-edit", args=[w.own.pk]), form)
    assert response.status_code == 302
    w.own.refresh_from_db()
    assert w.own.size == 1500
    event = AuditEvent.objects.filter(action="coalition.partner_updated").last()
    assert event.actor == personas.liaison and "size" in event.data["fields"]
    response = client.post(
        reverse("coalition:partner-edit", args=[w.other.pk]), {**form, "name": w.other.name}
    )
    assert response.status_code == 404
    w.other.refresh_from_db()
    assert w.other.size == 800
    detail = client.get(reverse("coalition:partner-detail", args=[w.own.pk]))
    assert w.own_contract.employer in detail.content.decode()


@pytest.mark.django_db
def test_contacts_can_only_be_people_the_editor_may_see(client, personas):
    w = world(personas)
    client.force_login(personas.organizer_b)
    url = reverse("coalition:contact-add", args=[w.other.pk])
    client.post(url, {"person": personas.person_member_a.pk, "role": "President"})
    assert not w.other.contacts.filter(person=personas.person_member_a).exists()
    client.post(
        url, {"person": personas.person_member_b.pk, "role": "President", "is_officer": "on"}
    )
    assert w.other.contacts.filter(person=personas.person_member_b, is_officer=True).exists()


@pytest.mark.django_db
def test_the_board_moves_a_partner_to_the_next_stage_over_htmx(
    client, personas, django_assert_max_num_queries
):
    w = world(personas)
    client.force_login(personas.organizer_b)
    with django_assert_max_num_queries(8):
        board = client.get(reverse("coalition:relationship-board"))
    assert w.other.name in board.content.decode() and w.own.name not in board.content.decode()
    response = client.post(
        reverse("coalition:relationship-move", args=[w.other.relationship.pk]),
        {"stage": "researched"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "coalition/_board.html"
    column = {c.stage: c for c in response.context["columns"]}["researched"]
    assert [r.partner.name for r in column.relationships] == [w.other.name]
    w.other.relationship.refresh_from_db()
    assert w.other.relationship.stage == Stage.RESEARCHED
    client.force_login(personas.organizer_a)
    denied = client.post(
        reverse("coalition:relationship-move", args=[w.other.relationship.pk]),
        {"stage": "engaged"},
        HTTP_HX_REQUEST="true",
    )
    assert denied.status_code == 404
    w.other.relationship.refresh_from_db()
    assert w.other.relationship.stage == Stage.RESEARCHED


@pytest.mark.django_db
def test_logging_an_interaction_with_a_next_step(client, personas):
    w = world(personas)
    client.force_login(personas.organizer_a)
    rel = w.own.relationship
    response = client.post(
        reverse("coalition:interaction-create", args=[rel.pk]),
        {
            "occurred_on": "2026-11-20",
            "channel": "meeting",
            "summary": "Met the executive board about May Day.",
            "asks": "Align the contract.",
            "next_step": "Send the resolution text",
            "next_step_due_on": "2026-11-30",
            "participant_ids": str(personas.person_member_a.pk),
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get(relationship=rel)
    assert interaction.recorded_by == personas.organizer_a
    assert list(interaction.participants.all()) == [personas.person_member_a]
    page = client.get(reverse("coalition:relationship-detail", args=[rel.pk])).content.decode()
    assert "Send the resolution text" in page
    bad = client.post(
        reverse("coalition:interaction-create", args=[rel.pk]),
        {
            "occurred_on": "2026-11-20",
            "channel": "call",
            "summary": "x",
            "next_step_due_on": "2026-12-01",
        },
    )
    assert bad.status_code == 400 and Interaction.objects.filter(relationship=rel).count() == 1


@pytest.mark.django_db
def test_overdue_next_steps_page_and_marking_done(client, personas):
    w = world(personas)
    client.force_login(personas.organizer_b)
    page = client.get(reverse("coalition:next-step-list"))
    assert "Send the coalition program" in page.content.decode()
    client.post(
        reverse("coalition:interaction-done", args=[w.other_interaction.pk]),
        {"next": "next-steps"},
    )
    page = client.get(reverse("coalition:next-step-list"))
    assert "Send the coalition program" not in page.content.decode()
    client.force_login(personas.organizer_a)
    assert client.get(reverse("coalition:next-step-list")).context["groups"] == []


@pytest.mark.django_db
def test_a_contract_is_entered_on_its_local_clock(client, personas):
    w = world(personas)
    client.force_login(personas.organizer_a)
    response = client.post(
        reverse("coalition:contract-create"),
        {
            "union_local": w.own.pk,
            "employer": "Lakeside Bottling",
            "unit_name": "Warehouse",
            "unit_size": "240",
            "regime": "nlra",
            "bargaining_state": "in_force",
            "alignment_stage": "won",
            "expires_on": "2028-05-01",
            "expires_time": "23:59",
            "time_zone": "America/Chicago",
        },
    )
    contract = Contract.objects.get(employer="Lakeside Bottling")
    assert response.status_code == 302
    assert contract.expires_at == datetime(2028, 5, 1, 23, 59, tzinfo=ZoneInfo("America/Chicago"))
    assert contract.is_aligned
    detail = client.get(reverse("coalition:contract-detail", args=[contract.pk])).content.decode()
    assert "Notice to the FMCS (30 days)" in detail and "Sat Apr 1, 2028 23:59" in detail
    listing = client.get(reverse("coalition:contract-list"), {"aligned": "yes"})
    assert listing.context["totals"].aligned_workers == 240 + w.own_contract.unit_size
    client.force_login(personas.liaison)
    assert client.get(reverse("coalition:contract-edit", args=[contract.pk])).status_code == 404


@pytest.mark.django_db
def test_the_calendar_lists_deadlines_the_reader_may_see(client, personas, time_machine):
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC")))
    w = world(personas)
    client.force_login(personas.liaison)
    upcoming = client.get(reverse("coalition:contract-calendar")).context["upcoming"]
    assert {item.contract.pk for item in upcoming} == {w.own_contract.pk}


@pytest.mark.django_db
def test_f7_upload_shows_a_report_and_only_admins_may_import(client, personas):
    data = f7_workbook(
        [
            [
                "2026-10-01",
                "Acme Mills",
                "",
                "PA",
                "Textile Union",
                "4",
                "",
                "90",
                "2028-04-30",
                "",
            ],
            ["2026-10-01", "", "", "PA", "Textile Union", "4", "", "90", "2028-04-30", ""],
        ]
    )
    client.force_login(personas.organizer_a)
    upload = SimpleUploadedFile("f7.xlsx", data)
    assert client.post(reverse("coalition:f7-import"), {"file": upload}).status_code == 404
    client.force_login(personas.admin)
    response = client.post(
        reverse("coalition:f7-import"), {"file": SimpleUploadedFile("f7.xlsx", data)}, follow=True
    )
    page = response.content.decode()
    assert "1 notices created" in page and "employer is missing" in page
    assert F7Notice.objects.count() == 1
    wrong = client.post(
        reverse("coalition:f7-import"), {"file": SimpleUploadedFile("f7.csv", b"a,b")}
    )
    assert wrong.status_code == 200 and "Upload an .xlsx file." in wrong.content.decode()


@pytest.mark.django_db
def test_a_commitment_is_recorded_and_moved(client, personas):
    w = world(personas)
    client.force_login(personas.liaison)
    response = client.post(
        reverse("coalition:commitment-create", args=[w.own.pk]),
        {"kind": "turnout", "description": "Turn out 300 members", "target": "300"},
    )
    commitment = Commitment.objects.get(description="Turn out 300 members")
    assert response.status_code == 302 and commitment.partner == w.own
    client.post(reverse("coalition:commitment-move", args=[commitment.pk]), {"state": "verbal"})
    commitment.refresh_from_db()
    assert commitment.state == "verbal" and commitment.verbal_at is not None
    client.force_login(personas.organizer_b)
    denied = client.post(
        reverse("coalition:commitment-move", args=[commitment.pk]), {"state": "withdrawn"}
    )
    assert denied.status_code == 404
    commitment.refresh_from_db()
    assert commitment.state == "verbal"


@pytest.mark.django_db
def test_the_home_dashboard_shows_the_coalition_widget_to_organizers(client, personas):
    world(personas)
    client.force_login(personas.admin)
    page = client.get(reverse("core:home")).content.decode()
    assert "1 contracts aligned to May Day 2028, covering 1,100 workers" in page
    client.force_login(personas.member_a)
    assert "aligned to May Day 2028" not in client.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_csv_exports_hold_only_what_the_reader_may_see_and_are_audited(client, personas):
    w = world(personas)
    services.update_partner(actor=None, partner=w.own, description="x", website="")
    services.create_partner(actor=None, name="=HYPERLINK(1)", kind=Partner.Kind.COMMUNITY)
    client.force_login(personas.liaison)
    body = b"".join(client.get(reverse("coalition:partner-export")).streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("id,name,kind") and len(lines) == 2 and w.own.name in lines[1]
    contracts = b"".join(
        client.get(reverse("coalition:contract-export")).streaming_content
    ).decode()
    assert "2028-04-30T23:59:00-04:00,America/Detroit,yes" in contracts
    assert w.other_contract.employer not in contracts
    client.force_login(personas.admin)
    body = b"".join(client.get(reverse("coalition:partner-export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    events = AuditEvent.objects.filter(action="coalition.exported")
    assert sorted(e.data["what"] for e in events) == ["contracts", "partners", "partners"]
    client.force_login(personas.member_a)
    assert client.get(reverse("coalition:partner-export")).status_code == 404


@pytest.mark.django_db
def test_an_admin_hands_a_relationship_to_another_chapter(client, personas):
    w = world(personas)
    rel = w.other.relationship
    client.force_login(personas.organizer_b)
    client.post(
        reverse("coalition:relationship-owner", args=[rel.pk]), {"chapter": personas.chapter_a.pk}
    )
    rel.refresh_from_db()
    assert rel.owner_chapter == personas.chapter_b  # not one of organizer B's chapters
    client.force_login(personas.admin)
    client.post(
        reverse("coalition:relationship-owner", args=[rel.pk]), {"chapter": personas.chapter_a.pk}
    )
    rel.refresh_from_db()
    assert rel.owner_chapter == personas.chapter_a
    client.force_login(personas.organizer_b)
    assert client.get(reverse("coalition:relationship-detail", args=[rel.pk])).status_code == 404
    client.force_login(personas.liaison)
    page = client.get(reverse("coalition:partner-list")).content.decode()
    assert "Overdue next steps" not in page and "Contracts" in page
