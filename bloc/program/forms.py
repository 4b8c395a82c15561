from django import forms

from bloc.program.models import Position, Stance


class PlankForm(forms.Form):
    section = forms.CharField(max_length=120)
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea, max_length=20000)
    order = forms.IntegerField(min_value=0, max_value=1000, initial=0)


class RevisionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, max_length=20000)


class PlankStepForm(forms.Form):
    step = forms.ChoiceField(choices=[("open", "Open for comment"), ("adopt", "Adopt")])
    rule = forms.CharField(
        max_length=200, required=False, help_text="Under which decision, e.g. the convention vote."
    )


class PartnerStanceForm(forms.Form):
    partner_id = forms.IntegerField(min_value=1, label="Partner number")
    partner_name = forms.CharField(max_length=200)
    position = forms.ChoiceField(choices=Position.choices)
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Stance.Source if s != Stance.Source.QUESTIONNAIRE]
    )
    source_detail = forms.CharField(max_length=500, help_text="A link or a short citation.")
