"""French error pages (403, 404, 500), rendered with the portal's layout."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a bare template.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """A form sent from a page that is no longer valid (logged in again elsewhere, or kept open too
    long): say it in French, that nothing was saved, and how to get the typed content back."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("Referer", ""))
    back = ""
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        back = referer.path + (f"?{referer.query}" if referer.query else "")
    return render(request, "403_csrf.html", {"back": back}, status=403)
