"""The look-up page: one match fills the draft; anything else gets one neutral answer; attempts are
limited per client and per person; nothing personal reaches a URL or a log."""
import logging
import re

import pytest
from django.urls import reverse

from vssid.declarations.models import Declaration
from vssid.registry.services import DEMO_PEOPLE

from tests.registry.helpers import AN, lookup_data, person
from tests.support.flow import Citizen, Walker

pytestmark = pytest.mark.django_db

LOOKUP = reverse("registry:lookup")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(page) -> bytes:
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', page.content.decode()).encode()


@pytest.fixture
def draft_walker(client):
    """A citizen who has started a declaration and answered step 2's personal questions."""
    walker = Walker(client, Citizen())
    walker.start()
    assert walker.answer("personal").status_code == 302
    return walker


def test_the_page_asks_for_province_name_date_of_birth_and_id_number(client):
    page = client.get(LOOKUP)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tra cứu mã số BHXH" in text and "Tôi không có giấy tờ tùy thân" in text
    assert len(page.context["form"].fields["province"].choices) == 35
    assert 'autocomplete="bday-day"' in text and "novalidate" in text
    assert f'method="post" action="{LOOKUP}"' in text
    assert f'href="{reverse("declarations:start")}"' in text  # back to the start without a draft


def test_the_form_is_prefilled_from_the_draft(draft_walker):
    page = draft_walker.client.get(LOOKUP)
    form = page.context["form"]
    assert form.initial["full_name"] == "Trần Thị Bình"
    assert (form.initial["dob_day"], form.initial["dob_month"], form.initial["dob_year"]) == ("15", "3", "1990")
    assert reverse("declarations:social-insurance-number") in page.content.decode()  # the back link


def test_a_single_match_fills_the_draft_and_returns_to_the_step_with_a_message(draft_walker, add_people):
    bình = DEMO_PEOPLE[0]
    add_people(bình)
    answer = draft_walker.client.post(LOOKUP, lookup_data(
        province="01", full_name="tran thi binh", born=(15, 3, 1990), id_number="001190012345"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("declarations:social-insurance-number")
    assert Declaration.objects.get().social_insurance_number == bình.social_insurance_number
    step = draft_walker.client.get(answer["Location"])
    assert "Đã tìm thấy mã số BHXH của bạn và điền vào tờ khai" in step.content.decode()
    assert bình.social_insurance_number in step.content.decode()  # in the input, never in a URL


def test_without_a_draft_a_single_match_shows_the_number(client, add_people):
    add_people(AN)
    page = client.post(LOOKUP, lookup_data(full_name="nguyen van an"))
    assert page.status_code == 200
    assert AN.social_insurance_number in page.content.decode()
    assert page.templates[0].name == "registry/found.html"


def test_diacritics_and_case_do_not_matter(client, add_people):
    add_people(AN)
    for typed in ("nguyen van an", "NGUYỄN VĂN AN"):
        page = client.post(LOOKUP, lookup_data(full_name=typed))
        assert AN.social_insurance_number in page.content.decode()


def test_nobody_and_several_people_get_byte_identical_answers(client, add_people):
    data = lookup_data(id_number="", no_id_document=True)
    nobody = client.post(LOOKUP, data)
    add_people(person(id_number=""), person(social_insurance_number="7900000002", id_number=""))
    several = client.post(LOOKUP, data)
    assert nobody.status_code == several.status_code == 200
    assert "Không tìm thấy đúng một người với thông tin này" in nobody.content.decode()
    assert without_csrf(nobody) == without_csrf(several)
    assert "7900000002" not in several.content.decode() and AN.social_insurance_number not in several.content.decode()


def test_the_neutral_answer_keeps_what_was_typed_to_correct_it(client):
    page = client.post(LOOKUP, lookup_data(full_name="Nguyễn Văn Ân"))
    assert 'value="Nguyễn Văn Ân"' in page.content.decode()
    assert "Chữ hoa, chữ thường và dấu không ảnh hưởng" in page.content.decode()


@pytest.mark.parametrize(("changes", "message"), [
    ({"id_number": ""}, "hoặc chọn “Tôi không có giấy tờ tùy thân”"),
    ({"no_id_document": True}, "hãy xóa số giấy tờ, hoặc bỏ chọn ô đó"),
    ({"id_number": "079090001234"}, "Số CCCD cho biết năm sinh 1990"),
    ({"id_number": "0790850012"}, "bạn đã nhập 10 chữ số"),
    ({"province": ""}, "Chọn tỉnh/thành phố nơi bạn được đăng ký khai sinh"),
    ({"full_name": "An 2"}, "Họ và tên không được có chữ số"),
    ({"born": (31, 2, 1985)}, "không có trên lịch"),
])
def test_invalid_answers_are_shown_next_to_the_field(client, changes, message):
    page = client.post(LOOKUP, lookup_data(**changes))
    text = page.content.decode()
    assert page.status_code == 200 and "<title>Lỗi:" in text and "Có lỗi cần sửa" in text
    assert message in text


def test_invalid_answers_do_not_count_against_the_limits(client, settings, add_people):
    settings.VSSID_LOOKUP_RATE_PER_CLIENT = "2/h"
    add_people(AN)
    for _ in range(5):
        client.post(LOOKUP, lookup_data(id_number=""))
    assert AN.social_insurance_number in client.post(LOOKUP, lookup_data()).content.decode()


def test_past_the_per_client_limit_the_client_gets_a_429_page(client, settings):
    settings.VSSID_LOOKUP_RATE_PER_CLIENT = "3/h"
    names = ["Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"]
    answers = [client.post(LOOKUP, lookup_data(full_name=name)) for name in names]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 3600
    assert "Bạn đã tra cứu quá nhiều lần" in answers[-1].content.decode()
    assert client.post(LOOKUP, lookup_data(), REMOTE_ADDR="198.51.100.20").status_code == 200  # another client


def test_past_the_per_person_limit_every_client_gets_a_429_page(client, settings, add_people):
    settings.VSSID_LOOKUP_RATE_PER_PERSON = "2/h"
    add_people(AN)
    statuses = [client.post(LOOKUP, lookup_data(full_name=name), REMOTE_ADDR=f"198.51.100.{i}").status_code
                for i, name in enumerate(["Nguyễn Văn An", "nguyen van an", "NGUYEN VAN AN"])]
    assert statuses == [200, 200, 429]
    assert client.post(LOOKUP, lookup_data(born=(3, 9, 1985)), REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_limit_page_is_the_same_whether_or_not_the_person_exists(client, settings, add_people):
    settings.VSSID_LOOKUP_RATE_PER_PERSON = "1/h"
    add_people(AN)
    stranger = lookup_data(full_name="Trần Văn Bình")
    for data in (lookup_data(), stranger):
        client.post(LOOKUP, data, REMOTE_ADDR="198.51.100.1")
    existing = client.post(LOOKUP, lookup_data(), REMOTE_ADDR="198.51.100.2")
    missing = client.post(LOOKUP, stranger, REMOTE_ADDR="198.51.100.3")
    assert existing.status_code == missing.status_code == 429

    def normalised(page):  # the wait in minutes may tick over between the two requests
        return re.sub(rb"[0-9]+ ph\xc3\xbat", b"N ph\xc3\xbat", without_csrf(page))

    assert normalised(existing) == normalised(missing)


def test_nothing_personal_reaches_a_url_or_a_log(draft_walker, settings, add_people, caplog):
    caplog.set_level(logging.DEBUG)
    settings.VSSID_LOOKUP_RATE_PER_PERSON = "1/h"
    bình = DEMO_PEOPLE[0]
    add_people(bình)
    client = draft_walker.client
    data = lookup_data(province="01", full_name="Trần Thị Bình", born=(15, 3, 1990), id_number="001190012345")
    found = client.post(LOOKUP, data)
    limited = client.post(LOOKUP, data)
    invalid = client.post(LOOKUP, {**data, "id_number": "0011900123"})
    missing = client.post(LOOKUP, {**data, "full_name": "Trần Thị Bích"})
    # A GET never looks anything up, even with the answers in its query string.
    peek = client.get(LOOKUP, {**data, "dob_day": "15"})
    assert (found.status_code, limited.status_code, invalid.status_code, missing.status_code) == (302, 429, 200, 200)
    assert bình.social_insurance_number not in peek.content.decode()
    assert found["Location"] == reverse("declarations:social-insurance-number")
    for page in (limited, invalid, missing):
        urls = re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
        assert urls and not any(("binh" in u.lower() or "1990" in u or "001190" in u) for u in urls)
    assert "registry look-up answered" in caplog.text
    for secret in ("Trần Thị Bình", "tran thi binh", "Bích", bình.social_insurance_number, "001190012345",
                   "0011900123", "1990-03-15", "15/03/1990"):
        assert secret not in caplog.text, secret


def test_the_link_snippet_points_to_the_look_up(rf):
    from django.template.loader import render_to_string

    snippet = render_to_string("registry/lookup_link.html", request=rf.get("/"))
    assert f'href="{LOOKUP}"' in snippet and "Tra cứu mã số BHXH" in snippet
