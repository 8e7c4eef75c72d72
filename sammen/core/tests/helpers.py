"""Test helpers shared by every module's tests."""

from __future__ import annotations

import re

_VOLATILE = [
    re.compile(r'csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'"X-CSRFToken": "[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
    re.compile(r'name="next" value="[^"]*"'),  # echoes the requested path, not data
]


def stable_body(html: str) -> str:
    """The page without per-response tokens, so two answers can be compared for leaks."""
    for pattern in _VOLATILE:
        html = pattern.sub("…", html)
    return html
