from django.contrib import admin

from .models import (
    Division,
    Etablissement,
    Group,
    Guardian,
    GuardianLink,
    SchoolYear,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ["uai", "name", "city", "holiday_zone"]
    search_fields = ["uai", "name", "city"]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["label", "etablissement", "start", "end", "is_current"]
    list_filter = ["is_current"]
    list_select_related = ["etablissement"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "etablissement"]
    search_fields = ["code", "label"]
    list_select_related = ["etablissement"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "school_year", "etablissement"]
    list_filter = ["level"]
    search_fields = ["code"]
    filter_horizontal = ["form_tutors"]
    list_select_related = ["school_year", "etablissement"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "division", "half", "etablissement"]
    list_filter = ["kind"]
    search_fields = ["code", "label"]
    filter_horizontal = ["divisions"]
    list_select_related = ["division", "etablissement"]


class TeachingAssignmentInline(admin.TabularInline):
    model = TeachingAssignment
    extra = 0
    raw_id_fields = ["subject", "division", "group"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "is_teacher", "is_cpe", "is_direction", "etablissement"]
    list_filter = ["is_teacher", "is_cpe", "is_direction", "is_gestionnaire", "is_referent_numerique"]
    search_fields = ["last_name", "first_name", "email", "sts_id"]
    raw_id_fields = ["user"]
    inlines = [TeachingAssignmentInline]
    list_select_related = ["etablissement"]


class GuardianLinkInline(admin.TabularInline):
    model = GuardianLink
    extra = 0
    raw_id_fields = ["guardian", "student"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "ine", "division", "exit_date"]
    search_fields = ["last_name", "first_name", "ine"]
    list_filter = ["division__level"]
    raw_id_fields = ["user", "division"]
    filter_horizontal = ["groups"]
    inlines = [GuardianLinkInline]
    list_select_related = ["division"]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "mobile", "etablissement"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["user"]
    inlines = [GuardianLinkInline]
    list_select_related = ["etablissement"]
