"""Idempotent submission: a retried ``submit`` with the same ``Idempotency-Key`` gets the first answer.

``services.submit_declaration`` is already idempotent per declaration (it locks the row and returns
an already-sent declaration as it is), so a retry can never make a second declaration; the key adds
the promise that the retry sees *the same answer* as the first attempt, even if the declaration was
cancelled in between. Only successful answers are remembered: a refusal (a step still incomplete)
changes nothing, so the client fixes the step and retries with the same key.
"""
import hashlib

from django.db import IntegrityError, transaction

from vssid.declarations.models import Declaration

from .models import IdempotentSubmission


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def remembered(declaration: Declaration, key: str) -> IdempotentSubmission | None:
    return IdempotentSubmission.objects.filter(declaration=declaration, key_hash=key_digest(key)).first()


def remember(declaration: Declaration, key: str, status_code: int, body: dict) -> tuple[IdempotentSubmission, bool]:
    """Keep the first answer for this key: (the answer kept, whether it is this one). When a
    concurrent retry stored its answer first, that one is kept and returned."""
    try:
        with transaction.atomic():
            kept = IdempotentSubmission.objects.create(
                declaration=declaration, key_hash=key_digest(key), status_code=status_code, body=body
            )
        return kept, True
    except IntegrityError:
        return IdempotentSubmission.objects.get(declaration=declaration, key_hash=key_digest(key)), False
