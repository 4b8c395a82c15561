"""ZIP codes: normalized at the boundary, and a lookup never fails whatever it is given."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core import geo


@pytest.mark.parametrize(
    "typed, zip5",
    [
        ("10001", "10001"),
        (" 10001-1234 ", "10001"),
        ("１０００１", "10001"),  # fullwidth digits (a Japanese or Chinese keyboard)
        ("١٠٠٠١", "10001"),  # Arabic-Indic digits
        ("۱۰۰۰۱", "10001"),  # Persian digits
        ("१००००१", ""),  # six Devanagari digits: not a ZIP
        ("１０００１－１２３４", "10001"),  # ZIP+4 with a fullwidth hyphen
        ("1000", ""),
        ("ABCDE", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_zip_codes_in_any_digits_become_five_ascii_digits(typed, zip5):
    assert geo.normalize_zip(typed) == zip5


def test_a_lookup_in_non_ascii_digits_finds_the_same_place():
    assert geo.lookup("١٠٠٠١") == geo.lookup("１０００１") == geo.lookup("10001")
    assert geo.lookup("10001") is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_any_text_is_a_zip_or_nothing_and_never_an_error(text):
    zip5 = geo.normalize_zip(text)
    assert zip5 == "" or (len(zip5) == 5 and zip5.isascii() and zip5.isdigit())
    info = geo.lookup(text)
    assert info is None or info.zip_code == zip5


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=5, max_size=5))
def test_five_digits_of_any_script_never_crash_a_lookup(text):
    assert len(geo.normalize_zip(text)) == 5
    geo.lookup(text)
