"""Security headers Django does not set by itself."""

import time

from django.conf import settings

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
