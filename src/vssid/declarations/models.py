"""The tờ khai (mẫu 01/ĐK-GD): a citizen's declaration and its lifecycle.

draft → submitted → activated | rejected | expired; a draft or a submitted declaration may be
cancelled. Every answer is stored as soon as its step is accepted, so a closed tab loses nothing.
"""
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from vssid.core import crypto
from vssid.core.fields import EncryptedTextField, FingerprintField, with_fingerprints


class Declaration(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        ACTIVATED = "activated", _("Đã kích hoạt")
        REJECTED = "rejected", _("Bị từ chối")
        EXPIRED = "expired", _("Hết hạn")
        CANCELLED = "cancelled", _("Đã hủy")

    class Sex(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class DocumentType(models.TextChoices):
        CCCD = "cccd", _("Căn cước / CCCD")
        CMND = "cmnd", _("CMND")
        PASSPORT = "passport", _("Hộ chiếu")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    language = models.CharField(max_length=8, default="vi")

    full_name = models.CharField(max_length=100, blank=True)
    # Identifiers, the address and the contacts are encrypted at rest; the identifiers' fingerprints
    # (kept in step by save()) answer the equality questions: search, "already registered".
    # Names, dates and sex stay plain: the desk's name search folds names (docs/encryption.md).
    social_insurance_number = EncryptedTextField(max_length=10, blank=True,
                                                 label="declarations.declaration.social_insurance_number")
    social_insurance_number_fingerprint = FingerprintField(
        source="social_insurance_number", kind=crypto.SOCIAL_INSURANCE_NUMBER, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    id_document_type = models.CharField(max_length=10, choices=DocumentType.choices, blank=True)
    id_document_number = EncryptedTextField(max_length=20, blank=True, label="declarations.declaration.id_document_number")
    id_document_number_fingerprint = FingerprintField(source="id_document_number", kind=crypto.ID_NUMBER,
                                                      db_index=True)
    address_province = models.ForeignKey(
        "places.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_street = EncryptedTextField(max_length=200, blank=True, label="declarations.declaration.address_street")
    mobile_phone = EncryptedTextField(max_length=16, blank=True, help_text="E.164, +84…",
                                      label="declarations.declaration.mobile_phone")
    mobile_phone_fingerprint = FingerprintField(source="mobile_phone", kind=crypto.PHONE, db_index=True)
    email = EncryptedTextField(max_length=254, blank=True, label="declarations.declaration.email")

    portrait = models.ForeignKey("photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    id_front = models.ForeignKey("photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    id_back = models.ForeignKey("photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    office = models.ForeignKey("places.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    email_declaration = models.BooleanField(default=False)
    # Filled in at an office counter by an officer, for a citizen without a smartphone (vssid.desk):
    # the same steps and rules, and the officer's office receives it.
    assisted = models.BooleanField(default=False)

    reference_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    # Opens the confirmation page; long and random, and it shows no personal data.
    confirmation_token = models.CharField(max_length=43, unique=True, null=True, blank=True)
    # The JSON API's bearer token for this draft, as a SHA-256 hex digest: the token itself is shown
    # once, to the app that created the draft, so a copy of the database cannot act as that app.
    api_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    visit_due_date = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["office", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(status="cancelled", submitted_at__isnull=True)
                | models.Q(reference_code__isnull=False, submitted_at__isnull=False, visit_due_date__isnull=False),
                name="declaration_submitted_has_reference",
            )
        ]

    def __str__(self) -> str:
        return f"Declaration {self.reference_code or self.id}"

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = with_fingerprints(Declaration, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
