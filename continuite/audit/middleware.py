"""Security headers Django does not set by itself."""

from django.conf import settings


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
