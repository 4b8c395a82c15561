import pytest

from bloc.comms import selectors, services
from bloc.people.services import create_person, record_ladder_step

pytestmark = pytest.mark.django_db


def test_registered_audiences_come_from_the_core_registry_and_stay_in_scope(personas):
    audience = services.save_audience(
        actor=personas.organizer_a,
        name="Good standing (registry)",
        registered_key="people.members_in_good_standing",
    )
    names = {p.full_name for p in selectors.audience_people(audience, personas.organizer_a)}
    assert "Mina Castellan" in names and "Theo Marchetti" not in names  # B is out of scope
    assert any("Members in good standing" in c for c in selectors.explain(audience))


def test_zip_radius_and_ladder_stage_filters(personas):
    near = create_person(actor=None, email="near@example.org", zip_code="10002", first_name="Near")
    create_person(actor=None, email="far@example.org", zip_code="60601", first_name="Far")
    record_ladder_step(person=near, stage="pledged")
    radius = services.save_audience(
        actor=personas.admin, name="Near Manhattan", near_zip="10001", radius_miles=5
    )
    found = set(
        selectors.audience_people(radius, personas.admin).values_list("first_name", flat=True)
    )
    assert "Near" in found and "Far" not in found
    pledged = services.save_audience(actor=personas.admin, name="Pledged", ladder_stage="pledged")
    assert list(selectors.audience_people(pledged, personas.admin)) == [near]
    assert "within 5 miles of ZIP 10001" in selectors.explain(radius)
