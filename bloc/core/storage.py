"""Static files in production: WhiteNoise's compressed, hashed files, with each URL computed once.

Every page asks for the same few static URLs (the stylesheet, htmx, the app's CSS), and the
manifest storage works each one out afresh: clean the name, look up the hash, join the URL.
The manifest is read once per process and never changes while it runs, so a name's URL is
remembered after the first time. Names not in the manifest still raise (nothing is remembered
for them), and DEBUG keeps the storage's own unhashed answer."""

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Bound on remembered names. Only names in the manifest get a URL (others raise), and
#: WhiteNoise asks for each hashed file once at start-up, so this is a few hundred here.
MAX_REMEMBERED = 8192


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        if force or settings.DEBUG:
            return str(super().url(name, force))
        found = self._urls.get(name)
        if found is None:
            found = str(super().url(name))
            if len(self._urls) < MAX_REMEMBERED:
                self._urls[name] = found
        return found

    def post_process(self, *args: Any, **kwargs: Any) -> Any:
        # collectstatic writes a new manifest: names may get new hashes.
        self._urls.clear()
        return super().post_process(*args, **kwargs)
