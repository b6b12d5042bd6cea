"""The SMS outbox: an SMS owed by a change is delivered once, after commit, through retries, in
unaccented text that fits one part."""
import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.accounts.sms_provider import sms_provider  # noqa: F401 - a fixture
from vssid.declarations.models import Declaration
from vssid.notify import sms_services
from vssid.notify.models import OutboundSms
from vssid.notify.sms_services import queue_submission_sms
from vssid.notify.sms_texts import declaration_submitted_text, short_office_name, sms_ascii
from vssid.notify.tasks import deliver_sms
from vssid.places.models import Office

SUBMITTED_TEXT = ("BHXH: Da nhan to khai dang ky giao dich dien tu, ma ho so K7Q4-M2XA-9E. "
                  "Den BHXH co so Ben Thanh Thu truoc 05/08/2025, mang theo CCCD goc.")


@pytest.fixture(autouse=True)
def _sms_outbox_in_tmp(settings, tmp_path):
    settings.VSSID_SMS_OUTBOX_DIR = tmp_path / "sms"


def submit(declaration) -> OutboundSms:
    """What submit_declaration does: queue inside the submission's transaction, then commit."""
    with transaction.atomic():
        return queue_submission_sms(declaration)


def sms_jobs(**filters):
    return DBTaskResult.objects.filter(task_path="vssid.notify.tasks.deliver_sms", **filters)


def let_time_pass(sms: OutboundSms) -> None:
    """Jump to the scheduled retry: make the SMS and its waiting job due now."""
    past = timezone.now() - timedelta(seconds=1)
    OutboundSms.objects.filter(pk=sms.pk).update(next_attempt_at=past)
    sms_jobs(status="READY").update(run_after=past)


@pytest.mark.django_db(transaction=True)
class TestDelivery:
    def test_the_submission_sms_arrives_once(self, make_declaration, sms_provider, run_worker, person):
        sms = submit(make_declaration())

        run_worker()

        [received] = sms_provider.received
        assert received.payload["to"] == person["mobile_phone"]
        assert received.text == SUBMITTED_TEXT
        assert received.payload["reference"] == str(sms.pk)
        sms.refresh_from_db()
        assert (sms.status, sms.attempts, sms.provider_message_id, sms.last_error) == ("sent", 1, "prov-1", "")
        assert sms.sent_at is not None
        run_worker()
        assert len(sms_provider.received) == 1

    def test_a_provider_error_is_retried_with_back_off_and_delivered_once(self, make_declaration, sms_provider, run_worker):
        sms_provider.respond_with(503)
        sms = submit(make_declaration())

        before = timezone.now()
        run_worker()
        after = timezone.now()

        sms.refresh_from_db()
        assert (sms.status, sms.attempts, sms.last_error) == ("pending", 1, "SmsTemporaryError HTTP 503")
        assert before + timedelta(minutes=1) <= sms.next_attempt_at <= after + timedelta(minutes=1)
        assert [job.run_after for job in sms_jobs(status="READY")] == [sms.next_attempt_at]
        run_worker()  # not due yet
        assert len(sms_provider.received) == 1

        let_time_pass(sms)
        run_worker()

        assert [r.headers["x-answered"] for r in sms_provider.received] == ["503", "200"]
        # The same text and reference: a provider that saw the first one can drop the copy.
        assert sms_provider.received[0].payload == sms_provider.received[1].payload
        sms.refresh_from_db()
        assert (sms.status, sms.attempts, sms.last_error) == ("sent", 2, "")
        run_worker()
        assert len(sms_provider.delivered) == 1 and sms_jobs(status="READY").count() == 0

    def test_the_delay_grows_with_each_failure(self, make_declaration, sms_provider, run_worker):
        sms_provider.respond_with(500, 500, 500)
        sms = submit(make_declaration())
        delays = []
        for _ in range(3):
            started = timezone.now()
            run_worker()
            sms.refresh_from_db()
            delays.append(round((sms.next_attempt_at - started) / timedelta(minutes=1)))
            let_time_pass(sms)

        assert delays == [1, 2, 4]

    def test_a_permanent_refusal_fails_at_once(self, make_declaration, sms_provider, run_worker, caplog):
        sms_provider.respond_with(400)
        sms = submit(make_declaration())

        with caplog.at_level(logging.ERROR, logger="vssid.notify"):
            run_worker()

        sms.refresh_from_db()
        assert (sms.status, sms.last_error) == ("failed", "SmsPermanentError HTTP 400")
        assert sms_jobs(status="READY").count() == 0
        assert f"outbound sms {sms.pk} failed permanently after 1 attempts" in caplog.text

    def test_a_duplicate_job_sends_nothing(self, make_declaration, sms_provider, run_worker):
        sms = submit(make_declaration())
        run_worker()
        let_time_pass(sms)

        duplicate = deliver_sms.enqueue(str(sms.pk))
        run_worker()

        assert len(sms_provider.received) == 1
        duplicate.refresh()
        assert duplicate.return_value == "skipped"

    def test_an_sms_being_sent_by_one_worker_is_left_alone_by_another(self, make_declaration, sms_provider):
        sms = submit(make_declaration())
        assert sms_services.SMS_OUTBOX.claim(sms.pk) is not None

        assert sms_services.deliver_outbound_sms(sms.pk) == "skipped"
        assert sms_provider.received == []

    def test_queueing_twice_owes_one_sms_and_one_job(self, make_declaration):
        declaration = make_declaration()

        first, second = submit(declaration), submit(declaration)

        assert first.pk == second.pk
        assert first.dedupe_key == f"declaration_submitted:{declaration.pk}"
        assert OutboundSms.objects.count() == 1 and sms_jobs().count() == 1

    def test_a_rolled_back_submission_owes_nothing(self, make_declaration, sms_provider, run_worker):
        declaration = make_declaration()

        with pytest.raises(RuntimeError), transaction.atomic():
            queue_submission_sms(declaration)
            raise RuntimeError("the submission failed after queueing")
        run_worker()

        assert OutboundSms.objects.count() == 0 and sms_jobs().count() == 0
        assert sms_provider.received == []

    def test_a_declaration_cancelled_before_sending_is_skipped(self, make_declaration, sms_provider, run_worker):
        declaration = make_declaration()
        sms = submit(declaration)
        Declaration.objects.filter(pk=declaration.pk).update(status="cancelled")

        run_worker()

        sms.refresh_from_db()
        assert (sms.status, sms.last_error) == ("skipped", "DeclarationNotSubmitted cancelled")
        assert sms_provider.received == []

    def test_retry_pending_re_enqueues_an_sms_whose_job_was_lost(self, make_declaration, sms_provider, run_worker):
        lost = submit(make_declaration())
        sms_jobs().delete()
        OutboundSms.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=6))
        recent = submit(make_declaration(reference_code="M2XA9010K$", mobile_phone="+84987000111"))
        sms_jobs().delete()
        out = io.StringIO()

        call_command("notify", "retry-pending", stdout=out)
        run_worker()

        assert out.getvalue().strip() == "1 pending SMS re-enqueued."
        assert [r.payload["to"] for r in sms_provider.received] == ["+84987654321"]
        lost.refresh_from_db()
        recent.refresh_from_db()
        assert (lost.status, recent.status) == ("sent", "pending")
        out = io.StringIO()
        call_command("notify", "retry-pending", "--grace", "0", stdout=out)
        assert out.getvalue().strip() == "1 pending SMS re-enqueued."

    def test_retry_pending_says_when_there_is_nothing_to_do(self, db):
        out = io.StringIO()

        call_command("notify", "retry-pending", stdout=out)

        assert out.getvalue().strip() == "Nothing to re-enqueue."

    def test_a_broken_gateway_configuration_is_retried_not_lost(self, make_declaration, run_worker, settings, caplog):
        settings.VSSID_SMS_GATEWAY = "vssid.notify.sms.HttpSmsGateway"
        settings.VSSID_SMS_HTTP_URL = ""  # an operator forgot it
        sms = submit(make_declaration())

        with caplog.at_level(logging.ERROR):
            run_worker()

        sms.refresh_from_db()
        assert (sms.status, sms.last_error) == ("pending", "ImproperlyConfigured")
        assert "raised ImproperlyConfigured at:" in caplog.text

    def test_a_reset_code_sms_gives_up_after_thirty_minutes(self, make_declaration, sms_provider, run_worker):
        from vssid.accounts import services as accounts

        declaration = make_declaration()
        with transaction.atomic():
            account = accounts.activate_account(declaration).account
        sms_jobs().delete()
        OutboundSms.objects.all().delete()
        accounts.start_password_reset(declaration.social_insurance_number, "sms")
        sms = OutboundSms.objects.get(purpose="password_reset_code")
        # Created 29 minutes ago: the next retry (in a minute) would come after the window.
        OutboundSms.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timedelta(minutes=29, seconds=30))
        sms_provider.respond_with(503)

        run_worker()

        sms.refresh_from_db()
        assert (sms.status, sms.last_error) == ("failed", "SmsTemporaryError HTTP 503")
        assert account.pk is not None

    def test_no_personal_data_in_logs_jobs_or_errors(self, make_declaration, sms_provider, run_worker, caplog, person):
        caplog.set_level(logging.DEBUG)
        sms_provider.respond_with(503, 400)
        down = submit(make_declaration())
        run_worker()  # 503 → retry
        refused = submit(make_declaration(reference_code="M2XA9010K$"))
        run_worker()  # 400 (the provider's answer echoes the number) → failed
        let_time_pass(down)
        run_worker()  # delivered

        assert OutboundSms.objects.get(pk=down.pk).status == "sent"
        assert OutboundSms.objects.get(pk=refused.pk).status == "failed"
        logged = "\n".join(r.getMessage() for r in caplog.records)
        stored = [s.last_error + s.provider_message_id for s in OutboundSms.objects.all()]
        stored += [str(job.args_kwargs) + job.traceback + str(job.return_value) for job in DBTaskResult.objects.all()]
        assert "outbound sms" in logged
        for secret in [*person.values(), "0987654321", "0987 654 321", "Le Thi Hong Nhung"]:
            assert secret not in logged, secret
            assert not [s for s in stored if secret in s], secret


@pytest.mark.django_db
def test_the_submission_text_fits_one_part_for_every_office_and_document(make_declaration):
    # The offices the reference data migration loaded (the longest names included).
    offices = list(Office.objects.exclude(code="TEST-OFFICE"))
    assert len(offices) > 100
    declaration = make_declaration(reference_code="ZZZZ9999Z9", visit_due_date=timezone.localdate())
    for office in offices:
        for document in Declaration.DocumentType.values:
            declaration.office, declaration.id_document_type = office, document
            text = declaration_submitted_text(declaration)
            assert text.isascii() and len(text) <= 160, text
            assert "Da nhan to khai dang ky giao dich dien tu" in text
            assert sms_ascii(short_office_name(office.name)) in text


@pytest.mark.django_db
def test_a_long_office_name_shortens_the_wording_not_the_facts(make_declaration, test_office):
    test_office.name = "Bảo hiểm xã hội cơ sở Phường Nguyễn Thái Bình Hòa Thuận Tây Nam Bộ Kéo Dài"
    declaration = make_declaration(id_document_type="passport")

    text = declaration_submitted_text(declaration)

    assert text == ("BHXH: Da nhan to khai, ma ho so K7Q4-M2XA-9E. Den BHXH co so Phuong Nguyen Thai Binh Hoa "
                    "Thuan Tay Nam Bo Keo Dai truoc 05/08/2025, mang theo ho chieu goc.")
    assert len(text) <= 160


def test_sms_text_is_gsm_safe_ascii():
    assert sms_ascii("Thứ Hai – Thứ Sáu, “giờ hành chính”…") == 'Thu Hai - Thu Sau, "gio hanh chinh"...'
    assert sms_ascii("Đặng 東") == "Dang ?"
    assert short_office_name("Bảo hiểm xã hội thành phố Hà Nội") == "BHXH thành phố Hà Nội"
    assert short_office_name("BHXH cơ sở Ba Đình") == "BHXH cơ sở Ba Đình"


@pytest.mark.django_db
def test_only_a_submitted_declaration_gets_the_submission_sms(make_declaration):
    with pytest.raises(ValueError):
        queue_submission_sms(make_declaration(status="draft", reference_code=None, submitted_at=None,
                                              visit_due_date=None))
    assert OutboundSms.objects.count() == 0


@pytest.mark.django_db
def test_the_migration_matches_the_model(settings):
    settings.MIGRATION_MODULES = {}
    call_command("makemigrations", "notify", check=True, dry_run=True, stdout=io.StringIO())
