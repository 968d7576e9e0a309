"""A Redis cache that fails open: when Redis is down, the portal keeps serving (and logs it).

The cache only holds what can be lost: allauth's rate-limit counters and short-lived values.
Losing them for the length of an outage is better than answering 500 to every login. Each call
that fails is logged at WARNING, so the outage shows in the logs and the health command.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("continuite.cache")
_last_warning = [0.0]
WARNING_INTERVAL = 60  # seconds: one line a minute per process during an outage, not one per call


def _warn(exc: Exception, name: str) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARNING_INTERVAL:
        _last_warning[0] = now
        logger.warning("Cache Redis indisponible (%s) : %s ignoré, le portail continue sans cache.", exc, name)


def _fail_open(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except RedisError as exc:
            _warn(exc, name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default_of_get(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and whose writes succeed without effect while Redis is down.

    ``add`` answers True so that a lock taken through the cache (allauth's rate-limit lock) is
    acquired at once instead of spinning until its deadline.
    """

    get = _fail_open("get", _default_of_get)
    get_many = _fail_open("get_many", {})
    has_key = _fail_open("has_key", False)
    set = _fail_open("set", None)
    set_many = _fail_open("set_many", [])
    add = _fail_open("add", True)
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    incr = _fail_open("incr", lambda key, delta=1, version=None: delta)
    clear = _fail_open("clear", None)
