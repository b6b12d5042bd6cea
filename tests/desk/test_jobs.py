"""The scheduled work, with the clock frozen and moved: expiry, reminders, photo purge."""
import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vssid.declarations.models import Declaration
from vssid.declarations.selectors import SESSION_KEY
from vssid.desk import jobs, services
from vssid.desk.models import AuditEvent, Reminder
from vssid.notify.models import OutboundEmail
from vssid.photos.models import Photo

pytestmark = pytest.mark.django_db


def status_of(d):
    return Declaration.objects.get(pk=d.pk).status


# Expiry --------------------------------------------------------------------------------------------

def test_a_declaration_expires_the_day_after_its_due_date(clock, make_declaration):
    d = make_declaration(submitted_at=clock.now)
    due = d.visit_due_date
    assert due == date(2026, 4, 1)  # 30 days after 2 March
    clock.set(clock.now.replace(month=4, day=1, hour=23, minute=59))  # the last evening: still open
    assert jobs.expire_overdue() == 0 and status_of(d) == Declaration.Status.SUBMITTED
    clock.advance(minutes=1)  # midnight in Hà Nội
    assert jobs.expire_overdue() == 1 and status_of(d) == Declaration.Status.EXPIRED
    assert jobs.expire_overdue() == 0  # once
    event = AuditEvent.objects.get(action="expire")
    assert event.declaration_id == d.pk and event.user_id is None


def test_expiry_leaves_decided_declarations_alone(clock, make_declaration):
    decided = make_declaration(status=Declaration.Status.ACTIVATED, submitted_at=clock.now - timedelta(days=60))
    cancelled = make_declaration(status=Declaration.Status.CANCELLED, submitted_at=clock.now - timedelta(days=60))
    assert jobs.expire_overdue() == 0
    assert (status_of(decided), status_of(cancelled)) == ("activated", "cancelled")


def test_an_expired_declaration_cannot_be_approved_any_more(clock, desk, make_declaration):
    d = make_declaration(submitted_at=clock.now - timedelta(days=31))
    jobs.expire_overdue()
    response = desk.post(reverse("desk:approve", kwargs={"pk": d.pk}), {"document_checked": "on"}, follow=True)
    assert "đã có quyết định hoặc không còn chờ duyệt" in response.content.decode()
    assert status_of(d) == Declaration.Status.EXPIRED


@pytest.mark.parametrize("ending", ["expire", "reject"])
def test_after_expiry_or_rejection_the_citizen_may_start_a_new_declaration(client, clock, officer, make_declaration,
                                                                            ending):
    d = make_declaration(submitted_at=clock.now - timedelta(days=31))
    session = client.session
    session[SESSION_KEY] = str(d.pk)
    session.save()
    # While it waits, "start" leads back to its confirmation.
    if ending == "expire":
        jobs.expire_overdue()
    else:
        services.reject_declaration(d, officer, reason="other", reason_text="Sai thông tin.")
    response = client.post(reverse("declarations:start"))
    new = Declaration.objects.exclude(pk=d.pk).get()
    assert new.status == Declaration.Status.DRAFT
    assert client.session[SESSION_KEY] == str(new.pk)
    assert response.status_code == 302 and "/to-khai/" in response["Location"]


def test_a_waiting_declaration_does_not_let_the_citizen_start_another(client, make_declaration):
    d = make_declaration()
    session = client.session
    session[SESSION_KEY] = str(d.pk)
    session.save()
    response = client.post(reverse("declarations:start"))
    assert response["Location"] == reverse("declarations:confirmation", kwargs={"token": d.confirmation_token})
    assert Declaration.objects.count() == 1


# Reminders -----------------------------------------------------------------------------------------

def reminders_of(d):
    return sorted(Reminder.objects.filter(declaration=d).values_list("days_before", flat=True))


def test_reminders_go_out_seven_days_and_one_day_before_each_once(clock, make_declaration):
    d = make_declaration(submitted_at=clock.now)  # due 1 April
    clock.set(clock.now.replace(month=3, day=24, hour=7))  # 8 days before
    assert jobs.send_reminders() == 0
    clock.set(clock.now.replace(day=25))  # 7 days before
    assert jobs.send_reminders() == 1 and reminders_of(d) == [7]
    assert jobs.send_reminders() == 0
    clock.set(clock.now.replace(day=30))  # 2 days before: nothing new
    assert jobs.send_reminders() == 0
    clock.set(clock.now.replace(day=31))  # 1 day before
    assert jobs.send_reminders() == 1 and reminders_of(d) == [1, 7]
    clock.set(clock.now.replace(month=4, day=1))  # the due date itself
    assert jobs.send_reminders() == 0
    purposes = sorted(OutboundEmail.objects.filter(declaration_id=d.pk).values_list("purpose", flat=True))
    assert purposes == ["visit_reminder_1d", "visit_reminder_7d"]


def test_a_missed_run_still_reminds_late_but_never_twice(clock, make_declaration):
    d = make_declaration(submitted_at=clock.now)
    clock.set(clock.now.replace(month=3, day=28))  # the job did not run on the 25th
    assert jobs.send_reminders() == 1 and reminders_of(d) == [7]
    clock.set(clock.now.replace(month=4, day=1))  # nor on the 31st: the 1-day one comes on the day
    assert jobs.send_reminders() == 1 and reminders_of(d) == [1, 7]


def test_no_reminder_once_the_declaration_is_decided(clock, officer, make_declaration):
    d = make_declaration(submitted_at=clock.now)
    services.reject_declaration(d, officer, reason="other", reason_text="Sai.")
    clock.set(clock.now.replace(month=3, day=25))
    assert jobs.send_reminders() == 0


def test_a_reminder_without_email_goes_by_sms_once(clock, make_declaration):
    from vssid.notify.models import OutboundSms
    from vssid.notify.sms_texts import compose

    d = make_declaration(submitted_at=clock.now, email="")
    clock.set(clock.now.replace(month=3, day=25))
    assert jobs.send_reminders() == 1
    assert jobs.send_reminders() == 0
    assert Reminder.objects.get(declaration=d).channels == "sms"
    assert not OutboundEmail.objects.exists()
    sms = OutboundSms.objects.get(purpose="visit_reminder_7d")
    text = compose(sms).text
    assert text.isascii() and "Con 7 ngay" in text and d.visit_due_date.strftime("%d/%m/%Y") in text


def test_a_reminder_sms_is_dropped_once_the_declaration_is_decided(clock, officer, make_declaration):
    from vssid.notify.models import OutboundSms
    from vssid.notify.sms_texts import SmsNotNeeded, compose

    d = make_declaration(submitted_at=clock.now, email="")
    clock.set(clock.now.replace(month=3, day=25))
    jobs.send_reminders()
    services.reject_declaration(d, officer, reason="other", reason_text="Sai.")
    with pytest.raises(SmsNotNeeded):
        compose(OutboundSms.objects.get(purpose="visit_reminder_7d"))


def test_the_reminder_email_says_where_and_by_when(clock, make_declaration):
    from vssid.notify.emails import build_message

    d = make_declaration(submitted_at=clock.now)
    clock.set(clock.now.replace(month=3, day=25))
    jobs.send_reminders()
    message = build_message(OutboundEmail.objects.get(purpose="visit_reminder_7d"))
    assert "01/04/2026" in message.body and d.office.name in message.body
    assert "bản gốc giấy tờ tùy thân" in message.body


def test_a_reminder_that_waited_past_the_decision_is_not_sent(clock, officer, make_declaration):
    from vssid.notify.emails import PermanentDeliveryError, build_message

    d = make_declaration(submitted_at=clock.now)
    clock.set(clock.now.replace(month=3, day=25))
    jobs.send_reminders()
    services.reject_declaration(d, officer, reason="other", reason_text="Sai.")
    with pytest.raises(PermanentDeliveryError):
        build_message(OutboundEmail.objects.get(purpose="visit_reminder_7d"))


# Photo purge ---------------------------------------------------------------------------------------

def photos_of(d):
    d.refresh_from_db()
    return [d.portrait, d.id_front, d.id_back]


def stored(photo):
    return storages["private"].exists(photo.storage_name)


def test_photos_are_deleted_n_days_after_a_decision_and_fingerprints_remain(clock, settings, officer, make_declaration):
    settings.VSSID_PHOTO_RETENTION_DAYS = 30
    d = make_declaration(submitted_at=clock.now)
    before = [(p.sha256, p.dhash, p.dhash256) for p in photos_of(d)]
    services.reject_declaration(d, officer, reason="other", reason_text="Sai.")
    clock.advance(days=29, hours=23)
    assert jobs.purge_photos() == 0 and all(stored(p) for p in photos_of(d))
    clock.advance(hours=1)
    assert jobs.purge_photos() == 1
    after = photos_of(d)
    assert all(p.is_purged and not stored(p) for p in after)
    assert [(p.sha256, p.dhash, p.dhash256) for p in after] == before
    assert jobs.purge_photos() == 0
    assert AuditEvent.objects.get(action="photos_purged").detail == "count:3"


def test_photos_of_an_approved_declaration_are_purged_too(clock, settings, officer, make_declaration):
    settings.VSSID_PHOTO_RETENTION_DAYS = 7
    d = make_declaration(submitted_at=clock.now)
    services.approve_declaration(d, officer, document_checked=True)
    clock.advance(days=7)
    assert jobs.purge_photos() == 1 and all(p.is_purged for p in photos_of(d))


def test_photos_of_an_expired_declaration_are_kept_n_days_after_expiry(clock, settings, make_declaration):
    settings.VSSID_PHOTO_RETENTION_DAYS = 10
    make_declaration(submitted_at=clock.now)  # due 1 April, expires on 2 April
    clock.set(clock.now.replace(month=4, day=2, hour=0, minute=5))
    jobs.expire_overdue()
    clock.set(clock.now.replace(day=11, hour=23))
    assert jobs.purge_photos() == 0
    clock.set(clock.now.replace(day=12, hour=0, minute=1))
    assert jobs.purge_photos() == 1


def test_photos_of_a_waiting_declaration_are_never_purged(clock, make_declaration):
    make_declaration(submitted_at=clock.now)
    clock.advance(days=29)
    assert jobs.purge_photos() == 0 and not Photo.objects.filter(purged_at__isnull=False).exists()


def test_the_command_runs_everything_once(clock, settings, officer, make_declaration):
    settings.VSSID_PHOTO_RETENTION_DAYS = 30
    overdue = make_declaration(submitted_at=clock.now - timedelta(days=31))
    make_declaration(submitted_at=clock.now - timedelta(days=23), social_insurance_number="0123400001")  # due in 7
    decided = make_declaration(submitted_at=clock.now - timedelta(days=40), social_insurance_number="0123400002")
    clock.advance(days=-31)
    services.reject_declaration(decided, officer, reason="other", reason_text="Sai.")
    clock.advance(days=31)
    out = io.StringIO()
    call_command("desk", "run-scheduled", stdout=out)
    assert out.getvalue().strip() == (
        "1 declaration(s) expired, 1 reminder(s) queued, photos of 1 declaration(s) purged, "
        "0 abandoned draft(s) discarded, 0 orphan file(s) deleted.")
    assert status_of(overdue) == Declaration.Status.EXPIRED
    out = io.StringIO()
    call_command("desk", "run-scheduled", stdout=out)
    assert out.getvalue().startswith("0 declaration(s) expired, 0 reminder(s) queued, photos of 0")


def test_a_row_held_by_another_runner_is_skipped_not_done_twice(clock, make_declaration, monkeypatch):
    """What SELECT … FOR UPDATE SKIP LOCKED gives on PostgreSQL, simulated: the claim finds the
    row taken, so this runner leaves it to the one that holds it."""
    d = make_declaration(submitted_at=clock.now - timedelta(days=31))
    monkeypatch.setattr(jobs, "_claim", lambda pk: None)
    assert jobs.expire_overdue() == 0 and status_of(d) == Declaration.Status.SUBMITTED


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks (SKIP LOCKED) are PostgreSQL's; SQLite serialises whole transactions")
@pytest.mark.django_db(transaction=True)
def test_two_runners_on_postgresql_never_take_the_same_row():
    """A real second connection holds one row locked; this runner skips it and does the rest.

    Built without reference data: an earlier transactional test may have emptied those tables."""
    import secrets
    import threading

    from django.db import connections, transaction
    from django.utils import timezone

    from vssid.declarations.reference import new_reference_code

    long_ago = timezone.now() - timedelta(days=40)

    def overdue():
        return Declaration.objects.create(status=Declaration.Status.SUBMITTED, reference_code=new_reference_code(),
                                          confirmation_token=secrets.token_urlsafe(32), submitted_at=long_ago,
                                          visit_due_date=long_ago.date() + timedelta(days=30))

    held, free = overdue(), overdue()
    locked, release = threading.Event(), threading.Event()

    def other_runner():
        try:
            with transaction.atomic():
                Declaration.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_runner)
    thread.start()
    try:
        assert locked.wait(10)
        assert jobs.expire_overdue() == 1
        assert (status_of(held), status_of(free)) == ("submitted", "expired")
    finally:
        release.set()
        thread.join()


def draft_of(make_declaration, **fields):
    return make_declaration(status=Declaration.Status.DRAFT, reference_code=None, confirmation_token=None,
                            submitted_at=None, visit_due_date=None, **fields)


def test_a_draft_untouched_for_the_retention_period_goes_with_its_photos(clock, settings, make_declaration):
    settings.VSSID_DRAFT_RETENTION_DAYS = 30
    abandoned = draft_of(make_declaration)
    files = [p.storage_name for p in photos_of(abandoned)]
    assert all(storages["private"].exists(name) for name in files)
    clock.advance(days=20)
    recent = draft_of(make_declaration, social_insurance_number="0123400003")
    waiting = make_declaration(submitted_at=clock.now, social_insurance_number="0123400004")
    clock.advance(days=10, minutes=1)

    assert jobs.discard_abandoned_drafts() == 1
    assert not Declaration.objects.filter(pk=abandoned.pk).exists()
    assert not any(storages["private"].exists(name) for name in files)
    assert not Photo.objects.filter(storage_name__in=files).exists()
    assert Declaration.objects.filter(pk__in=[recent.pk, waiting.pk]).count() == 2
    assert all(storages["private"].exists(p.storage_name) for p in photos_of(recent))
    assert jobs.discard_abandoned_drafts() == 0  # nothing left to do the second time


def test_a_draft_changed_again_meanwhile_is_kept(clock, settings, make_declaration, monkeypatch):
    """The runner re-checks once it holds the row: the citizen came back between the listing and the claim."""
    settings.VSSID_DRAFT_RETENTION_DAYS = 30
    draft = draft_of(make_declaration)
    clock.advance(days=31)
    claim = jobs._claim

    def citizen_returns_first(pk):
        Declaration.objects.filter(pk=pk).update(updated_at=clock.now)
        return claim(pk)

    monkeypatch.setattr(jobs, "_claim", citizen_returns_first)
    assert jobs.discard_abandoned_drafts() == 0
    assert Declaration.objects.filter(pk=draft.pk).exists()
