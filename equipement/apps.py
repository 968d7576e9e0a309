from django.apps import AppConfig


class EquipementConfig(AppConfig):
    name = "equipement"
    verbose_name = "Équipement"
