"""Citizen accounts: the VssID login an approved declaration opens.

Citizens are not Django auth users: officers are (vssid.desk), and keeping the two apart means no
permission, staff flag or admin login can ever be reached with a citizen's password. The username is
the mã số BHXH (domain.md §1); the registered data stays on the activating declaration, which the
account points to, so a correction made at the desk is what the account page shows.
"""
import uuid

from django.db import models
from django.utils import timezone

from vssid.core import crypto
from vssid.core.fields import EncryptedTextField, FingerprintField, with_fingerprints


class CitizenAccount(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Mã số BHXH: the login name, one account per insured person. Encrypted at rest: the login finds
    # the account, and the database keeps it unique, through the fingerprint.
    username = EncryptedTextField(max_length=10, label="accounts.citizenaccount.username")
    username_fingerprint = FingerprintField(source="username", kind=crypto.SOCIAL_INSURANCE_NUMBER, unique=True)
    declaration = models.OneToOneField(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="citizen_account"
    )
    # Django's hash format (Argon2 first, settings.PASSWORD_HASHERS). Unusable ("!…") from
    # activation until the credentials SMS is sent: the one-time password is generated then.
    password = models.CharField(max_length=128)
    must_change_password = models.BooleanField(default=True)

    # Lockout (services.log_in): consecutive wrong passwords, forgotten a day after the last one.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_login_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"CitizenAccount {self.id}"

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = with_fingerprints(CitizenAccount, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def mobile_phone(self) -> str:
        return self.declaration.mobile_phone

    @property
    def email(self) -> str:
        return self.declaration.email

    def password_identifiers(self) -> list[str]:
        """What a password must not contain (``password_validation.PersonalNumberValidator``)."""
        declaration = self.declaration
        phone = declaration.mobile_phone or ""
        national_phone = "0" + phone[3:] if phone.startswith("+84") else phone
        return [value for value in (self.username, declaration.id_document_number, national_phone) if value]


class PasswordReset(models.Model):
    """One "forgot my password" request, answered with a 6-digit code by SMS or email.

    The code is generated when its message is sent (``services.issue_reset_code``) and only its
    keyed hash is kept. A newer request supersedes older ones; a code lives 10 minutes and allows
    5 tries.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="password_resets")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # HMAC-SHA256 (keyed with SECRET_KEY) of the request id and the code: a slow hash adds nothing to
    # a million possible codes, the key is what keeps a database copy from revealing a live one.
    code_hash = models.CharField(max_length=64, blank=True)
    code_issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="accounts_reset_account_idx")]

    def __str__(self) -> str:
        return f"PasswordReset {self.id}"
