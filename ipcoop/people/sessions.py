"""Sessions kept in the database and read from the shared cache (Redis), when there is
one (settings: ``REDIS_URL``).

Every signed-in request reads its session: from Redis that costs no database query.
The database stays the record: a session is written there first, and read from there
whenever the cache has no copy (Redis down, restarted or emptied), so nobody is signed
out by the cache.

A copy in the cache is trusted for ``CACHE_SECONDS`` at most. The cache fails open
(``ipcoop.lib.cache``): a sign-out while Redis does not answer removes the session from
the database but may leave the copy in a Redis that kept its data, and that copy then
lasts no longer than this.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 60


class _CappedCache:
    """A cache whose entries live ``seconds`` at most."""

    def __init__(self, cache: Any, seconds: int) -> None:
        self._cache = cache
        self._seconds = seconds

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._cache.set(
            key, value, self._seconds if timeout is None else min(timeout, self._seconds)
        )

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache, CACHE_SECONDS)
