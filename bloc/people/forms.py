from typing import Any

from django import forms

from bloc.people.importer import FIELDS
from bloc.people.models import Chapter, DuesPlan, Membership, Person


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=100, label="Search", help_text="Name, email or ZIP."
    )
    chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.none(), required=False, empty_label="All my chapters"
    )

    def __init__(self, *args: Any, chapter_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = (
            Chapter.objects.all()
            if chapter_ids is None
            else Chapter.objects.filter(pk__in=chapter_ids)
        )
        self.fields["chapter"].queryset = qs  # type: ignore[attr-defined]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "pronouns",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "languages",
        ]
        help_texts = {"zip_code": "Five digits. Changing it may change the chapter."}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["joined_on", "dues_plan", "paid_through_on", "status"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}),
            "paid_through_on": forms.DateInput(attrs={"type": "date"}),
        }


class ConsentForm(forms.Form):
    email = forms.BooleanField(required=False, label="Email me")
    sms = forms.BooleanField(required=False, label="Text me")
    phone = forms.BooleanField(required=False, label="Call me")


class TransferRequestForm(forms.Form):
    to_chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.exclude(status=Chapter.Status.INACTIVE), label="Move to chapter"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class MergeForm(forms.Form):
    survivor = forms.IntegerField(label="Keep this record (id)", min_value=1)
    merged = forms.IntegerField(label="Merge this record into it (id)", min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 CSV file with a header row.")
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: check only, write nothing"
    )
    source = forms.CharField(
        max_length=120, initial="import", help_text="Recorded as each person's source."
    )
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, one per line: CSV column=field. Fields: " + ", ".join(FIELDS) + ".",
    )

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                f"The file is larger than {limit} MB. Use `bloc import-people FILE` for big files."
            )
        return upload

    def clean_mapping(self) -> dict[str, str] | None:
        text = self.cleaned_data.get("mapping", "").strip()
        if not text:
            return None
        mapping = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            column, sep, field = line.partition("=")
            if not sep or field.strip() not in FIELDS:
                raise forms.ValidationError(
                    f"Line {number}: write COLUMN=FIELD with a known field."
                )
            mapping[column.strip()] = field.strip()
        return mapping


DUES_PLANS = DuesPlan.choices
