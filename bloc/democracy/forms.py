from typing import Any

from django import forms

from bloc.democracy import selectors
from bloc.democracy.models import Ballot, Comment
from bloc.people.models import Chapter


class BallotForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    kind = forms.ChoiceField(choices=Ballot.Kind.choices)
    method = forms.ChoiceField(choices=Ballot.Method.choices)
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
        help_text="One candidate or option a line (yes/no ballots get Yes, No, Abstain).",
    )
    chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.none(), required=False, empty_label="National"
    )
    seats = forms.IntegerField(min_value=1, max_value=50, initial=1)
    threshold = forms.ChoiceField(choices=Ballot.Threshold.choices)
    quorum_share = forms.DecimalField(min_value=0, max_value=1, decimal_places=3, initial=0)
    stv_rule = forms.ChoiceField(choices=Ballot.StvRule.choices)
    max_marks = forms.IntegerField(min_value=1, max_value=60, required=False)
    cutoff_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    grace_days = forms.IntegerField(min_value=0, max_value=365, initial=0)
    opens_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    trustee_threshold = forms.IntegerField(min_value=1, max_value=9, initial=2)
    trustee_count = forms.IntegerField(min_value=1, max_value=9, initial=3)

    def __init__(self, *args: Any, chapters: Any, allow_national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chapter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = chapters
        field.required = not allow_national

    def option_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class CastForm(forms.Form):
    """Yes/no: one radio; approval: checkboxes; ranked: a rank number per option."""

    def __init__(
        self,
        *args: Any,
        ballot: Ballot,
        with_code: bool = False,
        hide_code: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        if with_code:
            self.fields["code"] = forms.CharField(
                max_length=40,
                label="Your voting code",
                widget=forms.HiddenInput()
                if hide_code  # entered at the code step; carried in the POST, nowhere else
                else forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        self.labels = list(selectors.option_labels(ballot))
        choices = list(enumerate(self.labels))
        if ballot.method == Ballot.Method.YES_NO:
            self.fields["choice"] = forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.RadioSelect, label="Your answer"
            )
        elif ballot.method == Ballot.Method.APPROVAL:
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, label="Approve"
            )
        else:
            for i, label in choices:
                self.fields[f"rank_{i}"] = forms.IntegerField(
                    min_value=1, max_value=len(choices), required=False, label=label
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.ballot.is_ranked:
            ranked = [
                (data[f"rank_{i}"], i) for i in range(len(self.labels)) if data.get(f"rank_{i}")
            ]
            numbers = sorted(r for r, _ in ranked)
            if not ranked:
                raise forms.ValidationError("Rank at least one candidate.")
            if numbers != list(range(1, len(numbers) + 1)):
                raise forms.ValidationError("Use the ranks 1, 2, 3… each once, without gaps.")
            data["ranking"] = [i for _, i in sorted(ranked)]
        return data

    def choice(self) -> list[int]:
        if self.ballot.is_ranked:
            return list(self.cleaned_data["ranking"])
        value = self.cleaned_data["choice"]
        return list(value) if isinstance(value, list) else [value]


class VotingCodeForm(forms.Form):
    """The first step of voting by code on a ballot that is not public: the code alone. The
    ballot is shown only once the code opens it (``views.ballot_vote_by_code``)."""

    code = forms.CharField(
        max_length=40,
        label="Your personal voting code",
        help_text="As printed in your letter or email, e.g. 1A2B-3C4D-5E6F-7A8B-9C0D.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SharesForm(forms.Form):
    shares = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        max_length=4000,
        help_text="Each trustee pastes their share on its own line.",
    )

    def share_list(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["shares"].splitlines() if s.strip()]


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            (s, s)
            for s in ("notice", "freeze", "open", "close", "certify", "challenge", "finalize")
        ]
    )
    note = forms.CharField(required=False, max_length=4000)


class TrackerForm(forms.Form):
    tracker = forms.CharField(max_length=32, required=False)


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)


class NewProposalForm(ProposalForm):
    scope = forms.ChoiceField(choices=[("national", "National")])

    def __init__(self, *args: Any, chapter: Chapter | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        if chapter is not None:
            field.choices = [("national", "National"), ("chapter", chapter.name)]


class CommentForm(forms.Form):
    stance = forms.ChoiceField(choices=Comment.Stance.choices, widget=forms.RadioSelect)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(max_length=300)


class ToBallotForm(forms.Form):
    cutoff_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    grace_days = forms.IntegerField(min_value=0, max_value=365, initial=0)
    opens_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    threshold = forms.ChoiceField(choices=Ballot.Threshold.choices)
    quorum_share = forms.DecimalField(min_value=0, max_value=1, decimal_places=3, initial=0)
