"""The office desk: officers, their decisions on declarations, reminders, and the audit log.

Officers are Django users with an OfficerProfile: one office and a role. Who may see what is
decided in one place, permissions.py.
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from vssid.core.fields import EncryptedTextField


class OfficerProfile(models.Model):
    class Role(models.TextChoices):
        OFFICER = "officer", "Cán bộ tiếp nhận"
        SUPERVISOR = "supervisor", "Giám sát (cả tỉnh/thành phố)"
        ADMINISTRATOR = "administrator", "Quản trị"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    # Lockout (5 wrong passwords → 15 minutes), kept on the row rather than in a cache: it survives
    # restarts, every web process sees it, and an administrator can see and lift it.
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"OfficerProfile {self.user_id} ({self.role})"

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class AppendOnlyError(Exception):
    """The audit log is append-only: an event is never changed nor deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


# Free text in the log is limited to codes ("kind:reference", "reason:document_mismatch"): no
# sentence, no number, nothing a person typed can be stored there.
DETAIL_PATTERN = re.compile(r"[a-z0-9_:,=.-]{0,200}")


class AuditEvent(models.Model):
    """Who did what to which declaration, from where, when. Append-only.

    Enforced three times: ``save`` refuses to update a stored event, ``delete`` and the queryset's
    bulk ``update``/``delete`` refuse, and on PostgreSQL a trigger (migration 0002) raises on any
    UPDATE or DELETE of the table, so not even raw SQL from the application's role changes history.
    SQLite has no such guard beyond the Python one; production runs PostgreSQL.

    Identities are copied, not linked: the log outlives accounts, offices and declarations, and
    deleting any of them must neither be blocked by it nor erase it.
    """

    class Action(models.TextChoices):
        LOGIN = "login", "Đăng nhập"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai mật khẩu"
        LOCKED_OUT = "locked_out", "Tạm khóa sau nhiều lần sai mật khẩu"
        LOGOUT = "logout", "Đăng xuất"
        REAUTHENTICATE = "reauthenticate", "Xác thực lại"
        VIEW_QUEUE = "view_queue", "Xem danh sách chờ"
        VIEW_DECLARATION = "view_declaration", "Xem tờ khai"
        VIEW_PHOTO = "view_photo", "Xem ảnh"
        SEARCH = "search", "Tìm kiếm"
        APPROVE = "approve", "Duyệt"
        REJECT = "reject", "Từ chối"
        ACCESS_REFUSED = "access_refused", "Truy cập bị từ chối"
        ASSISTED_CREATE = "assisted_create", "Kê khai hộ tại quầy"
        OFFICER_CREATED = "officer_created", "Tạo tài khoản cán bộ"
        OFFICER_UNLOCKED = "officer_unlocked", "Mở khóa tài khoản cán bộ"
        # By the scheduled jobs (no officer):
        EXPIRE = "expire", "Hết hạn (tự động)"
        PHOTOS_PURGED = "photos_purged", "Xóa ảnh hết thời hạn lưu (tự động)"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.IntegerField(null=True, blank=True)  # None: the system (a scheduled job, a command)
    username = models.CharField(max_length=150, blank=True)
    office_code = models.CharField(max_length=20, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    declaration_id = models.UUIDField(null=True, blank=True, db_index=True)
    client_address = models.CharField(max_length=45, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"AuditEvent {self.pk} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        if not DETAIL_PATTERN.fullmatch(self.detail):
            raise ValidationError("audit detail holds codes only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class Decision(models.Model):
    """The office's final word on a declaration: approved (the account is activated) or rejected."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Đã duyệt"
        REJECTED = "rejected", "Từ chối"

    class Reason(models.TextChoices):
        # Mẫu 01/TB-GDĐT states why a registration is not accepted; these are the usual causes.
        DOCUMENT_NOT_PRESENTED = "document_not_presented", "Không xuất trình bản gốc giấy tờ tùy thân"
        DOCUMENT_MISMATCH = "document_mismatch", "Thông tin trên tờ khai không khớp với giấy tờ tùy thân"
        PERSON_MISMATCH = "person_mismatch", "Người đến làm thủ tục không phải người kê khai"
        REGISTRY_MISMATCH = "registry_mismatch", "Thông tin không khớp với cơ sở dữ liệu BHXH"
        DUPLICATE = "duplicate", "Đã có tài khoản giao dịch điện tử hoặc tờ khai khác đang chờ"
        PHOTO_UNUSABLE = "photo_unusable", "Ảnh không rõ hoặc không đúng người, đúng giấy tờ"
        OTHER = "other", "Lý do khác"

    # One decision per declaration, enforced by the database: a second one cannot exist.
    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # Approval: the officer saw the original ID document and the person in front of them.
    document_checked = models.BooleanField(default=False)
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    # Written for the citizen (it goes into the notice, form 01/TB-GDĐT); never copied to the audit log.
    reason_text = models.TextField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="approved", document_checked=True)
                | models.Q(outcome="rejected", reason__gt=""),
                name="desk_decision_approved_checked_or_rejected_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} {self.outcome}"


class Correction(models.Model):
    """A typo corrected at approval against the original document: both values are kept."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=30)
    # Dates as YYYY-MM-DD. Encrypted at rest: an ID number may be among them.
    declared_value = EncryptedTextField(max_length=200, label="desk.correction.declared_value")
    corrected_value = EncryptedTextField(max_length=200, label="desk.correction.corrected_value")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "field"], name="desk_one_correction_per_field")]

    def __str__(self) -> str:
        return f"Correction {self.pk} {self.field}"


class Reminder(models.Model):
    """A reminder of the office visit, sent once per declaration and kind (7 or 1 days before)."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    channels = models.CharField(max_length=30, blank=True, help_text="email, sms")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["declaration", "days_before"], name="desk_one_reminder_per_kind"),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} ({self.days_before} days)"


class AssistedRegistration(models.Model):
    """A declaration an officer fills in at the counter: who, at which office (it belongs to that
    office from the first step, before the office step is answered)."""

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.CASCADE, related_name="assisted_registration")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"AssistedRegistration {self.pk}"
