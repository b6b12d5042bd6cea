"""Approve and reject: final, recorded, behind a fresh password; corrections keep both values."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vssid.accounts.models import CitizenAccount
from vssid.declarations.models import Declaration
from vssid.desk import services
from vssid.desk.models import AuditEvent, Correction, Decision
from vssid.notify.models import OutboundEmail, OutboundSms

from .conftest import BINH, PASSWORD, logged_in

pytestmark = pytest.mark.django_db


def approve_url(d):
    return reverse("desk:approve", kwargs={"pk": d.pk})


def reject_url(d):
    return reverse("desk:reject", kwargs={"pk": d.pk})


def test_approving_activates_the_account_and_queues_the_password_sms(desk, officer, make_declaration):
    d = make_declaration()
    page = desk.get(approve_url(d)).content.decode()
    assert "Đã đối chiếu bản gốc giấy tờ tùy thân" in page
    response = desk.post(approve_url(d), {"document_checked": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("desk:declaration", kwargs={"pk": d.pk})
    d.refresh_from_db()
    assert d.status == Declaration.Status.ACTIVATED
    decision = Decision.objects.get(declaration=d)
    assert (decision.outcome, decision.officer_id, decision.office_id, decision.document_checked) == (
        "approved", officer.user_id, officer.office_id, True)
    account = CitizenAccount.objects.get(declaration=d)
    assert account.username == BINH.social_insurance_number and account.must_change_password
    assert OutboundSms.objects.filter(purpose="account_credentials", object_id=account.pk).exists()
    assert OutboundEmail.objects.filter(purpose="account_activated").exists()
    event = AuditEvent.objects.get(action="approve")
    assert (event.declaration_id, event.user_id, event.office_code, event.detail) == (
        d.pk, officer.user_id, officer.office.code, "")
    shown = desk.get(response["Location"]).content.decode()
    assert "Đã duyệt" in shown and "0912 *** 678" in shown  # the officer reads the masked number out


def test_approval_needs_the_original_document_checked(desk, officer, make_declaration):
    d = make_declaration()
    response = desk.post(approve_url(d), {})
    assert response.status_code == 200
    assert "Đối chiếu bản gốc giấy tờ tùy thân với người đến làm thủ tục, rồi đánh dấu ô này" in response.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED
    assert not CitizenAccount.objects.exists() and not AuditEvent.objects.filter(action="approve").exists()
    with pytest.raises(ValueError):
        services.approve_declaration(d, officer, document_checked=False)


def test_typos_are_corrected_at_approval_and_both_values_are_kept(desk, make_declaration):
    d = make_declaration(full_name="Tran Thi Binh", date_of_birth=date(1990, 3, 16), id_document_number="001190012354")
    response = desk.post(approve_url(d), {
        "document_checked": "on", "full_name": "Trần  Thị  Bình ", "id_document_number": "001 190 012 345",
        "dob_day": "15", "dob_month": "03", "dob_year": "1990",
    })
    assert response.status_code == 302, response.context and response.context["form"].errors
    d.refresh_from_db()
    assert (d.full_name, d.id_document_number, d.date_of_birth) == ("Trần Thị Bình", "001190012345", date(1990, 3, 15))
    kept = {c.field: (c.declared_value, c.corrected_value) for c in Correction.objects.filter(decision__declaration=d)}
    assert kept == {
        "full_name": ("Tran Thi Binh", "Trần Thị Bình"),
        "id_document_number": ("001190012354", "001190012345"),
        "date_of_birth": ("1990-03-16", "1990-03-15"),
    }
    event = AuditEvent.objects.get(action="approve")
    assert event.detail == "corrected:date_of_birth,full_name,id_document_number"
    page = desk.get(reverse("desk:declaration", kwargs={"pk": d.pk})).content.decode()
    assert "Tran Thi Binh" in page and "001190012354" in page  # the declared values stay visible


def test_corrections_follow_the_card_rules(desk, make_declaration):
    d = make_declaration()
    response = desk.post(approve_url(d), {
        "document_checked": "on", "full_name": "B1nh", "id_document_number": "001290012345",  # a 2000s CCCD
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "id_document_number"}
    # A corrected date of birth must still agree with the CCCD number's digits.
    response = desk.post(approve_url(d), {"document_checked": "on", "dob_day": "1", "dob_month": "1", "dob_year": "1985"})
    assert set(response.context["form"].errors) == {"dob_day"}
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED


def test_a_correction_equal_to_the_declared_value_is_no_correction(desk, make_declaration):
    d = make_declaration()
    desk.post(approve_url(d), {"document_checked": "on", "full_name": BINH.full_name})
    assert not Correction.objects.exists()


def test_rejecting_needs_a_reason_and_an_explanation(desk, make_declaration):
    d = make_declaration()
    response = desk.post(reject_url(d), {"reason": "", "reason_text": ""})
    html = response.content.decode()
    assert "Chọn lý do từ chối" in html and "Viết lời giải thích cho người kê khai" in html
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED
    response = desk.post(reject_url(d), {"reason": "other", "reason_text": "   "})
    assert response.status_code == 200


def test_rejecting_tells_the_citizen_why_by_email(desk, officer, make_declaration):
    d = make_declaration()
    response = desk.post(reject_url(d), {"reason": "document_mismatch",
                                         "reason_text": "Số CCCD trên tờ khai khác với thẻ. Hãy kê khai lại."})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Declaration.Status.REJECTED
    decision = Decision.objects.get(declaration=d)
    assert (decision.reason, decision.reason_text) == ("document_mismatch",
                                                       "Số CCCD trên tờ khai khác với thẻ. Hãy kê khai lại.")
    assert not CitizenAccount.objects.exists()
    email = OutboundEmail.objects.get(purpose="declaration_rejected", declaration_id=d.pk)
    assert email.to_address == BINH.email
    assert AuditEvent.objects.get(action="reject").detail == "reason:document_mismatch"


def test_the_rejection_notice_reads_like_form_01_tb_gddt(officer, make_declaration):
    from vssid.notify.emails import build_message

    d = make_declaration()
    services.reject_declaration(d, officer, reason="document_not_presented", reason_text="Chưa mang CCCD bản gốc.")
    message = build_message(OutboundEmail.objects.get(purpose="declaration_rejected"))
    body = message.body
    assert "Mẫu 01/TB-GDĐT" in body and "không chấp nhận" in body
    assert "Không xuất trình bản gốc giấy tờ tùy thân" in body and "Chưa mang CCCD bản gốc." in body
    assert "Trần Thị Bình" in body and d.office.name in body
    assert "mã hồ sơ" in message.subject and d.reference_code[:4] in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Chưa mang CCCD bản gốc." in html


def test_no_email_no_notice(officer, make_declaration):
    d = make_declaration(email="")
    services.reject_declaration(d, officer, reason="other", reason_text="Lý do khác.")
    assert not OutboundEmail.objects.exists()


def test_a_decision_is_final(desk, officer, make_declaration):
    d = make_declaration()
    desk.post(reject_url(d), {"reason": "other", "reason_text": "Không đến đúng người."})
    again = desk.post(approve_url(d), {"document_checked": "on"}, follow=True)
    assert "đã có quyết định" in again.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.REJECTED
    assert Decision.objects.filter(declaration=d).count() == 1
    assert not CitizenAccount.objects.exists()
    with pytest.raises(services.DecisionAlreadyMade):
        services.approve_declaration(d, officer, document_checked=True)
    assert desk.get(approve_url(d)).status_code == 302


def test_an_expired_or_cancelled_declaration_cannot_be_decided(desk, make_declaration):
    for status in (Declaration.Status.EXPIRED, Declaration.Status.CANCELLED):
        d = make_declaration(status=status)
        desk.post(approve_url(d), {"document_checked": "on"})
        assert Declaration.objects.get(pk=d.pk).status == status
    assert not Decision.objects.exists()


def test_an_existing_account_stops_the_approval_and_nothing_changes(desk, make_declaration):
    earlier = make_declaration(status=Declaration.Status.ACTIVATED)
    CitizenAccount.objects.create(username=BINH.social_insurance_number, declaration=earlier, password="!")
    d = make_declaration()
    response = desk.post(approve_url(d), {"document_checked": "on"})
    assert response.status_code == 200 and "Không thể kích hoạt" in response.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED
    assert not Decision.objects.filter(declaration=d).exists()
    assert not AuditEvent.objects.filter(action="approve").exists()


def test_the_service_refuses_an_officer_of_another_office(other_officer, make_declaration):
    from django.core.exceptions import PermissionDenied

    d = make_declaration()
    with pytest.raises(PermissionDenied):
        services.approve_declaration(d, other_officer, document_checked=True)
    with pytest.raises(PermissionDenied):
        services.reject_declaration(d, other_officer, reason="other", reason_text="x")


# Re-authentication ---------------------------------------------------------------------------------

def stale_client(officer):
    return logged_in(officer, authenticated_at=timezone.now() - timedelta(minutes=11))


def test_a_decision_after_ten_minutes_asks_for_the_password_again(officer, make_declaration):
    d = make_declaration()
    client = stale_client(officer)
    page = client.get(approve_url(d)).content.decode()
    assert "Mật khẩu của bạn" in page
    missing = client.post(approve_url(d), {"document_checked": "on"})
    assert "Nhập mật khẩu của bạn để xác nhận" in missing.content.decode()
    wrong = client.post(approve_url(d), {"document_checked": "on", "password": "sai-mat-khau"})
    assert "Mật khẩu không đúng" in wrong.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED
    assert AuditEvent.objects.filter(action="login_failed", user_id=officer.user_id).count() == 1
    right = client.post(approve_url(d), {"document_checked": "on", "password": PASSWORD})
    assert right.status_code == 302
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.ACTIVATED
    assert AuditEvent.objects.filter(action="reauthenticate").count() == 1
    # Now fresh: the next decision does not ask again.
    other = make_declaration(social_insurance_number="0123400000", id_document_number="001190000001")
    assert "Mật khẩu của bạn" not in client.get(reject_url(other)).content.decode()


def test_a_fresh_login_needs_no_second_password(desk, make_declaration):
    d = make_declaration()
    assert "Mật khẩu của bạn" not in desk.get(reject_url(d)).content.decode()


def test_wrong_passwords_at_the_prompt_lock_the_account_like_logins(officer, make_declaration):
    d = make_declaration()
    client = stale_client(officer)
    for _ in range(5):
        client.post(reject_url(d), {"reason": "other", "reason_text": "x", "password": "sai-mat-khau"})
    response = client.post(reject_url(d), {"reason": "other", "reason_text": "x", "password": PASSWORD})
    assert "tạm khóa" in response.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED
