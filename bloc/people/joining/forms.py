from django import forms

from bloc.people.models import DuesPlan

HARDSHIP = "hardship"
DUES_CHOICES = [
    (DuesPlan.MONTHLY.value, "Monthly dues"),
    (DuesPlan.ANNUAL.value, "Yearly dues"),
    (DuesPlan.INCOME_BASED.value, "Income-based dues (1–2% of income)"),
    (HARDSHIP, "I can't pay dues now: I ask for a hardship waiver"),
]


def _auto(value: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": value})


class JoinForm(forms.Form):
    first_name = forms.CharField(max_length=100, widget=_auto("given-name"))
    last_name = forms.CharField(max_length=100, required=False, widget=_auto("family-name"))
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        max_length=30, required=False, label="Phone (optional)", widget=_auto("tel")
    )
    zip_code = forms.RegexField(
        regex=r"^\s*\d{5}(-\d{4})?\s*$",
        max_length=10,
        label="ZIP code",
        error_messages={"invalid": "Enter a five-digit ZIP code."},
        widget=_auto("postal-code"),
        help_text="It decides your chapter.",
    )
    dues = forms.ChoiceField(choices=DUES_CHOICES, widget=forms.RadioSelect, label="Dues")
    email_opt_in = forms.BooleanField(required=False, label="Email me news and actions")
    sms_opt_in = forms.BooleanField(required=False, label="Text me (phone needed)")


class ApplicationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("waive", "Grant the hardship waiver (member in good standing now)"),
            ("dues", "Decline the waiver (the application waits for dues)"),
            ("cancel", "Close the application"),
        ]
    )
