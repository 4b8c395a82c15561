"""Browser journeys share the `browser` and `page` fixtures of the root conftest.py."""
