from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class InsightConfig(AppConfig):
    name = "sammen.insight"
    label = "insight"
    verbose_name = "Indsigt"

    def ready(self) -> None:
        checks.register(_definitions_check, "insight")


def _definitions_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A definition file the loader refuses stops `manage.py check` (and so every start)."""
    from sammen.insight.definitions import DefinitionError, definitions_load

    try:
        definitions_load()
    except DefinitionError as error:
        return [checks.Error(str(error), id="insight.E001")]
    return []
