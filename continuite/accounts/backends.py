from allauth.account.auth_backends import AuthenticationBackend

from .models import User


class PortalAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, loading the user with his établissement and profiles in one query."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("etablissement", "staff", "guardian", "student__division").get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
