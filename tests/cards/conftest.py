"""Shared by the card-rule tests: how a refusal is asserted."""
import pytest

from vssid.cards.errors import InvalidValue


def assert_refused(code: str, function, *args, **kwargs) -> InvalidValue:
    """Calls ``function`` and asserts it refuses with ``code`` and a fully rendered message."""
    with pytest.raises(InvalidValue) as caught:
        function(*args, **kwargs)
    error = caught.value
    assert error.code == code, f"expected {code}, got {error.code}: {error.render()}"
    rendered = error.render()
    assert rendered and "%(" not in rendered and "\n" not in rendered
    return error


@pytest.fixture(scope="session")
def refused():
    return assert_refused
