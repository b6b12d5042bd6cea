"""Reference data: provinces and communes (2025 units) and the BHXH offices near a place."""
from django.utils import timezone
from ninja import Query, Router

from vssid.places import selectors as places
from vssid.places.models import Province

from .errors import ApiError
from .schemas import Commune, ErrorResponse, NearbyOffice
from .schemas import Province as ProvinceSchema

router = Router(tags=["places"])

# The office step of the web shows six; an app may want a few more for a map.
DEFAULT_OFFICES, MAX_OFFICES = 6, 20
# Any request may be refused for its size or a malformed length.
ERRORS = {400: ErrorResponse, 413: ErrorResponse}


def office_json(office, distance_km: float | None = None) -> dict:
    data = {
        "id": office.pk,
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "province": {"code": office.province_id, "name": office.province.name},
        "address": office.address,
        "latitude": office.latitude,
        "longitude": office.longitude,
        "opening_hours": office.opening_hours,
        "phone": office.phone,
    }
    if distance_km is not None:
        data["distance_km"] = round(distance_km, 2)
    return data


@router.get("/provinces", response={200: list[ProvinceSchema], **ERRORS}, summary="The 34 provinces")
def list_provinces(request):
    return places.list_provinces()


@router.get("/provinces/{code}/communes", response={200: list[Commune], 404: ErrorResponse, **ERRORS},
            summary="The communes of one province")
def list_communes(request, code: str):
    if not Province.objects.filter(pk=code).exists():
        raise ApiError.of(404, "not_found")
    return places.communes_of(code)


@router.get("/offices", response={200: list[NearbyOffice], 422: ErrorResponse, **ERRORS},
            summary="Offices receiving declarations, nearest first")
def nearest_offices(
    request,
    latitude: float = Query(None, ge=-90, le=90, allow_inf_nan=False),
    longitude: float = Query(None, ge=-180, le=180, allow_inf_nan=False),
    commune: str = Query(None, max_length=5, description="A commune code: its offices, and its province's own."),
    limit: int = Query(DEFAULT_OFFICES, ge=1, le=MAX_OFFICES),
):
    """Give a point (the phone's location) or a commune (the contact address), not both. For a
    commune the province's own office is always listed, as on the web's office step."""
    today = timezone.localdate()
    point = latitude is not None and longitude is not None
    if point and commune is None:
        found = places.offices_nearest(latitude, longitude, on=today, limit=limit)
    elif commune is not None and latitude is None and longitude is None:
        place = places.get_commune(commune)
        if place is None:
            raise ApiError.of(422, "commune_not_found", "commune")
        found = places.offices_for_commune(place, on=today, limit=limit)
    else:
        raise ApiError.of(422, "offices_origin_required")
    return [office_json(office, distance) for office, distance in found]
