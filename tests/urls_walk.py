"""Enumerate every URL pattern from Django's resolver, so new routes are covered by default."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

SAMPLE_UUID = str(uuid.UUID(int=0x5A33E2))


@dataclass(frozen=True)
class Route:
    path: str
    callback: Callable[..., Any]
    name: str | None
    namespace: str | None
    has_id: bool
    raw: str


def _fill(pattern: str) -> str:
    pattern = re.sub(r"<uuid:[^>]+>", SAMPLE_UUID, pattern)
    pattern = re.sub(r"<[a-z_]*id>", SAMPLE_UUID, pattern)  # django-ninja path params
    pattern = re.sub(r"<int:[^>]+>", "1", pattern)
    pattern = re.sub(r"<(?:str|slug|path):[^>]+>", "x", pattern)
    pattern = re.sub(r"<[^>]+>", "x", pattern)
    # Regex-based patterns (Django admin): strip anchors and fill groups.
    pattern = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", pattern)
    return pattern.replace("^", "").replace("$", "").replace("\\", "")


def walk(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str | None = None
) -> Iterator[Route]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(list(p.url_patterns), prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            raw = prefix + str(p.pattern)
            yield Route(
                path="/" + _fill(raw),
                callback=p.callback,
                name=p.name,
                namespace=namespace,
                has_id="<" in raw,
                raw=raw,
            )


@dataclass(frozen=True)
class ApiOperation:
    path: str  # with SAMPLE_UUID for every {..._id}
    raw: str  # as declared: /api/v1/citizens/{citizen_id}/cpr
    method: str
    name: str
    has_body: bool


def api_operations() -> Iterator[ApiOperation]:
    """Every django-ninja operation, read from the API object itself (not from the URL
    patterns, where its path parameters show as <citizen_id>)."""
    from ninja.params.models import BodyModel

    from config.api import api

    root = reverse(f"{api.urls_namespace}:api-root")
    for prefix, router in api._routers:
        for declared, path_view in router.path_operations.items():
            raw = re.sub("/+", "/", f"{root}{prefix}{declared}")
            path = re.sub(r"\{[a-z_]*id\}", SAMPLE_UUID, raw)
            for operation in path_view.operations:
                has_body = any(issubclass(model, BodyModel) for model in operation.models)
                for method in operation.methods:
                    yield ApiOperation(path, raw, method, operation.view_func.__name__, has_body)


def api_raw(route: Route) -> str:
    """A URL pattern of the API as django-ninja declares it: <citizen_id> -> {citizen_id}."""
    return "/" + re.sub(r"<([a-z_]+)>", r"{\1}", route.raw)
