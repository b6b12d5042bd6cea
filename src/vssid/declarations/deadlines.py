"""Due dates, in one place. The office visit is due a number of calendar days after submission,
counted on the calendar of Asia/Ho_Chi_Minh (a submission at 23:30 on the 1st in Hà Nội is the 1st,
whatever the server's clock says)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(VIETNAM).date()


def visit_due_date(submitted_at: datetime, days: int | None = None) -> date:
    """The last day on which the citizen can complete the registration at the office."""
    return local_day(submitted_at) + timedelta(days=settings.VSSID_VISIT_DUE_DAYS if days is None else days)


def days_until_due(due: date, now: datetime) -> int:
    """Whole days from today (in Vietnam) to the due date: 0 on the due date itself, negative after."""
    return (due - local_day(now)).days


def is_overdue(due: date, now: datetime) -> bool:
    """The due date is the last day to visit: a declaration is overdue from the next day on."""
    return days_until_due(due, now) < 0


# Reminders go out this many days before the due date (the issue: "7 days and 1 day before").
REMINDER_DAYS_BEFORE = (7, 1)


def reminder_window(days_before: int, now: datetime) -> tuple[date, date]:
    """The due dates (first, last, inclusive) for which the reminder ``days_before`` is due now.

    A reminder is due from its day until the next reminder's day, so a job that did not run on
    the exact day still sends it late rather than never; once the 1-day reminder is due, the 7-day
    one is moot.
    """
    today = local_day(now)
    closer = [d for d in REMINDER_DAYS_BEFORE if d < days_before]
    return today + timedelta(days=max(closer) + 1 if closer else 0), today + timedelta(days=days_before)


def reminder_due(due: date, now: datetime) -> int | None:
    """Which reminder (days before the due date) is due now for a visit due on ``due``, or None."""
    for days_before in REMINDER_DAYS_BEFORE:
        first, last = reminder_window(days_before, now)
        if first <= due <= last:
            return days_before
    return None


def last_overdue_day(now: datetime) -> date:
    """The latest due date that is overdue now (due dates on or before it have passed)."""
    return local_day(now) - timedelta(days=1)


def expired_retention_over_until(now: datetime, days: int) -> date:
    """The latest due date of an expired declaration kept ``days`` whole days already.

    An expired declaration expired at the start of the day after its due date; its retention is
    counted from then, in Vietnam's days, like the due date itself.
    """
    return last_overdue_day(now) - timedelta(days=days)
