"""Demo data of the catalogue: the académie's tools come from the migration; the demo lycée marks one
tool unavailable, to show how a school's local setting looks. Running it twice changes nothing."""

from outils.catalogue import load_catalogue
from outils.models import Tool
from outils.services import tool_set_availability


def seed(*, etablissement, today) -> None:
    load_catalogue()  # a no-op after the migration, but the demo may run on a flushed database
    pearltrees = Tool.objects.get(etablissement__isnull=True, slug="pearltrees")
    tool_set_availability(
        tool=pearltrees,
        etablissement=etablissement,
        unavailable=True,
        note="Abonnement de l'établissement non renouvelé cette année : utilisez Nextcloud.",
    )
