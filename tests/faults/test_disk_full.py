"""The disk holding the photos fills up while a citizen uploads: a real, tiny tmpfs, filled to its
last page. The citizen is told, in Vietnamese, that the photo is fine and to try again later;
nothing half-written stays; what was accepted before is kept; once there is room, the same photos
go through."""
import os
import subprocess

import pytest
from django.test import Client

from tests.api.helpers import good_photos
from tests.support.flow import Walker
from vssid.core import outages
from vssid.declarations.models import Declaration
from vssid.photos.models import Photo

NOT_STORED = "chưa lưu được vì hệ thống đang gặp sự cố (ảnh không có lỗi) – hãy tải lên lại sau ít phút"


class Disk:
    """A 2 MB tmpfs as the private storage's location (mounting needs root, which CI has)."""

    def __init__(self, path):
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        """Leave one page free: every photo is larger, so its write fails part-way."""
        stats = os.statvfs(self.path)
        with open(self.filler, "ab") as out:
            out.write(b"\0" * (stats.f_bavail * stats.f_frsize - stats.f_frsize))

    def empty(self) -> None:
        self.filler.unlink()

    def photo_files(self) -> list[str]:
        folder = self.path / "photos"
        return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.fixture
def disk(settings, tmp_path):
    if os.geteuid() != 0:
        pytest.fail("mounting the small tmpfs needs root (CI runs the suite as root)")
    path = tmp_path / "private"
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "vssid-test-disk", str(path)], check=True)
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "vssid.core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": path}}}
    yield Disk(path)
    subprocess.run(["umount", str(path)], check=True)


def test_a_full_disk_on_the_photos_page_asks_to_try_again_and_keeps_what_was_accepted(db, registered, citizen, disk):
    walker = Walker(Client(), citizen)
    walker.fill_declaration(until="photos")
    walker.upload_photos(id_front=None, id_back=None)  # the portrait, while there is room
    [portrait] = Photo.objects.all()
    kept = disk.photo_files()
    disk.fill()

    page = walker.upload_photos(portrait=None)

    assert page.status_code == 422  # the photos page again, with its messages: not an error page
    html = page.content.decode()
    assert html.count(NOT_STORED) >= 2  # the front's and the back's, each by its photo
    assert "Traceback" not in html and "OSError" not in html
    assert list(Photo.objects.all()) == [portrait]
    assert disk.photo_files() == kept  # no part of the two failed files
    declaration = Declaration.objects.get()
    assert (declaration.portrait_id, declaration.id_front_id, declaration.id_back_id) == (portrait.pk, None, None)
    assert declaration.full_name == citizen.full_name  # the answers before are untouched

    disk.empty()
    assert walker.upload_photos(portrait=None).status_code == 302
    assert Photo.objects.count() == 3 and len(disk.photo_files()) == 3


def test_a_full_disk_answers_the_app_503_with_retry_after_and_stores_nothing(db, api_draft, disk):
    app = api_draft()
    disk.fill()

    response = app.put_photo("portrait", good_photos()["portrait"])

    assert response.status_code == 503
    assert response["Retry-After"] == str(outages.RETRY_AFTER_SECONDS)
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("photo", "not_stored")
    assert NOT_STORED in error["message"]
    assert Photo.objects.count() == 0 and disk.photo_files() == []

    disk.empty()
    assert app.put_photo("portrait", good_photos()["portrait"]).status_code == 200
