from typing import Any

from django import forms

from bloc.accounts import selectors as roles
from bloc.comms.models import LegalEntity, SavedAudience
from bloc.contact.models import Attempt, Campaign
from bloc.contact.services import VOTER_FIELDS
from bloc.people.models import Chapter
from bloc.people.selectors import chapters_in_scope_ids


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=Campaign.Channel.choices)
    subject_type = forms.ChoiceField(choices=Campaign.Subject.choices, label="For")
    subject_id = forms.CharField(max_length=64, required=False, label="Endorsement or day id")
    subject_label = forms.CharField(max_length=200, required=False, label="Race or day")
    chapter = forms.ChoiceField(required=False)
    legal_entity = forms.ModelChoiceField(queryset=LegalEntity.objects.all())
    opening = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=480)
    batch_size = forms.IntegerField(min_value=1, max_value=500, initial=50)
    batch_minutes = forms.IntegerField(min_value=5, max_value=1440, initial=60)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = chapters_in_scope_ids(user)
        choices = [(str(c.pk), c.name) for c in Chapter.objects.filter(pk__in=ids).order_by("name")]
        if roles.is_national_admin(user):
            choices.insert(0, ("", "National"))
        field: Any = self.fields["chapter"]
        field.choices = choices


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300)
    answers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One answer a line. End a line with [pledged] (a ladder step) and/or "
        "[supporter] (a voter becomes a supporter).",
    )

    def parsed_answers(self) -> list[dict[str, Any]]:
        out = []
        for line in self.cleaned_data["answers"].splitlines():
            label = line.strip()
            if not label:
                continue
            spec: dict[str, Any] = {}
            while label.endswith("]") and "[" in label:
                label, _, tag = label[:-1].rpartition("[")
                label, tag = label.strip(), tag.strip()
                if tag == "supporter":
                    spec["makes_supporter"] = True
                else:
                    spec["ladder_stage"] = tag
            spec["label"] = label[:120]
            out.append(spec)
        return out


class CannedForm(forms.Form):
    title = forms.CharField(max_length=80)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=480)


class VolunteerForm(forms.Form):
    email = forms.EmailField(help_text="The volunteer's Bloc account.")


class AudienceListForm(forms.Form):
    audience = forms.ModelChoiceField(queryset=SavedAudience.objects.none())

    def __init__(self, *args: Any, audiences: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["audience"]
        field.queryset = audiences


class VoterFileForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    file = forms.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in VOTER_FIELDS:
            self.fields[f"map_{field}"] = forms.CharField(
                max_length=120, required=False, label=f"Column for {field.replace('_', ' ')}"
            )

    def mapping(self) -> dict[str, str]:
        return {f: self.cleaned_data.get(f"map_{f}", "").strip() for f in VOTER_FIELDS}


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=480)


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(choices=Attempt.Disposition.choices)


class TurfForm(forms.Form):
    name = forms.CharField(max_length=120)
    zip_codes = forms.CharField(required=False, help_text="Comma-separated.")
    precincts = forms.CharField(required=False, help_text="Comma-separated.")
    volunteer_email = forms.EmailField(required=False)
