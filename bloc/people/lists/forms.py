from typing import Any

from django import forms

from bloc.people.forms import PersonSearchForm
from bloc.people.lists.models import SavedList
from bloc.people.models import LadderStage

SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "chapter": ("chapter__name", "last_name", "first_name", "pk"),
    "joined": ("membership__joined_on", "pk"),
    "standing": ("membership__paid_through_on", "pk"),
    "activity": ("last_activity_at", "pk"),
}
SORT_LABELS = {
    "name": "Name",
    "chapter": "Chapter",
    "joined": "Joined",
    "standing": "Paid through",
    "activity": "Last activity",
}


STANDING_CHOICES = [
    ("", "Anyone"),
    ("good", "Members in good standing"),
    ("lapsed", "Members not in good standing"),
    ("supporter", "Supporters (no membership)"),
]


class PersonFilterForm(PersonSearchForm):
    """The people view: search, chapter, standing, saved list, and a sort (`-` for descending)."""

    standing = forms.ChoiceField(required=False, choices=STANDING_CHOICES)
    saved_list = forms.ModelChoiceField(
        queryset=SavedList.objects.none(), required=False, label="List", empty_label="Everyone"
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Name")]
        + [(key, label) for key, label in SORT_LABELS.items()]
        + [(f"-{key}", f"{label} (descending)") for key, label in SORT_LABELS.items()],
    )

    #: The fields a saved list keeps; the sort and the page are not part of what a list is.
    FILTERS = ("q", "chapter", "standing")

    def __init__(self, *args: Any, saved_lists: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if saved_lists is not None:
            self.fields["saved_list"].queryset = saved_lists  # type: ignore[attr-defined]


class SavedListForm(forms.Form):
    name = forms.CharField(max_length=120)
    share_with_chapter = forms.BooleanField(
        required=False,
        label="Share with the chapter's organizers",
        help_text="Only when the view is filtered to one chapter.",
    )


class BulkForm(forms.Form):
    """What to do, and to whom: the ticked rows, or everyone the current view matches."""

    ACTIONS = [
        ("add_to_list", "Add to a list"),
        ("ladder_step", "Record a ladder step"),
        ("export", "Export CSV"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(
        choices=[("selected", "The selected people"), ("all", "Everyone matching this view")]
    )
    target_list = forms.ModelChoiceField(
        queryset=SavedList.objects.none(), required=False, label="List"
    )
    stage = forms.ChoiceField(
        choices=[("", "—"), *LadderStage.choices], required=False, label="Ladder step"
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, saved_lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_list"].queryset = saved_lists  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ticked = self.data.getlist("person") if hasattr(self.data, "getlist") else []
        data["person"] = sorted({int(v) for v in ticked if str(v).isdigit()})
        if data.get("scope") == "selected" and not data.get("person"):
            raise forms.ValidationError("Select at least one person, or choose everyone.")
        if data.get("action") == "add_to_list" and not data.get("target_list"):
            self.add_error("target_list", "Choose a list.")
        if data.get("action") == "ladder_step" and not data.get("stage"):
            self.add_error("stage", "Choose a ladder step.")
        return data
