"""A declaration's page: every field, the three photos large, the registry record beside it, warnings."""
import pytest
from django.urls import reverse

from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code
from vssid.desk.models import AuditEvent
from vssid.registry import services as registry_services
from vssid.registry.records import PersonRecord

from .conftest import BINH, HANOI_B, logged_in

pytestmark = pytest.mark.django_db


def registry_record(**changes) -> PersonRecord:
    values = dict(social_insurance_number=BINH.social_insurance_number, full_name=BINH.full_name,
                  date_of_birth=BINH.date_of_birth, birth_year_only=False, sex=BINH.sex, province_code="01",
                  id_number=BINH.id_document_number, phone=BINH.mobile_phone)
    values.update(changes)
    return PersonRecord(**values)


def page_of(client, d):
    response = client.get(reverse("desk:declaration", kwargs={"pk": d.pk}))
    assert response.status_code == 200
    return response


def warning_codes(response):
    return {w.code for w, _text in response.context["warnings"]}


def test_the_page_shows_every_field_and_records_the_view(desk, officer, make_declaration):
    d = make_declaration()
    html = page_of(desk, d).content.decode()
    for shown in ("TRẦN THỊ BÌNH", "15/03/1990", "Nữ", BINH.social_insurance_number, BINH.id_document_number,
                  "Số 12 ngõ 34 phố Hàng Bông", "0912 345 678", BINH.email, d.office.name,
                  format_reference_code(d.reference_code), d.visit_due_date.strftime("%d/%m/%Y"),
                  "Người dân tự kê khai"):
        assert shown in html, shown
    event = AuditEvent.objects.get(action="view_declaration")
    assert (event.declaration_id, event.user_id, event.office_code) == (d.pk, officer.user_id, d.office.code)
    assert event.detail == ""


def test_the_three_photos_are_shown_large_through_the_desk(desk, make_declaration):
    d = make_declaration()
    html = page_of(desk, d).content.decode()
    for kind in ("portrait", "id_front", "id_back"):
        url = reverse("desk:photo", kwargs={"pk": d.pk, "kind": kind})
        assert url in html
        response = desk.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store" or "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert sorted(e.detail for e in AuditEvent.objects.filter(action="view_photo")) == [
        "kind:id_back", "kind:id_front", "kind:portrait"]
    assert desk.get(reverse("desk:photo", kwargs={"pk": d.pk, "kind": "selfie"})).status_code == 404


def test_a_purged_photo_is_gone_but_the_page_says_so(desk, make_declaration):
    from vssid.photos.services import purge_photo

    d = make_declaration(status=Declaration.Status.EXPIRED)
    purge_photo(d.portrait)
    assert desk.get(reverse("desk:photo", kwargs={"pk": d.pk, "kind": "portrait"})).status_code == 404
    assert "đã được xóa" in page_of(desk, d).content.decode()


def test_the_registry_record_is_shown_beside_and_matching_data_raises_no_warning(desk, make_declaration):
    registry_services.upsert_records([registry_record()])
    response = page_of(desk, make_declaration())
    rows = response.context["comparison_rows"]
    assert [r.differs for r in rows] == [False] * 5
    assert warning_codes(response) == set()
    assert "Cơ sở dữ liệu BHXH" in response.content.decode()


def test_data_that_differs_from_the_registry_is_flagged(desk, make_declaration):
    registry_services.upsert_records([registry_record(full_name="Trần Thị Bính Nhi", id_number="001190099999",
                                                      phone="+84987000111")])
    response = page_of(desk, make_declaration())
    assert warning_codes(response) == {"registry_full_name_differs", "registry_id_document_number_differs",
                                       "registry_mobile_phone_differs"}
    differing = {r.label for r in response.context["comparison_rows"] if r.differs}
    assert differing == {"Họ và tên", "Số giấy tờ", "Số điện thoại"}
    assert "Khác với cơ sở dữ liệu BHXH: họ và tên." in response.content.decode()


def test_a_name_typed_without_diacritics_is_not_a_difference(desk, make_declaration):
    registry_services.upsert_records([registry_record()])
    response = page_of(desk, make_declaration(full_name="TRAN THI BINH"))
    assert "registry_full_name_differs" not in warning_codes(response)


def test_an_unknown_social_insurance_number_is_flagged(desk, make_declaration):
    registry_services.upsert_records([registry_record(social_insurance_number="0999999999")])
    assert warning_codes(page_of(desk, make_declaration())) == {"registry_unknown_number"}


def test_without_registry_data_the_page_says_there_is_nothing_to_compare(desk, make_declaration):
    from vssid.registry.models import InsuredPerson

    InsuredPerson.objects.all().delete()  # a deployment that has not imported the registry yet
    response = page_of(desk, make_declaration())
    assert warning_codes(response) == {"registry_not_loaded"}


def test_other_pending_declarations_with_the_same_identifiers_are_flagged(desk, make_declaration):
    registry_services.upsert_records([registry_record()])
    d = make_declaration()
    same_number_here = make_declaration(id_document_number="001190054321", mobile_phone="+84911000222")
    make_declaration(office_code=HANOI_B, social_insurance_number="0123450000", id_document_number="001190054322",
                     mobile_phone=BINH.mobile_phone)
    make_declaration(status=Declaration.Status.REJECTED)  # closed: no longer a concern
    response = page_of(desk, d)
    warnings = {w.code: w for w, _text in response.context["warnings"]}
    assert set(warnings) == {"pending_same_social_insurance_number", "pending_same_phone"}
    # Only declarations the officer may open are linked; the other office's is counted, not shown.
    assert warnings["pending_same_social_insurance_number"].visible_ids == (same_number_here.pk,)
    assert warnings["pending_same_phone"].count == 1 and warnings["pending_same_phone"].visible_ids == ()
    assert "1 tờ khai khác đang chờ duyệt có cùng số điện thoại." in response.content.decode()


def test_an_existing_citizen_account_with_the_same_identifiers_is_flagged(desk, make_declaration):
    from vssid.accounts.models import CitizenAccount

    registry_services.upsert_records([registry_record()])
    earlier = make_declaration(status=Declaration.Status.ACTIVATED, mobile_phone="+84911000333")
    CitizenAccount.objects.create(username=BINH.social_insurance_number, declaration=earlier, password="!")
    response = page_of(desk, make_declaration())
    assert warning_codes(response) == {"account_social_insurance_number", "account_id_document_number"}
    assert "Đã có tài khoản giao dịch điện tử với cùng mã số BHXH." in response.content.decode()


def test_a_decided_declaration_shows_its_decision_and_no_buttons(desk, make_declaration, officer):
    from vssid.desk import services

    d = make_declaration()
    services.reject_declaration(d, officer, reason="document_mismatch", reason_text="Số CCCD khai sai.")
    html = page_of(desk, d).content.decode()
    assert "Từ chối" in html and "Thông tin trên tờ khai không khớp với giấy tờ tùy thân" in html
    assert reverse("desk:approve", kwargs={"pk": d.pk}) not in html


def test_a_supervisor_of_the_province_may_open_it(make_officer, make_declaration):
    from vssid.desk.models import OfficerProfile

    supervisor = make_officer("giam.sat", HANOI_B, OfficerProfile.Role.SUPERVISOR)
    page_of(logged_in(supervisor), make_declaration())


def test_times_are_shown_on_vietnams_clock(desk, make_declaration):
    from datetime import datetime

    d = make_declaration(submitted_at=datetime.fromisoformat("2026-03-02T02:00:00+00:00"))
    assert "09:00 02/03/2026" in page_of(desk, d).content.decode()


def test_the_decision_pages_count_as_views_of_personal_data(desk, make_declaration):
    d = make_declaration()
    desk.get(reverse("desk:approve", kwargs={"pk": d.pk}))
    desk.get(reverse("desk:reject", kwargs={"pk": d.pk}))
    assert sorted(AuditEvent.objects.filter(action="view_declaration").values_list("detail", flat=True)) == [
        "page:approve", "page:reject"]
