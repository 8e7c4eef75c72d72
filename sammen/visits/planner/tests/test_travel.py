"""Travel-time providers: straight line per mode, and the OSRM/Valhalla clients against a fake
HTTP server on localhost (no network)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sammen.visits.planner.travel import (
    OsrmMatrix,
    Point,
    StraightLineMatrix,
    TravelMatrixError,
    TravelMode,
    ValhallaMatrix,
    haversine_m,
)

ROSKILDE = Point(55.6415, 12.0803)
GREVE = Point(55.5833, 12.3000)
POINTS = [ROSKILDE, GREVE, Point(55.60, 12.10), Point(55.62, 12.20), Point(55.65, 12.15)]


def test_haversine_known_distance() -> None:
    # Copenhagen City Hall Square → Roskilde Cathedral is about 30 km as the crow flies.
    d = haversine_m(Point(55.6761, 12.5683), Point(55.6426, 12.0803))
    assert 30_000 < d < 31_500


def test_straight_line_per_mode_orders_car_bike_walk() -> None:
    provider = StraightLineMatrix()
    car = provider.matrix(POINTS, TravelMode.CAR)
    bike = provider.matrix(POINTS, TravelMode.BIKE)
    walk = provider.matrix(POINTS, TravelMode.WALK)
    assert car.seconds[0][1] < bike.seconds[0][1] < walk.seconds[0][1]
    assert car.metres[0][1] == pytest.approx(haversine_m(ROSKILDE, GREVE) * 1.3)
    assert all(car.seconds[i][i] == 0 for i in range(len(POINTS)))
    assert car.seconds[0][1] == pytest.approx(car.seconds[1][0])


class _Fake(BaseHTTPRequestHandler):
    calls: list[str]
    broken: bool = False

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def _send(self, body: object, status: int = 200) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:  # OSRM table
        self.calls.append(self.path)
        parts = urllib.parse.urlsplit(self.path)
        _, _, _, profile, coords = parts.path.split("/", 4)
        query = urllib.parse.parse_qs(parts.query)
        pts = [Point(float(c.split(",")[1]), float(c.split(",")[0])) for c in coords.split(";")]
        sources = [int(k) for k in query["sources"][0].split(";")]
        dests = [int(k) for k in query["destinations"][0].split(";")]
        if self.broken:
            self._send({"code": "InvalidQuery", "message": "nope"}, status=400)
            return
        # Road distance = 2 × straight line; 10 m/s; unroutable to the last point asked for
        # from the first, to show the fallback.
        durations: list[list[float | None]] = []
        distances: list[list[float | None]] = []
        for s in sources:
            durations.append([haversine_m(pts[s], pts[d]) * 2 / 10 for d in dests])
            distances.append([haversine_m(pts[s], pts[d]) * 2 for d in dests])
        assert profile in ("driving", "cycling", "walking")
        self._send({"code": "Ok", "durations": durations, "distances": distances})

    def do_POST(self) -> None:  # Valhalla sources_to_targets
        self.calls.append(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["costing"] in ("auto", "bicycle", "pedestrian")
        table = []
        for i, s in enumerate(body["sources"]):
            row = []
            for j, t in enumerate(body["targets"]):
                d = haversine_m(Point(s["lat"], s["lon"]), Point(t["lat"], t["lon"]))
                unroutable = i == 0 and j == 0 and d > 0
                row.append(
                    {
                        "from_index": i,
                        "to_index": j,
                        "time": None if unroutable else d * 3 / 10,
                        "distance": None if unroutable else d * 3 / 1000,
                    }
                )
            table.append(row)
        self._send({"sources_to_targets": table})


@pytest.fixture
def fake_server() -> Iterator[tuple[str, type[_Fake]]]:
    handler = type("Handler", (_Fake,), {"calls": [], "broken": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_osrm_client_assembles_blocks(fake_server: tuple[str, type[_Fake]]) -> None:
    url, handler = fake_server
    provider = OsrmMatrix(base_urls={TravelMode.BIKE: url}, block=2)
    times = provider.matrix(POINTS, TravelMode.BIKE)
    assert len(handler.calls) == 9  # 3 row blocks × 3 column blocks
    assert all("/table/v1/cycling/" in c for c in handler.calls)
    for i, a in enumerate(POINTS):
        for j, b in enumerate(POINTS):
            assert times.metres[i][j] == pytest.approx(haversine_m(a, b) * 2, rel=1e-6)
            assert times.seconds[i][j] == pytest.approx(haversine_m(a, b) * 2 / 10, rel=1e-6)


def test_osrm_error_code_is_a_travel_matrix_error(fake_server: tuple[str, type[_Fake]]) -> None:
    url, handler = fake_server
    handler.broken = True
    with pytest.raises(TravelMatrixError):
        OsrmMatrix(base_urls={TravelMode.CAR: url}).matrix(POINTS, TravelMode.CAR)


def test_osrm_unconfigured_mode_and_dead_server() -> None:
    with pytest.raises(TravelMatrixError):
        OsrmMatrix(base_urls={}).matrix(POINTS, TravelMode.CAR)
    # Nothing listens on port 9 of localhost (discard); refused at once.
    dead = OsrmMatrix(base_urls={TravelMode.CAR: "http://127.0.0.1:9"}, timeout_seconds=2)
    with pytest.raises(TravelMatrixError):
        dead.matrix(POINTS, TravelMode.CAR)
    with pytest.raises(TravelMatrixError):
        OsrmMatrix(base_urls={TravelMode.CAR: "file:///etc"}).matrix(POINTS, TravelMode.CAR)


def test_valhalla_client_with_null_cells_falls_back(fake_server: tuple[str, type[_Fake]]) -> None:
    url, handler = fake_server
    provider = ValhallaMatrix(base_url=url, block=3)
    times = provider.matrix(POINTS, TravelMode.WALK)
    assert len(handler.calls) == 4
    assert handler.calls[0] == "/sources_to_targets"
    fallback = StraightLineMatrix()
    for i, a in enumerate(POINTS):
        for j, b in enumerate(POINTS):
            if i == j:
                assert times.seconds[i][j] == 0
            elif i in (0, 3) and j in (0, 3):  # first source × first target of a block: null
                assert times.seconds[i][j] == pytest.approx(fallback.leg(a, b, TravelMode.WALK)[0])
            else:
                assert times.metres[i][j] == pytest.approx(haversine_m(a, b) * 3, rel=1e-6)
