from django.contrib import admin

from .models import AttendanceRegister, Case, CaseAction, CaseEvent, Flag, NoticeTemplate, SuiviSettings


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "occurred_at", "author", "text"]
    can_delete = False


class CaseActionInline(admin.TabularInline):
    model = CaseAction
    extra = 0
    readonly_fields = ["what", "owner", "review_on", "done_at"]
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["student", "level", "status", "opened_at", "review_on", "escalated_at"]
    list_filter = ["status", "level"]
    raw_id_fields = ["student"]
    readonly_fields = ["opened_at", "escalated_at", "closed_at", "evidence", "rule"]
    inlines = [CaseEventInline, CaseActionInline]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["student", "kind", "raised_by", "raised_at"]
    raw_id_fields = ["student", "case"]


@admin.register(AttendanceRegister)
class AttendanceRegisterAdmin(admin.ModelAdmin):
    list_display = ["session", "date", "taken_by"]
    raw_id_fields = ["session"]


admin.site.register(SuiviSettings)
admin.site.register(NoticeTemplate)
