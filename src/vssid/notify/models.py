"""The email and SMS outboxes: one row per message the service owes someone.

The row is written in the same transaction as the change that owes the email (a submitted
declaration), so the obligation commits or rolls back with it; a background job then delivers it,
and retries until the mail server takes it. The row, not the job, is the source of truth: a lost
job is re-created from it (`vssid notify retry-pending`).
"""
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from vssid.core.fields import EncryptedTextField


class OutboundEmail(models.Model):
    class Purpose(models.TextChoices):
        DECLARATION_SUBMITTED = "declaration_submitted", "Tờ khai đã gửi"
        ACCOUNT_ACTIVATED = "account_activated", "Tài khoản đã kích hoạt"
        PASSWORD_RESET_CODE = "password_reset_code", "Mã đặt lại mật khẩu"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Không gửi được"  # permanent: given up, see last_error
        SKIPPED = "skipped", "Không cần gửi nữa"  # e.g. a reset code superseded before it went out

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    to_address = EncryptedTextField(max_length=254, label="notify.outboundemail.to_address")
    # Subjects carry the reference code, never personal data.
    subject = models.CharField(max_length=255)
    language = models.CharField(max_length=8, default="vi")
    # A plain UUID, not a foreign key: notify stays usable for other senders, and purging a
    # declaration is never blocked by its email history.
    declaration_id = models.UUIDField(null=True, blank=True)
    # What the email is about when it is not (only) a declaration, e.g. a password reset request;
    # a plain UUID for the same reasons as declaration_id.
    reference_id = models.UUIDField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Earliest time a worker may try (again). While a worker is sending, it is pushed forward by a
    # lease, so a duplicate job finds the email "not due" and leaves it alone.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Exception class and SMTP code only ("SMTPRecipientsRefused 550"): exception messages can
    # contain the address, so they are never stored or logged.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_outbound_due_idx")]
        constraints = [
            # One "your tờ khai" email per declaration, however often the submission is retried.
            models.UniqueConstraint(
                fields=["purpose", "declaration_id"],
                condition=Q(declaration_id__isnull=False),
                name="notify_one_email_per_purpose_and_declaration",
            ),
            models.UniqueConstraint(
                fields=["purpose", "reference_id"],
                condition=Q(reference_id__isnull=False),
                name="notify_one_email_per_purpose_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"OutboundEmail {self.id} ({self.status})"


class OutboundSms(models.Model):
    """One SMS the service owes someone: the SMS outbox, kept like the email one (see services).

    Texts that carry a secret (the first password, a reset code) are never stored: ``body`` stays
    empty and the text is composed at send time (``sms_texts``), with a fresh secret generated in
    the same step; a failed attempt's secret is replaced by the next attempt's, so only the last
    one sent works and the plain secret never rests in the database. Other texts are stored, so a
    retry sends exactly what was owed.
    """

    class Purpose(models.TextChoices):
        DECLARATION_SUBMITTED = "declaration_submitted", "Tờ khai đã gửi"
        VISIT_REMINDER_7D = "visit_reminder_7d", "Nhắc đến cơ quan BHXH (còn 7 ngày)"
        VISIT_REMINDER_1D = "visit_reminder_1d", "Nhắc đến cơ quan BHXH (còn 1 ngày)"
        ACCOUNT_CREDENTIALS = "account_credentials", "Mật khẩu lần đầu"
        PASSWORD_RESET_CODE = "password_reset_code", "Mã đặt lại mật khẩu"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Không gửi được"  # permanent: given up, see last_error
        SKIPPED = "skipped", "Không cần gửi nữa"  # the account was used, the reset superseded…

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    to_number = EncryptedTextField(max_length=16, help_text="E.164, +84…", label="notify.outboundsms.to_number")
    # Empty for the purposes whose text carries a secret: composed at send time (see above).
    # Encrypted like the number: a reminder names the office and the day of the visit.
    body = EncryptedTextField(blank=True, label="notify.outboundsms.body")
    # What the SMS is about (a declaration, an account, a reset request): a plain UUID, not a
    # foreign key, for the same reasons as OutboundEmail.declaration_id.
    object_id = models.UUIDField()
    # purpose:object_id. Unique: however often the caller retries, one SMS is owed, once.
    dedupe_key = models.CharField(max_length=100, unique=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Earliest time a worker may try (again); pushed forward by a lease while a worker sends.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Exception class and HTTP status only ("SmsTemporaryError HTTP 503"): a provider's answer can
    # echo the number or the text, so it is never stored or logged.
    last_error = models.CharField(max_length=200, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_sms_due_idx")]

    def __str__(self) -> str:
        return f"OutboundSms {self.id} ({self.status})"
