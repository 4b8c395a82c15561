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


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=500, label="Receiver address", assume_scheme="https")
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events", choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from bloc.api.models import WebhookEvent

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["event_types"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in WebhookEvent.choices if value != WebhookEvent.TEST
        ]
