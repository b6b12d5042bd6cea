"""Background jobs of citizen accounts. A job carries ids only, never an identifier as typed."""
from datetime import datetime

from django_tasks import task

from . import services
from .models import CitizenAccount


@task()
def open_password_reset_request(account_id: str, channel: str, requested_at: str) -> None:
    """The part of a reset request that differs between a known and an unknown identifier, out of
    the visitor's request (``services.request_password_reset``); an empty id is nobody."""
    account = CitizenAccount.objects.select_related("declaration").filter(pk=account_id).first() if account_id else None
    services.open_password_reset(account, channel, now=datetime.fromisoformat(requested_at))
