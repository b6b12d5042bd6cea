"""Reads of the desk: the queue, the search, and what a declaration's page shows beside it (the
registry record and the warnings). Everything is limited to what the officer may see
(permissions.visible_declarations)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from vssid.cards import bhxh, identity
from vssid.cards.errors import InvalidValue
from vssid.cards.text import compact_code, fold, normalize_text
from vssid.core.fields import match
from vssid.declarations.models import Declaration
from vssid.declarations.reference import normalize_reference_code
from vssid.registry import selectors as registry

from . import permissions
from .models import Decision, OfficerProfile

# The queue -------------------------------------------------------------------------------------

QUEUE_ORDERS = {
    "age": ("submitted_at", "pk"),  # oldest first: first come, first served
    "due": ("visit_due_date", "submitted_at", "pk"),  # closest to expiring first
}


def queue(officer: OfficerProfile, *, order: str = "age", office_code: str | None = None) -> QuerySet[Declaration]:
    """Submitted declarations waiting for the officer's offices, oldest (or closest to due) first."""
    declarations = (
        permissions.visible_declarations(officer)
        .filter(status=Declaration.Status.SUBMITTED)
        .select_related("office")
        .only("pk", "reference_code", "full_name", "submitted_at", "visit_due_date", "assisted",
              "office__name", "office__code", "status")
    )
    if office_code:
        declarations = declarations.filter(office__code=office_code)
    return declarations.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["age"]))


# The search ------------------------------------------------------------------------------------

REFERENCE, SOCIAL_INSURANCE_NUMBER, ID_NUMBER, NAME = "reference", "social_insurance_number", "id_number", "name"
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class SearchTerm:
    kind: str
    value: str  # normalised: a canonical reference code, digits, an upper-case number, a folded name


def interpret_query(text: str) -> list[SearchTerm]:
    """Every way the typed or scanned text can be read.

    One box takes everything, because a USB scanner types what it reads and presses Enter: the
    reference code from the citizen's confirmation page or PDF (with or without dashes), a CCCD's
    or a BHYT card's QR text, a mã số BHXH (or the old 15-character BHYT card number holding it),
    a CCCD, CMND or passport number, or a name with or without diacritics. An ambiguous text (ten
    digits can be a mã số BHXH and, rarely, a reference code) is searched every way it can be read.
    """
    text = normalize_text(text or "")
    if not text:
        return []
    if "|" in text:
        return _card_qr_terms(text)
    terms = []
    code = normalize_reference_code(text)
    if code:
        terms.append(SearchTerm(REFERENCE, code))
    compact = compact_code(text).upper()
    if compact.isascii() and compact.isalnum():
        try:
            terms.append(SearchTerm(SOCIAL_INSURANCE_NUMBER, bhxh.parse_bhyt_card_number(compact).social_insurance_number))
        except InvalidValue:
            pass
        if any(c.isdigit() for c in compact) and _could_be_id_number(compact):
            terms.append(SearchTerm(ID_NUMBER, compact))
    if not any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
        terms.append(SearchTerm(NAME, fold(text)))
    return terms


def _could_be_id_number(compact: str) -> bool:
    """The shape of a CCCD or CMND (digits) or a passport number (letters and digits), by the card
    rules; a CCCD's agreement with a date of birth is not checked, none is known here."""
    for shape in (identity.normalize_cmnd, identity.normalize_passport):
        try:
            shape(compact)
            return True
        except InvalidValue:
            continue
    return False


def _card_qr_terms(text: str) -> list[SearchTerm]:
    from vssid.cards.qr import parse_card_qr

    try:
        card = parse_card_qr(text)
    except InvalidValue:
        return []
    if card.kind == "cccd":
        numbers = [card.id_number] + ([card.old_id_number] if card.old_id_number else [])
        return [SearchTerm(ID_NUMBER, number) for number in numbers]
    return [SearchTerm(SOCIAL_INSURANCE_NUMBER, card.social_insurance_number)]


@dataclass
class SearchHit:
    declaration: Declaration
    matched: set[str] = field(default_factory=set)


def search(officer: OfficerProfile, terms: list[SearchTerm]) -> list[SearchHit]:
    """Declarations (sent, of any status) the officer may see that match any term; those waiting
    for a decision first, then the most recent."""
    scope = permissions.visible_declarations(officer).exclude(status=Declaration.Status.DRAFT)
    hits: dict = {}
    for term in terms:
        if term.kind == NAME:
            ids = _ids_by_folded_name(scope, term.value)
            matching = scope.filter(pk__in=ids)
        elif term.kind == REFERENCE:
            matching = scope.filter(reference_code=term.value)
        else:  # encrypted: found through its fingerprint
            column = {SOCIAL_INSURANCE_NUMBER: "social_insurance_number", ID_NUMBER: "id_document_number"}[term.kind]
            matching = scope.filter(match(Declaration, column, term.value))
        for declaration in matching.select_related("office")[:SEARCH_LIMIT]:
            hits.setdefault(declaration.pk, SearchHit(declaration)).matched.add(term.kind)
    return sorted(
        hits.values(),
        key=lambda hit: (hit.declaration.status != Declaration.Status.SUBMITTED, -hit.declaration.submitted_at.timestamp()),
    )[:SEARCH_LIMIT]


def _ids_by_folded_name(scope: QuerySet[Declaration], folded_query: str) -> list:
    """Names are stored as typed (NFC, with diacritics); folding happens here, in Python, with the
    same cards.text.fold as everywhere else, so "nguyen thi binh" finds "Nguyễn Thị Bình" on SQLite
    and PostgreSQL alike. Every query word must be a whole word of the name ("binh nguyen" too).
    It reads the names of the officer's scope once: ~3 ms per 1,000 declarations."""
    wanted = folded_query.split()
    found = []
    for pk, full_name in scope.values_list("pk", "full_name").iterator(chunk_size=2000):
        words = fold(full_name).split()
        if all(words.count(w) >= wanted.count(w) for w in set(wanted)):
            found.append(pk)
            if len(found) >= SEARCH_LIMIT:
                break
    return found


# A declaration's page --------------------------------------------------------------------------

@dataclass(frozen=True)
class Warning:
    code: str
    field: str | None = None  # the declaration field it concerns, for marking the row
    count: int = 0
    visible_ids: tuple = ()  # other declarations concerned that this officer may open


@dataclass(frozen=True)
class RegistryComparison:
    loaded: bool  # whether any registry data is present at all
    person: object | None  # registry.models.InsuredPerson
    differs: frozenset[str]  # declaration fields that differ from the record


def registry_comparison(declaration: Declaration) -> RegistryComparison:
    loaded = registry.registry_is_loaded()
    person = registry.person_by_number(declaration.social_insurance_number) if loaded else None
    differs = set()
    if person is not None:
        check = registry.check_declaration(declaration)
        if registry.NAME_DIFFERS in check.problems:
            differs.add("full_name")
        if registry.DATE_OF_BIRTH_DIFFERS in check.problems:
            differs.add("date_of_birth")
        if person.sex != declaration.sex:
            differs.add("sex")
        if person.id_number and person.id_number != declaration.id_document_number:
            differs.add("id_document_number")
        if person.phone and person.phone != declaration.mobile_phone:
            differs.add("mobile_phone")
    return RegistryComparison(loaded=loaded, person=person, differs=frozenset(differs))


# Another declaration waiting with the same identifiers is a pending registration; an active one is
# an account (vssid.accounts), which every activated declaration has.
_SHARED_IDENTIFIERS = (
    ("social_insurance_number", "pending_same_social_insurance_number"),
    ("id_document_number", "pending_same_id_number"),
    ("mobile_phone", "pending_same_phone"),
)


def warnings_for(declaration: Declaration, officer: OfficerProfile,
                 comparison: RegistryComparison | None = None) -> list[Warning]:
    """What the officer should look at before deciding: data that differs from the registry, and
    other pending or active registrations with the same mã số BHXH, ID number or phone."""
    comparison = comparison or registry_comparison(declaration)
    warnings = []
    if not comparison.loaded:
        warnings.append(Warning("registry_not_loaded"))
    elif comparison.person is None:
        warnings.append(Warning("registry_unknown_number", "social_insurance_number"))
    else:
        warnings.extend(Warning(f"registry_{name}_differs", name) for name in sorted(comparison.differs))
    visible = permissions.visible_declarations(officer)
    for name, code in _SHARED_IDENTIFIERS:
        value = getattr(declaration, name)
        if not value:
            continue
        others = Declaration.objects.filter(match(Declaration, name, value), status=Declaration.Status.SUBMITTED).exclude(
            pk=declaration.pk)
        count = others.count()
        if count:
            ids = tuple(visible.filter(pk__in=others.values("pk")).values_list("pk", flat=True)[:5])
            warnings.append(Warning(code, name, count, ids))
    warnings.extend(_account_warnings(declaration))
    return warnings


def _account_warnings(declaration: Declaration) -> list[Warning]:
    """Citizen accounts (vssid.accounts) already holding the mã số BHXH, ID number or phone."""
    from vssid.accounts.models import CitizenAccount

    accounts = CitizenAccount.objects.exclude(declaration_id=declaration.pk)
    checks = (
        ("social_insurance_number", match(CitizenAccount, "username", declaration.social_insurance_number)),
        ("id_document_number", match(Declaration, "id_document_number", declaration.id_document_number,
                                     prefix="declaration__")),
        ("mobile_phone", match(Declaration, "mobile_phone", declaration.mobile_phone, prefix="declaration__")),
    )
    warnings = []
    for name, same in checks:
        if getattr(declaration, name):
            count = accounts.filter(same).count()
            if count:
                warnings.append(Warning(f"account_{name}", name, count))
    return warnings


def decision_of(declaration: Declaration) -> Decision | None:
    return Decision.objects.select_related("officer", "office").prefetch_related("corrections").filter(
        declaration=declaration).first()
