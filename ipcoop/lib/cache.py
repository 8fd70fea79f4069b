"""A Redis cache that fails open: when Redis is down or hangs, the platform serves without it.

The cache holds nothing the platform cannot do without (today: the rate-limit counters),
so a Redis that does not answer must cost a request a few milliseconds, not an error or
seconds of waiting. ``FailOpenRedisCache`` is Django's ``RedisCache`` with:

- short socket timeouts and no retries (``OPTIONS`` may set others);
- every operation answering as an empty cache that keeps nothing when Redis does not
  answer: ``get`` returns the default, ``get_many`` ``{}``, ``has_key``/``add``/``touch``/
  ``delete`` ``False``, ``set`` nothing, and ``incr`` counts from zero (returns ``delta``),
  so a rate limit lets the request through (fails open) rather than refusing it;
- after a failure, Redis is left alone for ``down_seconds`` (default 5): requests in that
  time do not wait for a timeout again;
- one warning in the log when Redis stops answering (repeated at most once a minute while
  it stays down) and one line when it answers again.

This is the one place that decides what a down cache means; callers need no ``try``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)

# Loopback or a LAN answers in well under a millisecond: 0.2 s means "not answering".
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.2,
    "socket_timeout": 0.2,
    "retry": Retry(NoBackoff(), 0),
}
DOWN_SECONDS = 5.0
LOG_EVERY_SECONDS = 60.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _ReusedClients(RedisCacheClient):
    """Django's Redis cache client, with one ``redis.Redis`` per connection pool rather
    than a new one for every operation (making one copies its table of reply callbacks:
    a tenth of a millisecond of each signed-in request, which reads its session)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # A client is safe to share between threads: each command takes a
            # connection of the pool.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.down_seconds = float(options.pop("down_seconds", DOWN_SECONDS))
        super().__init__(server, {**params, "OPTIONS": {**DEFAULT_OPTIONS, **options}})
        self._class = _ReusedClients
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic time until which Redis is not tried
        self._down_since: float | None = None
        self._logged_at = -LOG_EVERY_SECONDS

    @property
    def available(self) -> bool:
        """False while Redis is being left alone after a failure."""
        return time.monotonic() >= self._down_until

    def _guarded(self, fallback: Any, operation: str, *args: Any, **kwargs: Any) -> Any:
        if not self.available:
            return fallback
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except _UNREACHABLE as error:
            self._went_down(error)
            return fallback
        if self._down_since is not None:
            self._came_back()
        return result

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.down_seconds
            if self._down_since is None:
                self._down_since = now
            if now - self._logged_at < LOG_EVERY_SECONDS:
                return
            self._logged_at = now
        log.warning(
            "The cache (Redis) does not answer (%s): serving without it, trying again every %g s.",
            error,
            self.down_seconds,
        )

    def _came_back(self) -> None:
        with self._lock:
            since, self._down_since = self._down_since, None
            self._logged_at = -LOG_EVERY_SECONDS
        if since is not None:
            log.warning("The cache (Redis) answers again after %.1f s.", time.monotonic() - since)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, "add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, "set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, "delete", key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, "has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._guarded(delta, "incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, "delete_many", keys, version)

    def clear(self):
        return self._guarded(None, "clear")
