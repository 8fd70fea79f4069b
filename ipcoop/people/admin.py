from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ipcoop.people.models import ApiToken, AuditEvent, Membership, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "kind", "timezone"]


class MembershipInline(admin.TabularInline):
    """Read-only here: roles change on the members page, which writes the audit log."""

    model = Membership
    extra = 0
    readonly_fields = ["organisation", "role", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "country", "is_superuser"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("ipcoop", {"fields": ("display_name", "preferred_language", "country", "time_zone")}),
    )
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "prefix"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "object_repr", "client_address"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
