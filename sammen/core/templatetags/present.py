"""Template filters for the presenters (`sammen.core.presenters`): {% load present %}."""

from __future__ import annotations

from django import template

from sammen.core import presenters

register = template.Library()

register.filter("date_text", presenters.date_text)
register.filter("datetime_text", presenters.datetime_text)
register.filter("yes_no", presenters.yes_no)
