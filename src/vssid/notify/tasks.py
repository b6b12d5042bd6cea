"""Background jobs of the outboxes. A job carries the outbox id only, never an address, a number or
a text."""
from django_tasks import task

from . import services, sms_services


@task()
def deliver_email(outbound_email_id: str) -> str:
    """Try to deliver one outbox email; on failure it schedules its own retry (see services)."""
    return services.deliver_outbound_email(outbound_email_id)


@task()
def deliver_sms(outbound_sms_id: str) -> str:
    """Try to deliver one outbox SMS; on failure it schedules its own retry (see sms_services)."""
    return sms_services.deliver_outbound_sms(outbound_sms_id)
