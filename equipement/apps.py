from django.apps import AppConfig


class EquipementConfig(AppConfig):
    name = "equipement"
    verbose_name = "Équipement"
    # Writes to the equipment change the school's "equipement" data version (continuite.ecole.dataversions).
    data_versioned = True
