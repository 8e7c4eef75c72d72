"""SMART App Launch v2 style scopes: `system/<ResourceType>.rs` (read + search), also
`system/*.rs`. A staff session reads as `user/*.rs` within the role's permissions."""

from __future__ import annotations

import re

_SCOPE = re.compile(r"^(system|user)/(\*|[A-Z][A-Za-z]+)\.([cruds]+)$")


def scope_for(resource_type: str) -> str:
    return f"system/{resource_type}.rs"


def allows(scopes: list[str] | set[str], resource_type: str, interaction: str) -> bool:
    """Does any scope cover `interaction` ("r" read/vread/history, "s" search) on the type?"""
    for scope in scopes:
        match = _SCOPE.match(scope)
        if match and match.group(2) in ("*", resource_type) and interaction in match.group(3):
            return True
    return False


def valid(scope: str) -> bool:
    return _SCOPE.match(scope) is not None
