"""Travel times between places: a pluggable matrix provider.

`TravelMatrix` is the Protocol the planner and the checker use. Two kinds are built in:

- `StraightLineMatrix`: great-circle (haversine) distance × a road factor per travel mode, at a
  speed per mode, plus a fixed overhead per trip (parking, locking the bike). No network; the
  default.
- `OsrmMatrix` / `ValhallaMatrix`: HTTP clients for a routing server the municipality runs
  (OSRM's `table` service, Valhalla's `sources_to_targets`). Standard library only (urllib), a
  timeout on every request, large matrices fetched in blocks. A cell the server cannot route
  (null) falls back to the straight-line estimate for that cell.
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class TravelMode(StrEnum):
    """How a staff member moves between visits."""

    CAR = "car"
    BIKE = "bike"
    WALK = "walk"


@dataclass(frozen=True, slots=True)
class Point:
    """A place in WGS84 degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TravelTimes:
    """Square matrices over the points asked for: seconds and metres, row = from, column = to."""

    seconds: tuple[tuple[float, ...], ...]
    metres: tuple[tuple[float, ...], ...]


class TravelMatrixError(Exception):
    """The routing server could not be reached or answered something unusable."""


class TravelMatrix(Protocol):
    """Anything that gives travel times between points for a travel mode."""

    def matrix(self, points: Sequence[Point], mode: TravelMode) -> TravelTimes: ...


EARTH_RADIUS_M = 6_371_008.8


def haversine_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class ModeProfile:
    """Road factor (road distance ÷ straight line), speed and a fixed overhead per trip."""

    road_factor: float
    km_per_hour: float
    overhead_seconds: float


# Urban/suburban Danish home care: road distance is ~1.3× the straight line by car (detours,
# one-way streets), less by bike and on foot (paths). Speeds are door-to-door averages in town;
# the car's overhead is finding a parking place.
DEFAULT_PROFILES: Mapping[TravelMode, ModeProfile] = {
    TravelMode.CAR: ModeProfile(road_factor=1.3, km_per_hour=35.0, overhead_seconds=120.0),
    TravelMode.BIKE: ModeProfile(road_factor=1.2, km_per_hour=15.0, overhead_seconds=30.0),
    TravelMode.WALK: ModeProfile(road_factor=1.2, km_per_hour=4.8, overhead_seconds=0.0),
}


@dataclass(frozen=True)
class StraightLineMatrix:
    """Haversine × road factor per mode; same point (≤ 1 m apart) costs nothing."""

    profiles: Mapping[TravelMode, ModeProfile] = field(default_factory=lambda: DEFAULT_PROFILES)

    def leg(self, a: Point, b: Point, mode: TravelMode) -> tuple[float, float]:
        """(seconds, metres) from a to b."""
        straight = haversine_m(a, b)
        if straight <= 1.0:
            return 0.0, 0.0
        profile = self.profiles[mode]
        metres = straight * profile.road_factor
        seconds = metres / (profile.km_per_hour / 3.6) + profile.overhead_seconds
        return seconds, metres

    def matrix(self, points: Sequence[Point], mode: TravelMode) -> TravelTimes:
        seconds: list[tuple[float, ...]] = []
        metres: list[tuple[float, ...]] = []
        for a in points:
            legs = [self.leg(a, b, mode) for b in points]
            seconds.append(tuple(s for s, _ in legs))
            metres.append(tuple(m for _, m in legs))
        return TravelTimes(seconds=tuple(seconds), metres=tuple(metres))


Fetch = Callable[[urllib.request.Request, float], bytes]


def _fetch(request: urllib.request.Request, timeout: float) -> bytes:
    scheme = urllib.parse.urlsplit(request.full_url).scheme
    if scheme not in ("http", "https"):
        raise TravelMatrixError(f"Routing server URL must be http(s), not {scheme!r}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked
            body: bytes = response.read()
            return body
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        raise TravelMatrixError(f"Routing server did not answer: {exc}") from exc


def _blocks(n: int, size: int) -> list[range]:
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


def _assemble(
    points: Sequence[Point],
    mode: TravelMode,
    block: int,
    fetch_block: Callable[
        [list[int], list[int]], tuple[list[list[float | None]], list[list[float | None]]]
    ],
    fallback: StraightLineMatrix,
) -> TravelTimes:
    n = len(points)
    seconds = [[0.0] * n for _ in range(n)]
    metres = [[0.0] * n for _ in range(n)]
    for rows in _blocks(n, block):
        for cols in _blocks(n, block):
            secs, dists = fetch_block(list(rows), list(cols))
            if len(secs) != len(rows) or any(len(r) != len(cols) for r in secs):
                raise TravelMatrixError("Routing server answered a matrix of the wrong shape")
            for bi, i in enumerate(rows):
                for bj, j in enumerate(cols):
                    s, m = secs[bi][bj], dists[bi][bj]
                    if i == j:
                        continue
                    if s is None or m is None:
                        s, m = fallback.leg(points[i], points[j], mode)
                    seconds[i][j], metres[i][j] = float(s), float(m)
    return TravelTimes(
        seconds=tuple(tuple(r) for r in seconds), metres=tuple(tuple(r) for r in metres)
    )


OSRM_PROFILES: Mapping[TravelMode, str] = {
    TravelMode.CAR: "driving",
    TravelMode.BIKE: "cycling",
    TravelMode.WALK: "walking",
}


@dataclass(frozen=True)
class OsrmMatrix:
    """OSRM `table` service: GET {base}/table/v1/{profile}/{lon,lat;…}?annotations=….

    One osrm-routed serves one profile, so `base_urls` maps each travel mode to its server
    (e.g. car → http://osrm-car:5000). OSRM's default `--max-table-size` is 100; `block` keeps
    each request's coordinate count (sources + destinations) within it.
    """

    base_urls: Mapping[TravelMode, str]
    timeout_seconds: float = 10.0
    block: int = 50
    fetch: Fetch = _fetch
    fallback: StraightLineMatrix = field(default_factory=StraightLineMatrix)

    def matrix(self, points: Sequence[Point], mode: TravelMode) -> TravelTimes:
        if mode not in self.base_urls:
            raise TravelMatrixError(f"No OSRM server configured for {mode}")
        base = self.base_urls[mode].rstrip("/")

        def fetch_block(
            rows: list[int], cols: list[int]
        ) -> tuple[list[list[float | None]], list[list[float | None]]]:
            coords = ";".join(f"{points[k].lon:.6f},{points[k].lat:.6f}" for k in rows + cols)
            query = urllib.parse.urlencode(
                {
                    "sources": ";".join(str(k) for k in range(len(rows))),
                    "destinations": ";".join(str(len(rows) + k) for k in range(len(cols))),
                    "annotations": "duration,distance",
                },
                safe=";,",
            )
            url = f"{base}/table/v1/{OSRM_PROFILES[mode]}/{coords}?{query}"
            body = self.fetch(urllib.request.Request(url), self.timeout_seconds)  # noqa: S310
            try:
                data = json.loads(body)
                if data.get("code") != "Ok":
                    raise TravelMatrixError(f"OSRM answered {data.get('code')!r}")
                return data["durations"], data["distances"]
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise TravelMatrixError(f"OSRM answered something unusable: {exc}") from exc

        return _assemble(points, mode, self.block, fetch_block, self.fallback)


VALHALLA_COSTING: Mapping[TravelMode, str] = {
    TravelMode.CAR: "auto",
    TravelMode.BIKE: "bicycle",
    TravelMode.WALK: "pedestrian",
}


@dataclass(frozen=True)
class ValhallaMatrix:
    """Valhalla `sources_to_targets`: POST {base}/sources_to_targets, costing per travel mode.

    Valhalla answers distances in kilometres and times in seconds; one server serves every
    costing. `block` keeps sources × targets within the server's `max_matrix_location_pairs`.
    """

    base_url: str
    timeout_seconds: float = 10.0
    block: int = 50
    fetch: Fetch = _fetch
    fallback: StraightLineMatrix = field(default_factory=StraightLineMatrix)

    def matrix(self, points: Sequence[Point], mode: TravelMode) -> TravelTimes:
        url = self.base_url.rstrip("/") + "/sources_to_targets"

        def fetch_block(
            rows: list[int], cols: list[int]
        ) -> tuple[list[list[float | None]], list[list[float | None]]]:
            payload = {
                "sources": [{"lat": points[k].lat, "lon": points[k].lon} for k in rows],
                "targets": [{"lat": points[k].lat, "lon": points[k].lon} for k in cols],
                "costing": VALHALLA_COSTING[mode],
                "units": "kilometers",
            }
            request = urllib.request.Request(  # noqa: S310 - scheme checked in _fetch
                url,
                data=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            body = self.fetch(request, self.timeout_seconds)
            try:
                data = json.loads(body)
                table = data["sources_to_targets"]
                secs: list[list[float | None]] = []
                dists: list[list[float | None]] = []
                for row in table:
                    secs.append([cell.get("time") for cell in row])
                    dists.append(
                        [
                            None if cell.get("distance") is None else cell["distance"] * 1000.0
                            for cell in row
                        ]
                    )
                return secs, dists
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise TravelMatrixError(f"Valhalla answered something unusable: {exc}") from exc

        return _assemble(points, mode, self.block, fetch_block, self.fallback)
