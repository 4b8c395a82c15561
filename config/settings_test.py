"""Test overrides: fast hashing, in-memory mail, immediate tasks, no TLS redirect."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij"
)
os.environ.setdefault("BLOC_SECURE_TLS", "0")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The second-factor gate has its own tests (accounts); elsewhere personas act without it.
BLOC_STAFF_MFA_REQUIRED = False
# Tests change events between requests; the RSVP form's short cache has its own test.
BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = 0
BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS = 0
# The drain's pauses during a spike have their own tests.
BLOC_EVENTS_DRAIN_YIELD_SECONDS = 0
BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS = 0
# Mount the ESP webhooks (config/urls.py) so the authorization matrix covers them.
ANYMAIL = {"WEBHOOK_SECRET": "bloc-test:webhook-secret-2026"}
BLOC_EMAIL_WEBHOOK_ESP = "postmark"
