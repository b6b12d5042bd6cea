"""What every CSV import of the project checks first: a header naming known columns once each."""
from django.utils.translation import gettext as _


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
