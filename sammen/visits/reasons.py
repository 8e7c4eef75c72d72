"""Reasons a visit or a service in it was not delivered.

KL's "Begrundelse for manglende aktivitet" (kl-term CareSocialCodes, DOMAIN.md) is not among
the terminology files this repository loads (`../shared/terminology/`), so its codes cannot
be stored yet: these are local keys with the Danish text, and `kl_code` is to be filled from the
code system when it is loaded (then the FHIR Procedure's statusReason carries it). No codes are
invented here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reason:
    key: str
    text: str | Promise
    kl_code: str = ""
    cancels_plan: bool = False  # e.g. admitted: the following visits are not for this team


REASONS: tuple[Reason, ...] = (
    Reason("not_home", _("Borgeren var ikke hjemme")),
    Reason("declined", _("Borgeren ønskede ikke besøget")),
    Reason("cancelled_by_citizen", _("Aflyst af borgeren")),
    Reason("admitted", _("Borgeren er indlagt"), cancels_plan=True),
    Reason("staff_shortage", _("Manglende personale")),
    Reason("not_needed", _("Ikke behov i dag")),
    Reason("other", _("Anden årsag (skriv i notatet)")),
)
BY_KEY = {r.key: r for r in REASONS}


def reason_choices() -> list[tuple[str, str]]:
    return [(r.key, str(r.text)) for r in REASONS]
