from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts come from membership; open sign-up is an explicit policy choice."""
        return bool(getattr(settings, "BLOC_OPEN_SIGNUP", False))
