"""Bloc: the organizing platform. Every capability is one Django app in this package."""
