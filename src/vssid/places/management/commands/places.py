"""`vssid places load` and `vssid places import-offices FILE.csv`: thin wrappers over the loader and services."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from vssid.places import selectors, services
from vssid.places.models import Commune, Office, Province
from vssid.places.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Administrative units and BHXH offices: reload the reference data, or import a real office list."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,import-offices}")

        load = actions.add_parser(
            "load",
            help="Create or update the 34 provinces, 3,321 communes and the generated offices (idempotent).",
        )
        load.add_argument(
            "--skip-offices", action="store_true",
            help="Only provinces and communes; leave the office list alone.",
        )

        imp = actions.add_parser(
            "import-offices",
            help="Create or update offices from a CSV file (columns in docs/offices.md), upserting by code.",
        )
        imp.add_argument("file", type=Path, help="CSV, UTF-8, header: " + ",".join(services.COLUMNS))
        imp.add_argument(
            "--retire-missing", action="store_true",
            help="Set valid_to = yesterday on offices still valid that the file does not list (never deletes).",
        )
        imp.add_argument("--dry-run", action="store_true", help="Check and report, write nothing.")
        imp.add_argument(
            "--source", default=None,
            help="Text stored as each office's source (default: 'Nhập từ tệp <file name>').",
        )

    def handle(self, *args, action, **options):
        if action == "load":
            self._load(skip_offices=options["skip_offices"])
        else:
            self._import(options["file"], retire_missing=options["retire_missing"],
                         dry_run=options["dry_run"], source=options["source"])

    def _load(self, *, skip_offices: bool) -> None:
        with transaction.atomic():
            report = load_reference_data(Province, Commune, Office, with_offices=not skip_offices)
        # This process's lists; web processes read the new ones when they restart (docs/offices.md).
        selectors.forget_cached_places()
        self.stdout.write(f"Tỉnh/thành phố: {report.provinces}; xã/phường/đặc khu: {report.communes}.")
        if skip_offices:
            self.stdout.write("Danh sách cơ quan BHXH: không đụng tới (--skip-offices).")
            return
        self.stdout.write(
            f"Cơ quan BHXH dựng sẵn: {report.offices_created} tạo mới, {report.offices_updated} cập nhật, "
            f"{report.offices_unchanged} không đổi, {report.offices_left_to_operator} do người vận hành nhập (giữ nguyên)."
        )
        self.stdout.write(
            f"Đang hiệu lực hôm nay: {Office.objects.valid_on(timezone.localdate()).count()} cơ quan "
            f"({Office.objects.count()} bản ghi)."
        )

    def _import(self, path: Path, *, retire_missing: bool, dry_run: bool, source: str | None) -> None:
        try:
            # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as handle:
                report = services.import_offices(
                    handle, source=source or f"Nhập từ tệp {path.name}",
                    retire_missing=retire_missing, dry_run=dry_run,
                )
        except OSError as error:
            raise CommandError(f"Không mở được {path}: {error.strerror or error}") from error
        except services.OfficeImportError as error:
            raise CommandError(f"{path.name}: {error} Không có gì được ghi.") from error

        prefix = "[THỬ, KHÔNG GHI] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{path.name}: {report.rows} dòng; nhận {report.accepted} "
            f"({report.created} mới, {report.updated} cập nhật, {report.unchanged} không đổi); "
            f"từ chối {len(report.refused)}."
        )
        for refused in report.refused:
            reasons = "; ".join(problem.message for problem in refused.problems)
            code = f" (mã {refused.code})" if refused.code else ""
            self.stdout.write(f"  Dòng {refused.line}{code}: {reasons}.")
        if retire_missing:
            self.stdout.write(
                f"{prefix}Ngừng hiệu lực từ {report.retired_on:%d/%m/%Y} (valid_to) {len(report.retired)} cơ quan "
                f"không có trong tệp" + (f": {', '.join(report.retired)}." if report.retired else ".")
            )
        if report.refused:
            # Scripts must notice; the accepted rows are written all the same (see docs/offices.md).
            raise CommandError(f"{len(report.refused)} dòng bị từ chối; các dòng hợp lệ đã được ghi." if not dry_run
                               else f"{len(report.refused)} dòng bị từ chối.")
