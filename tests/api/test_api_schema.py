"""The live OpenAPI schema, fuzzed by schemathesis: no answer is a 5xx, every answer matches the schema
(status, content type, body), and bad input is refused. Plus the documentation pages, served locally."""
import datetime

import hypothesis
import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.specs.openapi.checks import positive_data_acceptance

from vssid.api.limits import DEFAULT_RATES
from vssid.wsgi import application

from .helpers import BASE, App, good_photos


def application_inside_the_tests_transaction(environ, start_response):
    """The project's WSGI application, as Django's test client runs it: a request's start and end
    close "old" database connections, and inside a test's transaction (autocommit off) every
    connection looks old, so on PostgreSQL the test's own transaction would be closed under it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()  # sends request_finished, while it cannot close the connection
        return [body]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The schema the server itself publishes, fetched through the WSGI application in-process.
schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", application_inside_the_tests_transaction)


@pytest.fixture
def fuzzed_draft(client, settings, answers):
    """A complete draft, so the fuzzer reaches the check, the send and what follows it, not only the
    refusals of an empty draft. The limits are lifted: counting is tested elsewhere, and a fuzzer
    would spend its examples on 429s."""
    settings.VSSID_API_RATES = {scope: "100000/h" for scope in DEFAULT_RATES}
    app = App(client)
    app.start()
    app.patch({name: value for step in answers.values() for name, value in step.items()})
    for kind, data in good_photos().items():
        app.put_photo(kind, data)
    office = app.get(f"/offices?commune={answers['address']['address_commune']}").json()[0]["id"]
    assert app.patch({"office": office}).json()["next_step"] is None
    return app.token


@pytest.fixture
def fuzzed_account(db, settings, fuzzed_draft):
    """A login token of an activated account whose first password was changed, so the fuzzer reaches
    the account's data and its password change, not only 401s."""
    from vssid.accounts import services
    from vssid.api.accounts import issue_token
    from vssid.declarations.models import Declaration

    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.QuickArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    sent = Declaration.objects.get(api_token_hash__isnull=False)
    declaration = Declaration.objects.create(
        full_name="Phạm Văn Đức", date_of_birth=datetime.date(1995, 4, 12), sex=Declaration.Sex.MALE,
        social_insurance_number="0131579246", id_document_type=Declaration.DocumentType.CCCD,
        id_document_number="001095012345", mobile_phone="+84912345678", email="duc.pham@example.vn",
        address_province=sent.address_province, address_commune=sent.address_commune, office=sent.office,
        status=Declaration.Status.SUBMITTED, reference_code="K7Q4M2XA9E", confirmation_token="c" * 43,
        submitted_at=timezone.now(), visit_due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    account = services.activate_account(declaration).account
    _username, one_time = services.issue_one_time_password(account.pk)
    account = services.change_password(account, one_time, "Hoa-sen-mua-he-2025")
    token, _record = issue_token(account)
    return token


@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(
    max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.filter_too_much, hypothesis.HealthCheck.data_too_large],
)
def test_the_api_keeps_its_schema_under_fuzzing(case, fuzzed_draft, fuzzed_account):
    # Every built-in check but one: "schema-valid data must be accepted" cannot hold for an API
    # whose rules (a CCCD number agreeing with a date of birth, a commune of the chosen province)
    # are the card rules' and the step forms', not JSON Schema's; those refusals are 422s with codes.
    # The account's endpoints take the login token, the declaration's the draft token.
    token = fuzzed_account if case.path.removeprefix(BASE).startswith("/account") else fuzzed_draft
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           excluded_checks=[positive_data_acceptance])


def test_the_schema_is_served_and_names_every_operation(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    operations = {op["operationId"] for path in response.json()["paths"].values() for op in path.values()}
    assert operations == {
        "list_provinces", "list_communes", "nearest_offices", "parse_card", "scan_card", "look_up", "create_draft", "read_draft",
        "update_draft", "upload_photo", "download_photo", "check_answers", "submit_declaration",
        "cancel_declaration", "declaration_pdf", "declaration_status",
        "log_in", "read_account", "change_password", "log_out", "request_password_reset", "confirm_password_reset",
    }


def test_the_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get(f"{BASE}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert '"validatorUrl": null' in page  # the validator badge would call validator.swagger.io
    sources = [part.split('"', 1)[0] for part in page.split('src="')[1:]] + \
              [part.split('"', 1)[0] for part in page.split('href="')[1:]]
    assert sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source
