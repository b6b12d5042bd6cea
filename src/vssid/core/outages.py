"""The database out of reach (restarting, failing over, refusing connections): a passing outage,
answered "503, try again shortly" by the web pages and the API alike, never as a fault of ours.

Nothing half-done survives one: every write of a request runs in a transaction, which PostgreSQL
rolls back when the connection breaks, and a client that retries a submission with its
Idempotency-Key gets the first answer if the first attempt did commit (docs/reliability.md).
"""
from django.db import InterfaceError, OperationalError

# What the answer's Retry-After says: a restart or a fail-over takes seconds to a minute.
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database could not be used right now (a lost or refused
    connection, a server shutting down; also a serialisation failure or a deadlock, which a retry
    likewise cures), as opposed to a bug."""
    return isinstance(error, (OperationalError, InterfaceError))
