"""Odd numbers in query strings are ignored, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("chapter", ["²", "١", "99999999999999999999999"])
def test_the_board_ignores_an_odd_chapter_id(personas, chapter):
    client = Client(raise_request_exception=False)
    client.force_login(personas.admin)
    response = client.get(reverse("coalition:relationship-board"), {"chapter": chapter})
    assert response.status_code == 200
    assert response.context["chapter_id"] is None
