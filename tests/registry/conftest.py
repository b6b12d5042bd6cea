import pytest

from vssid.registry import services


@pytest.fixture
def add_people(db):
    """Put records straight into the registry (through the same upsert the import uses)."""
    def add(*records):
        services.upsert_records(list(records))
        return records

    return add
