"""Reads of declarations."""
from .models import Declaration

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
