"""The operations of the migrations that encrypted existing columns (docs/encryption.md).

Used by migrations: change only compatibly. A fresh database runs every migration with today's
code, so what these build and do must stay what they built and did when the migrations were
written. That is why the rows are converted with plain SQL and the public functions of core.crypto
(``encrypt``, ``decrypt``, ``is_token``, ``fingerprint``) only, never through a model or a field:
the columns to convert are declared in the migration itself, not read from today's models. (The
schema operations name core.fields' classes, as any migration of such a field does.)

A migration declares a model's columns once, and gets the schema changes and the data change::

    operations = EncryptColumns("registry", "insuredperson",
        Encrypted("id_number", max_length=20, blank=True, fingerprint="id_number"), ...).operations()

Each batch of rows is read in primary-key order after the last one and committed on its own, so an
interrupted run is completed by running it again; converting is idempotent both ways.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, migrations, transaction

from . import crypto
from .fields import EncryptedTextField, FingerprintField

BATCH_SIZE = 1000

Change = Callable[[dict[str, str]], dict[str, str]]


def rewrite_rows(table: str, pk: str, columns: list[str], change: Change, *,
                 batch_size: int = BATCH_SIZE, using: str = "default") -> int:
    """Call ``change`` with every row's stored values of ``columns`` ({column: value}) and write
    the values it returns. Returns how many values were written."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk = quote(table), quote(pk)
    select = f"SELECT {pk}, {', '.join(quote(column) for column in columns)} FROM {table}"
    written, last = 0, None
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            where = f" WHERE {pk} > %s" if last is not None else ""
            cursor.execute(f"{select}{where} ORDER BY {pk} LIMIT {int(batch_size)}", [] if last is None else [last])
            rows = cursor.fetchall()
            # One executemany per set of changed columns: PostgreSQL pipelines it.
            updates: dict[tuple[str, ...], list[list]] = {}
            for row in rows:
                changes = change(dict(zip(columns, row[1:])))
                if changes:
                    updates.setdefault(tuple(changes), []).append([*changes.values(), row[0]])
                    written += len(changes)
            for changed, parameters in updates.items():
                assignments = ", ".join(f"{quote(column)} = %s" for column in changed)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", parameters)
        if len(rows) < batch_size:
            return written
        last = rows[-1][0]


@dataclass(frozen=True)
class Encrypted:
    """A text column that becomes an EncryptedTextField (its arguments as the model has them); the
    field's name is its column's. ``fingerprint``, an identifier kind of core.crypto, adds the
    column ``<name>_fingerprint``."""

    name: str
    max_length: int | None = None
    blank: bool = False
    help_text: str = ""
    fingerprint: str = ""
    fingerprint_indexed: bool = False

    @property
    def fingerprint_column(self) -> str:
        return f"{self.name}_fingerprint"


class EncryptColumns:
    """Some columns of one model encrypted: the fingerprint columns added, the columns altered, and
    the rows written before converted (forward: encrypted and fingerprinted; backward: decrypted)."""

    def __init__(self, app_label: str, model_name: str, *columns: Encrypted):
        self.app_label, self.model_name, self.columns = app_label, model_name, columns

    def label(self, column: Encrypted) -> str:
        return f"{self.app_label}.{self.model_name}.{column.name}"

    def operations(self) -> list:
        added = [
            migrations.AddField(model_name=self.model_name, name=column.fingerprint_column,
                                field=FingerprintField(source=column.name, kind=column.fingerprint,
                                                       db_index=column.fingerprint_indexed))
            for column in self.columns if column.fingerprint
        ]
        altered = [
            migrations.AlterField(model_name=self.model_name, name=column.name,
                                  field=EncryptedTextField(label=self.label(column), max_length=column.max_length,
                                                           blank=column.blank, help_text=column.help_text))
            for column in self.columns
        ]
        return [*added, *altered, migrations.RunPython(self._forward, self._backward, elidable=False)]

    def encrypt_rows(self, apps, *, using: str = "default", batch_size: int = BATCH_SIZE) -> int:
        """Encrypt the values still stored plain and fill their fingerprints; how many values changed."""
        fingerprinted = [column for column in self.columns if column.fingerprint]

        def change(row):
            changes, plain = {}, {}
            for column in self.columns:
                value = row[column.name]
                if value and not crypto.is_token(value):
                    changes[column.name] = crypto.encrypt(value, label=self.label(column))
                    plain[column.name] = value
            for column in fingerprinted:
                value = plain.get(column.name)
                if value is None:  # encrypted before: opened only when a fingerprint needs it
                    stored = row[column.name]
                    value = crypto.decrypt(stored, label=self.label(column)) if stored else ""
                new = crypto.fingerprint(column.fingerprint, value)
                if new != row[column.fingerprint_column]:
                    changes[column.fingerprint_column] = new
            return changes

        names = [column.name for column in self.columns] + [column.fingerprint_column for column in fingerprinted]
        return self._rewrite(apps, names, change, using=using, batch_size=batch_size)

    def decrypt_rows(self, apps, *, using: str = "default", batch_size: int = BATCH_SIZE) -> int:
        """Put the plain values back (the way back of ``encrypt_rows``); how many values changed."""

        def change(row):
            return {column.name: crypto.decrypt(row[column.name], label=self.label(column)) for column in self.columns
                    if row[column.name] and crypto.is_token(row[column.name])}

        return self._rewrite(apps, [column.name for column in self.columns], change, using=using, batch_size=batch_size)

    def _rewrite(self, apps, names: list[str], change: Change, *, using: str, batch_size: int) -> int:
        # The table and key as the migration state has them at this point, not as today's model does.
        meta = apps.get_model(self.app_label, self.model_name)._meta
        return rewrite_rows(meta.db_table, meta.pk.column, names, change, using=using, batch_size=batch_size)

    def _forward(self, apps, schema_editor):
        self.encrypt_rows(apps, using=schema_editor.connection.alias)

    def _backward(self, apps, schema_editor):
        self.decrypt_rows(apps, using=schema_editor.connection.alias)
