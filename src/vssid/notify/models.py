"""The email outbox: one row per email the service owes someone.

The row is written in the same transaction as the change that owes the email (a submitted
declaration), so the obligation commits or rolls back with it; a background job then delivers it,
and retries until the mail server takes it. The row, not the job, is the source of truth: a lost
job is re-created from it (`vssid notify retry-pending`).
"""
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmail(models.Model):
    class Purpose(models.TextChoices):
        DECLARATION_SUBMITTED = "declaration_submitted", "Tờ khai đã gửi"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Không gửi được"  # permanent: given up, see last_error

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    to_address = models.EmailField(max_length=254)
    # Subjects carry the reference code, never personal data.
    subject = models.CharField(max_length=255)
    language = models.CharField(max_length=8, default="vi")
    # A plain UUID, not a foreign key: notify stays usable for other senders, and purging a
    # declaration is never blocked by its email history.
    declaration_id = models.UUIDField(null=True, blank=True)

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
        ]

    def __str__(self) -> str:
        return f"OutboundEmail {self.id} ({self.status})"
