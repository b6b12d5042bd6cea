"""The due-date rules the desk's jobs use (declarations/deadlines.py), on Vietnam's calendar."""
from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from vssid.declarations import deadlines

VN = deadlines.VIETNAM


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_due_date_is_the_last_day_and_overdue_starts_the_next_morning_in_vietnam():
    due = date(2026, 4, 1)
    assert not deadlines.is_overdue(due, at("2026-04-01T23:59:59+07:00"))
    assert deadlines.is_overdue(due, at("2026-04-02T00:00:00+07:00"))
    # 17:30 UTC on 1 April is already 00:30 on 2 April in Hà Nội.
    assert deadlines.is_overdue(due, at("2026-04-01T17:30:00+00:00"))
    assert deadlines.last_overdue_day(at("2026-04-02T08:00:00+07:00")) == due


def test_the_seven_day_reminder_window_ends_where_the_one_day_window_begins():
    now = at("2026-03-25T09:00:00+07:00")
    assert deadlines.reminder_window(7, now) == (date(2026, 3, 27), date(2026, 4, 1))
    assert deadlines.reminder_window(1, now) == (date(2026, 3, 25), date(2026, 3, 26))
    assert deadlines.reminder_due(date(2026, 4, 1), now) == 7
    assert deadlines.reminder_due(date(2026, 4, 2), now) is None
    assert deadlines.reminder_due(date(2026, 3, 26), now) == 1
    assert deadlines.reminder_due(date(2026, 3, 24), now) is None  # overdue


def test_an_expired_declarations_photos_are_kept_n_days_from_the_day_after_its_due_date():
    assert deadlines.expired_retention_over_until(at("2026-04-12T00:01:00+07:00"), 10) == date(2026, 4, 1)
    assert deadlines.expired_retention_over_until(at("2026-04-11T23:59:00+07:00"), 10) == date(2026, 3, 31)


moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                       timezones=st.sampled_from([timezone.utc, VN, timezone(timedelta(hours=-10))]))
days = st.integers(min_value=-40, max_value=40)


@given(moments, days)
def test_days_until_due_counts_vietnamese_calendar_days(now, offset):
    due = now.astimezone(VN).date() + timedelta(days=offset)
    assert deadlines.days_until_due(due, now) == offset
    assert deadlines.is_overdue(due, now) == (offset < 0)


@given(moments, days)
def test_at_most_one_reminder_is_due_at_a_time_and_only_within_seven_days(now, offset):
    due = now.astimezone(VN).date() + timedelta(days=offset)
    kind = deadlines.reminder_due(due, now)
    if 0 <= offset <= 1:
        assert kind == 1
    elif 2 <= offset <= 7:
        assert kind == 7
    else:
        assert kind is None
    windows = [deadlines.reminder_window(d, now) for d in deadlines.REMINDER_DAYS_BEFORE]
    assert sum(first <= due <= last for first, last in windows) == (kind is not None)


@given(moments)
def test_a_declaration_submitted_now_is_never_overdue_before_its_window_ends(now):
    due = deadlines.visit_due_date(now, 30)
    assert not deadlines.is_overdue(due, now + timedelta(days=29))
    assert deadlines.is_overdue(due, now + timedelta(days=31, hours=1))
