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
