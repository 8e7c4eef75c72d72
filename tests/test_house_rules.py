"""House rules that hold everywhere: error pages, headers, CSP, language, architecture."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import World
from sammen.organisation.tests import factories as f

ROOT = Path(__file__).resolve().parent.parent


def test_unknown_route_is_a_danish_404_page(world: World) -> None:
    response = f.logged_in_client(world.nurse).get("/findes/ikke/")
    assert response.status_code == 404
    assert "Siden eller oplysningen findes ikke" in response.text


def test_security_headers_on_every_page(world: World) -> None:
    response = f.logged_in_client(world.nurse).get("/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_no_inline_scripts_and_htmx_is_served_locally(world: World) -> None:
    html = f.logged_in_client(world.nurse).get("/").text
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "htmx should be loaded"
    for tag in scripts:
        assert 'src="/static/' in tag, tag  # no CDN, no inline script body
    assert "<script>" not in html
    assert " on" + "click=" not in html


def test_english_is_available_through_the_switch(world: World) -> None:
    client = Client()
    response = client.post("/sprog/", {"language": "en", "next": "/log-ind/"})
    assert response.status_code == 302
    page = client.get("/log-ind/")
    assert 'lang="en"' in page.text
    assert "Log in to Sammen" in page.text


def test_pages_declare_viewport_for_phones(db: None) -> None:
    html = Client().get("/log-ind/").text
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def test_production_settings_pass_check_deploy() -> None:
    env = {
        "SAMMEN_ENV": "production",
        "DJANGO_SECRET_KEY": "test-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "sammen.example.dk",
        "SAMMEN_MINLOG_CLIENT": "municipality.nsp.MinLogClient",  # not imported by the check
        "SAMMEN_NOTIFIER": "municipality.sms.Notifier",  # not imported by the check
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(  # noqa: S603 - fixed command, no user input
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _production_check(**env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` in the production profile with these settings (a fresh process)."""
    base = {"SAMMEN_ENV": "production", "DJANGO_SECRET_KEY": "test-" + "k" * 60}
    return subprocess.run(  # noqa: S603 - fixed command, no user input
        [str(ROOT / ".venv/bin/python"), "manage.py", "check"],
        cwd=ROOT,
        env=base | env | {"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("client", ["", "sammen.integrations.minlog.FakeMinLog"])
def test_production_refuses_the_fake_minlog(client: str) -> None:
    """An unset client used to mean the in-memory fake, marking accesses sent that never
    reached MinLog."""
    result = _production_check(SAMMEN_MINLOG_CLIENT=client)
    assert result.returncode != 0
    assert "SAMMEN_MINLOG_CLIENT must name the NSP MinLog client" in result.stderr


def test_the_fake_minlog_is_refused_at_run_time_in_production(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from sammen.integrations.minlog import minlog_client

    settings.SAMMEN_ENV = "production"
    settings.SAMMEN_MINLOG_CLIENT = ""
    with pytest.raises(ImproperlyConfigured):
        minlog_client()


def test_production_refuses_relaxed_mfa() -> None:
    result = _production_check(
        SAMMEN_MFA_REQUIRED="false", SAMMEN_MINLOG_CLIENT="municipality.nsp.MinLogClient"
    )
    assert result.returncode != 0
    assert "only allowed for the demo" in result.stderr


def _python_files(folder: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("name", ["views.py", "api.py", "forms.py"])
def test_no_orm_writes_outside_services(name: str) -> None:
    """Views, API and forms call services for writes (DESIGN.md §1.3)."""
    write = re.compile(r"\.objects\.[a-z_]*(create|update|delete|bulk_)|\.save\(|\.delete\(")
    offenders = [
        str(p.relative_to(ROOT))
        for p in _python_files("sammen")
        if p.name == name and "tests" not in p.parts and write.search(p.read_text())
    ]
    assert offenders == []


def test_no_cpr_like_number_in_log_or_exception_calls() -> None:
    pattern = re.compile(r"(log(ger)?\.[a-z]+|raise [A-Za-z]+|print)\(.*\d{6}-?\d{4}")
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in _python_files("sammen") + _python_files("config")
        if "tests" not in p.parts
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_suite_runs_on_the_database_in_database_url() -> None:
    import os

    from django.db import connection

    url = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_danish_even_when_the_browser_prefers_english(db: None) -> None:
    page = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/log-ind/")
    assert 'lang="da"' in page.text
    assert "Log ind i Sammen" in page.text


def test_no_function_local_imports_dodge_the_layers() -> None:
    """DESIGN.md layers: imports go at the top of a module, where import-linter sees them (in
    `make test`). Only AppConfig.ready() may import inside a function (Django's own rule for
    registering with another app once every model is loaded)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "sammen"
    found = []
    for path in root.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name == "apps.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom):
                    module = node.module or ""
                elif isinstance(node, ast.Import):
                    module = node.names[0].name
                else:
                    continue
                if module.startswith("sammen"):
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {module}")
    assert found == []


def test_only_the_gate_finds_a_citizen_without_logging() -> None:
    """The unlogged lookup `citizens.selectors.citizen_row` exists for the access gate alone
    (registered in CitizensConfig.ready); any other caller would read a citizen unlogged."""
    callers = [
        f"{path.relative_to(ROOT)}"
        for path in (ROOT / "sammen").rglob("*.py")
        if "citizen_row" in path.read_text(encoding="utf-8")
    ]
    assert sorted(callers) == ["sammen/citizens/apps.py", "sammen/citizens/selectors.py"]
