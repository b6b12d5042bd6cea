"""`vssid registry import FILE.csv`: streamed, checked row by row, upserted by mã số BHXH, safe to run
twice; refused rows are reported by line, column and code, never by value."""
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from vssid.registry.models import InsuredPerson
from vssid.registry.services import COLUMNS, RegistryImportError, import_registry

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 1)
HEADER = ",".join(COLUMNS)
AN = {"social_insurance_number": "7912345678", "full_name": "Nguyễn Văn An", "date_of_birth": "1985-09-02",
      "sex": "Nam", "province_code": "79", "id_number": "079085001234", "phone": "0987654321"}
HOA = {"social_insurance_number": "4012345670", "full_name": "Lê Thị Hoa", "date_of_birth": "1958",
       "sex": "Nữ", "province_code": "40", "id_number": "", "phone": ""}


def row(values=AN, **changes) -> str:
    merged = {**values, **changes}
    return ",".join(merged[c] for c in COLUMNS)


def run(*rows, header=HEADER, **options):
    return import_registry(io.StringIO("\n".join([header, *rows]) + "\n"), today=TODAY, **options)


def test_good_rows_are_created_normalised():
    report = run(row(), row(HOA))
    assert (report.rows, report.created, report.updated, report.unchanged, report.refused) == (2, 2, 0, 0, [])
    an = InsuredPerson.objects.get(pk="7912345678")
    assert (an.full_name_folded, an.sex, an.phone, an.province_id) == ("nguyen van an", "male", "+84987654321", "79")
    hoa = InsuredPerson.objects.get(pk="4012345670")
    assert (hoa.date_of_birth, hoa.birth_year_only, hoa.id_number, hoa.sex) == (date(1958, 1, 1), True, "", "female")


def test_running_the_same_file_twice_changes_nothing_the_second_time():
    run(row(), row(HOA))
    again = run(row(), row(HOA))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert InsuredPerson.objects.count() == 2


def test_a_changed_row_updates_the_person():
    run(row())
    report = run(row(full_name="Nguyễn Văn Ân", phone=""))
    an = InsuredPerson.objects.get()
    assert (report.updated, an.full_name, an.full_name_folded, an.phone) == (1, "Nguyễn Văn Ân", "nguyen van an", "")


def test_refused_rows_are_reported_with_line_column_and_code_and_the_good_rows_are_written():
    report = run(row(), row(HOA, sex="?"), row(social_insurance_number="0100000001", date_of_birth="02/09/1985"))
    assert report.created == 1
    assert [(r.line, [(p.field, p.code) for p in r.problems]) for r in report.refused] == [
        (3, [("sex", "sex")]),
        (4, [("date_of_birth", "date_of_birth_format")]),
    ]


def test_a_number_repeated_in_the_file_is_refused_on_its_second_line():
    report = run(row(), row(full_name="Trần Văn Bình"))
    assert [(r.line, r.problems[0].code) for r in report.refused] == [(3, "duplicate_number")]
    assert InsuredPerson.objects.get().full_name == "Nguyễn Văn An"


def test_a_row_with_the_wrong_number_of_columns_is_refused_as_a_whole():
    report = run(row() + ",extra")
    assert [(r.line, r.problems[0].field, r.problems[0].code) for r in report.refused] == [(2, "", "columns")]


def test_line_numbers_count_quoted_line_breaks_and_blank_lines():
    quoted = row(HOA).replace("Lê Thị Hoa", '"Lê Thị\nHoa"')
    report = run(quoted, "", row(social_insurance_number="bad"))
    assert [r.line for r in report.refused] == [5]
    assert InsuredPerson.objects.get(pk="4012345670").full_name == "Lê Thị Hoa"


def test_optional_columns_may_be_left_out_of_the_header():
    header = "social_insurance_number,full_name,date_of_birth,sex,province_code"
    report = run("7912345678,Nguyễn Văn An,1985-09-02,male,79", header=header)
    assert report.created == 1 and InsuredPerson.objects.get().id_number == ""


def test_semicolons_and_a_byte_order_mark_from_excel_are_understood():
    text = "\ufeff" + HEADER.replace(",", ";") + "\n" + row().replace(",", ";") + "\n"
    report = import_registry(io.StringIO(text), today=TODAY)
    assert report.created == 1


@pytest.mark.parametrize("header", [
    "social_insurance_number,full_name,date_of_birth,sex",  # a required column missing
    HEADER + ",nickname",  # an unknown column
    HEADER + ",phone",  # a repeated column
    "",
])
def test_a_bad_header_stops_the_import_before_any_row(header):
    with pytest.raises(RegistryImportError):
        run(row(), header=header)
    assert not InsuredPerson.objects.exists()


def test_rows_are_written_in_batches_and_all_arrive():
    rows = [row(social_insurance_number=f"79000000{i:02d}", id_number="") for i in range(7)]
    report = run(*rows, batch_size=3)
    assert report.created == 7 and InsuredPerson.objects.count() == 7


def write_csv(tmp_path, *rows):
    path = tmp_path / "so-dang-ky.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_command_reports_counts_and_refusals_without_personal_values(tmp_path, capsys):
    path = write_csv(tmp_path, row(), row(HOA, full_name="Lê Thị Hoa 2"))
    with pytest.raises(CommandError):  # a refused row makes the command fail, for scripts
        call_command("registry", "import", str(path))
    output = capsys.readouterr().out
    assert "2 dòng" in output and "1 mới" in output and "từ chối 1" in output
    assert "Dòng 3: full_name: full_name_digits" in output
    assert "Hoa" not in output and "4012345670" not in output
    assert InsuredPerson.objects.filter(pk="7912345678").exists()


def test_the_command_succeeds_on_a_clean_file_and_is_safe_to_rerun(tmp_path, capsys):
    path = write_csv(tmp_path, row(), row(HOA))
    call_command("registry", "import", str(path))
    call_command("registry", "import", str(path))
    assert "2 không đổi" in capsys.readouterr().out.splitlines()[-1]


def test_the_command_says_which_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="Không mở được"):
        call_command("registry", "import", str(tmp_path / "missing.csv"))
    latin1 = tmp_path / "legacy.csv"  # saved in a legacy code page: not UTF-8
    latin1.write_bytes((HEADER + "\n").encode() + row(full_name="Nguyen Van An").encode().replace(b"Nguyen", b"Nguy\xd2n"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("registry", "import", str(latin1))
