"""Rate limits count per scope and subject, in the shared cache: the database table on the embedded
default, Redis in production (the suite uses the Redis server the machine runs)."""
import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from vssid.core import ratelimit
from vssid.core.ratelimit import Rate, RateLimited, hit

REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, db):
    if request.param == "redis":
        settings.CACHES = {**settings.CACHES, "ratelimit": REDIS}
    else:
        settings.CACHES = {**settings.CACHES, "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vssid_cache"}}
    settings.VSSID_RATELIMIT_CACHE = "ratelimit"
    caches["ratelimit"].clear()
    yield caches["ratelimit"]
    caches["ratelimit"].clear()


def test_rates_parse():
    assert Rate.parse("10/m") == Rate(10, 60)
    assert Rate.parse("5/15m") == Rate(5, 900)
    assert Rate.parse("100/h") == Rate(100, 3600)


def test_the_attempt_past_the_rate_is_refused_with_a_wait(shared_cache):
    for _ in range(3):
        hit("lookup", "198.51.100.7", "3/h")
    with pytest.raises(RateLimited) as refused:
        hit("lookup", "198.51.100.7", "3/h")
    assert 0 < refused.value.retry_after <= 3600


def test_subjects_and_scopes_are_counted_apart(shared_cache):
    for _ in range(3):
        hit("lookup", "198.51.100.7", "3/h")
    hit("lookup", "198.51.100.8", "3/h")  # another client
    hit("login", "198.51.100.7", "3/h")  # another scope


def test_keys_hold_no_raw_subject(shared_cache, settings):
    hit("lookup-person", "0123456789", "3/h")
    key = f"rl:lookup-person:{ratelimit.fingerprint('0123456789')}"
    assert "0123456789" not in key
    assert ratelimit.fingerprint("0123456789") != ratelimit.fingerprint("0123456788")


def test_client_address_trusts_forwarding_only_from_a_known_proxy(rf, settings):
    settings.VSSID_TRUSTED_PROXIES = ["10.0.0.2"]
    direct = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert ratelimit.client_address(direct) == "203.0.113.9"
    assert ratelimit.client_address(proxied) == "203.0.113.5"


def test_every_limit_is_counted_even_when_an_earlier_one_refuses(shared_cache):
    client, person = ratelimit.Limit("lookup", "198.51.100.7", "1/h"), ratelimit.Limit("person", "key-a", "5/h")
    ratelimit.hit_all([client, person])
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit_all([client, person])
    assert refused.value.scope == "lookup"
    # The person's counter saw both attempts: three more fit under 5/h, the fourth does not.
    for _ in range(3):
        hit("person", "key-a", "5/h")
    with pytest.raises(RateLimited):
        hit("person", "key-a", "5/h")


def test_counters_are_ordinary_cache_entries_that_expire(shared_cache):
    """The Redis path writes the counters itself (one round trip); they must be the same entries
    Django's cache API sees, with the window's timeout, so nothing piles up in Redis."""
    limit = ratelimit.Limit("lookup", "198.51.100.9", "10/h")
    ratelimit.hit_all([limit, limit])
    key, _rate, _window = limit.window(int(ratelimit.time.time()))
    assert shared_cache.get(key) == 2
    if isinstance(shared_cache, RedisCache):  # the key carries a TTL of at most the window
        full_key = shared_cache.make_and_validate_key(key)
        ttl = shared_cache._cache.get_client(full_key).ttl(full_key)
        assert 0 < ttl <= 3601
