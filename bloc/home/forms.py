from typing import Any

from django import forms

from bloc.core import geo
from bloc.home.models import ChapterProfile
from bloc.people.models import Chapter


class ZipForm(forms.Form):
    zip = forms.CharField(
        label="Your ZIP code",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def clean_zip(self) -> str:
        raw = self.cleaned_data["zip"]
        if not raw:
            return ""
        zip_code = geo.normalize_zip(raw)
        if not zip_code or geo.lookup(zip_code) is None:
            raise forms.ValidationError("Enter a five-digit US ZIP code.")
        return zip_code


def _one_line(value: str) -> str:
    return " ".join(value.split())


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100)
    email = forms.EmailField(
        label="Your email", help_text="The organizers reply to this address.", max_length=254
    )
    message = forms.CharField(
        label="Message", max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    # A field people never see (hidden by CSS, skipped by keyboard and screen readers): only
    # form-filling robots write in it, and their messages are dropped.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ChapterPageForm(forms.ModelForm):
    class Meta:
        model = ChapterProfile
        fields = ["about", "how_to_join"]
        labels = {"about": "What the chapter does", "how_to_join": "How to get involved"}
        widgets = {
            "about": forms.Textarea(attrs={"rows": 6}),
            "how_to_join": forms.Textarea(attrs={"rows": 4}),
        }


class PreferencesConsentForm(forms.Form):
    email = forms.BooleanField(required=False, label="Email")
    sms = forms.BooleanField(required=False, label="Text messages (SMS)")
    phone = forms.BooleanField(required=False, label="Phone calls")


class MoveForm(forms.Form):
    zip_code = forms.CharField(label="My new ZIP code", max_length=10, required=False)
    to_chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.exclude(status=Chapter.Status.INACTIVE).order_by("name"),
        label="Or choose a chapter",
        required=False,
    )
    reason = forms.CharField(
        label="Anything the chapter should know",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("zip_code", "")
        if raw:
            data["zip_code"] = geo.normalize_zip(raw)
            if not data["zip_code"]:
                self.add_error("zip_code", "Enter a five-digit US ZIP code.")
        if not data.get("zip_code") and not data.get("to_chapter") and not self.errors:
            raise forms.ValidationError("Give your new ZIP code or choose a chapter.")
        return data


class DeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label="I want my record deleted",
        help_text="Staff will carry it out and write to you. A few records (dues payments, the "
        "voter rolls of past ballots) must be kept by law or by our bylaws; staff will say which.",
    )
    reason = forms.CharField(
        label="Anything you want to tell us (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
