"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""
