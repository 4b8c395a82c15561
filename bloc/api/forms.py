from django import forms

from bloc.api.services import EXPIRY_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use it, e.g. 'Action Network sync'."
    )
    days = forms.TypedChoiceField(
        label="Works for",
        choices=[(d, f"{d} days") for d in EXPIRY_CHOICES],
        coerce=int,
        initial=90,
    )
