"""Bulk work over the encrypted columns (core.fields), table by table in batches:

- ``encrypt_plaintext`` / ``decrypt_to_plaintext``: the data migrations that brought encryption
  to rows written before it (and take it away again when the migration is reversed);
- ``rewrap``: ``vssid keys rotate``, every data key re-sealed under the current key;
- ``refingerprint``: ``vssid keys refingerprint``, every fingerprint recomputed under the current
  fingerprint key from the decrypted values.

Rows are read and written with plain SQL, never through the fields: the point is to see and
change the stored tokens themselves, which the fields hide. Each batch is read by primary key
order after the last one and committed on its own, so an interrupted run is completed by running
it again; each function is idempotent and returns how many values it changed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps as global_apps
from django.db import connections, transaction

from . import crypto
from .fields import EncryptedTextField, FingerprintField, KeyHeaderField, fingerprint_fields

BATCH_SIZE = 1000

Change = Callable[[dict[str, str]], dict[str, str]]


def _columns_of(model, field_class) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, field_class)]


def rewrite_rows(model, fields: list, change: Change, *, batch_size: int = BATCH_SIZE, using: str = "default") -> int:
    """Call ``change`` with every row's stored values of ``fields`` ({column: value}); write the
    values it returns. Returns how many values were written."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    names = [f.column for f in fields]
    select = f"SELECT {pk}, {', '.join(quote(n) for n in names)} FROM {table}"
    written, last = 0, None
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            where = f" WHERE {pk} > %s" if last is not None else ""
            cursor.execute(f"{select}{where} ORDER BY {pk} LIMIT {int(batch_size)}", [] if last is None else [last])
            rows = cursor.fetchall()
            # One executemany per set of changed columns: PostgreSQL pipelines it.
            updates: dict[tuple[str, ...], list[list]] = {}
            for row in rows:
                changes = change({name: value for name, value in zip(names, row[1:])})
                if changes:
                    updates.setdefault(tuple(changes), []).append([*changes.values(), row[0]])
                    written += len(changes)
            for columns, parameters in updates.items():
                assignments = ", ".join(f"{quote(name)} = %s" for name in columns)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", parameters)
        if len(rows) < batch_size:
            return written
        last = rows[-1][0]


def _plain(field, stored: str | None) -> str:
    """A stored value as text: decrypted when the column is encrypted."""
    if isinstance(field, EncryptedTextField) and stored:
        return crypto.decrypt(stored, label=field.label)
    return stored or ""


def encrypt_plaintext(model, *, batch_size: int = BATCH_SIZE, using: str = "default") -> int:
    """Encrypt the values still stored as plain text, and fill the fingerprints from them."""
    encrypted = _columns_of(model, EncryptedTextField)
    by_name = {f.name: f for f in model._meta.concrete_fields}
    fingerprints = fingerprint_fields(model)
    fields = encrypted + fingerprints + [by_name[f.source] for f in fingerprints if by_name[f.source] not in encrypted]

    def change(row):
        changes, plain = {}, {}
        for field in encrypted:
            value = row[field.column]
            if value and not crypto.is_token(value):
                changes[field.column] = crypto.encrypt(value, label=field.label)
                plain[field.name] = value
        for fingerprint in fingerprints:
            source = by_name[fingerprint.source]
            value = plain.get(source.name)
            if value is None:
                value = _plain(source, row[source.column])
            new = crypto.fingerprint(fingerprint.kind, value)
            if new != row[fingerprint.column]:
                changes[fingerprint.column] = new
        return changes

    return rewrite_rows(model, fields, change, batch_size=batch_size, using=using)


def decrypt_to_plaintext(model, *, batch_size: int = BATCH_SIZE, using: str = "default") -> int:
    encrypted = _columns_of(model, EncryptedTextField)

    def change(row):
        return {f.column: _plain(f, row[f.column]) for f in encrypted
                if row[f.column] and crypto.is_token(row[f.column])}

    return rewrite_rows(model, encrypted, change, batch_size=batch_size, using=using)


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


def encryption_migration(app_label: str, model_name: str):
    """A RunPython operation: encrypt a model's plaintext rows forward, decrypt them backward."""
    from django.db import migrations

    def forward(apps, schema_editor):
        encrypt_plaintext(apps.get_model(app_label, model_name), using=schema_editor.connection.alias)

    def backward(apps, schema_editor):
        decrypt_to_plaintext(apps.get_model(app_label, model_name), using=schema_editor.connection.alias)

    return migrations.RunPython(forward, backward, elidable=False)
