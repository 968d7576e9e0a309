from django.contrib import admin

from .models import Notification, NotificationPreference, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient_name", "kind", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "etablissement"]
    search_fields = ["subject", "recipient_name", "email", "idempotency_key"]
    raw_id_fields = ["user", "guardian", "digest"]
    readonly_fields = ["idempotency_key", "created_at", "sent_at", "read_at", "acknowledged_at", "last_error"]


admin.site.register(NotificationSettings)
admin.site.register(NotificationPreference, list_display=["user", "daily_digest"], raw_id_fields=["user"])
