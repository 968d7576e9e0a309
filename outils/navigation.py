from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

ITEMS = [
    NavItem(label=_("Outils de l'ENT"), url_name="outils:tool_list", roles=frozenset(Role) - {Role.PARENT}, order=40),
    # Families see their own page: the tools their children use and how to get the ENT codes.
    NavItem(label=_("L'ENT en famille"), url_name="outils:family_page", roles=frozenset({Role.PARENT}), order=40),
]
