from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

ITEMS = [NavItem(label=_("Imports"), url_name="imports:job_list", roles=frozenset({Role.DIRECTION}), order=95)]
