from typing import Any

from django import forms

from bloc.electoral.models import (
    Candidacy,
    Committee,
    CoordinationMode,
    Endorsement,
    Question,
    Questionnaire,
)
from bloc.people.models import Chapter


class IntakeForm(forms.Form):
    candidacy = forms.ModelChoiceField(queryset=Candidacy.objects.none())
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none())
    method = forms.ChoiceField(choices=[("form", "Form"), ("petition", "Petition of members")])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, chapters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = chapters  # type: ignore[attr-defined]
        self.fields["candidacy"].queryset = (  # type: ignore[attr-defined]
            Candidacy.objects.exclude(status__in=["withdrawn", "lost"])
            .select_related("candidate", "race__election")
            .order_by("candidate__full_name")
        )


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class SendQuestionnaireForm(forms.Form):
    questionnaire = forms.ModelChoiceField(queryset=Questionnaire.objects.all())


class DossierForm(forms.Form):
    one_on_one_notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    forum_notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    race_analysis = forms.CharField(required=False, max_length=10000, widget=forms.Textarea)
    win_number = forms.IntegerField(required=False, min_value=1)
    field_plan = forms.CharField(required=False, max_length=10000, widget=forms.Textarea)
    chapter_capacity = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(
        choices=[c for c in Endorsement.Recommendation.choices if c[0]]
    )


class AssessmentForm(forms.Form):
    text = forms.CharField(max_length=10000, widget=forms.Textarea)
    recommendation = forms.ChoiceField(
        choices=[("endorse", "Endorse"), ("do_not_endorse", "Do not endorse")]
    )


class CommitteeVoteForm(forms.Form):
    votes_for = forms.IntegerField(min_value=0, max_value=500)
    votes_against = forms.IntegerField(min_value=0, max_value=500)
    abstentions = forms.IntegerField(min_value=0, max_value=500)


class AssignCommitteeForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=Committee.objects.all())


class RatifyForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", "Ratify"), ("0", "Decline")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(required=False, max_length=2000)


class CandidacyStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Candidacy.Status.choices)


class ConditionReviewForm(forms.Form):
    condition = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=[("met", "Met"), ("breached", "Breached")])


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class ConditionForm(forms.Form):
    text = forms.CharField(max_length=300)
    due_on = forms.DateField(required=False)


class CoordinationForm(forms.Form):
    mode = forms.ChoiceField(choices=CoordinationMode.choices)
    legal_entity = forms.CharField(required=False, max_length=120)


class TendencyForm(forms.Form):
    tendency = forms.CharField(
        required=False, max_length=120, help_text="Leave empty to stop showing a tendency."
    )


class FecImportForm(forms.Form):
    file = forms.FileField(help_text="The FEC candidate master file, as CSV with a header row.")
    cycle = forms.IntegerField(min_value=1990, max_value=2100)


class AnswerForm(forms.Form):
    """One field per question of a questionnaire."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            label = f"{q.position}. {q.prompt}"
            field: forms.Field
            if q.kind == Question.Kind.TEXT:
                help_text = f"At most {q.word_limit} words." if q.word_limit else ""
                field = forms.CharField(
                    label=label, widget=forms.Textarea, max_length=20000, help_text=help_text
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    choices=[(o, o) for o in q.options()],
                    widget=forms.RadioSelect,
                )
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}
