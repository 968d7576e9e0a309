from django.utils.translation import gettext_lazy as _

from continuite.accounts.navigation import NavItem
from continuite.accounts.roles import Role

# The centre itself is linked from the right of the bar, with its unread count (base.html).
ITEMS = [
    NavItem(
        label=_("Réglages des notifications"),
        url_name="notifications:school_settings",
        roles=frozenset({Role.DIRECTION}),
        order=95,
    ),
]
