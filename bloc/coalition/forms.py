from datetime import datetime, time
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils import timezone

from bloc.coalition import deadlines
from bloc.coalition.models import (
    Commitment,
    Contract,
    DataSharingAgreement,
    Interaction,
    Partner,
    Regime,
    Stage,
    Statement,
)
from bloc.core import geo
from bloc.core.registry import shared_data
from bloc.people.models import Chapter, Person

US_ZONES = sorted(z for z in available_timezones() if z.startswith(("America/", "Pacific/")))


class PartnerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search", help_text="Name or city.")
    kind = forms.ChoiceField(required=False, choices=[("", "Any type"), *Partner.Kind.choices])
    state = forms.CharField(required=False, max_length=2)
    stage = forms.ChoiceField(required=False, choices=[("", "Any stage"), *Stage.choices])
    tag = forms.CharField(required=False, max_length=60)


class PartnerForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)
    tags = forms.CharField(
        required=False, max_length=500, help_text="Comma-separated, e.g. auto, May Day 2028."
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "parent",
            "size",
            "naics_code",
            "city",
            "state",
            "zip_code",
            "website",
            "description",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Partner.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean_naics_code(self) -> str:
        code = self.cleaned_data["naics_code"].strip()
        if code and not (code.isascii() and code.isdigit() and 2 <= len(code) <= 6):
            raise forms.ValidationError("Two to six digits.")
        return code

    def clean_zip_code(self) -> str:
        code = self.cleaned_data["zip_code"].strip()
        zip5 = geo.normalize_zip(code)
        if code and len(zip5) != 5:
            raise forms.ValidationError("Five digits.")
        return zip5

    def tag_names(self) -> list[str]:
        return [t for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class PartnerCreateForm(PartnerForm):
    owner_chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.none(), required=False, help_text="Who owns the relationship."
    )

    def __init__(self, *args: Any, chapter_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chapters = Chapter.objects.all()
        if chapter_ids is not None:
            chapters = chapters.filter(pk__in=chapter_ids)
            self.fields["owner_chapter"].required = True
        self.fields["owner_chapter"].queryset = chapters  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    person = forms.IntegerField(label="Person number", help_text="From the person's record.")
    role = forms.CharField(max_length=80)
    is_officer = forms.BooleanField(required=False, label="Officer")

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people if people is not None else Person.objects.none()

    def clean_person(self) -> Person:
        person = self.people.filter(pk=self.cleaned_data["person"]).first()
        if person is None:
            raise forms.ValidationError("No person with that number that you can see.")
        return person


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)


class InteractionForm(forms.ModelForm):
    participant_ids = forms.CharField(
        required=False,
        label="Participants",
        help_text="Person numbers, comma-separated (only people you can see).",
    )

    class Meta:
        model = Interaction
        fields = ["occurred_on", "channel", "summary", "asks", "next_step", "next_step_due_on"]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "next_step_due_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "asks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people if people is not None else Person.objects.none()
        self.initial.setdefault("occurred_on", timezone.localdate())

    def clean_participant_ids(self) -> list[Person]:
        raw = self.cleaned_data["participant_ids"]
        try:
            ids = {int(x) for x in raw.replace(" ", "").split(",") if x}
        except ValueError:
            raise forms.ValidationError("Person numbers only, separated by commas.") from None
        found = list(self.people.filter(pk__in=ids))
        if len(found) != len(ids):
            raise forms.ValidationError("Some of those people were not found.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("next_step_due_on") and not data.get("next_step", "").strip():
            self.add_error("next_step", "Say what the next step is.")
        return data


class ContractForm(forms.ModelForm):
    """Dates and times are entered on the contract's own local clock, then made aware."""

    effective_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    expires_time = forms.TimeField(
        initial=time(23, 59), widget=forms.TimeInput(attrs={"type": "time"}), label="At"
    )
    time_zone = forms.ChoiceField(choices=[(z, z) for z in US_ZONES], initial="America/New_York")

    class Meta:
        model = Contract
        fields = [
            "union_local",
            "employer",
            "unit_name",
            "unit_size",
            "naics_code",
            "regime",
            "bargaining_state",
            "alignment_stage",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union_local"].queryset = Partner.objects.filter(  # type: ignore[attr-defined]
            kind__in=[Partner.Kind.UNION_LOCAL, Partner.Kind.INTERNATIONAL_UNION]
        ).order_by("name")
        self.fields["regime"].choices = Regime.choices  # type: ignore[attr-defined]
        if self.instance.pk:
            local = self.instance.local_expires_at
            self.initial.update(
                expires_on=local.date(),
                expires_time=local.time().replace(second=0, microsecond=0),
                time_zone=self.instance.time_zone,
            )
            if self.instance.effective_at:
                tz = deadlines.zone(self.instance.time_zone)
                self.initial["effective_on"] = self.instance.effective_at.astimezone(tz).date()

    def contract_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        tz = deadlines.zone(data["time_zone"])
        fields = {name: data[name] for name in self.Meta.fields}
        fields["time_zone"] = data["time_zone"]
        fields["expires_at"] = datetime.combine(data["expires_on"], data["expires_time"], tz)
        fields["effective_at"] = (
            datetime.combine(data["effective_on"], time(0, 0), tz)
            if data.get("effective_on")
            else None
        )
        return fields


class F7UploadForm(forms.Form):
    file = forms.FileField(help_text="An FMCS F-7 notice spreadsheet (.xlsx).")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Upload an .xlsx file.")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload


class CommitmentForm(forms.ModelForm):
    evidence_url = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Commitment
        fields = ["kind", "description", "target", "evidence_url"]


class CommitmentMoveForm(forms.Form):
    state = forms.ChoiceField(choices=Commitment.State.choices)
    fulfilled_count = forms.IntegerField(required=False, min_value=0)
    evidence_url = forms.URLField(required=False, assume_scheme="https", max_length=200)


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = ["title", "slug", "text"]


class SignForm(forms.Form):
    statement = forms.ModelChoiceField(queryset=Statement.objects.filter(is_open=True))
    signer = forms.ModelChoiceField(queryset=Person.objects.none(), label="Signing officer")

    def __init__(self, *args: Any, officers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["signer"].queryset = officers  # type: ignore[attr-defined]


class OwnerForm(forms.Form):
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none(), label="Owning chapter")

    def __init__(self, *args: Any, chapters: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chapters is not None:
            self.fields["chapter"].queryset = chapters  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    """Grant a data-sharing agreement. Kinds come from the registry, signers from the partner's
    officers on record and its liaisons."""

    kinds = forms.MultipleChoiceField(
        label="Data to share", widget=forms.CheckboxSelectMultiple, choices=()
    )
    uses = forms.MultipleChoiceField(
        label="Permitted uses",
        widget=forms.CheckboxSelectMultiple,
        choices=DataSharingAgreement.Use.choices,
    )
    use_note = forms.CharField(
        label="Limits on use",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. only to call people about the May Day rally; no resale or list swaps.",
    )
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.ChoiceField(label="Signed for the partner by")

    def __init__(self, *args: Any, officers: Any = (), liaisons: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [  # type: ignore[attr-defined]
            (key, source.label) for key, source in shared_data
        ]
        self._officers = {f"contact:{c.pk}": c for c in officers}
        self._liaisons = {f"user:{u.pk}": u for u in liaisons}
        self.fields["signer"].choices = [  # type: ignore[attr-defined]
            ("", "Choose who signed"),
            *((key, f"{c.person.full_name}, {c.role}") for key, c in self._officers.items()),
            *((key, f"{u}, liaison") for key, u in self._liaisons.items()),
        ]

    def signer_fields(self) -> dict[str, Any]:
        key = self.cleaned_data["signer"]
        return {
            "signed_by_contact": self._officers.get(key),
            "signed_by_user": self._liaisons.get(key),
        }


class RevokeAgreementForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
