from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "continuite.imports"
    label = "imports"
    verbose_name = "Imports et exports"
