"""Reads of declarations."""
from .models import Declaration
from .services import api_token_digest

SESSION_KEY = "declaration_id"


def declaration_of_session(session) -> Declaration | None:
    """The declaration this browser is working on (or has sent), if any."""
    declaration_id = session.get(SESSION_KEY)
    if not declaration_id:
        return None
    return (
        Declaration.objects.select_related("address_province", "address_commune", "office", "office__province")
        .filter(pk=declaration_id)
        .first()
    )


def declaration_by_confirmation_token(token: str) -> Declaration | None:
    if not token or len(token) > 64:
        return None
    return (
        Declaration.objects.select_related("office", "office__province")
        .filter(confirmation_token=token)
        .exclude(status=Declaration.Status.DRAFT)
        .first()
    )


def declaration_by_api_token(token: str) -> Declaration | None:
    """The declaration a JSON API bearer token was issued for (any status), or None."""
    # token_urlsafe(32) is 43 characters; anything much longer is not one of ours.
    if not token or len(token) > 64:
        return None
    return (
        Declaration.objects.select_related("address_province", "address_commune", "office", "office__province")
        .filter(api_token_hash=api_token_digest(token))
        .first()
    )


def count_by_status() -> list[tuple[str, int]]:
    """(status, number of declarations) in one GROUP BY: the metrics' gauge."""
    from django.db.models import Count

    return list(Declaration.objects.order_by("status").values_list("status").annotate(count=Count("pk")))
