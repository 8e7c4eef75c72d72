"""How values look to a person: one date format, one date-time format, "Ja"/"Nej".

Selectors return values (dates, datetimes, booleans); templates format them with the filters
in `core.templatetags.present` (`date_text`, `datetime_text`, `yes_no`), and Python that
writes for people (CSV, PDF, the journal's shown values) calls these functions. Input
widgets and machine formats (ISO dates in URLs and `<input type="date">`) are not display.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

# "2. dec 2026" and "2. dec 2026 14:05" (month names follow the active language).
DATE_FORMAT = "j. b Y"
DATETIME_FORMAT = "j. b Y H:i"


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date (or the local date of a moment) as people read it; empty for none."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return dateformat.format(value, DATE_FORMAT)


def datetime_text(value: dt.datetime | None) -> str:
    """A moment in local time as people read it; empty for none."""
    if not isinstance(value, dt.datetime):
        return date_text(value)
    return dateformat.format(_local(value), DATETIME_FORMAT)


def time_text(value: dt.datetime | None) -> str:
    """The local clock time of a moment ("14:05"); empty for none."""
    if not isinstance(value, dt.datetime):
        return ""
    return dateformat.format(_local(value), "H:i")


def day_text(value: dt.date | None) -> str:
    """A day on a day list ("onsdag 2. december"); empty for none."""
    if not isinstance(value, dt.date):
        return ""
    return dateformat.format(value, "l j. F")


def short_datetime_text(value: dt.datetime | None) -> str:
    """A recent moment without the year ("2. dec 14:05"); empty for none."""
    if not isinstance(value, dt.datetime):
        return ""
    return dateformat.format(_local(value), "j. b H:i")


def yes_no(value: object) -> str:
    return _("Ja") if value else _("Nej")
