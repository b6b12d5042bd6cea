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
