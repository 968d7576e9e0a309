from django.conf import settings

from .navigation import menu_for, navigation_for


def portal(request):
    """What the base layout needs on every page: the user's roles and navigation."""
    user = request.user
    roles = user.roles if user.is_authenticated else frozenset()
    return {
        "user_roles": roles,
        # Both the same for every user of the same roles on the same page: computed once per process.
        "nav_items": navigation_for(request) if user.is_authenticated else [],
        "nav_menu": menu_for(request) if user.is_authenticated else [],
        "demo_mode": not settings.PRODUCTION,
        "mfa_required": settings.MFA_REQUIRED_FOR_SENSITIVE_ROLES,
        "ent_cas_name": settings.ENT_CAS_NAME if settings.ENT_CAS_SERVER_URL else "",
    }
