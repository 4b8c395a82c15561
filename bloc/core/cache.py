"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's backend makes a new ``redis.Redis`` for every cache operation, and redis-py fills a
table of some 170 response callbacks in each new client: that was most of the CPU of a cache
call, and a public form makes several (rate limit, drain key). A client is safe
to share between threads (it takes a connection from its pool for each command), so each
pool gets one, made on first use.

``incr`` is one round trip instead of two: Django's checks that the key exists, then
increments it (two commands, and a key expiring between them would come back as a new
counter); here a short Lua script does both at once in Redis. django-ratelimit counts every
public form submission with ``incr``. ``add`` (django-ratelimit's first count, the RSVP drain's
schedule key) goes straight to one SET command. Everything else is Django's backend
unchanged."""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# INCRBY only if the key exists; nil otherwise (Django's incr raises ValueError then).
_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._incr_script: Any = None

    def incr(self, key: Any, delta: int) -> int:
        client = self.get_client(key, write=True)
        if self._incr_script is None:  # redis-py's Script: EVALSHA, loading it on first use
            self._incr_script = client.register_script(_INCR_IF_EXISTS)
        value = self._incr_script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        """Django's ``add`` as one SET NX [EX] command, without redis-py's ``set()`` argument
        handling (a fifth of a cache call's CPU on the RSVP form's profile)."""
        if timeout == 0 or not (timeout is None or isinstance(timeout, int)):
            return bool(super().add(key, value, timeout))  # Django's own path
        command = ["SET", key, self._serializer.dumps(value), "NX"]  # type: ignore[attr-defined]
        if timeout is not None:
            command += ["EX", timeout]
        return bool(self.get_client(key, write=True).execute_command(*command))

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
