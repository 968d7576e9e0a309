from allauth.account.auth_backends import AuthenticationBackend
from django.db.models import Count, Exists, OuterRef, Subquery

from .models import User


def _portal_user_queryset():
    """The signed-in user with all that every page needs, in one query.

    His établissement and profiles (joins), whether he tutors a division (for his roles) and his
    unread notices (the navigation bar's badge) as subqueries: one round trip instead of four.
    """
    from continuite.ecole.models import Division
    from continuite.notifications.models import Notification

    unread = (
        Notification.objects.filter(user=OuterRef("pk"), channel_portal=True, read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return User.objects.select_related("etablissement", "staff", "guardian", "student__division").annotate(
        is_form_tutor=Exists(Division.form_tutors.through.objects.filter(staff__user=OuterRef("pk"))),
        unread_notification_count=Subquery(unread),
    )


class PortalAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, loading the user with what every page needs in one query."""

    def get_user(self, user_id):
        try:
            user = _portal_user_queryset().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
