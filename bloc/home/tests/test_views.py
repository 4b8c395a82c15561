"""The front door, chapter pages and the member's own pages, through the Django test client."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bloc.comms import services as comms
from bloc.core.audit import AuditEvent
from bloc.core.organization import contrast
from bloc.democracy.tests.helpers import YES, certified_yes_no, opened, vote
from bloc.events import services as events
from bloc.events.models import RSVP
from bloc.events.tests import builders
from bloc.home.models import ChapterProfile, DeletionRequest
from bloc.people import selectors as people
from bloc.people.models import ConsentEvent, TransferRequest

pytestmark = pytest.mark.django_db


def _join_url() -> str:
    try:
        return reverse("people:join")
    except NoReverseMatch:
        return ""


def _pledge(slug="fair-contracts", title="Fair contracts for every worker"):
    entity = comms.create_legal_entity(
        actor=None,
        name="Bloc National Organization",
        coordination="nonpartisan",
        disclaimer="Paid for by Bloc National Organization.",
        postal_address="100 Example Street, Springfield, NY 10001",
    )
    return comms.create_pledge(
        actor=None,
        slug=slug,
        title=title,
        statement="We stand together.",
        goal=100,
        legal_entity=entity,
        next_ask_text="Come to an event.",
        next_ask_url="/events/",
    )


# --- The front door --------------------------------------------------------------------------


def test_a_visitor_finds_the_organization_and_ways_in_without_signing_in(client, personas):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 id="welcome">Bloc</h1>' in html
    assert "national membership organization" in html
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("events:event-search")}' in html
    assert ('href="' + _join_url() + '"' in html) == bool(_join_url())
    assert page.templates[0].name == "home/front_door.html"


def test_sign_in_keeps_its_own_address(client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200 and b'name="login"' in page.content


def test_the_organization_names_and_colours_every_page(client, settings):
    settings.BLOC_ORG_NAME = "Riverbend Workers League"
    settings.BLOC_ORG_ABOUT = "Tenants and workers of the river towns, organized."
    settings.BLOC_ORG_COLOR = "#ffe14d"  # too light to read on white
    html = client.get("/").content.decode()
    assert "Riverbend Workers League" in html and "river towns, organized" in html
    assert "<title>Riverbend Workers League · Riverbend Workers League</title>" in html
    css = client.get(reverse("core:brand-css"))
    assert css["Content-Type"].startswith("text/css")
    color = css.content.decode().split("--accent:")[1].split(";")[0]
    assert color != "#ffe14d" and contrast(color, "#ffffff") >= 4.5


def test_a_zip_finds_events_nearest_first_and_links_the_map(client, personas):
    near, _ = builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    far, _ = builders.approved_event(
        personas.admin, zip_code="10001", tz="America/New_York", title="Chelsea canvass"
    )
    html = client.get("/", {"zip": "60602"}).content.decode()
    assert "Loop rally" in html and "Chelsea canvass" not in html
    assert "Events near Chicago, IL" in html
    assert 'class="distance"' in html
    assert f"{reverse('events:event-search')}?zip=60602#results" in html
    assert "Your chapter:" in html and personas.chapter_b.name in html
    # Without a ZIP, the next public events anywhere.
    html = client.get("/").content.decode()
    assert "Loop rally" in html and "Chelsea canvass" in html


def test_a_bad_zip_is_explained_not_an_error(client, db):
    page = client.get("/", {"zip": "not-a-zip"})
    assert page.status_code == 200
    assert "Enter a five-digit US ZIP code." in page.content.decode()


def test_the_front_door_shows_days_pledges_the_slate_and_results(client, personas):
    builders.day_of_action("Harvest Day of Action")
    _pledge()
    ballot = certified_yes_no(personas)
    html = client.get("/").content.decode()
    assert "Harvest Day of Action" in html
    assert "Fair contracts for every worker" in html
    assert reverse("comms:pledge-sign", args=["fair-contracts"]) in html
    assert reverse("democracy:ballot-results", args=[ballot.pk]) in html
    assert "Members have not endorsed anyone yet." in html


def test_signed_in_people_go_on_to_their_own_home(client, personas):
    client.force_login(personas.member_a)
    assert client.get("/")["Location"] == reverse("home:me")
    client.force_login(personas.organizer_a)
    assert client.get("/")["Location"] == reverse("core:home")


def test_every_role_has_events_in_its_menu_and_phones_get_a_menu_button(client, personas):
    events_url = reverse("events:event-search")
    html = client.get("/").content.decode()
    assert f'<li><a href="{events_url}">Events</a></li>' in html
    for user in (personas.member_a, personas.organizer_a, personas.liaison, personas.outsider):
        client.force_login(user)
        html = client.get(reverse("home:preferences")).content.decode()
        assert f'<li><a href="{events_url}">Events</a></li>' in html, user
        assert '<details class="menu-narrow">' in html and "<summary>Menu</summary>" in html


# --- Chapter pages ---------------------------------------------------------------------------


def test_a_chapter_page_shows_what_it_does_its_events_and_how_to_join(client, personas):
    ChapterProfile.objects.create(
        chapter=personas.chapter_b,
        about="Lakeshore backs the transit contract campaign.",
        how_to_join="Start with a Saturday canvass.",
    )
    builders.approved_event(personas.admin, zip_code="60601", title="Lakeshore canvass")
    page = client.get(reverse("home:chapter-page", args=[personas.chapter_b.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lakeshore backs the transit contract campaign." in html
    assert "Start with a Saturday canvass." in html
    assert "Lakeshore canvass" in html
    assert 'id="contact"' in html and "Edit this page" not in html
    # No organizer's address anywhere on the page.
    assert personas.organizer_b.email not in html


def test_an_inactive_or_unknown_chapter_has_no_public_page(client, personas):
    personas.chapter_a.status = "inactive"
    personas.chapter_a.save()
    assert (
        client.get(reverse("home:chapter-page", args=[personas.chapter_a.slug])).status_code == 404
    )
    assert client.get(reverse("home:chapter-page", args=["nowhere"])).status_code == 404


def test_the_contact_form_reaches_the_organizers_without_showing_their_addresses(
    client, personas, django_capture_on_commit_callbacks
):
    url = reverse("home:chapter-contact", args=[personas.chapter_a.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"name": "Juno Ashgrove", "email": "juno.ashgrove@example.org", "message": "Hello!"},
            follow=True,
        )
    html = response.content.decode()
    assert "Your message is on its way to Riverside Chapter." in html
    assert personas.organizer_a.email not in html
    assert [m.to for m in mail.outbox] == [[personas.organizer_a.email]]
    assert mail.outbox[0].extra_headers["Reply-To"] == "juno.ashgrove@example.org"
    assert "Hello!" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="home.chapter_contacted")
    assert event.chapter_id == personas.chapter_a.pk and event.data == {"recipients": 1}
    assert "juno" not in json.dumps(event.data).lower()


def test_a_chapter_with_no_organizer_is_written_to_through_national_admins(
    client, personas, django_capture_on_commit_callbacks
):
    from bloc.people.services import create_chapter

    chapter = create_chapter(actor=None, name="Prairie Chapter", state="KS", zip_codes=["66044"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("home:chapter-contact", args=[chapter.slug]),
            {"name": "Ira Vell", "email": "ira.vell@example.org", "message": "Any meetings?"},
        )
    assert [m.to for m in mail.outbox] == [[personas.admin.email]]


def test_the_contact_form_drops_robots_and_limits_each_address(
    client, personas, settings, django_capture_on_commit_callbacks
):
    settings.BLOC_RATE_CHAPTER_CONTACT = "2/h"
    url = reverse("home:chapter-contact", args=[personas.chapter_a.slug])
    robot = {
        "name": "Bot",
        "email": "bot@example.org",
        "message": "Buy now",
        "website": "http://spam.example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, robot).status_code == 302
    assert mail.outbox == [] and not AuditEvent.objects.filter(action="home.chapter_contacted")
    assert client.post(url, {"name": "", "email": "x", "message": ""}).status_code == 400
    assert client.post(url, robot).status_code == 429


def test_organizers_edit_their_chapter_page_and_nobody_else_can(client, personas):
    url = reverse("home:chapter-edit", args=[personas.chapter_a.slug])
    client.force_login(personas.organizer_b)
    assert client.get(url).status_code == 404
    client.force_login(personas.organizer_a)
    response = client.post(url, {"about": "Riverside organizes tenants.", "how_to_join": ""})
    assert response.status_code == 302
    assert ChapterProfile.objects.get(chapter=personas.chapter_a).about == (
        "Riverside organizes tenants."
    )
    assert AuditEvent.objects.get(action="home.chapter_page_updated").data == {"fields": ["about"]}
    page = client.get(reverse("home:chapter-page", args=[personas.chapter_a.slug]))
    assert "Edit this page" in page.content.decode()


# --- The member home -------------------------------------------------------------------------


def _rsvp_member_a(personas, title="Chelsea canvass", day=10):
    event, _ = builders.approved_event(
        personas.admin,
        zip_code="10001",
        tz="America/New_York",
        title=title,
        start=builders.at(day, 12, "America/New_York"),
    )
    rsvp, _ = events.rsvp(actor=None, timeslot=event.timeslots.get(), email=personas.member_a.email)
    return rsvp


def test_the_member_home_shows_chapter_organizers_shifts_ballots_dues_and_next_step(
    client, personas
):
    rsvp = _rsvp_member_a(personas)
    builders.approved_event(
        personas.admin, zip_code="10002", tz="America/New_York", title="Lower East Side rally"
    )
    ballot, _ = opened(title="Fictional referendum on the program")
    pledge = _pledge()
    comms.sign_pledge(
        pledge=pledge,
        first_name="Mina",
        last_name="Castellan",
        email=personas.member_a.email,
        zip_code="10001",
    )
    client.force_login(personas.member_a)
    html = client.get(reverse("home:me")).content.decode()
    assert "Riverside Chapter" in html
    assert "Organizers: Ada Quill" not in html  # the national admin organizes no chapter
    assert "Rosa Fenwick" in html and personas.organizer_a.email not in html
    assert rsvp.event.title in html and reverse("home:rsvp-cancel", args=[rsvp.pk]) in html
    assert "Lower East Side rally" in html  # near me, not yet signed up
    assert ballot.title in html and "Open: not voted yet" in html
    assert "In good standing" in html
    assert pledge.title in html
    assert "Your next step:" in html


def test_the_member_home_says_voted_and_never_shows_a_tracker(client, personas):
    ballot, _ = opened(title="Fictional vote on the budget")
    tracker = vote(ballot, personas.person_member_a, [YES])
    client.force_login(personas.member_a)
    html = client.get(reverse("home:me")).content.decode()
    assert ballot.title in html and "Voted" in html
    assert tracker not in html


def test_proposals_i_can_cosponsor_leave_out_mine_and_the_ones_i_signed(client, personas):
    from bloc.democracy.services import cosponsor_proposal, submit_proposal

    national = submit_proposal(actor=personas.member_b, title="Fund a strike school", text="…")
    signed = submit_proposal(actor=personas.member_b, title="Open the books", text="…")
    cosponsor_proposal(actor=personas.member_a, proposal=signed)
    mine = submit_proposal(actor=personas.member_a, title="Translate every ballot", text="…")
    other_chapter = submit_proposal(
        actor=personas.member_b, title="Lakeshore dues", text="…", chapter=personas.chapter_b
    )
    client.force_login(personas.member_a)
    html = client.get(reverse("home:me")).content.decode()
    assert national.title in html
    assert signed.title not in html and mine.title not in html and other_chapter.title not in html


def test_a_member_cancels_a_shift_in_one_click_and_only_their_own(client, personas):
    rsvp = _rsvp_member_a(personas)
    client.force_login(personas.member_b)
    assert client.post(reverse("home:rsvp-cancel", args=[rsvp.pk])).status_code == 404
    client.force_login(personas.member_a)
    response = client.post(reverse("home:rsvp-cancel", args=[rsvp.pk]), follow=True)
    assert "You are no longer down for Chelsea canvass." in response.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CANCELLED
    assert AuditEvent.objects.filter(action="events.rsvp_cancelled").exists()
    assert reverse("home:rsvp-cancel", args=[rsvp.pk]) not in response.content.decode()


def test_the_member_home_of_an_account_without_a_record_explains_itself(client, personas):
    client.force_login(personas.outsider)
    html = client.get(reverse("home:me")).content.decode()
    assert "not linked to a member record" in html


def test_the_member_home_reads_a_bounded_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    for day in range(3):
        _rsvp_member_a(personas, title=f"Canvass {day}", day=10 + day)
    client.force_login(personas.member_a)
    client.get(reverse("home:me"))
    with django_assert_max_num_queries(40):
        client.get(reverse("home:me"))


# --- Preferences -----------------------------------------------------------------------------


def test_opting_out_of_sms_takes_effect_at_once(client, personas):
    person = personas.person_member_a
    ConsentEvent.objects.create(person=person, channel="sms", status="opted_in", source="test")
    assert people.can_contact(person, "sms")
    client.force_login(personas.member_a)
    html = client.get(reverse("home:preferences")).content.decode()
    assert 'name="sms" id="id_sms" checked' in html
    response = client.post(reverse("home:preferences-consent"), {"email": "on"}, follow=True)
    assert "Saved." in response.content.decode()
    assert not people.can_contact(person, "sms")
    assert people.can_contact(person, "email")
    assert AuditEvent.objects.filter(action="people.consent_changed").count() == 1


def test_a_move_by_zip_asks_that_zips_chapter(client, personas):
    client.force_login(personas.member_a)
    response = client.post(reverse("home:preferences-move"), {"zip_code": "60602"}, follow=True)
    assert "Your request to move to Lakeshore Chapter was sent." in response.content.decode()
    transfer = TransferRequest.objects.get(person=personas.person_member_a)
    assert transfer.to_chapter == personas.chapter_b and "60602" in transfer.reason
    assert personas.person_member_a.chapter == personas.chapter_a  # the chapter decides
    html = client.get(reverse("home:preferences")).content.decode()
    assert "You asked to move to <strong>Lakeshore Chapter</strong>" in html


def test_a_move_to_a_zip_no_chapter_covers_is_explained(client, personas):
    client.force_login(personas.member_a)
    response = client.post(reverse("home:preferences-move"), {"zip_code": "82001"}, follow=True)
    assert "No chapter covers that ZIP code yet." in response.content.decode()
    assert not TransferRequest.objects.exists()


def test_my_data_downloads_as_json_and_csv_never_cached(client, personas):
    _rsvp_member_a(personas)
    client.force_login(personas.member_a)
    response = client.get(reverse("home:my-data-json"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="my-bloc-data.json"'
    data = json.loads(response.content)
    assert data["person"]["email"] == personas.member_a.email
    assert data["person"]["chapter"] == "Riverside Chapter"
    assert data["membership"]["status"] == "active"
    assert [r["event"] for r in data["rsvps"]] == ["Chelsea canvass"]
    assert personas.member_b.email not in response.content.decode()
    csv = client.get(reverse("home:my-data-csv"))
    assert "no-store" in csv["Cache-Control"]
    assert csv.content.decode().startswith("section,item,field,value")
    assert f"person,1,email,{personas.member_a.email}" in csv.content.decode()
    assert AuditEvent.objects.filter(action="home.personal_data_downloaded").count() == 2


def test_a_formula_in_my_record_is_not_executed_by_a_spreadsheet(client, personas):
    person = personas.person_member_a
    person.first_name = "=HYPERLINK(1)"
    person.save()
    client.force_login(personas.member_a)
    assert (
        "person,1,first_name,'=HYPERLINK(1)"
        in client.get(reverse("home:my-data-csv")).content.decode()
    )


def test_a_deletion_request_is_recorded_for_staff_and_audited(client, personas):
    client.force_login(personas.member_a)
    url = reverse("home:deletion-request")
    client.post(url, {"reason": "moving away"})  # not confirmed: nothing recorded
    assert not DeletionRequest.objects.exists()
    response = client.post(url, {"confirm": "on", "reason": "moving away"}, follow=True)
    assert "Staff will carry it out" in response.content.decode()
    request = DeletionRequest.objects.get(person=personas.person_member_a)
    assert request.status == DeletionRequest.Status.PENDING
    event = AuditEvent.objects.get(action="home.deletion_requested")
    assert "moving" not in json.dumps(event.data)
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "already asked" in response.content.decode()
    assert DeletionRequest.objects.count() == 1
    client.force_login(personas.organizer_a)
    assert "Deletion requests" not in client.get(reverse("core:home")).content.decode()
    handle = reverse("home:deletion-request-handle", args=[request.pk])
    assert client.post(handle, {"outcome": "done"}).status_code == 404
    client.force_login(personas.admin)
    dashboard = client.get(reverse("core:home")).content.decode()
    assert f"person #{personas.person_member_a.pk}" in dashboard and handle in dashboard
    client.post(handle, {"outcome": "done"})
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DONE and request.handled_by == personas.admin
    assert AuditEvent.objects.get(action="home.deletion_handled").data["status"] == "done"
    assert "No deletion requests are waiting." in client.get(reverse("core:home")).content.decode()


def test_timely_events_only(client, personas):
    """An event that ended is not on the front door."""
    event, _ = builders.approved_event(
        personas.admin,
        zip_code="60601",
        title="Yesterday's rally",
        start=timezone.now() + timedelta(hours=1),
    )
    assert "Yesterday&#x27;s rally" in client.get("/").content.decode()
    event.ends_at = timezone.now() - timedelta(minutes=1)
    event.starts_at = event.ends_at - timedelta(hours=1)
    event.save()
    assert "Yesterday&#x27;s rally" not in client.get("/").content.decode()
