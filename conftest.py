import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection

# Browser journeys: Debian's Chromium driven by Playwright (never a downloaded browser).
CHROMIUM = os.environ.get("BLOC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; with Redis they would leak between tests. The
    web process's short memos (core.memo) are cleared too."""
    from bloc.core.memo import clear_all

    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


@pytest.fixture
def personas(db):
    from bloc.core.testing import personas as make

    return make()


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); .ci/run runs it")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)


# One Playwright session for the whole run, shared by every app's journeys: a second
# sync_playwright() in the same process fails ("Sync API inside the asyncio loop").
@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
