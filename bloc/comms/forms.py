from typing import Any

from django import forms

from bloc.comms import permissions, render, selectors
from bloc.comms.models import Broadcast, LegalEntity, MemberStatus, SavedAudience
from bloc.people.models import Chapter, LadderStage
from bloc.people.selectors import chapters_in_scope_ids


def _chapter_choices(user: Any, *, national_label: str) -> list[tuple[str, str]]:
    ids = chapters_in_scope_ids(user)
    choices = [(str(c.pk), c.name) for c in Chapter.objects.filter(pk__in=ids).order_by("name")]
    if permissions.can_send_national(user):
        choices.insert(0, ("", national_label))
    return choices


class AudienceForm(forms.Form):
    name = forms.CharField(max_length=200)
    chapter = forms.ChoiceField(required=False)
    member_status = forms.ChoiceField(choices=MemberStatus.choices, initial=MemberStatus.ANYONE)
    ladder_stage = forms.ChoiceField(
        choices=[("", "Any stage"), *LadderStage.choices], required=False
    )
    near_zip = forms.CharField(max_length=10, required=False, label="Near ZIP code")
    radius_miles = forms.IntegerField(min_value=1, max_value=500, required=False)
    registered_key = forms.ChoiceField(required=False, label="Built-in audience")
    legal_entity = forms.ModelChoiceField(
        queryset=LegalEntity.objects.all(), required=False, label="List owner (legal entity)"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chapter: Any = self.fields["chapter"]
        chapter.choices = _chapter_choices(user, national_label="All chapters")
        registered: Any = self.fields["registered_key"]
        registered.choices = [
            ("", "None"),
            *selectors.registered_audience_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("near_zip")) != (data.get("radius_miles") is not None):
            raise forms.ValidationError("A radius needs both a ZIP code and a distance.")
        return data


class BroadcastForm(forms.Form):
    title = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=Broadcast.Channel.choices)
    audience: forms.ModelChoiceField = forms.ModelChoiceField(queryset=SavedAudience.objects.none())
    legal_entity = forms.ModelChoiceField(queryset=LegalEntity.objects.all())
    chapter = forms.ChoiceField(required=False, label="Sent by")
    from_name = forms.CharField(max_length=120, required=False)
    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text="Merge fields: " + ", ".join("{{ " + f + "|fallback }}" for f in render.FIELDS),
    )
    subject_b = forms.CharField(max_length=200, required=False, label="A/B test: subject B")
    body_b = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        label="A/B test: body B",
    )
    test_percent = forms.IntegerField(
        min_value=0, max_value=100, initial=0, label="A/B test share of the audience (%)"
    )
    test_hours = forms.IntegerField(min_value=1, max_value=72, initial=4, label="Test for (hours)")
    winner_metric = forms.ChoiceField(
        choices=[("opened", "Open rate"), ("clicked", "Click rate")], label="Winner by"
    )
    scheduled_for = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Empty sends as soon as it is approved.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = selectors.audiences_for(user)  # type: ignore[attr-defined]
        chapter: Any = self.fields["chapter"]
        chapter.choices = _chapter_choices(user, national_label="National (needs approval)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("subject", "body", "subject_b", "body_b"):
            try:
                render.check_template(data.get(name) or "")
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data


class PledgeSignForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField(max_length=254)
    zip_code = forms.RegexField(regex=r"^\d{5}$", max_length=5, label="ZIP code")
    phone = forms.CharField(max_length=20, required=False, label="Mobile phone (optional)")
    email_opt_in = forms.BooleanField(
        required=False, initial=True, label="Email me about this campaign"
    )
    sms_opt_in = forms.BooleanField(
        required=False,
        label="Text me (msg & data rates may apply; reply STOP to opt out)",
    )

    def clean_phone(self) -> str:
        from django.core.exceptions import ValidationError

        from bloc.people.normalize import normalize_phone

        value = self.cleaned_data.get("phone") or ""
        try:
            return normalize_phone(value) if value else ""
        except ValidationError as exc:
            raise forms.ValidationError("Enter a valid phone number.") from exc
