import pytest
from django.core.files.storage import storages

from vssid import settings as vssid_settings


@pytest.fixture
def private_storage(settings, tmp_path):
    """The "private" storage in a fresh temporary directory (Django resets its storage cache when
    STORAGES changes, so code under test sees this one)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            # The class vssid.settings configures (not an override from another conftest), so these
            # tests exercise what production runs; only the place changes.
            "BACKEND": vssid_settings.STORAGES["private"]["BACKEND"],
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    storage = storages["private"]
    assert storage.location == str(location)
    return storage

