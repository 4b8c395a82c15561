from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bloc.comms import invitations, permissions, selectors
from bloc.comms.forms import _chapter_choices
from bloc.comms.models import LegalEntity, SavedAudience


class InvitationForm(forms.Form):
    audience: forms.ModelChoiceField = forms.ModelChoiceField(queryset=SavedAudience.objects.none())
    legal_entity = forms.ModelChoiceField(
        queryset=LegalEntity.objects.all(), label="Sent by (entity)"
    )
    chapter = forms.ChoiceField(required=False, label="Sent for")
    from_name = forms.CharField(max_length=120, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audience: Any = self.fields["audience"]
        audience.queryset = selectors.audiences_for(user)
        chapter: Any = self.fields["chapter"]
        chapter.choices = _chapter_choices(user, national_label="National (needs approval)")


@login_required
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Staff invite an audience to their accounts (each message a one-click sign-in link)."""
    if not permissions.can_use_comms(request.user):
        raise Http404("Not found.")
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            broadcast = invitations.send_account_invitations(
                actor=request.user,
                audience=data["audience"],
                legal_entity=data["legal_entity"],
                chapter_id=int(data["chapter"]) if data["chapter"] else None,
                from_name=data["from_name"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("comms:broadcast-detail", pk=broadcast.pk)
    return render(
        request,
        "comms/invitation_create.html",
        {"form": form, "body": invitations.invitation_body(), "subject": invitations.SUBJECT},
    )
