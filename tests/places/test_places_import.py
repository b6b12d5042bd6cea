"""`vssid places import-offices`: an operator's real office list, checked row by row."""
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from vssid.places import services
from vssid.places.models import Office
from vssid.places.services import COLUMNS, OfficeImportError, import_offices

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 1)
HEADER = ",".join(COLUMNS)
GOOD = {
    "code": "HN-01", "name": "Bảo hiểm xã hội thành phố Hà Nội", "kind": "provincial", "province_code": "01",
    "commune_code": "00070", "address": "Số 1 phố Ví Dụ, phường Hoàn Kiếm", "latitude": "21.0290",
    "longitude": "105.8520", "opening_hours": "Thứ Hai – Thứ Sáu: 8:00–17:00", "phone": "024 0000 0000",
    "valid_from": "2025-07-01", "valid_to": "",
}


def row(**changes) -> str:
    values = {**GOOD, **changes}
    return ",".join(_quote(values[c]) for c in COLUMNS)


def _quote(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value


def run(*rows, header=HEADER, **options):
    text = "\n".join([header, *rows]) + "\n"
    return import_offices(io.StringIO(text), source=options.pop("source", "test file"), today=TODAY, **options)


def test_good_rows_are_created_with_every_column():
    report = run(row(), row(code="HN-02", kind="local", commune_code="00004", phone="", valid_to="2026-12-31"))
    assert (report.rows, report.created, report.updated, report.unchanged, report.refused) == (2, 2, 0, 0, [])
    office = Office.objects.get(code="HN-01")
    assert (office.name, office.kind, office.province_id, office.commune_id) == (
        "Bảo hiểm xã hội thành phố Hà Nội", "provincial", "01", "00070",
    )
    assert office.address == "Số 1 phố Ví Dụ, phường Hoàn Kiếm"
    assert (office.latitude, office.longitude) == (21.029, 105.852)
    assert office.opening_hours == "Thứ Hai – Thứ Sáu: 8:00–17:00" and office.phone == "024 0000 0000"
    assert (office.valid_from, office.valid_to, office.source) == (date(2025, 7, 1), None, "test file")
    assert Office.objects.get(code="HN-02").valid_to == date(2026, 12, 31)


def test_running_the_same_file_twice_changes_nothing_the_second_time():
    rows = [row(), row(code="HN-02", commune_code="00004")]
    run(*rows)
    snapshot = list(Office.objects.order_by("code").values())
    report = run(*rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Office.objects.order_by("code").values()) == snapshot


def test_an_existing_code_is_updated_in_place():
    generated = Office.objects.get(code="01-TINH")
    report = run(row(code="01-TINH"))
    assert (report.created, report.updated) == (0, 1)
    updated = Office.objects.get(code="01-TINH")
    assert updated.pk == generated.pk  # declarations pointing at it keep pointing at it
    assert (updated.name, updated.source) == ("Bảo hiểm xã hội thành phố Hà Nội", "test file")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name": ""}, "required"),
        ({"address": "  "}, "required"),
        ({"valid_from": ""}, "required"),
        ({"name": "x" * 201}, "too_long"),
        ({"phone": "0" * 31}, "too_long"),
        ({"code": "HN 01"}, "code"),
        ({"kind": "district"}, "kind"),
        ({"province_code": "64"}, "unknown_province"),
        ({"commune_code": "99999"}, "unknown_commune"),
        ({"commune_code": "26740"}, "commune_not_in_province"),  # Phường Sài Gòn is not in Hà Nội
        ({"latitude": "abc"}, "not_a_number"),
        ({"longitude": "nan"}, "not_a_number"),
        ({"latitude": "105.852", "longitude": "21.029"}, "outside_vietnam"),  # swapped
        ({"latitude": "0", "longitude": "0"}, "outside_vietnam"),
        ({"phone": "call us"}, "phone"),
        ({"valid_from": "2025-13-01"}, "date"),
        ({"valid_to": "31/02/2026"}, "date"),
        ({"valid_from": "2025-07-01", "valid_to": "2025-06-30"}, "date_order"),
    ],
)
def test_each_bad_value_is_refused_with_its_reason(changes, reason):
    report = run(row(code="OK-1"), row(**changes))
    assert report.created == 1  # the good row is written all the same
    [refused] = report.refused
    assert refused.line == 3
    assert reason in {p.reason for p in refused.problems}
    assert all(p.message for p in refused.problems)
    assert not Office.objects.filter(code=changes.get("code", "HN-01")).exists()


def test_a_row_gets_every_reason_at_once():
    report = run(row(kind="x", commune_code="99999", latitude="x", valid_from="soon"))
    assert {p.reason for p in report.refused[0].problems} == {"kind", "unknown_commune", "not_a_number", "date"}


def test_a_repeated_code_is_refused_and_points_at_the_first_line():
    report = run(row(), row(name="Khác"))
    assert report.created == 1
    [refused] = report.refused
    assert (refused.line, refused.code) == (3, "HN-01")
    assert [p.reason for p in refused.problems] == ["duplicate_code"]
    assert "dòng 2" in refused.problems[0].message
    assert Office.objects.get(code="HN-01").name == GOOD["name"]


def test_a_row_with_the_wrong_number_of_columns_is_refused():
    report = run(row(), "HN-03,too,few")
    [refused] = report.refused
    assert (refused.line, refused.code, refused.problems[0].reason) == (3, "HN-03", "column_count")


def test_line_numbers_count_lines_of_the_file_not_records():
    multi_line_address = row(code="HN-02", address="Tầng 2,\nsố 1 phố Huế")
    report = run(multi_line_address, "", row(code="HN-03", kind="x"))
    assert Office.objects.get(code="HN-02").address == "Tầng 2,\nsố 1 phố Huế"
    assert report.refused[0].line == 5  # header 1, record 2–3, blank 4


def test_spreadsheet_habits_are_understood():
    # Semicolons between columns and decimal commas (Excel in Vietnamese), leading zeros dropped,
    # dd/mm/yyyy dates, spaces around values.
    header = HEADER.replace(",", ";")
    line = "HN-09; BHXH thử ;local;1;70;Số 1;21,0245;105,8442;8–17;;01/07/2025;31/12/2026"
    report = run(line, header=header)
    assert report.created == 1, report.refused
    office = Office.objects.get(code="HN-09")
    assert (office.name, office.province_id, office.commune_id) == ("BHXH thử", "01", "00070")
    assert (office.latitude, office.valid_from, office.valid_to) == (21.0245, date(2025, 7, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("code,name,kind", "thiếu cột"),
        (HEADER + ",note", "cột không biết: note"),
        (HEADER.replace("valid_to", "vaild_to"), "vaild_to"),
        (HEADER + ",phone", "cột lặp lại: phone"),
    ],
)
def test_a_wrong_header_refuses_the_whole_file(header, message):
    with pytest.raises(OfficeImportError, match=message):
        run(row(), header=header)
    assert not Office.objects.filter(code="HN-01").exists()


def test_a_byte_order_mark_left_in_the_text_is_ignored():
    report = run(row(), header="\ufeff" + HEADER)
    assert report.created == 1


def test_an_empty_file_is_refused():
    with pytest.raises(OfficeImportError):
        import_offices(io.StringIO(""), source="x", today=TODAY)


def test_retire_missing_closes_offices_absent_from_the_file_yesterday_and_deletes_nothing():
    total = Office.objects.count()
    Office.objects.filter(code="04-TINH").update(valid_to=date(2025, 8, 31))  # closed before: left alone
    report = run(row(), row(code="01-TINH", kind="provincial"), retire_missing=True)
    assert Office.objects.count() == total + 1
    assert report.retired_on == date(2025, 9, 30)
    assert "01-TINH" not in report.retired and "HN-01" not in report.retired and "04-TINH" not in report.retired
    assert len(report.retired) == total - 2
    assert set(Office.objects.valid_on(TODAY).values_list("code", flat=True)) == {"HN-01", "01-TINH"}
    assert Office.objects.get(code="79-TINH").valid_to == date(2025, 9, 30)
    assert Office.objects.get(code="04-TINH").valid_to == date(2025, 8, 31)
    again = run(row(), row(code="01-TINH", kind="provincial"), retire_missing=True)
    assert again.retired == [] and again.unchanged == 2


def test_a_refused_row_does_not_retire_its_office():
    report = run(row(), row(code="79-TINH", kind="bad"), retire_missing=True)
    assert report.refused[0].code == "79-TINH"
    assert "79-TINH" not in report.retired
    assert Office.objects.get(code="79-TINH").valid_to is None


def test_retire_missing_with_nothing_accepted_does_nothing():
    with pytest.raises(OfficeImportError):
        run(row(kind="bad"), retire_missing=True)
    assert Office.objects.valid_on(TODAY).count() == Office.objects.count()


def test_a_dry_run_reports_and_writes_nothing():
    before = list(Office.objects.order_by("code").values())
    report = run(row(), row(code="01-TINH"), row(code="BAD", kind="x"), retire_missing=True, dry_run=True)
    assert (report.created, report.updated, len(report.refused), report.dry_run) == (1, 1, 1, True)
    assert len(report.retired) > 100
    assert list(Office.objects.order_by("code").values()) == before


def test_a_file_that_is_not_utf8_changes_nothing_even_after_a_written_batch(tmp_path):
    # 600 plain-ASCII rows (a first batch of 500 is written), then a row in a legacy 8-bit encoding.
    ascii_rows = [row(code=f"HN-{n:03d}", name="BHXH", address="So 1", opening_hours="8-17", phone="") for n in range(600)]
    legacy = row(code="HN-LAST", name="Hà Nội").encode("cp1252", errors="replace")
    path = tmp_path / "offices.csv"
    path.write_bytes(("\n".join([HEADER, *ascii_rows]) + "\n").encode() + legacy + b"\n")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("places", "import-offices", str(path))
    assert not Office.objects.filter(code__startswith="HN-").exists()


def test_the_command_reads_excel_utf8_with_bom_and_prints_a_report(tmp_path, capsys):
    path = tmp_path / "bhxh.csv"
    path.write_text("\n".join([HEADER, row(), row(code="HN-02", kind="x")]) + "\n", encoding="utf-8-sig")
    with pytest.raises(CommandError, match="1 dòng bị từ chối"):
        call_command("places", "import-offices", str(path))
    out = capsys.readouterr().out
    assert "bhxh.csv: 2 dòng; nhận 1 (1 mới, 0 cập nhật, 0 không đổi); từ chối 1." in out
    assert "Dòng 3 (mã HN-02): kind phải là provincial hoặc local" in out
    assert Office.objects.get(code="HN-01").source == "Nhập từ tệp bhxh.csv"


def test_the_command_is_safe_to_run_twice_and_retires_on_request(tmp_path, capsys):
    path = tmp_path / "real.csv"
    path.write_text("\n".join([HEADER, row(), row(code="HN-02", commune_code="00004")]) + "\n", encoding="utf-8")
    call_command("places", "import-offices", str(path), "--source", "Danh sách BHXH VN 10/2025")
    call_command("places", "import-offices", str(path), "--retire-missing")
    out = capsys.readouterr().out
    assert "nhận 2 (2 mới, 0 cập nhật, 0 không đổi)" in out
    # The second run only changes the source (default text) and retires the generated offices.
    assert "nhận 2 (0 mới, 2 cập nhật, 0 không đổi)" in out
    assert "Ngừng hiệu lực từ" in out
    assert Office.objects.filter(valid_to__isnull=True).count() == 2


def test_the_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không mở được"):
        call_command("places", "import-offices", str(tmp_path / "nope.csv"))


def test_source_is_cut_to_fit():
    run(row(), source="x" * 500)
    assert len(Office.objects.get(code="HN-01").source) == 200


def test_services_names_its_columns_as_documented():
    assert COLUMNS == (
        "code", "name", "kind", "province_code", "commune_code", "address", "latitude", "longitude",
        "opening_hours", "phone", "valid_from", "valid_to",
    )
    assert services.OPTIONAL_COLUMNS == {"phone", "valid_to"}


def test_the_example_in_the_operator_documentation_imports_cleanly():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "offices.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    report = import_offices(io.StringIO(example), source="docs", today=TODAY)
    assert (report.refused, report.created, report.updated) == ([], 1, 1)
    assert Office.objects.get(code="01-CS-BADINH").valid_to == date(2026, 6, 30)
