"""The one exception of the card rules.

A rule that refuses a value raises ``InvalidValue`` with a stable machine ``code`` (for the API, for
tests, for choosing which input to mark), a Vietnamese ``message`` marked for translation, and the
``params`` its placeholders need. It subclasses ``ValueError`` so generic code that expects "a bad
value" keeps working.

``params`` may hold what the citizen typed (the 10 digits of their number, the new form of their old
phone number): show them to that citizen, never log them.
"""
from collections.abc import Callable, Mapping

from .messages import MESSAGES


def _untranslated(message: str) -> str:
    return message


class InvalidValue(ValueError):
    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(code, message, dict(params or {}))
        self.code = code
        self.message = message
        self.params = dict(params or {})

    def render(self, translate: Callable[[str], str] = _untranslated) -> str:
        """The message for a person: ``error.render(gettext)`` in the web layer."""
        text = translate(self.message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        # The code only: params can be personal data, and reprs end up in logs and tracebacks.
        return f"InvalidValue({self.code!r})"


def invalid(code: str, **params: object) -> InvalidValue:
    """The error for ``code`` with its catalogued message: ``raise invalid("cccd_length", count=11)``."""
    return InvalidValue(code, MESSAGES[code], params)
