from django.apps import AppConfig


class OutilsConfig(AppConfig):
    name = "outils"
    verbose_name = "Outils de l'ENT"
    # Writes to the tools change the school's "outils" data version, or the region's for the shared
    # catalogue (continuite.ecole.dataversions).
    data_versioned = True
