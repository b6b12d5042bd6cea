"""Every write of the desk: the two decisions, and starting an assisted registration.

A decision is one transaction: the declaration row is locked, its status changes through
declarations.services.record_decision (the one place it may), the Decision and its corrections are
stored, the account is activated (approve) or the citizen is told why (reject), and the audit event
is written. If any part fails, nothing happened. A decision is final: the second attempt finds the
declaration no longer submitted and changes nothing.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from vssid.declarations import services as declaration_services
from vssid.declarations.models import Declaration

from . import audit, notices, permissions
from .models import AssistedRegistration, Correction, Decision, OfficerProfile

log = logging.getLogger(__name__)

CORRECTABLE_FIELDS = declaration_services.CORRECTABLE_FIELDS


class ActivationRefused(Exception):
    """The account cannot be opened (one already exists for this mã số BHXH or ID number): the
    approval is undone; the officer rejects instead, with the reason "duplicate"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Approval(NamedTuple):
    decision: Decision
    credentials_sent_to: str  # the masked phone number the password goes to, for the officer to read out


class DecisionAlreadyMade(Exception):
    """The declaration is no longer waiting for a decision (decided, expired or cancelled)."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def _locked_for_decision(declaration: Declaration, officer: OfficerProfile) -> Declaration:
    # Locked until the decision commits: a second officer, a double click or the expiry job waits
    # here and then finds the declaration decided.
    current = Declaration.objects.select_for_update(of=("self",)).select_related("office").get(pk=declaration.pk)
    # The views check this first; a service called from elsewhere (a command, the API) must not
    # let an officer decide for another office either.
    if not permissions.can_see_office(officer, current.office):
        raise PermissionDenied
    if current.status != Declaration.Status.SUBMITTED:
        raise DecisionAlreadyMade(current.status)
    return current


def _as_text(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@transaction.atomic
def approve_declaration(declaration: Declaration, officer: OfficerProfile, *, corrections: dict | None = None,
                        document_checked: bool, client: str = "") -> Approval:
    """Approve after the in-person check: activate the account, whose credentials go by SMS.

    ``corrections`` maps fields of CORRECTABLE_FIELDS to corrected values already normalised by the
    card rules (forms.ApproveForm); values equal to the declared ones are ignored. The declared
    values stay in Correction rows beside the corrected ones.
    """
    if not document_checked:
        raise ValueError("an approval needs the original ID document checked")
    current = _locked_for_decision(declaration, officer)
    changed = {name: value for name, value in (corrections or {}).items() if getattr(current, name) != value}
    declared = {name: getattr(current, name) for name in changed}
    current = declaration_services.record_decision(current, Declaration.Status.ACTIVATED, corrections=changed)
    decision = Decision.objects.create(
        declaration=current, outcome=Decision.Outcome.APPROVED, officer=officer.user, office=officer.office,
        decided_at=timezone.now(), document_checked=True,
    )
    Correction.objects.bulk_create(
        Correction(decision=decision, field=name, declared_value=_as_text(declared[name]),
                   corrected_value=_as_text(value))
        for name, value in changed.items()
    )
    # Imported here: the citizen accounts app depends on declarations, not on the desk.
    from vssid.accounts import services as accounts

    try:
        activation = accounts.activate_account(current)
    except (accounts.AccountAlreadyExists, accounts.DeclarationNotActivatable) as refused:
        raise ActivationRefused(str(refused)) from None
    detail = "corrected:" + ",".join(sorted(changed)) if changed else ""
    audit.record(audit.Action.APPROVE, officer=officer, declaration=current, client=client, detail=detail)
    log.info("declaration approved at the desk", extra={"declaration": str(current.pk), "decision": decision.pk})
    return Approval(decision, activation.credentials_sent_to)


@transaction.atomic
def reject_declaration(declaration: Declaration, officer: OfficerProfile, *, reason: str, reason_text: str,
                       client: str = "") -> Decision:
    """Reject with a reason from the list and the officer's explanation; the citizen is told by
    email when they gave an address (form 01/TB-GDĐT), and may send a new declaration."""
    if reason not in Decision.Reason.values:
        raise ValueError(f"unknown rejection reason {reason}")
    reason_text = reason_text.strip()
    if not reason_text:
        raise ValueError("a rejection needs an explanation for the citizen")
    current = _locked_for_decision(declaration, officer)
    current = declaration_services.record_decision(current, Declaration.Status.REJECTED)
    decision = Decision.objects.create(
        declaration=current, outcome=Decision.Outcome.REJECTED, officer=officer.user, office=officer.office,
        decided_at=timezone.now(), reason=reason, reason_text=reason_text,
    )
    notices.queue_rejection_notice(current)
    audit.record(audit.Action.REJECT, officer=officer, declaration=current, client=client, detail=f"reason:{reason}")
    log.info("declaration rejected at the desk", extra={"declaration": str(current.pk), "decision": decision.pk})
    return decision


@transaction.atomic
def start_assisted_registration(officer: OfficerProfile, *, client: str = "", language: str = "vi") -> Declaration:
    """A new draft filled in at the counter for a citizen; it belongs to the officer's office."""
    declaration = declaration_services.start_assisted_declaration(language=language)
    AssistedRegistration.objects.create(declaration=declaration, officer=officer.user, office=officer.office,
                                        started_at=timezone.now())
    audit.record(audit.Action.ASSISTED_CREATE, officer=officer, declaration=declaration, client=client)
    return declaration
