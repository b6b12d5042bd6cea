"""Fixed-window rate limits kept in Django's cache, shared by every process using that cache.

The embedded default keeps the counters in the database cache (one table, every web process and
worker sees them); production points CACHES at Redis. A key is a keyed fingerprint of what is
limited (a client address, a looked-up person), never the raw value: counters must not become a
store of personal data.
"""
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"10/m"``, ``"100/h"``, ``"5/15m"``."""
        count, _slash, period = text.partition("/")
        unit = period[-1]
        multiple = int(period[:-1] or 1)
        return cls(int(count), multiple * _UNITS[unit])


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int):
        super().__init__(scope)
        self.scope = scope
        self.retry_after = retry_after


def fingerprint(value: str) -> str:
    """A keyed hash: the same input gives the same key, and the key gives nothing back."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Limit:
    """One counter to count an attempt against: what kind of attempt, whose, and how many are allowed."""
    scope: str
    subject: str
    rate: Rate | str

    def window(self, now: int) -> tuple[str, Rate, int]:
        rate = Rate.parse(self.rate) if isinstance(self.rate, str) else self.rate
        window = now // rate.seconds
        return f"rl:{self.scope}:{fingerprint(self.subject)}:{window}", rate, window


def hit(scope: str, subject: str, rate: str | Rate) -> None:
    """Count one attempt of ``subject`` in ``scope``; raise RateLimited past the rate."""
    hit_all([Limit(scope, subject, rate)])


def hit_all(limits: list[Limit]) -> None:
    """Count one attempt against every limit, then raise RateLimited for the first one exceeded.

    All counters are counted whether or not an earlier one is already past its rate, so being
    refused by one limit never hides the attempt from another.
    """
    now = int(time.time())
    windows = [limit.window(now) for limit in limits]
    counts = _increment([(key, rate.seconds + 1) for key, rate, _window in windows])
    for limit, (_key, rate, window), count in zip(limits, windows, counts):
        if count > rate.count:
            raise RateLimited(limit.scope, retry_after=(window + 1) * rate.seconds - now)


def _increment(keys_and_timeouts: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter (created at 0 with its timeout when missing); the new values."""
    cache = caches[settings.VSSID_RATELIMIT_CACHE]
    if isinstance(cache, RedisCache):
        return _increment_in_redis(cache, keys_and_timeouts)
    counts = []
    for key, timeout in keys_and_timeouts:
        # add() then incr() is atomic on the database cache's row; a lost race only ever
        # under-counts by one.
        cache.add(key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def _increment_in_redis(cache: RedisCache, keys_and_timeouts: list[tuple[str, int]]) -> list[int]:
    """Every counter in one round trip: per key ``SET key 0 EX timeout NX`` then ``INCR key``, in a
    pipeline. Going through Django's add() and incr() costs three round trips per counter, which
    made the rate limits the largest part of a look-up (docs/benchmarks.md). The keys are made
    the way Django's cache makes them, and Django stores integers unserialised, so cache.get()
    reads these counters too."""
    full_keys = [cache.make_and_validate_key(key) for key, _timeout in keys_and_timeouts]
    client = cache._cache.get_client(full_keys[0], write=True)
    pipeline = client.pipeline(transaction=False)
    for full_key, (_key, timeout) in zip(full_keys, keys_and_timeouts):
        pipeline.set(full_key, 0, ex=timeout, nx=True)
        pipeline.incr(full_key)
    replies = pipeline.execute()
    return [int(count) for count in replies[1::2]]


def client_address(request) -> str:
    """The client's address; behind a proxy, the one the proxy saw (settings.VSSID_TRUSTED_PROXIES)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.VSSID_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return remote
