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
