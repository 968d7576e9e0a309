"""The access log and the anonymised counts are read-only in the admin: nobody edits or deletes them."""

from django.contrib import admin

from .models import AuditEntry, RetentionStat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user_label", "roles", "action", "object_label", "etablissement"]
    list_filter = ["action", "etablissement"]
    list_select_related = ["etablissement"]
    search_fields = ["user_label", "object_label"]
    date_hierarchy = "created_at"


@admin.register(RetentionStat)
class RetentionStatAdmin(ReadOnlyAdmin):
    list_display = ["etablissement", "year", "kind", "count"]
    list_filter = ["kind", "year"]
    list_select_related = ["etablissement"]
