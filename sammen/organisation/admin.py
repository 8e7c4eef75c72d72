"""Support-only admin registrations (organisation data, no citizen data).

Read-only: who may do what changes only through the administration pages and their services
(`organisation.services`), which refuse self-grants, need a second administrator for roles
with permissions, and log every change as a privilege change. A superuser in /support/ can
look, not change (SECURITY.md T02, T09)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin import support_admin_site
from sammen.organisation.models import (
    Membership,
    MembershipRequest,
    Municipality,
    OrgUnit,
    StaffMember,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Municipality, site=support_admin_site)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "code"]


@admin.register(OrgUnit, site=support_admin_site)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "area", "municipality", "is_active"]
    list_filter = ["municipality", "kind", "area"]


@admin.register(StaffMember, site=support_admin_site)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "profession", "municipality", "is_active"]
    list_filter = ["municipality", "profession"]


@admin.register(Membership, site=support_admin_site)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["staff", "unit", "role", "is_primary"]


@admin.register(MembershipRequest, site=support_admin_site)
class MembershipRequestAdmin(ReadOnlyAdmin):
    list_display = ["staff", "unit", "role", "requested_by", "decided_at", "approved"]


@admin.register(User, site=support_admin_site)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "is_active", "is_superuser", "last_login"]
    exclude = ["password"]
