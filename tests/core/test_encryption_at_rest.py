"""Personal data at rest: what the database and the storage hold, key rotation end to end, the
fingerprints, and the encryption of rows written before it (docs/encryption.md)."""
import base64
import io
import os
from datetime import date
from importlib import import_module

import pytest
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.support import images
from vssid.accounts.models import CitizenAccount
from vssid.accounts.services import find_account
from vssid.core import crypto
from vssid.declarations.models import Declaration
from vssid.notify.models import OutboundSms
from vssid.photos.models import Photo
from vssid.photos.selectors import open_photo
from vssid.photos.services import store_photo
from vssid.registry import selectors as registry
from vssid.registry.models import InsuredPerson

pytestmark = pytest.mark.django_db

ID_NUMBER, PHONE, EMAIL, STREET, NUMBER = "001190012345", "+84912345678", "binh.tran@example.vn", "12 Hàng Bài", "0123456789"


def key_line(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


KEY_A, KEY_B = key_line("a"), key_line("b")


@pytest.fixture
def under_key_a(settings):
    settings.VSSID_DATA_KEYS = [KEY_A]
    return settings


def make_declaration(**values) -> Declaration:
    return Declaration.objects.create(**{
        "full_name": "Trần Thị Bình", "social_insurance_number": NUMBER, "id_document_type": "cccd",
        "id_document_number": ID_NUMBER, "mobile_phone": PHONE, "email": EMAIL, "address_street": STREET,
        **values,
    })


def raw_row(model, pk) -> str:
    table, pk_column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {pk_column} = %s", [model._meta.pk.get_db_prep_value(pk, connection)])
        return repr(cursor.fetchone())


def stored_bytes(photo: Photo) -> bytes:
    with storages["private"].open(photo.storage_name, "rb") as file:
        return file.read()


def test_the_database_holds_no_identifier_contact_or_address_in_clear():
    declaration = make_declaration()
    CitizenAccount.objects.create(username=NUMBER, declaration=declaration, password="!")

    row = raw_row(Declaration, declaration.pk) + raw_row(CitizenAccount, declaration.citizen_account.pk)
    for secret in (ID_NUMBER, PHONE[3:], EMAIL, "binh.tran", "Hàng Bài", NUMBER):
        assert secret not in row
    assert "Trần Thị Bình" in row  # names stay plain, by design
    declaration = Declaration.objects.get(pk=declaration.pk)
    assert (declaration.id_document_number, declaration.mobile_phone, declaration.email,
            declaration.address_street, declaration.social_insurance_number) == (ID_NUMBER, PHONE, EMAIL, STREET, NUMBER)


def test_the_registry_and_the_outbox_hold_no_number_in_clear(demo_people):
    sms = OutboundSms.objects.create(purpose="declaration_submitted", to_number=PHONE, body="BHXH: mã hồ sơ",
                                     object_id=Declaration.objects.create().pk, dedupe_key="x")

    assert ID_NUMBER not in raw_row(InsuredPerson, NUMBER) and PHONE[3:] not in raw_row(InsuredPerson, NUMBER)
    assert PHONE[3:] not in raw_row(OutboundSms, sms.pk) and "mã hồ sơ" not in raw_row(OutboundSms, sms.pk)
    assert InsuredPerson.objects.get(pk=NUMBER).id_number == ID_NUMBER


def test_a_stored_photo_is_neither_a_jpeg_nor_the_picture():
    jpeg = images.make_portrait_jpeg()
    photo = store_photo(jpeg, "portrait")
    stored = stored_bytes(photo)

    assert not stored.startswith(b"\xff\xd8") and jpeg[200:232] not in stored
    with open_photo(photo) as file:
        opened = file.read()
    assert opened.startswith(b"\xff\xd8") and len(opened) == photo.byte_size


def test_a_photo_file_put_in_another_photos_place_is_refused():
    first, second = store_photo(images.make_card_jpeg(seed=1), "id_front"), store_photo(images.make_card_jpeg(seed=2), "id_back")
    second.data_key = first.data_key  # the row now claims the other photo's key and file
    second.storage_name = first.storage_name

    with pytest.raises(crypto.DecryptionError):
        open_photo(second)


def test_encrypted_columns_cannot_be_compared_only_fingerprinted():
    make_declaration()

    with pytest.raises(FieldError, match="fingerprint"):
        Declaration.objects.filter(mobile_phone=PHONE).exists()
    with pytest.raises(FieldError):
        Declaration.objects.filter(email__icontains="binh").exists()
    assert Declaration.objects.exclude(email="").count() == 1  # "" and NULL still work
    assert Declaration.objects.filter(mobile_phone_fingerprint=crypto.fingerprint(crypto.PHONE, "0912 345 678")).count() == 1


def test_fingerprints_follow_every_save_of_their_value():
    declaration = make_declaration()
    declaration.mobile_phone = "+84987654321"
    declaration.save(update_fields=["mobile_phone"])

    declaration.refresh_from_db()
    assert declaration.mobile_phone_fingerprint == crypto.fingerprint(crypto.PHONE, "0987 654 321")


def everything_reads(declaration_pk, photo_pk, jpeg: bytes):
    declaration = Declaration.objects.get(pk=declaration_pk)
    assert (declaration.id_document_number, declaration.mobile_phone, declaration.email) == (ID_NUMBER, PHONE, EMAIL)
    assert find_account(ID_NUMBER).declaration_id == declaration_pk
    assert find_account(NUMBER).username == NUMBER
    with open_photo(Photo.objects.get(pk=photo_pk)) as file:
        assert file.read() == jpeg
    person = registry.lookup(registry.LookupQuery("01", "Trần Thị Bình", date(1990, 3, 15), ID_NUMBER))
    assert person.social_insurance_number == NUMBER


def make_citizen_with_photo() -> tuple[Declaration, Photo, bytes]:
    """A declaration, its account and a stored portrait (with the JPEG it opens to)."""
    declaration = make_declaration()
    CitizenAccount.objects.create(username=NUMBER, declaration=declaration, password="!")
    photo = store_photo(images.make_portrait_jpeg(), "portrait")
    with open_photo(photo) as file:
        return declaration, photo, file.read()


def test_rotation_re_seals_everything_under_the_new_key(under_key_a, demo_people, capsys):
    declaration, photo, jpeg = make_citizen_with_photo()
    blob_before = stored_bytes(photo)

    # Step 1: the new key goes first, the old one stays to open what it sealed.
    under_key_a.VSSID_DATA_KEYS = [KEY_B, KEY_A]
    everything_reads(declaration.pk, photo.pk, jpeg)
    call_command("keys", "rotate")
    printed = capsys.readouterr().out
    assert "declarations.Declaration: 5 value(s) re-sealed under 'b'" in printed
    assert "photos.Photo: 1 value(s)" in printed and "registry.InsuredPerson: " in printed
    for secret in (ID_NUMBER, PHONE, EMAIL, NUMBER):
        assert secret not in printed
    assert stored_bytes(Photo.objects.get(pk=photo.pk)) == blob_before  # only its key was re-sealed

    # Idempotent: a second run has nothing left to do.
    call_command("keys", "rotate")
    counts = [line.split(": ")[1].split()[0] for line in capsys.readouterr().out.splitlines()]
    assert len(counts) > 5 and set(counts) == {"0"}

    # Step 2: the old key removed; everything still reads.
    under_key_a.VSSID_DATA_KEYS = [KEY_B]
    everything_reads(declaration.pk, photo.pk, jpeg)

    # Only the old key: a clear refusal naming the missing key, never a value.
    under_key_a.VSSID_DATA_KEYS = [KEY_A]
    with pytest.raises(crypto.UnknownKeyError, match="'b' is not configured in VSSID_DATA_KEYS") as refused:
        Declaration.objects.get(pk=declaration.pk)
    assert ID_NUMBER not in str(refused.value)
    with pytest.raises(crypto.UnknownKeyError):
        open_photo(Photo.objects.get(pk=photo.pk))


def test_refingerprinting_after_a_fingerprint_key_change_restores_every_look_up(settings, demo_people, capsys):
    declaration, photo, jpeg = make_citizen_with_photo()

    settings.VSSID_FINGERPRINT_KEY = crypto.generate_fingerprint_key()
    assert find_account(NUMBER) is None  # the stored fingerprints are of the old key
    call_command("keys", "refingerprint")

    assert "declarations.Declaration: 3 fingerprint(s) recomputed" in capsys.readouterr().out
    everything_reads(declaration.pk, photo.pk, jpeg)


def test_rows_written_before_encryption_are_encrypted_and_fingerprinted(demo_people):
    declarations = [make_declaration() for _ in range(3)]  # more than one batch of 2
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # as the rows were before the migration
        cursor.execute(
            f"UPDATE {quote(Declaration._meta.db_table)} SET id_document_number = %s, mobile_phone = %s, email = %s,"
            " address_street = %s, social_insurance_number = %s, id_document_number_fingerprint = '',"
            " mobile_phone_fingerprint = '', social_insurance_number_fingerprint = ''",
            [ID_NUMBER, PHONE, EMAIL, STREET, NUMBER])

    # What the migration that encrypted the declarations runs, as it declares it.
    encrypt_columns = import_module("vssid.declarations.migrations.0004_encrypt_personal_data").COLUMNS
    assert encrypt_columns.encrypt_rows(apps, batch_size=2) == 3 * 8
    assert encrypt_columns.encrypt_rows(apps) == 0  # idempotent

    for declaration in declarations:
        assert ID_NUMBER not in raw_row(Declaration, declaration.pk)
        assert Declaration.objects.get(pk=declaration.pk).address_street == STREET
    assert Declaration.objects.filter(mobile_phone_fingerprint=crypto.fingerprint(crypto.PHONE, PHONE)).count() == 3
    # The migration's way back.
    assert encrypt_columns.decrypt_rows(apps, batch_size=2) == 3 * 5
    assert all(ID_NUMBER in raw_row(Declaration, declaration.pk) for declaration in declarations)


def test_photos_stored_before_encryption_read_plain_until_rotation_encrypts_them(django_capture_on_commit_callbacks):
    jpeg = images.make_card_jpeg(seed=7)
    storage = storages["private"]
    old_name = storage.save("photos/legacy.jpg", ContentFile(jpeg))
    photo = Photo.objects.create(kind="id_front", storage_name=old_name, width=1600, height=1000, byte_size=len(jpeg),
                                 sha256="0" * 64, dhash="0" * 16, dhash256="0" * 64)
    with open_photo(photo) as file:
        assert file.read() == jpeg

    with django_capture_on_commit_callbacks(execute=True):
        call_command("keys", "rotate", stdout=io.StringIO())

    photo.refresh_from_db()
    assert photo.data_key and photo.storage_name != old_name and not storage.exists(old_name)
    assert not stored_bytes(photo).startswith(b"\xff\xd8")
    with open_photo(photo) as file:
        assert file.read() == jpeg


def test_keys_generate_prints_lines_the_settings_accept(settings):
    out = io.StringIO()
    call_command("keys", "generate", "--id", "2026a", stdout=out)
    lines = out.getvalue().splitlines()

    settings.VSSID_DATA_KEYS = [lines[1]]
    settings.VSSID_FINGERPRINT_KEY = lines[3]
    assert crypto.keyring().current_id == "2026a"
