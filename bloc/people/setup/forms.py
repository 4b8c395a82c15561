"""Setup forms for staff: accounts and chapters are chosen from search results, not typed ids."""

import re
from typing import Any

from django import forms

from bloc.accounts.models import Role, User
from bloc.core import geo
from bloc.people.models import Chapter

#: The roles granted here; the others are scoped to committees, partners or campaigns, which
#: their own apps' pages grant.
GRANTABLE = [
    (Role.CHAPTER_ORGANIZER.value, Role.CHAPTER_ORGANIZER.label),
    (Role.NATIONAL_ADMIN.value, Role.NATIONAL_ADMIN.label),
]


class RoleGrantForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=User.objects.all(),
        widget=forms.RadioSelect,
        error_messages={"required": "Find the account and choose it."},
    )
    role = forms.ChoiceField(choices=GRANTABLE)
    chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.all(), required=False, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.CHAPTER_ORGANIZER and not data.get("chapter"):
            self.add_error("chapter", "Find the chapter and choose it.")
        return data


def parse_zips(text: str) -> tuple[list[str], list[str]]:
    """Five-digit ZIPs from free text (commas, spaces or lines), and what was not a ZIP."""
    zips: set[str] = set()
    bad: list[str] = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        zip_code = geo.normalize_zip(token)
        if zip_code:
            zips.add(zip_code)
        else:
            bad.append(token[:12])
    return sorted(zips), bad


class ChapterForm(forms.Form):
    name = forms.CharField(max_length=120)
    state = forms.CharField(max_length=2, required=False, help_text="Two-letter state code.")
    zip_codes = forms.CharField(
        required=False,
        label="ZIP codes",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The chapter's jurisdiction: five-digit ZIP codes, separated by commas, "
        "spaces or lines.",
    )

    def clean_zip_codes(self) -> list[str]:
        zips, bad = parse_zips(self.cleaned_data.get("zip_codes", ""))
        if bad:
            raise forms.ValidationError("Not ZIP codes: " + ", ".join(bad[:10]) + ".")
        return zips
