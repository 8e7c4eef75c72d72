"""Break-the-glass grants, leader reviews, the review scan and log retention."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict, deque
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sammen.access import gate
from sammen.access.log import access_log_record, access_log_record_system
from sammen.access.models import (
    AccessGrant,
    AccessLogEntry,
    CitizenAccessRecord,
    GrantReason,
    MinLogCursor,
    Operation,
    Outcome,
    Purpose,
    ReviewItem,
    ReviewKind,
    Severity,
)
from sammen.access.sealing import last_trusted_checkpoint
from sammen.citizens.models import Citizen
from sammen.citizens.text import fold
from sammen.core.actor import Actor
from sammen.core.db_roles import retention_door
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.integrations.minlog import MinLogEntry, MinLogUnavailable, minlog_client
from sammen.organisation.models import StaffMember
from sammen.organisation.permissions import Permission, has_permission

MIN_REASON_TEXT = 10
MAX_REASON_TEXT = 500


def _is_night(moment: dt.datetime) -> bool:
    hour = timezone.localtime(moment).hour
    return hour >= settings.SAMMEN_NIGHT_STARTS_HOUR or hour < settings.SAMMEN_NIGHT_ENDS_HOUR


def grant_create(*, actor: Actor, citizen_id: Any, reason: str, reason_text: str) -> AccessGrant:
    """Open one citizen for a limited time, with a stated reason. Never extends an old grant:
    every grant is new, with its own reason, and shows in the leader's queue at once."""
    if not has_permission(actor, Permission.BREAK_THE_GLASS):
        raise Forbidden("Din rolle kan ikke få udvidet adgang til borgere.")
    citizen_pk = gate.citizen_for_grant(actor=actor, citizen_id=citizen_id)
    errors: dict[str, list[str]] = {}
    if reason not in GrantReason.values:
        errors["reason"] = ["Vælg en begrundelse."]
    if len((reason_text or "").strip()) > MAX_REASON_TEXT:
        errors["reason_text"] = [f"Skriv højst {MAX_REASON_TEXT} tegn."]
    elif len((reason_text or "").strip()) < MIN_REASON_TEXT:
        errors["reason_text"] = [
            f"Beskriv kort, hvorfor du har brug for adgang (mindst {MIN_REASON_TEXT} tegn)."
        ]
    if errors:
        access_log_record(
            actor=actor,
            citizen_ids=[citizen_pk],
            operation=Operation.GRANT,
            purpose=Purpose.BREAK_THE_GLASS,
            outcome=Outcome.DENIED,
            severity=Severity.HIGH,
            object_type="grant",
        )
        raise ValidationFailed("Udvidet adgang kræver en begrundelse.", errors)
    now = timezone.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            municipality=actor.municipality,
            staff=actor.staff,
            role=actor.role,
            unit=actor.unit,
            citizen_id=citizen_pk,
            reason=reason,
            reason_text=reason_text.strip(),
            expires_at=now + dt.timedelta(hours=settings.SAMMEN_BREAK_THE_GLASS_HOURS),
        )
        access_log_record(
            actor=actor,
            citizen_ids=[citizen_pk],
            operation=Operation.GRANT,
            purpose=Purpose.BREAK_THE_GLASS,
            grant_id=grant.pk,
            severity=Severity.HIGH,
            object_type="grant",
        )
        ReviewItem.objects.create(
            municipality=actor.municipality,
            kind=ReviewKind.BREAK_THE_GLASS,
            staff=actor.staff,
            citizen_id=citizen_pk,
            grant=grant,
            occurred_at=now,
            details=f"{grant.get_reason_display()}: {grant.reason_text}"[:300],
            dedupe_key=f"btg:{grant.pk}",
        )
        if _is_night(now):
            ReviewItem.objects.create(
                municipality=actor.municipality,
                kind=ReviewKind.NIGHT_GRANT,
                staff=actor.staff,
                citizen_id=citizen_pk,
                grant=grant,
                occurred_at=now,
                details=f"Udvidet adgang kl. {timezone.localtime(now):%H:%M}",
                dedupe_key=f"night:{grant.pk}",
            )
    return grant


def review_require(actor: Actor) -> None:
    if not has_permission(actor, Permission.ACCESS_REVIEW):
        raise Forbidden("Kun ledere gennemgår adgangsloggen.")


@transaction.atomic
def review_item_resolve(
    *, actor: Actor, item: ReviewItem, comment: str, approved: bool
) -> ReviewItem:
    """A leader reviews an item with a comment; nobody reviews their own access."""
    review_require(actor)
    if item.municipality_id != actor.municipality.pk:
        raise NotFound()
    if item.staff_id == actor.staff.pk:
        raise ValidationFailed(
            "Du kan ikke gennemgå din egen adgang. En anden leder skal gøre det."
        )
    if item.reviewed_at is not None:
        raise ValidationFailed("Punktet er allerede gennemgået.")
    if not comment.strip():
        raise ValidationFailed(field_errors={"comment": ["Skriv en kommentar til gennemgangen."]})
    now = timezone.now()
    item.reviewed_at, item.reviewed_by, item.review_comment = now, actor.staff, comment.strip()
    item.save(update_fields=["reviewed_at", "reviewed_by", "review_comment", "updated_at"])
    if item.grant_id is not None:
        AccessGrant.objects.filter(pk=item.grant_id, reviewed_at__isnull=True).update(
            reviewed_at=now,
            reviewed_by=actor.staff,
            review_comment=comment.strip(),
            review_approved=approved,
        )
    access_log_record(
        actor=actor,
        citizen_ids=[item.citizen_id],
        operation=Operation.REVIEW,
        purpose=Purpose.ADMINISTRATION,
        object_type="review",
        grant_id=item.grant_id,
    )
    return item


def access_review_scan(
    *, municipality_id: Any, since: dt.datetime, until: dt.datetime | None = None
) -> int:
    """Turn suspicious patterns in the access log into review items (idempotent).

    - one staff member opening more than SAMMEN_REVIEW_MANY_CITIZENS citizens within an hour;
    - a staff member opening a citizen with their own (rare) surname or home address;
    - break-the-glass at night.
    """

    until = until or timezone.now()
    rows = list(
        AccessLogEntry.objects.filter(
            municipality_id=municipality_id,
            at__gte=since,
            at__lt=until,
            outcome=Outcome.SUCCESS,
            staff_id__isnull=False,
            citizen_id__isnull=False,
            operation__in=[Operation.VIEW, Operation.SEARCH, Operation.UPDATE],
        )
        .order_by("at")
        .values_list("staff_id", "citizen_id", "at")
    )
    items: list[ReviewItem] = []
    limit = settings.SAMMEN_REVIEW_MANY_CITIZENS
    window: dict[Any, deque[tuple[dt.datetime, Any]]] = defaultdict(deque)
    flagged: dict[tuple[Any, str], ReviewItem] = {}
    for staff_id, citizen_id, at in rows:
        assert staff_id is not None  # filtered in the query
        q = window[staff_id]
        q.append((at, citizen_id))
        while q and at - q[0][0] > dt.timedelta(hours=1):
            q.popleft()
        distinct = {c for _t, c in q}
        if len(distinct) > limit:
            start = q[0][0]
            key = (staff_id, f"{start:%Y%m%d%H}")
            previous = next(
                (
                    i
                    for (s, _h), i in flagged.items()
                    if s == staff_id and at - i.occurred_at <= dt.timedelta(hours=1)
                ),
                None,
            )
            item = previous or flagged.get(key)
            if item is None:
                item = ReviewItem(
                    municipality_id=municipality_id,
                    kind=ReviewKind.MANY_CITIZENS,
                    staff_id=staff_id,
                    occurred_at=start,
                    details="",
                    dedupe_key=f"many:{staff_id}:{start:%Y%m%d%H}",
                )
                flagged[key] = item
                items.append(item)
            count = max(len(distinct), int(item.details.split(" ")[0] or 0) if item.details else 0)
            item.details = f"{count} forskellige borgere inden for en time"
    pairs = {(s, c) for s, c, _at in rows}
    staff = {s.pk: s for s in StaffMember.objects.filter(pk__in={s for s, _c in pairs})}
    citizens = {
        c.pk: c
        for c in Citizen.objects.filter(pk__in={c for _s, c in pairs}).only(
            "last_name", "street", "house_number", "postcode"
        )
    }
    # Jensen, Nielsen and Hansen are everywhere: a shared surname only means something when
    # the surname is rare in the municipality (at most 5 citizens or 0.5 % of them).
    surnames = Counter(
        fold(name)
        for name in Citizen.objects.filter(municipality_id=municipality_id).values_list(
            "last_name", flat=True
        )
    )
    common_limit = max(5, sum(surnames.values()) // 200)
    first_seen: dict[tuple[Any, Any], dt.datetime] = {}
    for staff_id, citizen_id, at in rows:
        first_seen.setdefault((staff_id, citizen_id), at)
    for (staff_id, citizen_id), at in first_seen.items():
        member, citizen = staff.get(staff_id), citizens.get(citizen_id)
        if member is None or citizen is None:
            continue
        surname = fold(member.last_name)
        if surname and surname == fold(citizen.last_name) and surnames[surname] <= common_limit:
            items.append(
                ReviewItem(
                    municipality_id=municipality_id,
                    kind=ReviewKind.SAME_SURNAME,
                    staff_id=staff_id,
                    citizen_id=citizen_id,
                    occurred_at=at,
                    details="Medarbejderen har samme efternavn som borgeren",
                    dedupe_key=f"surname:{staff_id}:{citizen_id}",
                )
            )
        own = fold(f"{member.home_street} {member.home_house_number} {member.home_postcode}")
        theirs = fold(f"{citizen.street} {citizen.house_number} {citizen.postcode}")
        if member.home_street and own == theirs:
            items.append(
                ReviewItem(
                    municipality_id=municipality_id,
                    kind=ReviewKind.SAME_ADDRESS,
                    staff_id=staff_id,
                    citizen_id=citizen_id,
                    occurred_at=at,
                    details="Borgeren bor på medarbejderens egen adresse",
                    dedupe_key=f"address:{staff_id}:{citizen_id}",
                )
            )
    for grant in AccessGrant.objects.filter(
        municipality_id=municipality_id, created_at__gte=since, created_at__lt=until
    ):
        if _is_night(grant.created_at):
            items.append(
                ReviewItem(
                    municipality_id=municipality_id,
                    kind=ReviewKind.NIGHT_GRANT,
                    staff_id=grant.staff_id,
                    citizen_id=grant.citizen_id,
                    grant=grant,
                    occurred_at=grant.created_at,
                    details=f"Udvidet adgang kl. {timezone.localtime(grant.created_at):%H:%M}",
                    dedupe_key=f"night:{grant.pk}",
                )
            )
    keys = {i.dedupe_key for i in items}
    existing = set(
        ReviewItem.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    new = list({i.dedupe_key: i for i in items if i.dedupe_key not in existing}.values())
    ReviewItem.objects.bulk_create(new, ignore_conflicts=True)  # a parallel scan may race
    return len(new)


# --- Retention -----------------------------------------------------------------------------


def access_log_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete security-log rows older than SAMMEN_ACCESS_LOG_RETENTION_DAYS and citizen-log
    rows older than SAMMEN_CITIZEN_LOG_RETENTION_DAYS, as the retention role (the only one the
    triggers let delete), and log the pruning. Only sealed rows go (the sealer runs on its own;
    retention never signs): a row not yet in a checkpoint is kept until it is, so the verifier
    always knows what retention removed."""
    now = now or timezone.now()
    security_cutoff = now - dt.timedelta(days=settings.SAMMEN_ACCESS_LOG_RETENTION_DAYS)
    citizen_cutoff = now - dt.timedelta(days=settings.SAMMEN_CITIZEN_LOG_RETENTION_DAYS)
    totals = {"access_log": 0, "citizen_log": 0}
    sealed_seq = _last_sealed_seq()
    with transaction.atomic(), retention_door():
        old_rows = AccessLogEntry.objects.filter(at__lt=security_cutoff, seq__lte=sealed_seq)
        per_municipality = Counter(old_rows.values_list("municipality_id", flat=True))
        old_copies = CitizenAccessRecord.objects.filter(
            at__lt=citizen_cutoff, access_seq__lte=sealed_seq
        )
        copies_per_municipality = Counter(old_copies.values_list("municipality_id", flat=True))
        totals["access_log"], _ = old_rows.delete()
        totals["citizen_log"], _ = old_copies.delete()
        for municipality_id in sorted(
            set(per_municipality) | set(copies_per_municipality), key=str
        ):
            access_log_record_system(
                municipality_id=municipality_id,
                citizen_ids=[None],
                operation=Operation.PRUNE,
                purpose=Purpose.ADMINISTRATION,
                criterion=(
                    f"sikkerhedslog: {per_municipality[municipality_id]} rækker før "
                    f"{security_cutoff:%Y-%m-%d}; borgerlog: "
                    f"{copies_per_municipality[municipality_id]} rækker før "
                    f"{citizen_cutoff:%Y-%m-%d}"
                ),
                object_type="access_log",
            )
    return totals


def _last_sealed_seq() -> int:
    """The last sequence number of the newest checkpoint a known key signed (a forged row in
    the checkpoint table makes retention refuse, not delete)."""
    last = last_trusted_checkpoint()
    return int(json.loads(last.statement)["streams"]["access_log"]["last"]) if last else 0


# --- MinLog2 ---------------------------------------------------------------------------------


def minlog_push(
    *, client: Any = None, now: dt.datetime | None = None, batch: int = 200
) -> dict[str, int]:
    """Send the sealed citizen copies after the cursor to MinLog, in order; when MinLog does
    not answer, wait with exponential back-off (1, 2, 4 … minutes, at most 6 hours) and send
    them again. Only sealed copies go: a copy committed late can never fall behind the cursor,
    and MinLog gets exactly what the checked log holds."""
    client = client or minlog_client()
    now = now or timezone.now()
    totals = {"sent": 0, "failed": 0}
    bound = _last_sealed_seq()
    while True:
        with transaction.atomic():
            MinLogCursor.objects.get_or_create(pk=1)
            cursor = MinLogCursor.objects.select_for_update().get(pk=1)
            if cursor.next_attempt_at is not None and cursor.next_attempt_at > now:
                return totals
            due = list(
                CitizenAccessRecord.objects.filter(
                    access_seq__gt=cursor.sent_through, access_seq__lte=bound
                ).order_by("access_seq")[:batch]
            )
            if not due:
                return totals
            cprs = dict(
                Citizen.objects.filter(pk__in={d.citizen_id for d in due}).values_list("pk", "cpr")
            )
            entries = [
                MinLogEntry(
                    reference=str(d.access_seq),
                    cpr=cprs.get(d.citizen_id, ""),
                    at=d.at,
                    organisation=d.unit_name,
                    purpose=str(Purpose(d.purpose).label),
                    activity=str(Operation(d.operation).label),
                )
                for d in due
            ]
            try:
                client.register(entries)
            except MinLogUnavailable as error:
                cursor.attempts += 1
                cursor.next_attempt_at = now + dt.timedelta(
                    minutes=min(2 ** (cursor.attempts - 1), 360)
                )
                cursor.last_error = str(error)[:200]
                cursor.save(update_fields=["attempts", "next_attempt_at", "last_error"])
                totals["failed"] += len(due)
                return totals
            cursor.sent_through = due[-1].access_seq
            cursor.attempts = 0
            cursor.next_attempt_at = None
            cursor.last_error = ""
            cursor.save()
            totals["sent"] += len(due)
