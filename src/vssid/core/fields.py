"""Model fields for personal data at rest (the rules are in core.crypto; docs/encryption.md).

- ``EncryptedTextField``: the value is encrypted on its way to the database and decrypted on its
  way back; "" and NULL stay as they are, so blank fields keep working. Only ``= ''`` and
  ``IS NULL`` can be asked of it: any other comparison would silently match nothing (each
  encryption is different), so it is refused and the fingerprint column is what to filter on.
- ``FingerprintField``: the keyed fingerprint of another field of the same row, recomputed from
  that field whenever the row is saved (``save()``, ``bulk_create``), so it can never drift from
  the value. Models extend ``save(update_fields=…)`` with ``with_fingerprints`` and bulk updates
  call ``fill_fingerprints`` first.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull

from . import crypto


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.output_field.label} is encrypted: filter on its fingerprint (core.fields.match)")
        return self.rhs

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (AES-256-GCM, envelope)"

    def __init__(self, *args, label: str, **kwargs):
        self.label = label  # associated data: binds the ciphertext to this column
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["label"] = self.label
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value, label=self.label)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value, label=self.label)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def formfield(self, **kwargs):
        # A one-line input, like the CharField it replaces; never a textarea.
        return forms.CharField(max_length=self.max_length, required=not self.blank, label=self.verbose_name,
                               **{k: v for k, v in kwargs.items() if k not in ("widget", "form_class")})


class FingerprintField(models.CharField):
    description = "Keyed fingerprint (HMAC-SHA256) of another field's normalised value"

    def __init__(self, *args, source: str, kind: str, **kwargs):
        if kind not in crypto.KINDS:
            raise ValueError(f"unknown identifier kind {kind!r}")
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.fingerprint(self.kind, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def fingerprint_fields(model) -> list[FingerprintField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, FingerprintField)]


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def with_fingerprints(model, update_fields):
    """``update_fields`` plus the fingerprints of the fields in it (for ``Model.save``)."""
    if update_fields is None:
        return None
    names = set(update_fields)
    return names | {f.name for f in fingerprint_fields(model) if f.source in names}


def fill_fingerprints(instance) -> None:
    """Compute every fingerprint of an unsaved row (bulk updates do not call ``pre_save``)."""
    for field in fingerprint_fields(type(instance)):
        field.pre_save(instance, add=False)


def _fingerprint_field_of(model, field_name: str) -> FingerprintField:
    for field in fingerprint_fields(model):
        if field.source == field_name:
            return field
    raise FieldError(f"{model.__name__}.{field_name} has no fingerprint")


def fingerprint_of(model, field_name: str, value: str | None) -> str:
    """What ``model``'s fingerprint column of ``field_name`` holds for ``value``."""
    return crypto.fingerprint(_fingerprint_field_of(model, field_name).kind, value)


def match(model, field_name: str, value: str | None, *, prefix: str = "") -> Q:
    """The condition "``field_name`` equals ``value``" asked of its fingerprint column.
    ``prefix`` reaches the model through a relation ("declaration__")."""
    field = _fingerprint_field_of(model, field_name)
    return Q(**{f"{prefix}{field.name}": crypto.fingerprint(field.kind, value)})


class KeyHeaderField(models.CharField):
    """The sealed data key (``crypto.seal_data_key``) of bytes kept elsewhere, e.g. a photo's file;
    "" for bytes stored before encryption. ``vssid keys rotate`` re-seals it."""

    description = "Data key sealed under a key-encryption key"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def key_header_fields(model) -> list[KeyHeaderField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, KeyHeaderField)]
