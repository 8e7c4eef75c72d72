"""The technical log (SECURITY.md T10): one JSON record per line whatever a request carries, and
no CPR number in it whoever logs one. These tests read what the configured handler writes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client

from sammen.core.logs import log_safe
from sammen.core.tests.test_cpr_masking import digits_view

CPR = "0101901234"


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the root logger's one handler (settings.LOGGING "console") writes, meanwhile."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        yield stream
    finally:
        if old is not None:
            handler.setStream(old)


def records(output: io.StringIO) -> list[dict[str, Any]]:
    """Every line must be one JSON object (a forged line would not parse, or would add one)."""
    lines = output.getvalue().split("\n")
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[:-1]]


FORGED = '{"level": "CRITICAL", "logger": "sammen.security", "message": "forged"}'


@pytest.mark.parametrize(
    "path",
    [
        "/x%0d%0a" + FORGED.replace(" ", "%20").replace('"', "%22"),  # percent-encoded CR LF
        "raw:/x\r\n" + FORGED,  # raw CR LF in PATH_INFO (the test client would strip them)
        "/x%E2%80%A8forged",  # U+2028 LINE SEPARATOR
        "/x%1b[2Jforged",  # an ANSI escape
    ],
    ids=["percent-encoded", "raw", "u2028", "ansi"],
)
def test_the_security_log_writes_the_path_escaped_in_one_record(db: None, path: str) -> None:
    client = Client()
    client.cookies["sessionid"] = "no-such-session"  # -> "session refused" on sammen.security
    with console_output() as output:
        if path.startswith("raw:"):
            response = client.get("/x", PATH_INFO=path.removeprefix("raw:"))
        else:
            response = client.get(path)
    assert response.status_code in {302, 404}
    written = records(output)
    security = [r for r in written if r["logger"] == "sammen.security"]
    assert len(security) == 1, written
    assert security[0]["level"] == "WARNING"
    assert security[0]["message"] == "Ugyldig eller udløbet session afvist"
    logged_path = security[0]["path"]
    assert logged_path.startswith("/x")
    assert not any(char in logged_path for char in "\r\n\u2028\x1b")
    assert "\\r\\n" in logged_path or "\\u2028" in logged_path or "\\x1b" in logged_path
    assert all(r.get("message") != "forged" for r in written)
    assert all(r["level"] != "CRITICAL" for r in written)


def test_django_records_go_through_the_same_handler(db: None) -> None:
    with console_output() as output:
        Client().get("/api/v1/no-such-operation")
    assert {"timestamp", "level", "logger", "message"} <= set(records(output)[-1])
    assert any(r["logger"] == "django.request" for r in records(output))


def test_a_cpr_number_logged_anywhere_is_written_masked() -> None:
    log = logging.getLogger("sammen.tests")
    with console_output() as output:
        log.warning("Søgning på %s", "010190\u20131234")
        log.warning("Borger fundet", extra={"note": f"cpr {CPR} fru Hansen", "count": 3})
        try:
            raise ValueError(f"ugyldig: {CPR}")
        except ValueError:
            log.exception("Fejl")
        log.warning("Stak", stack_info=True, extra={"criterion": "01.01.90/1234"})
    written = records(output)
    assert [r["message"] for r in written] == [
        "Søgning på 010190-xxxx",
        "Borger fundet",
        "Fejl",
        "Stak",
    ]
    assert written[1]["note"] == "cpr 010190-xxxx fru Hansen"
    assert written[1]["count"] == 3
    assert "ValueError: ugyldig: 010190-xxxx" in written[2]["exc_info"]
    assert written[3]["criterion"] == "010190-xxxx"
    for record in written:
        assert CPR not in digits_view(json.dumps(record, ensure_ascii=False))


def test_the_filter_can_fail_without_it() -> None:
    """The handler's filter is what masks: the same record through a bare handler is not."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    bare = logging.StreamHandler(stream)
    bare.setFormatter(handler.formatter)
    record = logging.LogRecord("sammen.tests", logging.WARNING, __file__, 1, "cpr %s", (CPR,), None)
    bare.handle(record)
    assert CPR in stream.getvalue()
    assert handler.filter(record)
    assert record.getMessage() == "cpr 010190-xxxx"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/borgere/", "/borgere/"),
        ("/a\r\nb", "/a\\r\\nb"),
        ("/a\u2028b\x1b[0m", "/a\\u2028b\\x1b[0m"),
        ("a\\r", "a\\\\r"),  # a typed backslash stays distinguishable from an escaped CR
        ("Søren Østergaard", "Søren Østergaard"),
        (f"/x/{CPR}/", "/x/010190-xxxx/"),
        ("x" * 300, "x" * 200 + "…"),
    ],
)
def test_log_safe(value: str, expected: str) -> None:
    assert log_safe(value) == expected
