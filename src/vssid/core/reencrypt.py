"""Bulk work over the encrypted columns (core.fields), table by table in batches:

- ``rewrap``: ``vssid keys rotate``, every data key re-sealed under the current key;
- ``refingerprint``: ``vssid keys refingerprint``, every fingerprint recomputed under the current
  fingerprint key from the decrypted values.

Rows are read and written with plain SQL (``migration_ops.rewrite_rows``, which the migrations that
encrypted rows written before use too), never through the fields: the point is to see and change
the stored tokens themselves, which the fields hide. Each function is idempotent, so an
interrupted run is completed by running it again, and returns how many values it changed.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps

from . import crypto, migration_ops
from .fields import EncryptedTextField, FingerprintField, KeyHeaderField, fingerprint_fields

BATCH_SIZE = migration_ops.BATCH_SIZE

Change = migration_ops.Change


def _columns_of(model, field_class) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, field_class)]


def rewrite_rows(model, fields: list, change: Change, *, batch_size: int = BATCH_SIZE) -> int:
    """``migration_ops.rewrite_rows`` over a model's table and the columns of ``fields``."""
    return migration_ops.rewrite_rows(model._meta.db_table, model._meta.pk.column, [f.column for f in fields],
                                      change, batch_size=batch_size)


def _plain(field, stored: str | None) -> str:
    """A stored value as text: decrypted when the column is encrypted."""
    if isinstance(field, EncryptedTextField) and stored:
        return crypto.decrypt(stored, label=field.label)
    return stored or ""


def rewrap(model, *, batch_size: int = BATCH_SIZE) -> int:
    """Re-seal every data key of the model under the current key-encryption key."""
    fields = _columns_of(model, EncryptedTextField) + _columns_of(model, KeyHeaderField)

    def change(row):
        changes = {}
        for field in fields:
            value = row[field.column]
            if value and not crypto.is_current(value):
                changes[field.column] = (crypto.rewrap_header(value) if isinstance(field, KeyHeaderField)
                                         else crypto.rewrap(value))
        return changes

    return rewrite_rows(model, fields, change, batch_size=batch_size) if fields else 0


def refingerprint(model, *, batch_size: int = BATCH_SIZE) -> int:
    """Recompute every fingerprint of the model from its (decrypted) source value."""
    fingerprints = fingerprint_fields(model)
    if not fingerprints:
        return 0
    by_name = {f.name: f for f in model._meta.concrete_fields}
    sources = list({f.source: by_name[f.source] for f in fingerprints}.values())

    def change(row):
        changes = {}
        for fingerprint in fingerprints:
            source = by_name[fingerprint.source]
            new = crypto.fingerprint(fingerprint.kind, _plain(source, row[source.column]))
            if new != row[fingerprint.column]:
                changes[fingerprint.column] = new
        return changes

    return rewrite_rows(model, fingerprints + sources, change, batch_size=batch_size)


def models_with_encrypted_data(apps=global_apps) -> Iterable:
    for model in apps.get_models():
        if any(isinstance(f, (EncryptedTextField, FingerprintField, KeyHeaderField))
               for f in model._meta.concrete_fields):
            yield model
