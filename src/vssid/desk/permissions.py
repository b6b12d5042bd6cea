"""Who may see what at the desk — the one place this is decided.

- an officer (cán bộ tiếp nhận): the declarations of their own office;
- a supervisor: those of every office in their office's province;
- an administrator: all, and the officers' administration page.

A declaration belongs to the office it was sent to; an assisted draft (filled in at a counter,
before its office step) belongs to the office where it is being filled in. Citizens' drafts belong
to nobody: the desk never sees them.

Anything refused looks like something that does not exist (404), so an officer cannot probe other
offices' declarations by id, and is recorded in the audit log as ``access_refused``.
"""
from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from vssid.core.ratelimit import client_address
from vssid.declarations.models import Declaration
from vssid.places.models import Office

from . import audit
from .models import OfficerProfile

Role = OfficerProfile.Role


def _office_filter(officer: OfficerProfile, path: str) -> Q:
    """A filter on the office at ``path`` (e.g. "office", "assisted_registration__office")."""
    if officer.role == Role.ADMINISTRATOR:
        return Q(**{f"{path}__isnull": False})
    if officer.role == Role.SUPERVISOR:
        return Q(**{f"{path}__province_id": officer.office.province_id})
    return Q(**{f"{path}_id": officer.office_id})


def offices_visible_to(officer: OfficerProfile) -> QuerySet[Office]:
    if officer.role == Role.ADMINISTRATOR:
        return Office.objects.all()
    if officer.role == Role.SUPERVISOR:
        return Office.objects.filter(province_id=officer.office.province_id)
    return Office.objects.filter(pk=officer.office_id)


def visible_declarations(officer: OfficerProfile) -> QuerySet[Declaration]:
    sent = ~Q(status=Declaration.Status.DRAFT) & _office_filter(officer, "office")
    assisted_draft = Q(status=Declaration.Status.DRAFT) & _office_filter(officer, "assisted_registration__office")
    return Declaration.objects.filter(sent | assisted_draft)


def can_see_office(officer: OfficerProfile, office: Office | None) -> bool:
    if office is None:
        return False
    if officer.role == Role.ADMINISTRATOR:
        return True
    if officer.role == Role.SUPERVISOR:
        return office.province_id == officer.office.province_id
    return office.pk == officer.office_id


def declaration_for(request, declaration_id) -> Declaration:
    """The declaration the requesting officer may see, or Http404 (recorded as refused)."""
    officer: OfficerProfile = request.officer
    if not isinstance(declaration_id, uuid.UUID):
        try:
            declaration_id = uuid.UUID(str(declaration_id))
        except ValueError:
            refuse(request, detail="not_found")
    declaration = (
        visible_declarations(officer)
        .select_related("office", "office__province", "address_province", "address_commune",
                        "portrait", "id_front", "id_back")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        exists = Declaration.objects.filter(pk=declaration_id).exists()
        refuse(request, declaration_id=declaration_id, detail="other_office" if exists else "not_found")
    return declaration


def require_role(request, *roles: str) -> None:
    if request.officer.role not in roles:
        refuse(request, detail="role")


def refuse(request, *, declaration_id=None, detail: str) -> None:
    """Record the refusal and answer as if nothing were there."""
    audit.record(
        audit.Action.ACCESS_REFUSED, officer=request.officer, declaration=declaration_id,
        client=client_address(request), detail=f"{detail}:{request.resolver_match.url_name}"
        if request.resolver_match else detail,
    )
    raise Http404
