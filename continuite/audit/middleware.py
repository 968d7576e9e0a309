"""Security headers Django does not set by itself."""

import time
from functools import cache

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse

TOUCH_KEY = "_last_touch"


class PermissionsPolicyMiddleware:
    """Tell browsers which features the portal never uses (camera, microphone, location, ...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class SessionInactivityMiddleware:
    """End sessions after SESSION_COOKIE_AGE of inactivity without a database write per request.

    Saving the session on every request would cost one UPDATE per page; instead the session is
    touched (and so saved with a fresh expiry) at most every SESSION_TOUCH_INTERVAL seconds while
    its user is active. Placed after SessionMiddleware so its save sees the touch.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCH_KEY, 0) >= settings.SESSION_TOUCH_INTERVAL:
                session[TOUCH_KEY] = now
        return response


@cache
def _never_compressed() -> tuple[str, ...]:
    """Pages that show a long-lived secret: the second factor's key and recovery codes, the
    calendar feed's link, the password reset key (in the form's address)."""
    return (reverse("mfa_index"), reverse("planning:calendar_links"), reverse("account_reset_password") + "key/")


class CompressionMiddleware(GZipMiddleware):
    """Pages and feeds compressed with gzip for the clients that accept it (a page of 20 KB travels
    in 4), except the few pages that show a long-lived secret.

    Compressing a response that holds a secret next to text an attacker chooses lets him guess the
    secret from the compressed length (BREACH). Django's CSRF token is masked afresh in every
    response and its GZipMiddleware pads each response with random bytes (Django ≥ 4.2); the pages
    with a secret that lasts (see ``_never_compressed``) are sent as they are all the same. Static
    files never reach here: whitenoise serves them, compressed in advance, above this middleware.
    """

    def process_response(self, request, response):
        if request.path.startswith(_never_compressed()):
            return response
        return super().process_response(request, response)
