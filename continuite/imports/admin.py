from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ImportJob, ImportStatus
from .services import import_check, import_start


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "etablissement", "status", "progress", "created_by", "created_at"]
    list_filter = ["kind", "status", "etablissement"]
    readonly_fields = ["status", "progress", "report", "created_by", "created_at", "started_at", "finished_at"]
    actions = ["check_jobs", "apply_jobs"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("etablissement", "created_by").defer("content", "parsed")

    @admin.action(description=_("Vérifier (simulation)"))
    def check_jobs(self, request, queryset):
        for job in queryset.filter(status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED]):
            import_check(ImportJob.objects.get(pk=job.pk))
        messages.success(request, _("Vérification terminée."))

    @admin.action(description=_("Appliquer les imports vérifiés"))
    def apply_jobs(self, request, queryset):
        for job in queryset.filter(status=ImportStatus.CHECKED):
            try:
                import_start(job=job)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return
        messages.success(request, _("Imports lancés."))
