"""Read-mostly admin: changes of state go through the services and the portal's pages."""

from django.contrib import admin

from .models import Device, EquipmentSettings, Loan, Need


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "etablissement", "status", "decision", "declared_at"]
    list_filter = ["status", "decision", "etablissement"]
    readonly_fields = [f.name for f in Need._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["asset_tag", "kind", "model", "state", "etablissement"]
    list_filter = ["kind", "state", "etablissement"]
    search_fields = ["asset_tag", "serial_number", "model"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "expected_return", "agreement_accepted_at"]
    list_filter = ["status", "etablissement"]
    readonly_fields = [f.name for f in Loan._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(EquipmentSettings)
class EquipmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["etablissement", "default_loan_days", "reminder_days_before"]
