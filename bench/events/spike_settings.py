"""Production settings for the RSVP spike, with a URL configuration limited to what the public
RSVP path renders (core, sign-in links, events), so the benchmark measures that path alone."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "spike_urls"
