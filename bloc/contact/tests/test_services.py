from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from bloc.comms import services as comms_services
from bloc.contact import selectors, services
from bloc.contact.models import Contact, Message, OptOut, SurveyResponse, Voter
from bloc.contact.tests import builders as b
from bloc.people import selectors as people_selectors
from bloc.people.models import ConsentEvent, LadderEvent, Person
from bloc.people.services import create_person

pytestmark = pytest.mark.django_db


def _imported(p, rows, channel="text", **kw):
    c = b.campaign(p.admin, channel=channel, **kw)
    cl = services.import_voter_file(
        actor=p.admin, campaign=c, file=b.voter_file(rows), mapping=b.MAPPING, file_name="vf.csv"
    )
    return c, cl


def test_voter_file_import_maps_columns_dedupes_and_keeps_voters_apart_from_people(personas):
    known = create_person(actor=None, phone="+12125550111", first_name="Kit", zip_code="10001")
    people_before = Person.objects.count()
    c, cl = _imported(
        personas,
        [
            ("NY1", "Ona", "Reyes", "(212) 555-0101", "12 Elm St", "10001", "P-1"),
            ("NY2", "Bo", "Reyes", "212.555.0101", "12 Elm St", "10001", "P-1"),  # same phone
            ("NY3", "Cy", "Dale", "not a phone", "3 Oak Ave", "10001", "P-2"),
            ("NY4", "Kit", "Known", "+1 212 555 0111", "5 Oak Ave", "10001", "P-2"),
        ],
    )
    assert (cl.rows_read, cl.added) == (4, 2)
    assert cl.skipped == {"already_in_campaign": 1, "no_valid_phone": 1}
    ona = Contact.objects.get(campaign=c, voter__state_voter_id="NY1")
    assert (ona.phone, ona.first_name, ona.time_zone) == ("+12125550101", "Ona", "America/New_York")
    assert (ona.voter.house_number, ona.voter.street, ona.voter.precinct) == ("12", "Elm St", "P-1")
    assert ona.person is None  # a voter, not a supporter
    assert Contact.objects.get(campaign=c, voter__state_voter_id="NY4").person == known
    assert Person.objects.count() == people_before


def test_the_mapping_must_name_real_columns_and_a_phone(personas):
    c = b.campaign(personas.admin)
    with pytest.raises(ValidationError):
        services.import_voter_file(
            actor=personas.admin, campaign=c, file=b.voter_file([]), mapping={"first_name": "FIRST"}
        )
    with pytest.raises(ValidationError, match="not in the file"):
        services.import_voter_file(
            actor=personas.admin, campaign=c, file=b.voter_file([]), mapping={"phone": "MOBILE"}
        )


def test_organizers_run_only_their_chapters_campaigns(personas):
    with pytest.raises(PermissionDenied):
        b.campaign(personas.organizer_a, chapter=personas.chapter_b)
    with pytest.raises(PermissionDenied):
        b.campaign(personas.organizer_a)  # national
    c = b.campaign(personas.organizer_a, chapter=personas.chapter_a)
    assert list(selectors.campaigns_run_by(personas.organizer_b)) == []
    assert list(selectors.campaigns_run_by(personas.organizer_a)) == [c]


def test_a_list_from_an_audience_leaves_out_people_who_opted_out_and_respects_the_firewall(
    personas,
):
    from bloc.comms.services import save_audience

    ok = create_person(
        actor=None,
        phone="+12125550121",
        first_name="Ana",
        zip_code="10001",
        consents={"sms": "opted_in"},
    )
    out = create_person(actor=None, phone="+12125550122", first_name="Ben", zip_code="10002")
    comms_services.receive_text(from_number=out.phone, body="STOP", message_id="SM-x1")
    audience = save_audience(
        actor=personas.admin, name="Riverside", chapter_id=personas.chapter_a.pk
    )
    c = b.campaign(personas.admin, chapter=personas.chapter_a)
    cl = services.list_from_audience(actor=personas.admin, campaign=c, audience=audience)
    people = set(Contact.objects.filter(contact_list=cl).values_list("person_id", flat=True))
    assert ok.pk in people and out.pk not in people
    assert cl.skipped["opted_out"] == 1

    independent = b.entity("Bloc Independent PAC", "independent")
    coordinated = b.entity("Candidate Committee", "coordinated")
    walled = save_audience(actor=personas.admin, name="IE list", legal_entity=independent)
    c2 = b.campaign(personas.admin, legal_entity=coordinated, name="Coordinated bank")
    with pytest.raises(ValidationError, match="may not use it"):
        services.list_from_audience(actor=personas.admin, campaign=c2, audience=walled)


def test_a_volunteer_gets_a_batch_keeps_it_until_sent_and_expired_batches_go_back(personas):
    c, _ = _imported(
        personas,
        [(f"V{i}", f"Name{i}", "X", b.phone(i), "1 Main St", "10001", "P") for i in range(8)],
        batch_size=5,
    )
    robin = b.volunteer(personas.admin, c)
    with time_machine.travel(b.MORNING, tick=False):
        batch = services.request_batch(actor=robin, campaign=c)
        assert batch.size == 5
        assert services.request_batch(actor=robin, campaign=c) == batch
        with pytest.raises(PermissionDenied):
            services.request_batch(actor=personas.member_a, campaign=c)
        sam = b.volunteer(personas.admin, c, "sam@volunteers.bloc.test", "Sam")
        other = services.request_batch(actor=sam, campaign=c)
        assert other.size == 3
        assert (
            services.request_batch(
                actor=b.volunteer(personas.admin, c, "x@volunteers.bloc.test"), campaign=c
            )
            is None
        )
    mine = list(selectors.batch_contacts(robin, c))
    services.send_initial(actor=robin, contact=mine[0], now=b.MORNING)
    released = services.release_expired_batches(now=b.MORNING + timedelta(minutes=61))
    assert released == 4 + 3
    assert Contact.objects.filter(campaign=c, status="new").count() == 7
    assert Contact.objects.get(pk=mine[0].pk).volunteer == robin  # the conversation stays


def test_the_initial_text_goes_once_with_merge_fields_on_a_click(personas, sms):
    c, _ = _imported(personas, [("V1", "Ona", "Reyes", b.phone(1), "1 Main", "10001", "P")])
    robin = b.volunteer(personas.admin, c)
    services.request_batch(actor=robin, campaign=c, now=b.MORNING)
    contact = selectors.batch_contacts(robin, c).get()
    message = services.send_initial(actor=robin, contact=contact, now=b.MORNING)
    assert message.status == Message.Status.SENT
    assert [m.body for m in sms.sent] == [
        "Hi Ona, it's Robin with Slate textbank. Can we count on you?"
    ]
    with pytest.raises(ValidationError):
        services.send_initial(actor=robin, contact=contact, now=b.MORNING)
    assert len(sms.sent) == 1
    with pytest.raises(ValidationError):
        services.create_campaign(
            actor=personas.admin,
            name="x",
            channel="text",
            legal_entity=b.entity(),
            opening="Hi {firstname}",
        )


def test_quiet_hours_follow_each_contacts_time_zone(personas, sms):
    rows = [
        ("NY", "Ny", "A", b.phone(1), "1 Main", "10001", "P"),  # New York
        ("CHI", "Chi", "B", b.phone(2), "1 Main", "60601", "P"),  # Chicago
        ("LA", "La", "C", b.phone(3), "1 Main", "90012", "P"),  # Los Angeles
        ("HNL", "Hnl", "D", b.phone(4), "1 Main", "96813", "P"),  # Honolulu
        ("UNK", "Unk", "E", b.phone(5), "1 Main", "", "P"),  # unknown: 12-21 Eastern
    ]
    c, _ = _imported(personas, rows, batch_size=10)
    robin = b.volunteer(personas.admin, c)
    # 11:00 New York, 10:00 Chicago, 8:00 Los Angeles, 5:00 Honolulu
    services.request_batch(actor=robin, campaign=c, now=b.MORNING)
    got = set(selectors.batch_contacts(robin, c).values_list("voter__state_voter_id", flat=True))
    assert got == {"NY", "CHI"}
    # A contact taken earlier cannot be texted once its evening has come.
    late = b.MORNING.replace(hour=1) + timedelta(days=1)  # 21:00 New York, 20:00 Chicago
    ny = Contact.objects.get(voter__state_voter_id="NY")
    with pytest.raises(ValidationError, match="outside"):
        services.send_initial(actor=robin, contact=ny, now=late)
    chi = Contact.objects.get(voter__state_voter_id="CHI")
    services.send_initial(actor=robin, contact=chi, now=late)
    services.send_initial(actor=robin, contact=ny, now=b.AFTERNOON)
    # 22:00 UTC: 15:00 Los Angeles, 12:00 Honolulu, 18:00 New York
    sam = b.volunteer(personas.admin, c, "sam@volunteers.bloc.test", "Sam")
    services.request_batch(actor=sam, campaign=c, now=b.AFTERNOON)
    got = set(selectors.batch_contacts(sam, c).values_list("voter__state_voter_id", flat=True))
    assert got == {"LA", "HNL", "UNK"}
    assert len(sms.sent) == 2


def _texted(p, rows, c=None, robin=None):
    c = c or b.campaign(p.admin, name=f"Campaign {rows[0][0]}")
    services.import_voter_file(
        actor=p.admin, campaign=c, file=b.voter_file(rows), mapping=b.MAPPING
    )
    robin = robin or b.volunteer(p.admin, c, f"{rows[0][0]}@volunteers.bloc.test")
    services.request_batch(actor=robin, campaign=c, now=b.MORNING)
    for contact in selectors.batch_contacts(robin, c):
        services.send_initial(actor=robin, contact=contact, now=b.MORNING)
    return c, robin


def test_a_stop_reply_stops_every_campaigns_texts_to_that_number_at_once(personas, sms):
    number = b.phone(7)
    person = create_person(
        actor=None, phone=number, first_name="Quinn", zip_code="10001", consents={"sms": "opted_in"}
    )
    a, robin = _texted(personas, [("A1", "Quinn", "Q", number, "1 Main", "10001", "P")])
    other = b.campaign(personas.admin, name="Second bank")
    services.import_voter_file(
        actor=personas.admin,
        campaign=other,
        mapping=b.MAPPING,
        file=b.voter_file([("B1", "Quinn", "Q", number, "1 Main", "10001", "P")]),
    )
    sam = b.volunteer(personas.admin, other, "sam@volunteers.bloc.test", "Sam")
    services.request_batch(actor=sam, campaign=other, now=b.MORNING)
    waiting = selectors.batch_contacts(sam, other).get()

    services.receive_reply(from_number=number, body="Stop.", message_id="SM-stop-1")

    assert OptOut.objects.filter(phone=number).exists()
    assert services.send_initial(actor=sam, contact=waiting, now=b.MORNING) is None
    assert Contact.objects.get(pk=waiting.pk).status == Contact.Status.OPTED_OUT
    texted = Contact.objects.get(campaign=a)
    assert texted.status == Contact.Status.OPTED_OUT
    assert services.send_reply(actor=robin, contact=texted, body="Sorry!") is None
    assert len(sms.to(number)) == 1  # only the first campaign's initial text, before the STOP
    assert not people_selectors.can_contact(person, "sms")
    assert ConsentEvent.objects.filter(person=person, status="opted_out").count() == 3
    # A third campaign cannot even take the number.
    third = b.campaign(personas.admin, name="Third bank")
    cl = services.import_voter_file(
        actor=personas.admin,
        campaign=third,
        mapping=b.MAPPING,
        file=b.voter_file([("C1", "Quinn", "Q", number, "1 Main", "10001", "P")]),
    )
    assert cl.skipped == {"opted_out": 1}


def test_replies_thread_into_the_texters_inbox_and_answers_build_the_organization(personas, sms):
    number = b.phone(9)
    c, robin = _texted(personas, [("V9", "Ona", "Reyes", number, "1 Main", "10001", "P")])
    question = b.survey(personas.admin, c)
    yes = question.answers.get(label__startswith="Yes")
    services.receive_reply(from_number=number, body="yes I'm in", message_id="SM-r1")
    services.receive_reply(from_number=number, body="yes I'm in", message_id="SM-r1")  # retry
    contact = selectors.inbox(robin, c).get()
    assert contact.status == Contact.Status.NEEDS_REPLY
    assert [m.direction for m in selectors.thread(contact)] == ["out", "in"]
    assert not Person.objects.filter(phone=number).exists()

    response = services.record_answer(actor=robin, contact=contact, answer=yes)
    services.send_reply(actor=robin, contact=contact, body=yes.reply)
    contact.refresh_from_db()
    assert contact.person is not None and contact.person.phone == number
    assert contact.voter.person == contact.person
    step = LadderEvent.objects.get(person=contact.person)
    assert (step.stage, step.attribution_type, step.attribution_id) == (
        "pledged",
        "contact.response",
        str(response.pk),
    )
    assert response.volunteer == robin
    assert sms.sent[-1].body == "Thank you Ona!"
    assert not people_selectors.can_contact(contact.person, "sms")  # no bulk consent implied
    # Another volunteer never sees this conversation.
    sam = b.volunteer(personas.admin, c, "sam@volunteers.bloc.test", "Sam")
    assert not selectors.inbox(sam, c).exists()
    with pytest.raises(PermissionDenied):
        services.send_reply(actor=sam, contact=contact, body="hi")


def test_a_manual_opt_out_is_global_too(personas, sms):
    number = b.phone(11)
    c, robin = _texted(personas, [("V1", "Ona", "Reyes", number, "1 Main", "10001", "P")])
    contact = Contact.objects.get(campaign=c)
    services.opt_out_contact(actor=robin, contact=contact)
    assert OptOut.objects.filter(phone=number, source="manual").exists()


def test_the_phonebank_hands_out_one_contact_at_a_time_and_records_dispositions(personas):
    c, _ = _imported(
        personas,
        [(f"V{i}", f"N{i}", "X", b.phone(i), "1 Main", "10001", "P") for i in range(2)],
        channel="phone",
    )
    caller = b.volunteer(personas.admin, c)
    first = services.next_call(actor=caller, campaign=c)
    assert services.next_call(actor=caller, campaign=c) == first
    services.record_attempt(actor=caller, contact=first, disposition="talked")
    question = b.survey(personas.admin, c)
    services.record_answer(actor=caller, contact=first, answer=question.answers.get(label="No"))
    second = services.next_call(actor=caller, campaign=c)
    assert second != first
    services.record_attempt(actor=caller, contact=second, disposition="wrong_number")
    assert services.next_call(actor=caller, campaign=c) is None
    numbers = selectors.dashboard(c)
    assert (numbers["attempted"], numbers["made"]) == (2, 1)
    assert numbers["ids_by_answer"][0]["n"] == 1
    assert SurveyResponse.objects.get().channel == "phone"


def test_walk_lists_go_by_street_then_house_number(personas):
    c, _ = _imported(
        personas,
        [
            ("W1", "A", "X", "", "110 Elm St", "10001", "P-7"),
            ("W2", "B", "X", "", "9 Elm St", "10001", "P-7"),
            ("W3", "C", "X", "", "12 Ash Rd", "10002", "P-7"),
            ("W4", "D", "X", "", "4 Elm St", "10001", "P-8"),
            ("W5", "E", "X", "", "15 Birch Ln", "60601", "P-9"),
        ],
        channel="door",
    )
    canvasser = b.volunteer(personas.admin, c)
    turf = services.create_turf(
        actor=personas.admin,
        campaign=c,
        name="Elm",
        precincts=["P-7"],
        zip_codes=["10001"],
        volunteer=canvasser,
    )
    order = [x.voter.state_voter_id for x in selectors.walk_list(turf)]
    assert order == ["W3", "W4", "W2", "W1"]
    door = selectors.door_contact(canvasser, selectors.walk_list(turf).first().pk)
    services.record_attempt(
        actor=canvasser, contact=door, disposition="not_home" if False else "no_answer"
    )
    assert Voter.objects.count() == 5


def test_the_export_has_a_row_per_contact_reached_with_answers(personas):
    c, robin = _texted(personas, [("V1", "=Ona", "Reyes", b.phone(1), "1 Main", "10001", "P")])
    question = b.survey(personas.admin, c)
    services.record_answer(
        actor=robin, contact=Contact.objects.get(), answer=question.answers.last()
    )
    rows = list(services.results_rows(c))
    assert rows[0][-1] == "Will you vote for our slate?"
    assert rows[1][1] == "V1" and rows[1][-1] == "No"
