from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

# The entries of the app share one drop-down in the navigation bar.
GROUP = _("Équipement")

ITEMS = [
    NavItem(
        label=_("Équipement"),
        url_name="equipement:dashboard",
        roles=frozenset({Role.DIRECTION, Role.GESTIONNAIRE}),
        order=60,
    ),
    NavItem(
        label=_("Besoins d'équipement"),
        url_name="equipement:need_list",
        roles=frozenset(
            {Role.ENSEIGNANT, Role.PROF_PRINCIPAL, Role.CPE, Role.REFERENT_NUMERIQUE, Role.PARENT, Role.ELEVE}
        ),
        order=60,
    ),
    NavItem(
        label=_("Préparation numérique"),
        url_name="equipement:readiness_list",
        roles=frozenset({Role.REFERENT_NUMERIQUE, Role.PROF_PRINCIPAL}),
        order=61,
    ),
]
