"""The technical log (not the access log): one structured setup for the whole app.

`config/settings.py` LOGGING sends every logger (Django's, runserver's, axes', Sammen's) to one
handler that writes one JSON object per line (python-json-logger): `timestamp` (UTC), `level`,
`logger`, `message` and the record's extra fields. JSON escapes CR, LF, U+2028 and every other
control character, so no value can start a second record (SECURITY.md T10). `log_safe` escapes
values taken from a request (a path, a header) before they are logged, for any other reader.

`MaskCprFilter` sits on that handler as the last line of defence: every CPR number in a
record's message, extra fields, traceback and stack is masked (`core.cpr.mask_cpr_in_text`),
whoever logged it. Callers still log no personal data in the first place.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from sammen.core.cpr import mask_cpr_in_text

# The attributes every LogRecord has; anything else on a record is an extra field.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}
# Extra fields that are kept as they are: the client's address comes from the server's socket
# (REMOTE_ADDR), never from what a person typed, and an IPv4 address has up to 12 digits.
UNMASKED_EXTRAS = frozenset({"client_ip"})
_SHORT_ESCAPES = {"\\": "\\\\", "\r": "\\r", "\n": "\\n", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def log_safe(value: object, limit: int = 200) -> str:
    """`value` as one printable line for a log: CR, LF, other control, format and separator
    characters (U+2028, bidi overrides, ANSI escapes) and backslashes escaped, CPR numbers
    masked, cut at `limit` characters."""
    text = mask_cpr_in_text(str(value))
    cut = len(text) > limit
    text = "".join(_escape(char) for char in text[:limit])
    return text + "…" if cut else text


class MaskCprFilter(logging.Filter):
    """Masks CPR numbers in every record that reaches the handler (changes the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_cpr_in_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info:
            # The traceback travels as (masked) text: formatters use exc_text then.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_cpr_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_cpr_in_text(record.stack_info)
        for name, value in list(vars(record).items()):
            if (
                name in _STANDARD_ATTRIBUTES
                or value is None
                or isinstance(value, bool | int | float)
            ):
                continue
            # Objects (Django puts the request on its records) become escaped, masked text.
            setattr(
                record, name, mask_cpr_in_text(value) if isinstance(value, str) else log_safe(value)
            )
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)
