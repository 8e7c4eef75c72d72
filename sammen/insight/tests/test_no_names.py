"""No insight response for direktion or a politician carries a citizen's name, CPR number or
id: every page and export is scanned against every citizen of a generated demo municipality
(with its data streams: journal, access history with break-the-glass)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from sammen.citizens.models import Citizen
from sammen.demo.generator import municipality_generate, municipality_get_or_create
from sammen.organisation.models import Area, Membership, Municipality, Role
from sammen.organisation.tests import factories as f

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def demo(db: None) -> Municipality:
    municipality = municipality_get_or_create(name="Lækby")
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC), tick=False):
        municipality_generate(
            municipality=municipality,
            citizens=150,
            staff=30,
            years=2,
            seed=11,
            today=TODAY,
            run_streams=True,
        )
    return municipality


def _needles(municipality: Municipality) -> list[str]:
    needles: list[str] = []
    for c in Citizen.objects.filter(municipality=municipality):
        needles += [
            c.cpr,
            f"{c.cpr[:6]}-{c.cpr[6:]}",
            c.full_name,
            f"{c.last_name}, {c.first_name}",
            str(c.pk),
            c.pk.hex,
        ]
    return needles


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.POLITICIAN])
def test_no_citizen_identity_in_any_aggregate_response(demo: Municipality, role: str) -> None:
    member = Membership.objects.filter(municipality=demo, role=role).select_related("staff")[0]
    client = f.logged_in_client(member.staff)
    urls = ["/indsigt/politik/", "/indsigt/definitioner/"]
    urls += [f"/indsigt/politik/{a}/" for a in Area.values]
    if role == Role.DIRECTOR:
        urls += ["/indsigt/kommune/", "/indsigt/kommune/noegletal.csv"]
    needles = _needles(demo)
    pattern = re.compile("|".join(re.escape(n) for n in needles))
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            body = response.content.decode("utf-8")
            found = pattern.search(body)
            assert found is None, f"{url} shows {found.group(0)!r}"
            assert "<5" in body or "&lt;5" in body or url.endswith("definitioner/")
        # The page does show figures (not an empty page that trivially passes).
        page = client.get("/indsigt/politik/").content.decode()
        assert re.search(r">\d[\d.]*<", page)
