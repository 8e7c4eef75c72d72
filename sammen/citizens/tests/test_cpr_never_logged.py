"""A CPR number typed into the search box, any way, never reaches the access log in clear, and
it is still a CPR search (SECURITY.md T10). The masking: sammen/core/tests/test_cpr_masking.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from conftest import World
from sammen.access.log import access_log_record
from sammen.access.models import AccessLogEntry, ChangeLogEntry, Operation
from sammen.citizens import services
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.citizens.tests.test_services import data
from sammen.core.tests.test_cpr_masking import digits_view

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# How people type a CPR number; all but the last two are a CPR search on their own.
VARIANTS: dict[str, Callable[[str], str]] = {
    "plain": lambda c: f"{c[:6]}-{c[6:]}",
    "no dash": lambda c: c,
    "en dash": lambda c: f"{c[:6]}\u2013{c[6:]}",
    "em dash": lambda c: f"{c[:6]}\u2014{c[6:]}",
    "minus sign": lambda c: f"{c[:6]}\u2212{c[6:]}",
    "non-breaking hyphen": lambda c: f"{c[:6]}\u2011{c[6:]}",
    "spaces": lambda c: " ".join([c[0:2], c[2:4], c[4:6], c[6:]]),
    "no-break space": lambda c: f"{c[:6]}\u00a0{c[6:]}",
    "slashes": lambda c: "/".join([c[0:2], c[2:4], c[4:6], c[6:]]),
    "dots": lambda c: ".".join([c[0:2], c[2:4], c[4:6], c[6:]]),
    "underscore": lambda c: f"{c[:6]}_{c[6:]}",
    "soft hyphen": lambda c: f"{c[:6]}\u00ad{c[6:]}",
    "full-width": lambda c: f"{c[:6]}-{c[6:]}".translate(FULL_WIDTH),
    "arabic-indic": lambda c: f"{c[:6]}-{c[6:]}".translate(ARABIC_INDIC),
    "among words": lambda c: f"cpr {c[:6]}\u2013{c[6:]} fru Hansen",
    "glued to words": lambda c: f"cpr{c}fru",
}
AMONG_WORDS = {"among words", "glued to words"}


@pytest.fixture
def citizen(world: World) -> Citizen:
    return citizen_create(world.greve, "Inger", "Hansen", born=dt.date(1990, 1, 2))


def assert_no_cpr(criterion: str, cpr: str) -> None:
    assert cpr not in digits_view(criterion), criterion
    # The serial is not there either (apart from the kept birth date, which it may resemble).
    assert cpr[6:] not in criterion.replace(f"{cpr[:6]}-xxxx", "DDMMYY-xxxx"), criterion


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_a_search_writes_no_cpr_into_the_access_log(
    world: World, citizen: Citizen, variant: str
) -> None:
    query = VARIANTS[variant](citizen.cpr)
    response = world.client(world.nurse).post("/borgere/", {"q": query})
    assert response.status_code == 200
    row = AccessLogEntry.objects.get(operation=Operation.SEARCH)
    assert_no_cpr(row.criterion, citizen.cpr)
    if variant in AMONG_WORDS:
        assert row.criterion.startswith("tekst:")
        assert f"{citizen.cpr[:6]}-xxxx" in row.criterion
    else:  # read as the CPR search it is, and the citizen is found
        assert row.criterion == f"cpr:{citizen.cpr[:6]}-xxxx"
        assert row.citizen_id == citizen.pk
        assert citizen.last_name in response.text


@pytest.mark.parametrize("variant", ["en dash", "full-width", "among words"])
def test_an_api_search_writes_no_cpr_into_the_access_log(
    world: World, citizen: Citizen, variant: str
) -> None:
    query = VARIANTS[variant](citizen.cpr)
    response = world.client(world.nurse).post(
        "/api/v1/citizens/search", json.dumps({"q": query}), content_type="application/json"
    )
    assert response.status_code == 200
    assert_no_cpr(AccessLogEntry.objects.get(operation=Operation.SEARCH).criterion, citizen.cpr)


def test_the_access_log_masks_any_criterion_it_is_given(world: World, citizen: Citizen) -> None:
    """The last line of defence: a caller that forgets to mask still writes no CPR number."""
    access_log_record(
        actor=world.actor(world.nurse),
        citizen_ids=[None],
        operation=Operation.SEARCH,
        criterion=f"tekst:{citizen.cpr[:6]}\u2013{citizen.cpr[6:]}",
    )
    row = AccessLogEntry.objects.get(operation=Operation.SEARCH)
    assert row.criterion == f"tekst:{citizen.cpr[:6]}-xxxx"


def test_the_change_log_masks_a_cpr_number_typed_into_another_field(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = services.citizen_create(actor=actor, data=data())
    typed = f"{citizen.cpr[:6]}\u2013{citizen.cpr[6:]}"
    services.citizen_update(actor=actor, citizen=citizen, data=data(cpr=citizen.cpr, gp_name=typed))
    entry = ChangeLogEntry.objects.filter(citizen_id=citizen.pk, action="update").get()
    assert entry.changes["gp_name"] == ["", f"{citizen.cpr[:6]}-xxxx"]
