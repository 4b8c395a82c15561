"""Values a web process keeps in its own memory for a few seconds (cachetools' TTLCache).

For the few reads that a spike repeats thousands of times a second and that may be a few
seconds stale by design: the public RSVP form's event and shifts, the vote-by-code page's open
ballot. Each of them is checked again, under lock, where it matters (the RSVP drain, the cast
transaction). Before this they sat in the shared cache; a round trip to Redis and unpickling
the model instances cost more CPU than the rest of the lookup, and the staleness allowed was
already the same few seconds.

A cached value is shared by the process's threads: callers treat it as read-only. Tests clear
every memo between tests (``clear_all``)."""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import TTLCache

T = TypeVar("T")

_MISSING = object()
_memos: list["ProcessMemo"] = []


class ProcessMemo:
    """``get(key, seconds, load)``: the value loaded for ``key`` less than ``seconds`` ago
    in this process, else ``load()`` (kept for ``seconds``). ``seconds`` comes from a setting
    at each call; 0 turns the memo off."""

    def __init__(self, maxsize: int = 1024, timer: Callable[[], float] = time.monotonic) -> None:
        self._maxsize = maxsize
        self._timer = timer
        self._lock = threading.Lock()
        self._caches: dict[float, TTLCache] = {}
        _memos.append(self)

    def get(self, key: Hashable, seconds: float, load: Callable[[], T]) -> T:
        if seconds <= 0:
            return load()
        with self._lock:
            cache = self._caches.get(seconds)
            if cache is None:
                cache = TTLCache(self._maxsize, ttl=seconds, timer=self._timer)
                self._caches[seconds] = cache
            found: Any = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        value = load()  # outside the lock: a slow load doesn't hold up other keys
        with self._lock:
            cache[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._caches.clear()


def clear_all() -> None:
    for memo in _memos:
        memo.clear()
