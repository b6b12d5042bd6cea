"""Hypothesis over the parsers and forms the card rules' own tests (tests/cards) do not cover: any
text either parses or is refused with the parser's own error, and every form answers any input with
its messages, never an exception. (Uploads: tests/photos/test_fuzzing.py and test_upload_fuzzing.py;
the API: tests/api/test_api_schema.py, with schemathesis.)"""
from datetime import date

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vssid.accounts import forms as account_forms
from vssid.accounts.services import normalize_identifier
from vssid.api.limits import declared_length
from vssid.cards.errors import InvalidValue
from vssid.declarations import forms as step_forms
from vssid.declarations.reference import normalize_reference_code
from vssid.desk import forms as desk_forms
from vssid.desk.selectors import interpret_query
from vssid.registry import records
from vssid.registry.forms import LookupForm

FUZZ = settings(max_examples=150, deadline=None)
FORMS_FUZZ = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as people and attackers type it: Vietnamese letters, digits, separators, control
# characters, NUL, right-to-left marks, very long runs.
TYPED = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789 .-/", max_size=40),
    st.text(alphabet="ĐđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬàáảãạăằắẳẵặâầấẩẫậƯưƠơ abcXYZ\u200f\u0000\t\n", max_size=60),
    st.just("9" * 10_000),
)


@FUZZ
@given(TYPED)
def test_registry_record_fields_parse_or_are_refused(raw):
    for parse in (
        lambda: records.normalize_id_number(raw),
        lambda: records.parse_birth(raw, today=date(2025, 7, 1)),
        lambda: records.parse_sex(raw),
        lambda: records.parse_province_code(raw, {"01", "79"}),
    ):
        try:
            parse()
        except InvalidValue as refused:
            assert refused.code and str(refused)


@FUZZ
@given(TYPED)
def test_typed_codes_and_identifiers_normalise_without_failing(raw):
    code = normalize_reference_code(raw)
    assert code is None or (len(code) == 10 and code.isascii())
    key = normalize_identifier(raw)
    assert len(key) <= 32 and key == key.upper()


@FUZZ
@given(st.text(max_size=600))
def test_any_desk_search_text_is_interpreted(text):
    for term in interpret_query(text):
        assert term.kind and isinstance(term.value, str)


@FUZZ
@given(st.one_of(st.text(max_size=30), st.integers().map(str)))
def test_any_content_length_header_is_a_size_or_refused(raw):
    length = declared_length(RequestFactory().post("/", CONTENT_LENGTH=raw))
    assert length is None or length >= 0


def _bind(form_class, data, **kwargs):
    form = form_class(data, **kwargs)
    if not form.is_valid():
        assert all(str(message) for messages in form.errors.values() for message in messages)


FORMS = [
    account_forms.LoginForm, account_forms.ChangePasswordForm, account_forms.ForgotPasswordForm,
    account_forms.ResetPasswordForm, step_forms.PersonalForm, step_forms.SocialInsuranceNumberForm,
    step_forms.ProvinceForm, step_forms.ContactForm, desk_forms.LoginForm, desk_forms.SearchForm, LookupForm,
]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__.split('.')[1]}.{f.__name__}")
@FORMS_FUZZ
@given(values=st.lists(TYPED, min_size=12, max_size=12))
def test_every_form_answers_any_input_with_messages(form_class, values):
    fields = list(form_class.base_fields)
    _bind(form_class, dict(zip(fields, values)))


@pytest.mark.django_db
@FORMS_FUZZ
@given(values=st.lists(TYPED, min_size=6, max_size=6))
def test_forms_that_depend_on_the_draft_answer_any_input(values):
    from vssid.declarations.models import Declaration

    draft = Declaration(address_province_id="01", date_of_birth=date(1990, 3, 15), sex="female")
    for form_class in (step_forms.IdDocumentForm, step_forms.AddressForm):
        _bind(form_class, dict(zip(form_class.base_fields, values)), declaration=draft)
