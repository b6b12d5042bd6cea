"""Background jobs of the outbox. The job carries the outbox id only, never an address or a name."""
from django_tasks import task

from . import services


@task()
def deliver_email(outbound_email_id: str) -> str:
    """Try to deliver one outbox email; on failure it schedules its own retry (see services)."""
    return services.deliver_outbound_email(outbound_email_id)
