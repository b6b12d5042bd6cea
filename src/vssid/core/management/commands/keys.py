"""`vssid keys`: the keys of personal data at rest (docs/encryption.md has the rotation procedure).

    vssid keys generate [--id 2026a]   a new VSSID_DATA_KEYS entry and a new VSSID_FINGERPRINT_KEY
    vssid keys rotate                  re-seal every data key under the current (first) key
    vssid keys refingerprint           recompute every fingerprint under VSSID_FINGERPRINT_KEY

Counts only are printed, never a value.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vssid.core import crypto, reencrypt
from vssid.core.fields import fingerprint_fields


class Command(BaseCommand):
    help = "Keys of the personal data at rest: generate, rotate, refingerprint."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        generate = actions.add_parser("generate", help="Print a new data key line and a new fingerprint key.")
        generate.add_argument("--id", dest="key_id", help="The new key's id (default: today's date, e.g. 20261125).")
        for name, text in (("rotate", "Re-seal every data key (and encrypt older plain photos) under the current key."),
                           ("refingerprint", "Recompute every fingerprint under the current fingerprint key.")):
            action = actions.add_parser(name, help=text)
            action.add_argument("--batch-size", type=int, default=reencrypt.BATCH_SIZE)

    def handle(self, *args, action, **options):
        if action == "generate":
            key_id = options["key_id"] or timezone.localdate().strftime("%Y%m%d")
            try:
                line = crypto.generate_key_line(key_id)
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"VSSID_DATA_KEYS entry (put it first; keep the older ones after it):\n{line}\n"
                              f"VSSID_FINGERPRINT_KEY (only for a new installation or a fingerprint-key change):\n"
                              f"{crypto.generate_fingerprint_key()}")
            return
        batch_size = options["batch_size"]
        try:
            if action == "rotate":
                self._rotate(batch_size)
            else:
                self._refingerprint(batch_size)
        except crypto.DecryptionError as error:
            raise CommandError(f"{error}. Nothing after this batch was changed; fix the keys and run it again.") from None

    def _rotate(self, batch_size: int):
        from vssid.photos.services import encrypt_plain_photos

        current = crypto.keyring().current_id
        for model in reencrypt.models_with_encrypted_data():
            count = reencrypt.rewrap(model, batch_size=batch_size)
            self.stdout.write(f"{model._meta.label}: {count} value(s) re-sealed under {current!r}")
        self.stdout.write(f"photos.Photo: {encrypt_plain_photos()} photo(s) stored before encryption encrypted")

    def _refingerprint(self, batch_size: int):
        for model in reencrypt.models_with_encrypted_data():
            count = reencrypt.refingerprint(model, batch_size=batch_size)
            if fingerprint_fields(model):
                self.stdout.write(f"{model._meta.label}: {count} fingerprint(s) recomputed")
