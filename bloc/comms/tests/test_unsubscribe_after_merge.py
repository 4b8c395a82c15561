"""Issue 16, item 3: a link sent to a record that is merged later acts on the survivor."""


def test_an_unsubscribe_link_of_a_merged_record_acts_on_the_survivor(personas):
    from bloc.comms import render
    from bloc.comms import services as comms_services
    from bloc.people import selectors as people_selectors
    from bloc.people import services as people_services

    old = people_services.create_person(
        actor=None,
        email="old.link@example.test",
        first_name="Ode",
        last_name="Marsh",
        consents={"email": "opted_in"},
        consent_source="test",
    )
    token = render.unsubscribe_token(person_id=old.pk)
    survivor = people_services.create_person(
        actor=None,
        email="kept.link@example.test",
        first_name="Ode",
        last_name="Marsh",
        consents={"email": "opted_in"},
        consent_source="test",
    )
    people_services.merge_people(actor=None, survivor=survivor, merged=old)
    acted_on = comms_services.unsubscribe(token=token)
    assert acted_on.pk == survivor.pk
    assert not people_selectors.can_contact(survivor, "email")


def test_the_pledge_box_never_resubscribes_an_unsubscribed_signer(
    personas, django_capture_on_commit_callbacks
):
    """Issue 16, item 5: the pre-checked pledge box on an existing, unsubscribed record asks
    by email instead of opting them back in."""
    from django.core import mail

    from bloc.comms import services as comms_services
    from bloc.people import selectors as people_selectors
    from bloc.people import services as people_services

    entity = comms_services.create_legal_entity(
        actor=None,
        name="Fictional Org",
        coordination="nonpartisan",
        disclaimer="Paid for by Fictional Org.",
        postal_address="1 Example Street, Springfield, NY 10001",
    )
    pledge = comms_services.create_pledge(
        actor=None,
        slug="fictional",
        title="Fictional pledge",
        statement="I pledge.",
        goal=10,
        legal_entity=entity,
        next_ask_text="Come to a meeting.",
        next_ask_url="/events/",
    )
    person = personas.person_member_a
    people_services.opt_out_everywhere(actor=None, person=person, source="unsubscribe link")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comms_services.sign_pledge(
            pledge=pledge,
            first_name="Mina",
            last_name="Castellan",
            email=person.email,
            zip_code="10001",
            email_opt_in=True,
        )
    assert not people_selectors.can_contact(person, "email")
    assert any("/people/confirm/" in m.body for m in mail.outbox)
