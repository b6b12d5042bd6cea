"""The three pictures a citizen uploads.

Kept apart from models.py so the pure image code (intake.py) can name a kind without touching the
ORM; the label doubles as the subject of every refusal message ("Ảnh mặt trước giấy tờ bị mờ – …").
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PhotoKind(models.TextChoices):
    PORTRAIT = "portrait", _("Ảnh cá nhân")
    ID_FRONT = "id_front", _("Ảnh mặt trước giấy tờ")
    ID_BACK = "id_back", _("Ảnh mặt sau giấy tờ")
