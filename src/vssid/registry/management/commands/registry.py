"""``vssid registry``: load and inspect the insured-person registry.

    vssid registry import FILE.csv          create or update people from a CSV file (docs/registry.md)
    vssid registry generate --count N [--seed S]   add N synthetic people
    vssid registry demo                     load the small demo registry and print people to try

Thin wrappers over ``registry.services``. ``import`` reports refused rows by line, column and code,
never by value, and exits non-zero when it refused any (the accepted rows are written all the same).
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vssid.places.models import Province
from vssid.registry import services


class Command(BaseCommand):
    help = "Insured-person registry: import a CSV file, generate synthetic people, load the demo registry."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,generate,demo}")

        imp = actions.add_parser(
            "import", help="Create or update people from a CSV file, upserting by mã số BHXH (safe to run twice).",
        )
        imp.add_argument("file", type=Path, help="CSV, UTF-8, header: " + ",".join(services.COLUMNS))
        imp.add_argument("--batch-size", type=int, default=services.BATCH_SIZE, help="rows per transaction")

        gen = actions.add_parser("generate", help="Add synthetic people whose numbers respect the real structures.")
        gen.add_argument("--count", type=int, required=True, help="how many people to add")
        gen.add_argument("--seed", type=int, default=None, help="the same seed on the same registry gives the same people")

        actions.add_parser("demo", help="Load the demo registry (idempotent) and print people to try the look-up with.")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], batch_size=options["batch_size"])
        elif action == "generate":
            self._generate(options["count"], options["seed"])
        else:
            self._demo()

    def _import(self, path: Path, *, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as handle:
                report = services.import_registry(handle, batch_size=batch_size)
        except OSError as error:
            raise CommandError(f"Không mở được {path}: {error.strerror or error}") from error
        except services.RegistryImportError as error:
            raise CommandError(f"{path.name}: {error}") from error
        self.stdout.write(
            f"{path.name}: {report.rows} dòng; nhận {report.accepted} ({report.created} mới, "
            f"{report.updated} cập nhật, {report.unchanged} không đổi); từ chối {len(report.refused)}."
        )
        for refused in report.refused:
            problems = "; ".join(f"{p.field or 'dòng'}: {p.code}" for p in refused.problems)
            self.stdout.write(f"  Dòng {refused.line}: {problems}")
        if report.refused:
            raise CommandError(f"{len(report.refused)} dòng bị từ chối; các dòng hợp lệ đã được ghi.")

    def _generate(self, count: int, seed: int | None) -> None:
        if count < 0:
            raise CommandError("--count must not be negative.")
        created = services.generate_people(count, seed=seed)
        self.stdout.write(f"Đã thêm {created} người (dữ liệu tổng hợp, không phải người thật).")

    def _demo(self) -> None:
        counts = services.load_demo_registry()
        self.stdout.write(
            f"Sổ đăng ký mẫu: {counts.created} mới, {counts.updated} cập nhật, {counts.unchanged} không đổi "
            f"(dữ liệu tổng hợp, không phải người thật)."
        )
        provinces = dict(Province.objects.values_list("code", "name"))
        self.stdout.write("Người để thử tra cứu mã số BHXH và đăng ký:")
        for person in services.DEMO_PEOPLE:
            born = str(person.date_of_birth.year) + " (chỉ có năm sinh)" if person.birth_year_only \
                else f"{person.date_of_birth:%d/%m/%Y}"
            self.stdout.write(
                f"  {person.full_name} · sinh {born} · {provinces.get(person.province_code, person.province_code)} · "
                f"giấy tờ: {person.id_number or 'không có'} · mã số BHXH {person.social_insurance_number}"
            )
        namesake = services.DEMO_NAMESAKES[0]
        self.stdout.write(
            f"  Hai người trùng tên {namesake.full_name}, sinh {namesake.date_of_birth:%d/%m/%Y}, "
            f"{provinces.get(namesake.province_code, namesake.province_code)}, không có giấy tờ: "
            f"tra cứu trả lời “không tìm thấy đúng một người”."
        )
