"""Suite-wide fixtures: private files in a temporary folder, never in ./var."""
import pytest


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
