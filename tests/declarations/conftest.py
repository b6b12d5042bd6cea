import pytest

from tests.support.flow import Citizen, Walker


@pytest.fixture
def citizen(db, demo_people):
    from vssid.places.models import Commune

    commune = Commune.objects.filter(province_id="01").order_by("code").first()
    return Citizen(commune=commune.code)


@pytest.fixture
def walker(client, citizen):
    return Walker(client, citizen)


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
