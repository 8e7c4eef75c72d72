"""System clients: another system (KL Gateway delivery, a data warehouse, a hospital's
integration) that reads through the FHIR facade with an OAuth2 client-credentials token.

One municipality and one purpose per client. The client acts as its own service account (a
`StaffMember` without login or role) placed in one unit: it reaches the citizens that unit and
the units below it are responsible for, exactly as a leader of that unit would on a list, and
never breaks the glass. Its scopes (SMART v2 `system/<Type>.rs`) say which resource types it
may read; `may_see_cpr` whether Patient carries the CPR number. Every read is in the access
log with the client's service account as the actor and the client's name and purpose as the
unit text the citizen sees."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sammen.core.models import MunicipalityScoped


class ClientPurpose(models.TextChoices):
    REPORTING = "indberetning", _("Lovpligtig indberetning (KL Gateway)")
    CARE = "behandling", _("Pleje og behandling (samarbejdende system)")
    STATISTICS = "statistik", _("Ledelsesinformation og statistik")
    AUDIT = "tilsyn", _("Tilsyn med adgang (adgangslog)")


class SystemClient(MunicipalityScoped):
    name = models.CharField(_("navn"), max_length=100)
    purpose = models.CharField(_("formål"), max_length=20, choices=ClientPurpose.choices)
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.PROTECT, related_name="system_client"
    )
    staff = models.OneToOneField(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="fhir_client"
    )
    unit = models.ForeignKey("organisation.OrgUnit", on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(_("adgange"), default=list)
    may_see_cpr = models.BooleanField(_("må se CPR-nummer"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    secret_rotated_at = models.DateTimeField(_("nøgle skiftet"), null=True, blank=True)
    created_by = models.ForeignKey(
        "organisation.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    # Requests per minute (a fixed window in the cache); 0 = no limit.
    rate_limit_per_minute = models.PositiveIntegerField(_("grænse pr. minut"), default=600)

    class Meta:
        ordering = ["name"]
        verbose_name = _("systemklient")
        verbose_name_plural = _("systemklienter")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="systemclient_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
