"""A file storage that has no URL at all.

Django's FileSystemStorage treats `base_url=None` as "use MEDIA_URL", so a storage configured that
way still answers `url()` (with MEDIA_URL + name). Pictures of citizens and their ID cards must
never be addressable: views stream them after checking who asks. Use this class as the BACKEND of
STORAGES["private"].
"""
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; stream them from a view that checks access.")
