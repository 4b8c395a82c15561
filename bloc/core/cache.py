"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's backend makes a new ``redis.Redis`` for every cache operation, and redis-py fills a
table of some 170 response callbacks in each new client: that was most of the CPU of a cache
call, and a public form makes several (rate limit, cached event, drain key). A client is safe
to share between threads (it takes a connection from its pool for each command), so each
pool gets one, made on first use. Everything else is Django's backend unchanged."""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # Django's attributes below are private (not in django-stubs)
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in django._pools:  # as Django's _get_connection_pool, for this index
                django._pools[index] = django._pool_class.from_url(
                    django._servers[index], **django._pool_options
                )
            client = self._clients[index] = django._client(connection_pool=django._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
