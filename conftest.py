import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; with Redis they would leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personas(db):
    from bloc.core.testing import personas as make

    return make()


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); .ci/run runs it")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)
