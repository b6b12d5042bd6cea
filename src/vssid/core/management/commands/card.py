"""``vssid card``: the card rules from the command line.

    vssid card parse TEXT     the JSON of a CCCD or BHYT QR text (TEXT absent or "-": standard input)

Success prints one JSON object on standard output and exits 0. Failure prints one line on standard
error (``code: message``) and nothing on standard output, exiting 1, so scripts can pipe the output
straight into a JSON reader.

Each subcommand is one ``add_<name>_arguments`` method and one ``handle_<name>`` method, registered in
``SUBCOMMANDS``; a new subcommand (``scan``, reading a QR code from a picture) adds its pair.
"""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from vssid.cards.errors import InvalidValue
from vssid.cards.qr import parse_card_qr

STANDARD_INPUT = "-"


class Command(BaseCommand):
    help = "Card tools: parse the text of a CCCD or BHYT QR code into JSON."
    # Pure text work: no database, no system checks, so it runs anywhere the package is installed.
    requires_system_checks = []
    requires_migrations_checks = False

    SUBCOMMANDS = ("parse",)

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

    def read_standard_input(self) -> str:
        # Bytes, decoded here: a scanner set to the wrong code page sends bytes that are not UTF-8,
        # and they must reach the parser (which refuses them with its own reason) rather than
        # crash the decoder. surrogateescape keeps them as lone surrogates, which the parser spots.
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a StringIO put in place by a test
            return sys.stdin.read()
        return stream.read().decode("utf-8", errors="surrogateescape")
