"""The message catalogue: every code has one message, every message is used and tested, and each
message is safe to translate and render."""
import ast
import pickle
import re
from pathlib import Path

import pytest

import vssid.cards
from vssid.cards.errors import InvalidValue, invalid
from vssid.cards.messages import MESSAGES, gettext_noop

CARDS_DIR = Path(vssid.cards.__file__).parent
TESTS_DIR = Path(__file__).parent
PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")


def string_literals_in_rule_modules() -> set[str]:
    literals = set()
    for path in CARDS_DIR.glob("*.py"):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    return literals


def test_every_catalogued_code_is_raised_somewhere_in_the_rules():
    unused = set(MESSAGES) - string_literals_in_rule_modules()
    assert unused == set()


def test_every_code_has_a_test_that_asserts_it():
    test_sources = "\n".join(
        path.read_text(encoding="utf-8") for path in TESTS_DIR.glob("test_*.py") if path.name != Path(__file__).name
    )
    untested = {code for code in MESSAGES if f'"{code}"' not in test_sources}
    assert untested == set()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_a_message_is_one_line_with_only_named_placeholders(code):
    message = MESSAGES[code]
    assert message.strip() == message and "\n" not in message
    without_placeholders = PLACEHOLDER.sub("", message)
    # The web layer applies "%" only when there are parameters, so a stray % would show as is or
    # break the formatting.
    assert "%" not in without_placeholders


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_a_message_renders_with_its_placeholders_filled(code):
    names = PLACEHOLDER.findall(MESSAGES[code])
    error = invalid(code, **{name: f"<{name}>" for name in names})
    rendered = error.render()
    assert all(f"<{name}>" in rendered for name in names)
    assert "%(" not in rendered


def test_gettext_noop_returns_the_message_itself_so_django_can_extract_and_translate_it_later():
    assert gettext_noop("Nhập họ và tên") == "Nhập họ và tên"


def test_invalid_value_is_a_value_error_with_code_message_and_params():
    error = InvalidValue("cccd_length", MESSAGES["cccd_length"], {"count": 11})
    assert isinstance(error, ValueError)
    assert (error.code, error.params) == ("cccd_length", {"count": 11})
    assert str(error) == "Số CCCD gồm đúng 12 chữ số; bạn đã nhập 11 chữ số."


def test_render_translates_the_message_before_filling_it():
    error = invalid("cccd_length", count=11)
    assert error.render(lambda message: "CCCD numbers have 12 digits; you typed %(count)s.") == (
        "CCCD numbers have 12 digits; you typed 11."
    )


def test_repr_shows_the_code_but_never_the_params_that_may_be_personal_data():
    error = invalid("social_insurance_number_is_bhyt_card", number="0120878811")
    assert "0120878811" not in repr(error)
    assert "social_insurance_number_is_bhyt_card" in repr(error)


def test_an_error_survives_pickling_for_task_queues():
    error = pickle.loads(pickle.dumps(invalid("cccd_length", count=11)))
    assert (error.code, error.params, error.message) == ("cccd_length", {"count": 11}, MESSAGES["cccd_length"])


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        invalid("no_such_code")
