"""The search list pages through every match and says how many; the radius box shows the radius
that was searched."""

import re

import pytest
from django.urls import reverse

from bloc.events.tests import builders
from bloc.events.views import public

pytestmark = pytest.mark.django_db


def _titles(response):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def _selected_radius(response):
    select = re.search(r'<select name="radius".*?</select>', response.content.decode(), re.S)
    assert select is not None
    return re.search(r'<option value="(\d+)" selected>', select.group(0)).group(1)


def test_without_a_zip_every_event_is_on_some_page_and_the_count_is_said(
    client, personas, monkeypatch
):
    monkeypatch.setattr(public, "SEARCH_PAGE_SIZE", 2)
    for i in range(5):
        builders.approved_event(personas.admin, title=f"Rally {i}", start=builders.at(3 + i, 10))
    url = reverse("events:event-search")
    first = client.get(url)
    text = first.content.decode()
    assert "5 upcoming events" in text and "Page 1 of 3" in text
    assert _titles(first) == ["Rally 0", "Rally 1"]
    assert "page=2" in text
    seen = _titles(first) + _titles(client.get(url, {"page": 2}))
    last = client.get(url, {"page": 3})
    seen += _titles(last)
    assert seen == [f"Rally {i}" for i in range(5)]
    assert "Showing 5–5." in last.content.decode()


def test_with_a_zip_the_pages_keep_the_zip_and_the_radius(client, personas, monkeypatch):
    monkeypatch.setattr(public, "SEARCH_PAGE_SIZE", 1)
    builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    builders.approved_event(personas.admin, zip_code="60629", title="South Side picket")
    url = reverse("events:event-search")
    second = client.get(url, {"zip": "60602", "radius": "25", "page": 2})
    text = second.content.decode()
    assert _titles(second) == ["South Side picket"]
    assert "2 upcoming events within 25 miles of 60602" in text
    assert "zip=60602" in text and "radius=25" in text


def test_the_radius_box_shows_the_radius_searched_when_none_was_chosen(client, personas):
    builders.approved_event(personas.admin, zip_code="60629", title="South Side picket")
    response = client.get(reverse("events:event-search"), {"zip": "60602"})
    # 60629 is about 10 miles from 60602: found by the default 25-mile search.
    assert _titles(response) == ["South Side picket"]
    assert _selected_radius(response) == "25"
    assert "within 25 miles of 60602" in response.content.decode()
    narrower = client.get(reverse("events:event-search"), {"zip": "60602", "radius": "5"})
    assert _selected_radius(narrower) == "5" and _titles(narrower) == []


def test_the_embed_keeps_its_wider_default_radius(client, personas):
    builders.approved_event(personas.admin, zip_code="60505", title="Aurora canvass")  # ~35 mi
    embed = client.get(reverse("events:event-embed"), {"zip": "60602"})
    assert "Aurora canvass" in embed.content.decode()
    search = client.get(reverse("events:event-search"), {"zip": "60602"})
    assert "Aurora canvass" not in search.content.decode()
