from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

ITEMS = [
    NavItem(label=_("Accueil"), url_name="home", roles=frozenset(Role), order=0),
    NavItem(
        label=_("Divisions"),
        url_name="ecole:division_list",
        roles=frozenset({Role.DIRECTION, Role.CPE, Role.GESTIONNAIRE, Role.ENSEIGNANT}),
        order=10,
    ),
]
ITEMS.append(NavItem(label=_("Personnels"), url_name="ecole:staff_list", roles=frozenset({Role.DIRECTION}), order=90))
