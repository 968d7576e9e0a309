from django.apps import AppConfig


class EcoleConfig(AppConfig):
    name = "continuite.ecole"
    label = "ecole"
    verbose_name = "Annuaire de l'établissement"
