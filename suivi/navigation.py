from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

# The entries of the app share one drop-down in the navigation bar.
GROUP = _("Suivi")

ITEMS = [
    NavItem(label=_("Suivi des élèves"), url_name="suivi:case_list", roles=frozenset({Role.CPE}), order=40),
    NavItem(label=_("Signalements"), url_name="suivi:case_list", roles=frozenset({Role.DIRECTION}), order=41),
    NavItem(label=_("Absences à traiter"), url_name="suivi:absence_list", roles=frozenset({Role.CPE}), order=41),
    NavItem(label=_("GPDS"), url_name="suivi:gpds", roles=frozenset({Role.DIRECTION, Role.CPE}), order=42),
    NavItem(
        label=_("Appels et travaux rendus"),
        url_name="suivi:register_list",
        roles=frozenset({Role.ENSEIGNANT}),
        order=43,
    ),
    NavItem(label=_("Mes signalements"), url_name="suivi:flag_list", roles=frozenset({Role.ENSEIGNANT}), order=44),
    NavItem(
        label=_("Suivi de ma classe"), url_name="suivi:tutor_summary", roles=frozenset({Role.PROF_PRINCIPAL}), order=45
    ),
    NavItem(
        label=_("Mes actions"),
        url_name="suivi:my_actions",
        roles=frozenset(
            {Role.ENSEIGNANT, Role.PROF_PRINCIPAL, Role.CPE, Role.DIRECTION, Role.GESTIONNAIRE, Role.REFERENT_NUMERIQUE}
        ),
        order=47,
    ),
    NavItem(label=_("Absences"), url_name="suivi:family_absences", roles=frozenset({Role.PARENT}), order=46),
    NavItem(
        label=_("Réglages du suivi"), url_name="suivi:settings", roles=frozenset({Role.DIRECTION, Role.CPE}), order=96
    ),
]
