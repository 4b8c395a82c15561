from typing import Any

from django import forms

from bloc.accounts.models import Role


class GrantRoleForm(forms.Form):
    email = forms.EmailField(help_text="The account's email address.")
    role = forms.ChoiceField(choices=Role.choices)
    scope_id = forms.IntegerField(
        required=False,
        min_value=1,
        help_text="Chapter, committee or partner id (not for national admin).",
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit-log page. Every field narrows; none is required."""

    actor = forms.CharField(
        required=False,
        max_length=254,
        label="Actor",
        help_text="An account's email address or number.",
    )
    action = forms.ChoiceField(required=False, choices=[("", "Any action")])
    target_type = forms.ChoiceField(required=False, label="Object type", choices=[("", "Any")])
    target_id = forms.CharField(required=False, max_length=64, label="Object id")
    occurred_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, actions: list[str], target_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *((a, a) for a in actions)]  # type: ignore[attr-defined]
        self.fields["target_type"].choices = [("", "Any"), *((t, t) for t in target_types)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The end date is before the start date.")
        return data
