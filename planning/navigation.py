from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

# The entries of the app share one drop-down in the navigation bar.
GROUP = _("Planning")

ITEMS = [
    NavItem(label=_("Mon planning"), url_name="planning:week", roles=frozenset({Role.ENSEIGNANT}), order=20),
    NavItem(
        label=_("Charge de ma classe"),
        url_name="planning:my_division_load",
        roles=frozenset({Role.PROF_PRINCIPAL}),
        order=21,
    ),
    NavItem(
        label=_("Charge de l'établissement"),
        url_name="planning:school_load",
        roles=frozenset({Role.DIRECTION}),
        order=22,
    ),
    NavItem(
        label=_("Emploi du temps"),
        url_name="planning:slot_list",
        roles=frozenset({Role.DIRECTION}),
        order=23,
    ),
    NavItem(label=_("Ma semaine"), url_name="planning:my_week", roles=frozenset({Role.ELEVE}), order=20),
    NavItem(
        label=_("La semaine de mes enfants"),
        url_name="planning:my_week",
        roles=frozenset({Role.PARENT}),
        order=21,
    ),
]
