"""A photo accepted into private storage: already re-encoded, metadata stripped."""
import uuid

from django.db import models


class Photo(models.Model):
    class Kind(models.TextChoices):
        PORTRAIT = "portrait", "Ảnh cá nhân"
        ID_FRONT = "id_front", "Ảnh mặt trước giấy tờ"
        ID_BACK = "id_back", "Ảnh mặt sau giấy tờ"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Name inside the "private" storage; never a URL.
    storage_name = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    # Fingerprints remain after the picture itself is purged.
    sha256 = models.CharField(max_length=64)
    dhash = models.CharField(max_length=16, help_text="64-bit difference hash, hex")
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
