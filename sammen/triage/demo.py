"""Demo data for early detection: filled in below (placeholder until written)."""

from __future__ import annotations

from sammen.core.demo_streams import DemoContext


def triage_demo_stream(ctx: DemoContext) -> int:
    return 0
