"""The rules of Vietnamese cards and numbers: one source for the web forms, the API and the QR parser.

Pure Python on purpose (no Django import anywhere in this package; a test enforces it) so the rules
can be used by command-line tools, workers and property tests without settings.

- ``errors``: ``InvalidValue``, the one exception every rule raises, with a stable machine code.
- ``messages``: every citizen-facing message, in Vietnamese, marked for translation.
- ``text``: NFC, whitespace and the case- and diacritic-insensitive comparison key.
- ``names``, ``bhxh``, ``identity``, ``dates``, ``phones``, ``emails``: one module per declared field;
  ``birth_places``: the province codes that open a CCCD number.
- ``cccd_qr``, ``bhyt_qr``, ``qr`` (the entry point), ``qr_text``: the QR codes printed on CCCD and
  BHYT cards.
- ``synthetic``: realistic fake people, numbers and QR texts for tests and demo data.
"""
