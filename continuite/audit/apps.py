from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "continuite.audit"
    label = "audit"
    verbose_name = "Journal des accès et données personnelles"
