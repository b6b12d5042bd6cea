"""``vssid card``: the card rules from the command line.

    vssid card parse TEXT     the JSON of a CCCD or BHYT QR text (TEXT absent or "-": standard input)
    vssid card scan FILE...   the QR codes in each photo, one JSON line per file ("-": standard input)

``parse``: success prints one JSON object on standard output and exits 0. Failure prints one line on
standard error (``code: message``) and nothing on standard output, exiting 1, so scripts can pipe
the output straight into a JSON reader.

``scan`` prints one JSON object per line, one line per FILE in the order given, as soon as that
file is done, and carries on after a bad file::

    {"file": "a.jpg", "codes": [{"text": "...", "card": {...} | null, "error": null | "..."}], "error": null}

A code's ``card`` is the parse of its text (as ``parse`` prints it) and its ``error`` why the text
is not a card; the line's ``error`` says why the file gave no code at all (it could not be opened,
is not a picture, is damaged, or holds no readable QR code — then the sentence says how to
retake the photo). The exit status is 0 when every file gave at least one code, and 1 when any
line has an ``error`` (one summary line then goes to standard error). Codes that are not cards do
not change it: the file was read.

Each subcommand is one ``add_<name>_arguments`` method and one ``handle_<name>`` method, registered in
``SUBCOMMANDS``; a new subcommand adds its pair, as ``scan`` did.
"""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from vssid.cards.errors import InvalidValue
from vssid.cards.qr import parse_card_qr
from vssid.photos.qr_scan import CANNOT_OPEN, ScanResult, scan_photo

STANDARD_INPUT = "-"


class Command(BaseCommand):
    help = "Card tools: parse the text of a CCCD or BHYT QR code into JSON; scan photos for QR codes."
    # No database and no system checks, so it runs anywhere the package is installed.
    requires_system_checks = []
    requires_migrations_checks = False

    SUBCOMMANDS = ("parse", "scan")

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for name in self.SUBCOMMANDS:
            add_arguments = getattr(self, f"add_{name}_arguments")
            add_arguments(subcommands)

    def handle(self, *args, subcommand, **options):
        return getattr(self, f"handle_{subcommand}")(**options)

    # parse

    def add_parse_arguments(self, subcommands):
        parser = subcommands.add_parser(
            "parse",
            help="Parse the text of a CCCD or BHYT QR code and print it as JSON.",
            description="Parse the text of a CCCD or BHYT QR code and print it as one JSON object.",
        )
        parser.add_argument(
            "text",
            nargs="?",
            default=STANDARD_INPUT,
            help='the QR text; absent or "-" reads it from standard input',
        )

    def handle_parse(self, *, text, **options):
        qr_text = self.read_standard_input() if text == STANDARD_INPUT else text
        try:
            card = parse_card_qr(qr_text)
        except InvalidValue as error:
            raise CommandError(f"{error.code}: {error.render()}") from None
        self.stdout.write(json.dumps(card.to_json_dict(), ensure_ascii=False))

    # scan

    def add_scan_arguments(self, subcommands):
        parser = subcommands.add_parser(
            "scan",
            help="Find the QR codes in photos of cards; one JSON line per file.",
            description=(
                "Find every QR code in each photo (JPEG, PNG, WebP, HEIC) and print one JSON line "
                "per file: the codes' texts and their parse as a CCCD or BHYT card. Exits 1 if any "
                "file gave no code."
            ),
        )
        parser.add_argument("files", nargs="+", metavar="FILE", help='a photo; "-" reads one from standard input')

    def handle_scan(self, *, files, **options):
        failed = 0
        for name in files:
            result = self.scan_file(name)
            failed += result.error is not None
            self.stdout.write(json.dumps(result.to_json_dict(file=name), ensure_ascii=False))
            self.stdout.flush()
        if failed:
            raise CommandError(f"{failed} of {len(files)} files gave no QR code", returncode=1)

    def scan_file(self, name: str) -> ScanResult:
        if name == STANDARD_INPUT:
            return scan_photo(getattr(sys.stdin, "buffer", sys.stdin))
        try:
            with open(name, "rb") as stream:
                return scan_photo(stream)
        except OSError:  # missing, a directory, no permission: the next file still gets its turn
            return ScanResult.failed(CANNOT_OPEN)

    def read_standard_input(self) -> str:
        # Bytes, decoded here: a scanner set to the wrong code page sends bytes that are not UTF-8,
        # and they must reach the parser (which refuses them with its own reason) rather than
        # crash the decoder. surrogateescape keeps them as lone surrogates, which the parser spots.
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a StringIO put in place by a test
            return sys.stdin.read()
        return stream.read().decode("utf-8", errors="surrogateescape")
