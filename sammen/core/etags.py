"""Versions over HTTP (RFC 9110 § 8.8.3, § 13.1.1): `ETag` on GET, `If-Match` on writes.

The tag is strong (`"3"`): the same version of a record always gives the same JSON. An update of
a versioned record without `If-Match` answers 428 (RFC 6585) — a client that never read the
record cannot silently overwrite someone else's change; `If-Match: *` is the explicit choice to
write whatever the current version is. A tag that is not current answers 412 (the service's
Conflict, with what changed since)."""

from __future__ import annotations

import re

from django.http import HttpRequest

from sammen.core.errors import PreconditionFailed, PreconditionRequired

_TAG = re.compile(r'^\s*(W/)?"(\d{1,9})"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(request: HttpRequest) -> int | None:
    """The version the client saw, from `If-Match`; None for `*`. A weak tag never matches
    (If-Match compares strongly), nor does a list of several versions."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired(
            "Send If-Match med den ETag, du fik, da du hentede oplysningerne."
        )
    if header.strip() == "*":
        return None
    match = _TAG.match(header)
    if match is None or match.group(1):
        raise PreconditionFailed("If-Match passer ikke med oplysningernes nuværende version.")
    return int(match.group(2))
