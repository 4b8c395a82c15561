import pytest
from django.urls import reverse

from bloc.program.models import Plank
from bloc.program.tests.helpers import adopted, draft

pytestmark = pytest.mark.django_db


def test_the_public_sees_adopted_planks_but_not_drafts(client):
    plank = adopted()
    hidden = draft("Secret draft")
    response = client.get(reverse("program:plank-list"))
    assert plank.title in response.content.decode()
    assert hidden.title not in response.content.decode()


def test_an_admin_drafts_opens_and_adopts_a_plank(client, personas):
    client.force_login(personas.admin)
    client.post(
        reverse("program:plank-create"),
        {
            "section": "Housing",
            "title": "Homes for all",
            "text": "Build millions of social homes now.",
            "order": 5,
        },
    )
    plank = Plank.objects.get(key="homes-for-all")
    client.post(reverse("program:plank-step", args=[plank.pk]), {"step": "open"})
    client.post(reverse("program:plank-step", args=[plank.pk]), {"step": "adopt", "rule": "NPC"})
    plank.refresh_from_db()
    assert plank.status == Plank.Status.ADOPTED and plank.adopted_rule == "NPC"


def test_an_organizer_cannot_adopt(client, personas):
    plank = draft()
    client.force_login(personas.organizer_a)
    response = client.post(reverse("program:plank-step", args=[plank.pk]), {"step": "open"})
    assert response.status_code == 404
    plank.refresh_from_db()
    assert plank.status == Plank.Status.DRAFT
