from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

ITEMS = [
    NavItem(label=_("Journal des accès"), url_name="audit:entry_list", roles=frozenset({Role.DIRECTION}), order=80),
    NavItem(
        label=_("Droits des personnes"), url_name="audit:subject_search", roles=frozenset({Role.DIRECTION}), order=81
    ),
]
