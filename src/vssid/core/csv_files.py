"""What every CSV import of the project does first: read the rows of a spreadsheet's export, and
check a header naming known columns once each."""
import csv
import itertools
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _


def csv_rows(lines: Iterable[str], *, known: tuple[str, ...], required: tuple[str, ...],
             error: type[Exception]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(starting line, header, cells) for each non-empty row, once the header is checked; raises
    ``error`` with the operator's message for an empty file, a wrong header, a file not in UTF-8 or
    one that is not CSV. A row may have more or fewer cells than the header: the caller says how
    that is refused.
    """
    iterator = iter(lines)
    try:
        first = next(iterator, None)
        if first is None or not first.strip():
            raise error(_("Tệp rỗng hoặc thiếu dòng tiêu đề."))
        # Excel set to Vietnamese writes ";" between columns (the comma is the decimal sign there).
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], iterator), delimiter=delimiter)
        # A byte-order mark survives when the caller did not open the file with utf-8-sig.
        header = [name.strip().lstrip("\ufeff").lower() for name in next(reader)]
        problems = header_problems(header, required=required, known=known)
        if problems:
            raise error(header_error_message(problems, known))
        previous_end = reader.line_num
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if any(cell.strip() for cell in row):
                yield start, header, row
    except UnicodeDecodeError as failure:
        raise error(_("Tệp không phải UTF-8 (hãy lưu dưới dạng “CSV UTF-8”).")) from failure
    except csv.Error as failure:
        raise error(_("Không đọc được CSV: %s") % failure) from failure


def header_problems(header: list[str], *, required: tuple[str, ...], known: tuple[str, ...]) -> list[str]:
    """What is wrong with a header row, in the operator's words; empty when it is right.

    An unknown column is refused rather than ignored: a misspelt optional column ("vaild_to")
    would silently lose data.
    """
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in known]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(_("thiếu cột: %s") % ", ".join(missing))
    if unknown:
        problems.append(_("cột không biết: %s") % ", ".join(unknown))
    if duplicated:
        problems.append(_("cột lặp lại: %s") % ", ".join(duplicated))
    return problems


def header_error_message(problems: list[str], known: tuple[str, ...]) -> str:
    return _("Dòng tiêu đề không đúng (%(problems)s). Các cột: %(columns)s") % {
        "problems": "; ".join(problems), "columns": ",".join(known)}
