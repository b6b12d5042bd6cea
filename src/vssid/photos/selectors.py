"""Reading photos back. The caller decides who may see one (the citizen's own session, later an
officer); nothing here ever produces a URL."""
from django.core.files import File
from django.core.files.storage import storages

from .models import Photo

# Every stored photo is a JPEG re-encoded by intake.py, whatever was uploaded.
PHOTO_CONTENT_TYPE = "image/jpeg"


def open_photo(photo: Photo) -> File:
    """The stored JPEG, opened for reading (the caller closes it, e.g. via FileResponse).

    Raises FileNotFoundError when the picture was purged or its file is missing.
    """
    if photo.is_purged:
        raise FileNotFoundError(f"photo {photo.id} was purged")
    return storages["private"].open(photo.storage_name, "rb")
