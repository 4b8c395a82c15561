"""The organization's name, logo and colour from settings, readable whatever colour is set."""

import pytest

from bloc.core.organization import (
    DEFAULT_COLOR,
    contrast,
    logo_origin,
    normalize_color,
    organization,
    readable_on_white,
)


@pytest.mark.parametrize("color", ["#ffffff", "#ffe14d", "#7fdbff", "#2ecc40", "#b3122e"])
def test_the_accent_is_always_readable_on_white(color):
    assert contrast(readable_on_white(color), "#ffffff") >= 4.5


def test_a_dark_enough_colour_is_kept_as_it_is():
    assert readable_on_white("#b3122e") == "#b3122e"


@pytest.mark.parametrize("value", ["", "red", "#12345", "#1234567", "javascript:x", "#gg0000"])
def test_anything_but_a_hex_colour_falls_back_to_the_default(value):
    assert normalize_color(value) == DEFAULT_COLOR


def test_settings_name_the_organization(settings):
    settings.BLOC_ORG_NAME = "  Riverbend Workers League "
    settings.BLOC_ORG_LOGO = "https://cdn.example.org/logo.png"
    settings.BLOC_ORG_COLOR = "1D6B3A"
    org = organization()
    assert org.name == "Riverbend Workers League"
    assert org.logo_url == "https://cdn.example.org/logo.png"
    assert org.color == "#1d6b3a"
    assert logo_origin(settings.BLOC_ORG_LOGO) == "https://cdn.example.org"


def test_a_logo_path_is_a_static_file(settings):
    settings.BLOC_ORG_LOGO = "img/logo.svg"
    assert organization().logo_url.endswith("img/logo.svg")
    settings.BLOC_ORG_LOGO = ""
    assert organization().logo_url == ""
