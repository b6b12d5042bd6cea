"""`vssid officer create|unlock|offices`: officer accounts from the command line (the first administrator,
scripted set-ups). The administration page (/can-bo/quan-tri/can-bo/) does the same for people."""
import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vssid.desk import officers
from vssid.desk.models import OfficerProfile
from vssid.places.models import Office


class Command(BaseCommand):
    help = "Create or unlock officer accounts of the office desk."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create an officer account.")
        create.add_argument("--username", required=True)
        create.add_argument("--office", required=True, metavar="CODE", help="the office's code, e.g. 01-CS-01")
        create.add_argument("--role", required=True, choices=OfficerProfile.Role.values)
        create.add_argument("--full-name", default="", help="the officer's name, shown on the desk")
        create.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input (no prompt)")
        unlock = actions.add_parser("unlock", help="Lift a lockout after too many wrong passwords.")
        unlock.add_argument("--username", required=True)
        offices = actions.add_parser("offices", help="List the offices' codes (for --office).")
        offices.add_argument("--province", metavar="CODE", help="only this province (2 digits, e.g. 01)")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options)
        elif action == "offices":
            offices = Office.objects.order_by("code")
            if options["province"]:
                offices = offices.filter(province_id=options["province"])
            for office in offices:
                self.stdout.write(f"{office.code}\t{office.name}")
        else:
            self._unlock(options["username"])

    def _create(self, options):
        office = Office.objects.filter(code=options["office"]).first()
        if office is None:
            raise CommandError(f"No office with code {options['office']!r} (see `vssid officer offices`).")
        password = self._password(options["password_stdin"])
        try:
            officer = officers.create_officer(username=options["username"], password=password, office=office,
                                              role=options["role"], full_name=options["full_name"])
        except officers.OfficerExists:
            raise CommandError(f"The username {options['username']!r} is taken.") from None
        except ValidationError as error:
            raise CommandError("Password refused:\n  " + "\n  ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Officer {officer.user.username} ({officer.role}) created at {office.code} {office.name}."))

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
            return password
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first

    def _unlock(self, username: str):
        officer = OfficerProfile.objects.filter(user__username=username).first()
        if officer is None:
            raise CommandError(f"No officer {username!r}.")
        officers.unlock(officer)
        self.stdout.write(self.style.SUCCESS(f"Officer {username} unlocked."))
