"""CPE and direction see minors' follow-up files: under production settings they must use MFA."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import SENSITIVE_ROLES

# Pages a user without MFA may still reach: setting up MFA itself, logging out, static files.
ALLOWED_PREFIXES = ("/comptes/", "/static/", "/favicon.ico", "/donnees-personnelles/", "/accessibilite/")


class RequireMfaForSensitiveRolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR_SENSITIVE_ROLES
            and request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and request.user.roles & SENSITIVE_ROLES
            and not is_mfa_enabled(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?obligatoire=1")
        return self.get_response(request)


class EntUnavailableMiddleware:
    """The ENT's OpenID Connect server unreachable when the login starts (allauth reads its discovery
    document then, and lets the network error through): the portal's French page, not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from requests import RequestException

        if not isinstance(exception, RequestException) or not request.path.startswith("/comptes/"):
            return None
        from .adapters import ent_failure

        return ent_failure(request, provider_name=settings.ENT_OIDC_NAME, unreachable=True, error=exception)


class ActionLoginRedirectMiddleware:
    """A button pressed after the session expired (« Marquer comme lue », « J'ai fait ce travail »):
    the login page brings the person back to the page the button was on, not to the action's
    address (POST only: a blank 405 after logging in), and says that the action was not done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or response.status_code != 302 or request.user.is_authenticated:
            return response
        from urllib.parse import urlencode, urlsplit

        from django.contrib import messages
        from django.shortcuts import resolve_url
        from django.utils.translation import gettext as _

        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.netloc != request.get_host() or not referer.path.startswith("/") or referer.path == login:
            return response
        back = referer.path + (f"?{referer.query}" if referer.query else "")
        response["Location"] = f"{login}?{urlencode({'next': back})}"
        messages.warning(
            request,
            _("Votre session avait expiré : rien n'a été fait. Reconnectez-vous, puis recommencez sur la page."),
        )
        return response
