"""Django's admin for the catalogue; the portal's pages are where schools edit it."""

from django.contrib import admin

from .models import Tool, ToolLocalSetting, Tutorial


class TutorialInline(admin.TabularInline):
    model = Tutorial
    extra = 0
    fields = ("title", "kind", "url", "etablissement", "shipped", "position")


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "etablissement", "gdpr_status", "hosting", "access_mode", "shipped")
    list_filter = ("gdpr_status", "hosting", "access_mode", "shipped")
    search_fields = ("name", "slug", "summary")
    list_select_related = ("etablissement",)
    raw_id_fields = ("etablissement", "based_on", "alternative")
    inlines = [TutorialInline]


@admin.register(Tutorial)
class TutorialAdmin(admin.ModelAdmin):
    list_display = ("title", "tool", "kind", "etablissement", "shipped")
    list_filter = ("kind", "shipped")
    search_fields = ("title", "url")
    list_select_related = ("tool", "etablissement")
    raw_id_fields = ("tool", "etablissement")


@admin.register(ToolLocalSetting)
class ToolLocalSettingAdmin(admin.ModelAdmin):
    list_display = ("slug", "etablissement", "unavailable", "note")
    list_filter = ("unavailable",)
    list_select_related = ("etablissement",)
