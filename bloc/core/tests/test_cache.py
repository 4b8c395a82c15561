import os

import pytest

from bloc.core.cache import RedisCache

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("BLOC_TEST_REDIS"), reason="set BLOC_TEST_REDIS=1 with a Redis"
    ),
]


@pytest.fixture
def redis_cache():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    cache = RedisCache(url, {"KEY_PREFIX": "bloc-test-cache"})
    yield cache
    cache.delete_many(["count", "thing", "missing", "short"])


def test_the_cache_works_as_djangos_and_keeps_one_client(redis_cache):
    assert redis_cache.add("count", 1, 60)
    assert not redis_cache.add("count", 5, 60)
    assert redis_cache.incr("count") == 2
    redis_cache.set("thing", {"a": [1, 2]}, 60)
    assert redis_cache.get("thing") == {"a": [1, 2]}
    client = redis_cache._cache
    assert client.get_client() is client.get_client(write=True)


def test_incr_is_djangos_in_one_round_trip(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None, "a missing key is not created"
    redis_cache.set("count", 10, 60)
    assert redis_cache.incr("count", 5) == 15
    assert redis_cache.decr("count", 3) == 12
    assert redis_cache.get("count") == 12
    client = redis_cache._cache.get_client(write=True)
    assert client.ttl(redis_cache.make_key("count")) > 0, "the timeout is kept"


def test_a_rate_limit_counts_through_the_one_round_trip_incr(redis_cache):
    assert redis_cache.add("short", 0, 60)
    assert [redis_cache.incr("short") for _ in range(3)] == [1, 2, 3]


def test_add_is_djangos(redis_cache):
    assert redis_cache.add("short", "a", 60)
    assert not redis_cache.add("short", "b", 60), "an existing key is kept"
    assert redis_cache.get("short") == "a"
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_key("short")) <= 60
    assert redis_cache.add("thing", {"x": 1}, None)
    assert client.ttl(redis_cache.make_key("thing")) == -1, "no timeout: kept until deleted"
    assert redis_cache.get("thing") == {"x": 1}
    assert redis_cache.add("count", 1, 0), "as Django: added, then expired at once"
    assert redis_cache.get("count") is None
