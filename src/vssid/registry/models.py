"""The insured-person registry: who holds which mã số BHXH.

One row per mã số BHXH, the number BHXH gives a person for life. The registry is what the look-up
searches (domain.md §5) and what a declaration is checked against when it is sent.

Matching folds case and diacritics. The folded name is a stored column filled in Python by
``cards.text.fold`` (``full_name_folded``), not a database function, so SQLite and PostgreSQL
compare exactly the same strings with a plain equality on an ordinary B-tree index: no
``unaccent`` extension, no collation, no expression index whose behaviour would differ between
the two. Every write path fills it: ``save()`` here, and the services' bulk writes through
``InsuredPerson.from_record``.
"""
from django.db import models

from vssid.cards.text import fold
from vssid.core import crypto
from vssid.core.fields import EncryptedTextField, FingerprintField, with_fingerprints


class InsuredPerson(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", "Nam"
        FEMALE = "female", "Nữ"

    # The mã số BHXH is unique by definition and is what imports upsert by: as the primary key it
    # needs no second unique index on a table of tens of millions of rows.
    social_insurance_number = models.CharField(primary_key=True, max_length=10)
    full_name = models.CharField(max_length=100)  # NFC, single spaces, as recorded
    full_name_folded = models.CharField(max_length=100, editable=False)
    # Some records (mostly of older people) carry only a year of birth, as some BHYT cards do. Such a
    # record stores 1 January of that year with birth_year_only set, and matches any date in that year.
    date_of_birth = models.DateField()
    birth_year_only = models.BooleanField(default=False)
    sex = models.CharField(max_length=6, choices=Sex.choices)
    # The province where the birth was registered, as a 2025 province (see birth_provinces). The
    # composite index below starts with it, so no separate index on the foreign key.
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    # CCCD, CMND or passport number, normalised; empty when the record holds none. Encrypted at rest
    # like the phone; the look-up compares the number's fingerprint. Not indexed: the look-up's index
    # has already narrowed the rows to a handful. The phone is never searched, so it has none.
    id_number = EncryptedTextField(max_length=20, blank=True, label="registry.insuredperson.id_number")
    id_number_fingerprint = FingerprintField(source="id_number", kind=crypto.ID_NUMBER)
    phone = EncryptedTextField(max_length=16, blank=True, help_text="E.164, +84…; empty when unknown",
                               label="registry.insuredperson.phone")

    class Meta:
        indexes = [
            models.Index(fields=["province", "full_name_folded", "date_of_birth"], name="registry_lookup_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(full_name_folded=""), name="registry_folded_name_filled"),
        ]

    def __str__(self) -> str:
        # Nothing personal: the object's repr may reach a log.
        return "InsuredPerson"

    def save(self, *args, **kwargs):
        self.full_name_folded = fold(self.full_name)
        update_fields = with_fingerprints(InsuredPerson, kwargs.get("update_fields"))
        if update_fields is not None and "full_name" in update_fields:
            update_fields = {*update_fields, "full_name_folded"}
        kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
