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


def hit(scope: str, subject: str, rate: str | Rate) -> None:
    """Count one attempt of ``subject`` in ``scope``; raise RateLimited past the rate."""
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    now = int(time.time())
    window = now // rate.seconds
    key = f"rl:{scope}:{fingerprint(subject)}:{window}"
    cache = caches[settings.VSSID_RATELIMIT_CACHE]
    # add() then incr() is atomic on Redis and on the database cache's row; a lost race only
    # ever under-counts by one.
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        raise RateLimited(scope, retry_after=(window + 1) * rate.seconds - now)


def client_address(request) -> str:
    """The client's address; behind a proxy, the one the proxy saw (settings.VSSID_TRUSTED_PROXIES)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.VSSID_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return remote
