"""Distances and the deterministic placement of generated offices. Pure Python, no Django."""
import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG); haversine's error against the ellipsoid is < 0.5 %

# Vietnam's extent, islands included: Hoàng Sa reaches ~112.1° E and Trường Sa ~114.5° E and south
# to ~7.9° N; the mainland ends at Mũi Cà Mau (8.6° N) and Lũng Cú (23.4° N). The box is a sanity
# check for imported coordinates (swapped latitude/longitude, a missing minus sign, zeros), not a
# border test.
VIETNAM_MIN_LATITUDE = 6.0
VIETNAM_MAX_LATITUDE = 23.5
VIETNAM_MIN_LONGITUDE = 102.0
VIETNAM_MAX_LONGITUDE = 117.5


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Site:
    """A candidate place: an identifier that breaks ties, a position, and a weight."""

    key: str
    latitude: float
    longitude: float
    weight: float = 1.0


def choose_sites(sites: Sequence[Site], count: int, *, iterations: int = 50) -> list[Site]:
    """Pick `count` sites spread over the area so that most sites are close to a chosen one.

    A weighted k-means (Lloyd's algorithm) on an equirectangular projection (exact enough within
    one province), then each centre is moved to the nearest real site of its own cluster, because
    an office must sit in a commune, not in a rice field between two.

    Deterministic by construction (same input, same output, whatever the input order, on every
    machine): the starting centres come from cutting the sites, sorted along the province's main
    axis, into `count` runs of equal weight, rather than from random seeding; ties are broken by
    `key`. Equal-weight runs start the centres where the communes are, not at the extremes as
    farthest-point seeding would.

    Like any k-means, it gives a site far from all others a cluster of its own (that is what
    minimises the squared distances), so the caller leaves out sites that must not win an office
    by remoteness alone, such as islands far out at sea.
    """
    if count <= 0 or not sites:
        return []
    ordered = sorted(sites, key=lambda s: s.key)
    count = min(count, len(ordered))
    mean_lat = sum(s.latitude for s in ordered) / len(ordered)
    x_scale = math.cos(math.radians(mean_lat))
    points = [(s.longitude * x_scale, s.latitude) for s in ordered]
    weights = [s.weight for s in ordered]

    centres = _seed_along_main_axis(points, weights, count)
    assignment: list[int] = []
    for _ in range(iterations):
        new_assignment = [_nearest_index(p, centres) for p in points]
        if new_assignment == assignment:
            break
        assignment = new_assignment
        for c in range(count):
            members = [i for i, a in enumerate(assignment) if a == c]
            total = sum(weights[i] for i in members)
            if total > 0:  # an emptied cluster keeps its previous centre
                centres[c] = (
                    sum(points[i][0] * weights[i] for i in members) / total,
                    sum(points[i][1] * weights[i] for i in members) / total,
                )

    chosen: list[Site] = []
    taken: set[int] = set()
    for c in range(count):
        members = [i for i, a in enumerate(assignment) if a == c and i not in taken]
        if not members:  # an empty cluster: fall back to the nearest site not yet chosen
            members = [i for i in range(len(points)) if i not in taken]
        best = min(members, key=lambda i: (_squared(points[i], centres[c]), ordered[i].key))
        taken.add(best)
        chosen.append(ordered[best])
    return chosen


def _seed_along_main_axis(points, weights, count):
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    syy = sum((p[1] - my) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    # Direction of the largest spread (principal axis of the 2×2 covariance), in closed form.
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    ux, uy = math.cos(angle), math.sin(angle)
    order = sorted(range(len(points)), key=lambda i: ((points[i][0] - mx) * ux + (points[i][1] - my) * uy, i))
    total = sum(weights)
    centres = []
    start = 0
    running = 0.0
    for c in range(count):
        goal = total * (c + 1) / count
        end = start
        while end < len(order) and (running + weights[order[end]] <= goal or end == start):
            running += weights[order[end]]
            end += 1
        if c == count - 1:
            end = len(order)
        run = order[start:end] or order[-1:]
        run_weight = sum(weights[i] for i in run)
        centres.append((
            sum(points[i][0] * weights[i] for i in run) / run_weight,
            sum(points[i][1] * weights[i] for i in run) / run_weight,
        ))
        start = end
    return centres


def _nearest_index(point, centres) -> int:
    return min(range(len(centres)), key=lambda c: (_squared(point, centres[c]), c))


def _squared(a, b) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
