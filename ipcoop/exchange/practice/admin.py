"""Admin: platform admins add and correct questions here too; positions are read-only
(they change only through the position page or API, which keep every version)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ipcoop.exchange.practice.models import OfficePosition, PositionVersion, PracticeQuestion


@admin.register(PracticeQuestion)
class PracticeQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "slug", "area", "right", "order"]
    list_filter = ["area", "right"]
    search_fields = ["question", "slug"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: PracticeQuestion, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OfficePosition)
class OfficePositionAdmin(ReadOnlyAdmin):
    list_display = ["question", "office", "answer", "version", "visibility", "updated_at"]
    list_filter = ["office", "answer", "visibility"]
    list_select_related = ["question", "office"]


@admin.register(PositionVersion)
class PositionVersionAdmin(ReadOnlyAdmin):
    list_display = ["position", "version", "answer", "entered_by", "created_at"]
    list_select_related = ["position", "entered_by"]
