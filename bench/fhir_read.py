"""A FHIR Patient read by a system client against the same data read with psycopg.

    .venv/bin/python -m bench.fhir_read [--rounds 300]      # PostgreSQL (bench_fhir)

"fhir" is the whole facade in-process: `GET /fhir/R4/Patient/<id>` through Django's test
client with a bearer token (middleware, token check, scope, rate limit, the access gate's
policy decision, the access-log row with its citizen copy, the dk-core mapper, JSON).
"psycopg" is the floor: one connection, in one transaction, SELECT the citizen's columns by
id and municipality, INSERT the access-log row and the citizen copy, and json.dumps a dict
of the same fields. Interleaved, `--rounds` each; median and p95 in ms and the ratio.
PostgreSQL only (the issue's baseline is psycopg); a database of its own, `bench_fhir`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_fhir"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        return _run(args)
    if not pg_answers(args.pg_url):
        print("PostgreSQL svarer ikke – springer over")
        return 0
    _pg_drop(args.pg_url)
    pg_create_database(args.pg_url)
    env = os.environ | {
        "DATABASE_URL": args.pg_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SAMMEN_SEAL_DIR": str(RESULTS / "seal-fhir"),
    }
    subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            "-m",
            "bench.fhir_read",
            "--inner",
            "--rounds",
            str(args.rounds),
            "--pg-url",
            args.pg_url,
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return 0


def _pg_drop(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres"):
        raise SystemExit(f"Vælg en egen database til benchmark, ikke {name!r}.")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _populate() -> tuple[Any, Any, str]:
    import base64
    import datetime as dt

    from django.test import Client

    from sammen.citizens.models import Citizen, Responsibility
    from sammen.core.actor import Actor
    from sammen.fhir import services
    from sammen.organisation.models import Membership, Municipality, OrgUnit, StaffMember, User
    from sammen.organisation.permissions import permissions_for

    m = Municipality.objects.create(name="FHIR-kommune", code="997")
    top = OrgUnit.objects.create(
        municipality=m, name="Forvaltning", kind="forvaltning", area="aeldre_sundhed"
    )
    team = OrgUnit.objects.create(
        municipality=m, name="Team", kind="team", area="aeldre_sundhed", parent=top
    )
    admin = StaffMember.objects.create(
        municipality=m,
        user=User.objects.create(username="adm"),
        first_name="A",
        last_name="Dmin",
        profession="administrativ",
    )
    membership = Membership.objects.create(
        municipality=m, staff=admin, unit=top, role="administrator", is_primary=True
    )
    citizens = [
        Citizen(
            municipality=m,
            cpr=f"140338{n:04d}",
            cpr_birth_part="140338",
            birth_date=dt.date(1938, 3, 14),
            sex="female",
            first_name="Fhir",
            last_name=f"Borger{n:04d}",
            street="Vej",
            house_number=str(n),
            postcode="2670",
            city="Greve",
        )
        for n in range(2000)
    ]
    Citizen.objects.bulk_create(citizens, batch_size=500)
    Responsibility.objects.bulk_create(
        [
            Responsibility(
                municipality=m,
                citizen=c,
                area="aeldre_sundhed",
                unit=team,
                since=dt.date(2025, 1, 1),
            )
            for c in citizens
        ],
        batch_size=500,
    )
    actor = Actor(
        staff=admin,
        municipality=m,
        membership=membership,
        role="administrator",
        unit=top,
        permissions=permissions_for("administrator"),
    )
    issued = services.client_create(
        actor=actor,
        name="Bench",
        unit_id=top.pk,
        purpose="indberetning",
        scopes=["system/*.rs"],
        may_see_cpr=True,
    )
    basic = base64.b64encode(f"{issued.client_id}:{issued.client_secret}".encode()).decode()
    token = (
        Client()
        .post(
            "/fhir/auth/token",
            {"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        .json()["access_token"]
    )
    return citizens[1000], issued.client, str(token)


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    citizen, client, token = _populate()
    http = Client()
    url = f"/fhir/R4/Patient/{citizen.pk}"
    headers = {"Authorization": f"Bearer {token}"}

    def fhir() -> None:
        response = http.get(url, headers=headers)
        assert response.status_code == 200, response.content
        json.loads(response.content)

    conn = psycopg.connect(args.pg_url.replace("postgres://", "postgresql://"))

    def raw() -> None:
        with conn.transaction():
            row = conn.execute(
                "SELECT id, cpr, first_name, last_name, sex, birth_date, street, house_number, "
                "postcode, city, phone, status, version, updated_at FROM citizens_citizen "
                "WHERE id = %s AND municipality_id = %s",
                (citizen.pk, citizen.municipality_id),
            ).fetchone()
            assert row is not None
            seq = conn.execute(
                "INSERT INTO access_accesslogentry (at, municipality_id, staff_id, role, unit_id, "
                "unit_name, citizen_id, criterion, operation, purpose, outcome, severity, "
                "object_type, request_id, client_ip) VALUES (now(), %s, %s, 'systemklient', %s, "
                "'Bench', %s, '', 'view', 'care_relation', 'success', 'normal', 'fhir:Patient', "
                "'', '') RETURNING seq",
                (citizen.municipality_id, client.staff_id, client.unit_id, citizen.pk),
            ).fetchone()
            assert seq is not None
            conn.execute(
                "INSERT INTO access_citizenaccessrecord (access_seq, municipality_id, citizen_id, "
                "at, unit_name, staff_id, role, operation, purpose, object_type, break_the_glass) "
                "VALUES (%s, %s, %s, now(), 'Bench', %s, 'systemklient', 'view', "
                "'care_relation', 'fhir:Patient', false)",
                (seq[0], citizen.municipality_id, citizen.pk, client.staff_id),
            )
        json.dumps(
            {
                "resourceType": "Patient",
                "id": str(row[0]),
                "name": [row[2], row[3]],
                "birthDate": row[5].isoformat(),
                "identifier": row[1],
            }
        )

    ways = {"fhir": fhir, "psycopg": raw}
    for fn in ways.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for r in range(args.rounds):
        for name in list(ways) if r % 2 == 0 else list(reversed(ways)):
            start = time.perf_counter()
            ways[name]()
            samples[name].append((time.perf_counter() - start) * 1000)

    def stats(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {"median": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1]}

    result = {name: stats(v) for name, v in samples.items()}
    ratio = result["fhir"]["median"] / result["psycopg"]["median"]
    load = os.getloadavg()
    print(f"PostgreSQL, {args.rounds} rounds, load average {load[0]:.2f}")
    for name, s in result.items():
        print(f"  {name:8s} median {s['median']:.2f} ms  p95 {s['p95']:.2f} ms")
    print(f"  fhir ÷ psycopg (median): {ratio:.1f}×")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fhir_read_postgres.json").write_text(
        json.dumps({"result": result, "ratio": ratio, "load": load}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
