"""Background jobs of the access kernel (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from sammen.access.sealing import access_log_seal


@task()
def access_log_seal_task() -> int:
    """Seal what was appended since the last checkpoint; returns its number (0: nothing new)."""
    checkpoint = access_log_seal()
    return checkpoint.number if checkpoint else 0
