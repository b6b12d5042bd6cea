"""A photo accepted into private storage: already re-encoded, metadata stripped."""
import uuid

from django.db import models

from vssid.core.fields import KeyHeaderField

from .kinds import PhotoKind


class Photo(models.Model):
    Kind = PhotoKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Name inside the "private" storage; never a URL. Random, and unrelated to `id`.
    storage_name = models.CharField(max_length=200)
    # The file is the JPEG encrypted under its own data key, sealed here (selectors.open_photo);
    # empty for a photo stored before encryption, whose file is the plain JPEG until
    # `vssid keys rotate` encrypts it.
    data_key = KeyHeaderField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    # What the upload really was (JPEG, PNG, WEBP, HEIF), decided from its bytes.
    source_format = models.CharField(max_length=8, blank=True)
    # Fingerprints remain after the picture itself is purged.
    sha256 = models.CharField(max_length=64)
    dhash = models.CharField(max_length=16, help_text="64-bit difference hash, hex")
    dhash256 = models.CharField(max_length=64, help_text="256-bit difference hash, hex: tells two card sides apart")
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None
