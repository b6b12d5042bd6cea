"""The queue of the office's submitted declarations, and the search box (typed or scanned)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code
from vssid.desk import selectors
from vssid.desk.models import AuditEvent, OfficerProfile

from .conftest import BINH, CANARY, HANOI_A, HANOI_B, SAIGON, Person, logged_in

pytestmark = pytest.mark.django_db


def queue_codes(client, **params):
    page = client.get(reverse("desk:queue"), params)
    assert page.status_code == 200
    return [d.reference_code for d, _days in page.context["rows"]]


def test_the_queue_lists_the_offices_submitted_declarations_oldest_first(desk, make_declaration):
    now = timezone.now()
    old = make_declaration(submitted_at=now - timedelta(days=10))
    new = make_declaration(submitted_at=now - timedelta(days=1))
    make_declaration(office_code=HANOI_B)  # another office
    make_declaration(status=Declaration.Status.ACTIVATED)  # decided
    make_declaration(status=Declaration.Status.EXPIRED)
    assert queue_codes(desk) == [old.reference_code, new.reference_code]


def test_the_queue_can_show_the_closest_due_date_first(desk, make_declaration):
    now = timezone.now()
    early_long_window = make_declaration(submitted_at=now - timedelta(days=5), visit_due_date=now.date() + timedelta(days=40))
    late_short_window = make_declaration(submitted_at=now - timedelta(days=1), visit_due_date=now.date() + timedelta(days=3))
    assert queue_codes(desk, **{"sap-xep": "due"}) == [late_short_window.reference_code, early_long_window.reference_code]
    assert queue_codes(desk, **{"sap-xep": "age"}) == [early_long_window.reference_code, late_short_window.reference_code]


def test_the_queue_is_paginated(desk, make_declaration):
    now = timezone.now()
    made = [make_declaration(submitted_at=now - timedelta(minutes=i)) for i in range(30)]
    first, second = queue_codes(desk), queue_codes(desk, trang=2)
    assert len(first) == 25 and len(second) == 5
    assert set(first + second) == {d.reference_code for d in made}
    assert "Trang 1/2" in desk.get(reverse("desk:queue")).content.decode()


def test_the_queue_shows_references_grouped_and_names_upper_case(desk, make_declaration):
    d = make_declaration()
    page = desk.get(reverse("desk:queue")).content.decode()
    assert format_reference_code(d.reference_code) in page
    assert "TRẦN THỊ BÌNH" in page
    assert AuditEvent.objects.filter(action="view_queue").count() == 1


def test_a_supervisor_filters_the_provinces_queue_by_office(make_officer, make_declaration):
    supervisor = make_officer("giam.sat", HANOI_A, OfficerProfile.Role.SUPERVISOR)
    a, b = make_declaration(office_code=HANOI_A), make_declaration(office_code=HANOI_B)
    make_declaration(office_code=SAIGON)
    client = logged_in(supervisor)
    assert set(queue_codes(client)) == {a.reference_code, b.reference_code}
    assert queue_codes(client, **{"co-quan": HANOI_B}) == [b.reference_code]


# The search ----------------------------------------------------------------------------------------

def search(client, text):
    return client.post(reverse("desk:search"), {"q": text})


def found(response) -> set[str]:
    if response.status_code == 302:  # a single reference match opens the declaration
        return {response["Location"]}
    return {reverse("desk:declaration", kwargs={"pk": hit.declaration.pk}) for hit in response.context["hits"]}


def url_of(d):
    return reverse("desk:declaration", kwargs={"pk": d.pk})


@pytest.mark.parametrize("typed", [
    "{code}", "{grouped}", "{lower}", "  {spaced}  ", "{code}\r\n", "{grouped_o}",
])
def test_a_reference_code_typed_or_scanned_opens_the_declaration(desk, make_declaration, typed):
    d = make_declaration()
    code = d.reference_code
    grouped = format_reference_code(code)
    text = typed.format(code=code, grouped=grouped, lower=grouped.lower(), spaced=" ".join(grouped),
                        grouped_o=grouped.replace("0", "O"))
    response = search(desk, text)
    assert response.status_code == 302 and response["Location"] == url_of(d)


def test_a_mistyped_reference_code_finds_nothing(desk, make_declaration):
    d = make_declaration()
    wrong = d.reference_code[:-1] + ("A" if d.reference_code[-1] != "A" else "B")
    response = search(desk, wrong)
    assert response.status_code == 200 and not response.context["hits"]
    assert "Không tìm thấy" in response.content.decode()


def test_search_by_id_number_and_by_social_insurance_number(desk, make_declaration):
    binh = make_declaration(BINH)
    make_declaration(CANARY)
    assert found(search(desk, "001 190 012 345")) == {url_of(binh)}
    assert found(search(desk, "0123-456-789")) == {url_of(binh)}
    # The old 15-character BHYT card number holds the mã số BHXH in its last 10 digits.
    assert found(search(desk, "HS4010123456789")) == {url_of(binh)}


def test_search_by_passport_number(desk, make_declaration):
    d = make_declaration(Person("John Smith", BINH.date_of_birth, "male", "0111222333", "C1234567", "+84911111111", ""),
                         id_document_type=Declaration.DocumentType.PASSPORT)
    assert found(search(desk, "c1234567")) == {url_of(d)}


@pytest.mark.parametrize("typed,who", [
    ("Trần Thị Bình", {"binh"}), ("tran thi binh", {"binh"}), ("TRAN THI BINH", {"binh"}),
    # Diacritics are ignored entirely, so Bình and Bính are the same word; word order is free.
    ("binh tran", {"binh", "binh_male"}), ("Bính", {"binh", "binh_male"}), ("van", {"binh_male"}),
    ("Tran Thi", {"binh"}), ("Trần Thị Bìn", set()),
])
def test_search_by_name_ignores_case_and_diacritics(desk, make_declaration, typed, who):
    people = {
        "binh": make_declaration(BINH),
        "binh_male": make_declaration(Person("Trần Văn Bính", BINH.date_of_birth, "male", "0123456780",
                                             "001090012345", "+84912345670", "")),
        "canary": make_declaration(CANARY),
    }
    assert found(search(desk, typed)) == {url_of(people[name]) for name in who}


def test_search_reads_a_scanned_cccd_qr_text(desk, make_declaration):
    binh = make_declaration(BINH)
    scanned = "001190012345||Trần Thị Bình|15031990|Nữ|Số 12 Hàng Bông, Hà Nội|01012021\r\n"
    assert found(search(desk, scanned)) == {url_of(binh)}


def test_search_never_finds_another_offices_declarations(desk, make_declaration):
    elsewhere = make_declaration(BINH, office_code=HANOI_B)
    for text in (elsewhere.reference_code, BINH.id_document_number, BINH.social_insurance_number, "tran thi binh"):
        response = search(desk, text)
        assert response.status_code == 200 and not response.context["hits"], text


def test_search_finds_decided_declarations_too_waiting_ones_first(desk, make_declaration):
    now = timezone.now()
    old = make_declaration(status=Declaration.Status.REJECTED, submitted_at=now - timedelta(days=20))
    waiting = make_declaration(submitted_at=now - timedelta(days=1))
    older_waiting = make_declaration(submitted_at=now - timedelta(days=2))
    hits = search(desk, BINH.social_insurance_number).context["hits"]
    assert [h.declaration.pk for h in hits] == [waiting.pk, older_waiting.pk, old.pk]


def test_search_is_posted_and_the_typed_text_is_neither_in_the_url_nor_the_audit_log(desk, make_declaration):
    make_declaration(CANARY)
    response = search(desk, CANARY.id_document_number)
    assert response.status_code == 200
    assert desk.get(reverse("desk:search"), {"q": CANARY.id_document_number}).context["hits"] == []
    event = AuditEvent.objects.get(action="search")
    assert event.detail == "kinds:id_number,results:1"
    # The box is emptied after a search, ready for the next scan.
    assert CANARY.id_document_number not in response.content.decode().split("<table")[0]


def test_an_empty_search_says_what_to_type(desk):
    response = search(desk, "   ")
    assert response.status_code == 200
    assert "Nhập mã hồ sơ, số giấy tờ, mã số BHXH hoặc họ tên" in response.content.decode()


@pytest.mark.parametrize("text,kinds", [
    # A wrong check character: not a reference code; letters and digits may be a passport number.
    ("K7Q4-M2XA-9R", {"id_number"}),
    ("0123456789", {"social_insurance_number", "id_number"}),
    ("001190012345", {"id_number"}),
    ("nguyễn văn an", {"name"}),
    ("HS4010123456789", {"social_insurance_number"}),
])
def test_how_a_search_text_is_read(text, kinds):
    assert {t.kind for t in selectors.interpret_query(text)} - {"reference"} == kinds


def test_a_phone_photo_of_the_citizens_qr_code_finds_the_declaration(desk, make_declaration):
    import io

    import segno
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = make_declaration()
    png = io.BytesIO()
    segno.make_qr(d.reference_code, error="m").save(png, kind="png", scale=8, border=4)
    upload = SimpleUploadedFile("qr.png", png.getvalue(), "image/png")
    response = desk.post(reverse("desk:search"), {"q": "", "photo": upload})
    assert response.status_code == 302 and response["Location"] == url_of(d)


def test_a_photo_without_a_code_says_so(desk):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(blank, "PNG")
    response = desk.post(reverse("desk:search"), {"photo": SimpleUploadedFile("x.png", blank.getvalue(), "image/png")})
    assert response.status_code == 422 and "<title>Lỗi:" in response.content.decode()
