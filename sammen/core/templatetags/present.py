"""Template filters for the presenters (`sammen.core.presenters`): {% load present %}."""

from __future__ import annotations

from django import template

from sammen.core import presenters

register = template.Library()

register.filter("date_text", presenters.date_text)
register.filter("datetime_text", presenters.datetime_text)
register.filter("yes_no", presenters.yes_no)
register.filter("time_text", presenters.time_text)
register.filter("day_text", presenters.day_text)
register.filter("short_datetime_text", presenters.short_datetime_text)
