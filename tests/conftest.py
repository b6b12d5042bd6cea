"""Suite-wide fixtures: private files in a temporary folder, never in ./var."""
import io

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database in a file rather than in memory: tests start `vssid worker` and
    `vssid web` as separate processes on it, as operators do (tests/faults, tests/core)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "vssid.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    settings.VSSID_SMS_OUTBOX_DIR = tmp_path / "sms"


@pytest.fixture(autouse=True)
def _fresh_reference_lists():
    """Each process keeps the provinces and communes it read (they change only with a release); a
    test may add a province in a transaction it then rolls back, so each test starts with none."""
    from vssid.places.selectors import forget_cached_places

    forget_cached_places()
    yield
    forget_cached_places()


@pytest.fixture
def run_worker():
    """Run every job that is due, as `vssid db_worker --batch` would, then return."""
    from django.core.management import call_command

    def run() -> None:
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0,
            worker_id="test-worker", verbosity=1, stdout=io.StringIO(),
        )

    return run


@pytest.fixture
def test_office(db):
    """An office of the tests' own province, there whatever a transactional test flushed."""
    from tests.support.places import make_test_office

    return make_test_office()


@pytest.fixture
def demo_people(db):
    """The demo registry's featured people in the test database: the flow's citizen (Trần Thị Bình,
    0123456789) is among them, as a real person is in BHXH's records, so a submission passes the
    registry check."""
    from vssid.registry.services import DEMO_PEOPLE, upsert_records

    upsert_records(DEMO_PEOPLE)
    return DEMO_PEOPLE
