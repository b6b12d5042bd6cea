"""Sessions with Redis (production): read from Redis, kept in the database, so a Redis restart loses
nobody's draft; held in Redis for a visit rather than the session's 45 days; and stored there as
signed text, so whoever can write to Redis still cannot forge one."""
import pickle
from datetime import timedelta

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from vssid.core.sessions import VISIT_SECONDS, SessionStore

REDIS_URL = "redis://127.0.0.1:6379/15"

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings):
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    settings.SESSION_ENGINE = "vssid.core.sessions"
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()


def _saved_session() -> SessionStore:
    session = SessionStore()
    session["declaration_id"] = "42"
    session.create()
    return session


def _redis_key(session: SessionStore) -> str:
    return caches["default"].make_and_validate_key("vssid.session:" + session.session_key)


def test_a_session_is_read_from_redis_and_kept_in_the_database(redis_sessions, django_assert_num_queries):
    session = _saved_session()

    with django_assert_num_queries(0):
        assert SessionStore(session.session_key)["declaration_id"] == "42"
    assert Session.objects.filter(session_key=session.session_key).exists()


def test_redis_keeps_a_session_for_a_visit_and_the_database_for_its_whole_life(redis_sessions, settings):
    session = _saved_session()

    assert 0 < redis_sessions.ttl(_redis_key(session)) <= VISIT_SECONDS < settings.SESSION_COOKIE_AGE
    lives_until = Session.objects.get(session_key=session.session_key).expire_date
    assert lives_until - timezone.now() > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_survives_redis_losing_everything(redis_sessions, django_assert_num_queries):
    session = _saved_session()

    redis_sessions.flushdb()  # Redis restarted: it keeps nothing on disk

    assert SessionStore(session.session_key)["declaration_id"] == "42"  # from the database
    with django_assert_num_queries(0):  # and back in Redis
        assert SessionStore(session.session_key)["declaration_id"] == "42"


def test_a_session_written_into_redis_by_someone_else_is_not_believed(redis_sessions):
    session = _saved_session()
    stored = redis_sessions.get(_redis_key(session))
    assert SessionStore().decode(stored.decode("ascii")) == {"declaration_id": "42"}  # the signed text
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(stored)

    redis_sessions.set(_redis_key(session), pickle.dumps({"declaration_id": "7"}))
    assert SessionStore(session.session_key)["declaration_id"] == "42"  # the database's, not Redis's
    forged = SessionStore().encode({"declaration_id": "7"}).rsplit(":", 1)[0] + ":forgedsignature"
    redis_sessions.set(_redis_key(session), forged)
    assert SessionStore(session.session_key)["declaration_id"] == "42"


def test_a_deleted_session_is_gone_from_both(redis_sessions):
    session = _saved_session()

    session.delete()

    assert redis_sessions.get(_redis_key(session)) is None
    assert not Session.objects.filter(session_key=session.session_key).exists()
    assert SessionStore(session.session_key).load() == {}


def test_an_empty_session_is_read_from_redis_too(redis_sessions, django_assert_num_queries):
    session = SessionStore()
    session.create()  # the look-up's per-session limit makes one before anything is stored in it
    redis_sessions.flushdb()

    with django_assert_num_queries(1):  # from the database, then kept in Redis
        assert SessionStore(session.session_key).load() == {}
    with django_assert_num_queries(0):
        assert SessionStore(session.session_key).load() == {}
