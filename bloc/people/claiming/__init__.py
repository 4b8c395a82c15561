"""Accounts claimed without staff: linking a login to its person at sign-in, and one-click
sign-in links for invitations (see services.py)."""
