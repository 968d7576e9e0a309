"""Demo data of the catalogue: the académie's tools come from the migration; the demo lycée marks one
tool unavailable, to show how a school's local setting looks; its référent allows one domain besides the
catalogue, and its ENT classe virtuelle has the school's own address (the tool page's "Ouvrir" link).
Running it twice changes nothing."""

from outils.catalogue import load_catalogue
from outils.models import AllowedDomain, Tool
from outils.services import allowed_domain_add, tool_set_availability, tool_update


def seed(*, etablissement, today) -> None:
    load_catalogue()  # a no-op after the migration, but the demo may run on a flushed database
    pearltrees = Tool.objects.get(etablissement__isnull=True, slug="pearltrees")
    tool_set_availability(
        tool=pearltrees,
        etablissement=etablissement,
        unavailable=True,
        note="Abonnement de l'établissement non renouvelé cette année : utilisez Nextcloud.",
    )
    if not AllowedDomain.objects.filter(etablissement=etablissement, domain="lelivrescolaire.fr").exists():
        allowed_domain_add(
            etablissement=etablissement,
            domain="lelivrescolaire.fr",
            note="Manuels numériques achetés par la région pour les classes de première.",
        )
    bbb = Tool.objects.get(etablissement__isnull=True, slug="bigbluebutton-ent")
    tool_update(tool=bbb, etablissement=etablissement, url="https://lycees.netocentre.fr/classe-virtuelle")
