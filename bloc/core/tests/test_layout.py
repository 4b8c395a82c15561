"""The layout's cheap paths: static URLs and argument-less URLs worked out once per process."""

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse, set_script_prefix

from bloc.core.storage import StaticStorage


def _render(source: str) -> str:
    request = RequestFactory().get("/")
    return Template("{% load core %}" + source).render(Context({"request": request}))


def test_cached_url_gives_what_url_gives():
    assert _render("{% cached_url 'core:home' %}") == reverse("core:home")
    assert _render("{% cached_url 'account_login' %}") == reverse("account_login")


def test_cached_url_follows_a_new_script_prefix():
    home = _render("{% cached_url 'core:home' %}")
    set_script_prefix("/bloc/")
    try:
        assert _render("{% cached_url 'core:home' %}") == "/bloc" + home
    finally:
        set_script_prefix("/")


def _storage(tmp_path, names: dict[str, str]) -> StaticStorage:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": names, "version": "1.1", "hash": "x"})
    )
    return StaticStorage(location=str(tmp_path), base_url="/static/")


def test_static_urls_are_hashed_and_remembered(tmp_path):
    storage = _storage(tmp_path, {"css/bloc.css": "css/bloc.abc123.css"})
    assert storage.url("css/bloc.css") == "/static/css/bloc.abc123.css"
    storage.hashed_files["css/bloc.css"] = "css/bloc.def456.css"
    assert storage.url("css/bloc.css") == "/static/css/bloc.abc123.css"  # remembered
    storage._urls.clear()
    assert storage.url("css/bloc.css") == "/static/css/bloc.def456.css"


def test_a_name_missing_from_the_manifest_still_raises_and_is_not_remembered(tmp_path):
    storage = _storage(tmp_path, {})
    for _ in range(2):
        with pytest.raises(ValueError):
            storage.url("css/missing.css")
    assert storage._urls == {}


@override_settings(DEBUG=True)
def test_debug_keeps_unhashed_urls(tmp_path):
    storage = _storage(tmp_path, {"css/bloc.css": "css/bloc.abc123.css"})
    assert storage.url("css/bloc.css") == "/static/css/bloc.css"
    assert storage._urls == {}


def test_cached_url_takes_arguments():
    assert _render("{% cached_url 'events:event-ical' 'day-one' %}") == reverse(
        "events:event-ical", args=["day-one"]
    )
    assert _render("{% cached_url 'democracy:ballot-board' 7 %}") == reverse(
        "democracy:ballot-board", args=[7]
    )
