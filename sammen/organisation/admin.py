"""Support-only admin registrations (organisation data, no citizen data)."""

from django.contrib import admin

from config.admin import support_admin_site
from sammen.organisation.models import Membership, Municipality, OrgUnit, StaffMember, User


@admin.register(Municipality, site=support_admin_site)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "code"]


@admin.register(OrgUnit, site=support_admin_site)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    list_display = ["name", "kind", "area", "municipality", "is_active"]
    list_filter = ["municipality", "kind", "area"]


@admin.register(StaffMember, site=support_admin_site)
class StaffMemberAdmin(admin.ModelAdmin[StaffMember]):
    list_display = ["full_name", "profession", "municipality", "is_active"]
    list_filter = ["municipality", "profession"]


@admin.register(Membership, site=support_admin_site)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["staff", "unit", "role", "is_primary"]


@admin.register(User, site=support_admin_site)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["username", "is_active", "is_superuser", "last_login"]
    exclude = ["password"]
