"""Reading photos back. The caller decides who may see one (the citizen's own session, an
officer). The one URL produced here is a short-lived signed link to the *encrypted* object, handed
out with its key for a browser that decrypts it (sealed_photo_link)."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from vssid.core import crypto
from vssid.core.storage import signed_url_for

from .models import Photo
from .services import photo_label

# Every stored photo is a JPEG re-encoded by intake.py, whatever was uploaded.
PHOTO_CONTENT_TYPE = "image/jpeg"


def open_photo(photo: Photo) -> File:
    """The JPEG, decrypted, as a file open for reading (the caller closes it, e.g. via FileResponse).

    Raises FileNotFoundError when the picture was purged or its file is missing, and
    crypto.DecryptionError when the file was altered or its key is not configured.
    """
    if photo.is_purged:
        raise FileNotFoundError(f"photo {photo.id} was purged")
    stored = storages["private"].open(photo.storage_name, "rb")
    if not photo.data_key:  # stored before encryption: the plain JPEG
        return stored
    with stored:
        blob = stored.read()
    # ~300 KB in memory, decrypted in about a millisecond (docs/encryption.md); named like the
    # response it becomes, never after the storage name.
    return ContentFile(crypto.decrypt_bytes(photo.data_key, blob, label=photo_label(photo.pk)), name="photo.jpg")


@dataclass(frozen=True)
class SealedPhotoLink:
    """What a browser needs to show a photo without the server decrypting it: the signed URL of the
    encrypted object (nonce ‖ ciphertext ‖ tag), the photo's data key (base64url, a JWK's ``k``)
    and the associated data it was sealed with. Personal data: never log it, never cache the page."""

    url: str
    key: str
    label: str


def sealed_photo_link(photo: Photo) -> SealedPhotoLink | None:
    """A link the browser decrypts itself, or None when the photo must be streamed instead: the
    storage cannot sign (the file system), the photo predates encryption (a link would serve the
    plain JPEG to whoever holds it), it was purged, or its key or the link cannot be had (then the
    streaming view reports the failure as it always did). Valid VSSID_S3_PRESIGN_SECONDS."""
    if photo.is_purged or not photo.data_key:
        return None
    try:
        url = signed_url_for(storages["private"], photo.storage_name)
        if url is None:
            return None
        key = crypto.export_data_key(photo.data_key)
    except (OSError, crypto.DecryptionError):
        return None
    return SealedPhotoLink(url=url, key=key, label=photo_label(photo.pk))
