from django.contrib import admin

from .models import CalendarFeed, Homework, HomeworkDone, PlanningSettings, SchoolDay, Session, TimetableSlot


@admin.register(PlanningSettings)
class PlanningSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "etablissement",
        "max_video_minutes_per_day",
        "max_async_minutes_per_day",
        "max_assessments_per_day",
    ]


@admin.register(SchoolDay)
class SchoolDayAdmin(admin.ModelAdmin):
    list_display = ["date", "etablissement", "week_parity", "is_holiday", "holiday_name"]
    list_filter = ["is_holiday", "week_parity"]
    date_hierarchy = "date"


@admin.register(TimetableSlot)
class TimetableSlotAdmin(admin.ModelAdmin):
    list_display = ["subject", "division", "group", "weekday", "start", "end", "week_pattern", "room"]
    list_select_related = ["subject", "division", "group"]
    raw_id_fields = ["division", "group", "subject", "school_year"]
    filter_horizontal = ["teachers"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["date", "start", "subject", "division", "group", "modality", "slot"]
    list_select_related = ["subject", "division", "group", "slot"]
    list_filter = ["modality"]
    raw_id_fields = ["slot", "division", "group", "subject", "tool", "created_by"]
    date_hierarchy = "date"


@admin.register(Homework)
class HomeworkAdmin(admin.ModelAdmin):
    list_display = ["title", "subject", "due_date", "estimated_minutes", "kind", "division", "group", "created_by"]
    list_select_related = ["subject", "division", "group", "created_by"]
    raw_id_fields = ["session", "division", "group", "subject", "tool", "created_by"]
    date_hierarchy = "due_date"


admin.site.register(HomeworkDone)
admin.site.register(CalendarFeed)
