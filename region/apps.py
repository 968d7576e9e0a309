from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "region"
    verbose_name = "Région générée et banc d'essai"
