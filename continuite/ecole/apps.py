from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_data_version_triggers(sender, using="default", **kwargs):
    from .dataversions import install

    install(using)


class EcoleConfig(AppConfig):
    name = "continuite.ecole"
    label = "ecole"
    verbose_name = "Annuaire de l'établissement"
    # Writes to the directory change the school's "ecole" data version (see dataversions.py).
    data_versioned = True
    data_unversioned = ("DataVersion",)  # the versions themselves

    def ready(self):
        # After every migrate (and test database), once all apps' tables exist.
        post_migrate.connect(_install_data_version_triggers, sender=self, dispatch_uid="ecole-data-versions")
