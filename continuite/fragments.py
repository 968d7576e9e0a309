"""Rendered fragments of pages, cached under the data versions they show; conditional GET for pages.

A fragment is keyed by its name, the code's version, the day, its school's data versions of the apps
whose rows it shows (read before its data: see ``continuite.ecole.dataversions``) and what else it
varies on (a teacher, a division, a week). The write that changes what it shows changes its key, so
a fragment is never stale; an unused key leaves Redis on its own (a day, or LRU eviction).

A fragment is rendered without the request: no context processor, no user, no CSRF or submission
token can enter it, so nothing of one user reaches another — what it shows of a user must be in its
``vary``. A form inside writes ``{% form_tokens %}`` instead of ``{% csrf_token %}``: each request
fills the marks with its own tokens. Only GET and HEAD read or fill the cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as default_cache
from django.http import HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from continuite.accounts.submissions import SUBMITTED_KEY, fill_form_tokens
from continuite.ecole import dataversions

DAY = 24 * 3600


@cache
def code_version() -> str:
    """Changes with any template or Python file of the portal (a deploy): fragments of the old code are
    never served by the new one. Read once per process, from the files' contents (the same on every
    machine of a deployment)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    roots = [base / "templates", *(base / app.split(".")[0] for app in settings.PORTAL_APPS)]
    seen = set()
    for root in roots:
        if root in seen or not root.exists():
            continue
        seen.add(root)
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".ics") and "tests" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    digest.update(os.environ.get("CONTINUITE_RELEASE", "").encode())
    return digest.hexdigest()[:12]


def cache_key(name: str, etablissement_id, versions: dict, domains: Iterable[str], vary: Iterable) -> str:
    parts = [code_version(), str(timezone.localdate()), str(etablissement_id), dataversions.key(versions, *domains)]
    parts += [str(v) for v in vary]
    return f"frag:{name}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def fragment(
    request,
    name: str,
    *,
    etablissement_id: int,
    domains: Iterable[str],
    vary: Iterable = (),
    template: str,
    context: Callable[[], dict],
    timeout: int = DAY,
    fresh: bool = False,
) -> SafeString:
    """``template`` rendered with ``context()`` — or read from the cache, without calling ``context``.

    ``fresh``: drawn for this request only, neither read from the cache nor kept in it (a confirmation
    drawn in the item it is about, ``continuite.item_messages``)."""
    if fresh or (request is not None and request.method not in ("GET", "HEAD")):
        return mark_safe(fill_form_tokens(request, _render(template, context)))  # noqa: S308
    versions = dataversions.for_request(request, etablissement_id)
    key = cache_key(name, etablissement_id, versions, domains, vary)
    html = default_cache.get(key)
    if html is None:
        html = _render(template, context)
        default_cache.set(key, html, timeout)
    return mark_safe(fill_form_tokens(request, html))  # noqa: S308 (a template's output)


def _render(template: str, context) -> str:
    """The template with ``context()``; nothing when ``context()`` says there is nothing to show (None)."""
    values = context()
    return "" if values is None else render_to_string(template, values)


def cached_value(
    request, name: str, *, etablissement_id: int, domains: Iterable[str], vary: Iterable = (), compute, timeout=DAY
):
    """A computed value (rows a page displays, a feed's bytes) kept as ``fragment`` keeps HTML."""
    if request is not None and request.method not in ("GET", "HEAD"):
        return compute()
    versions = dataversions.for_request(request, etablissement_id)
    key = cache_key(name, etablissement_id, versions, domains, vary)
    value = default_cache.get(key)
    if value is None:
        value = compute()
        default_cache.set(key, value, timeout)
    return value


# --- Conditional GET ------------------------------------------------------------------------------------


def page_etag(request, name: str, *, etablissement_id: int, domains: Iterable[str], vary: Iterable = ()) -> str:
    """An ETag for a whole page: its data versions and ``vary``, and all the layout shows of its reader
    (his account, roles, unread count, the page's address) and the tokens its forms carry (the CSRF
    cookie, the session's count of forms sent: a page whose one-time tokens were used is never reused)."""
    user = request.user
    versions = dataversions.for_request(request, etablissement_id)
    session = getattr(request, "session", None)
    reader = [
        user.pk,
        getattr(user, "email", ""),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        getattr(user, "unread_notification_count", ""),
        sorted(getattr(user, "roles", ())),
        request.get_full_path(),
        hashlib.sha256(request.COOKIES.get(settings.CSRF_COOKIE_NAME, "").encode()).hexdigest()[:16],
        session.get(SUBMITTED_KEY, 0) if session is not None else 0,
    ]
    return '"' + cache_key(f"etag:{name}", etablissement_id, versions, domains, [*vary, *reader])[5:] + '"'


def not_modified(request, etag: str):
    """A 304 when the client holds this version of the page (and there is no message waiting for it)."""
    if request.method not in ("GET", "HEAD"):
        return None
    if _messages_waiting(request):
        return None  # a message waits: the page must be rendered to show it
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted:
        response = HttpResponseNotModified()
        with_etag(response, etag)
        return response
    return None


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and bool(len(storage))


def with_etag(response, etag: str):
    response["ETag"] = etag
    # The page is the reader's own: a shared cache must not keep it, the browser asks again each time.
    response["Cache-Control"] = "private, no-cache"
    return response


def conditional_page(request, name: str, *, etablissement_id: int, domains: Iterable[str], vary: Iterable, respond):
    """``respond()`` with the page's ETag, or a 304 without calling it when the client holds that page."""
    etag = page_etag(request, name, etablissement_id=etablissement_id, domains=domains, vary=vary)
    response = not_modified(request, etag)
    if response is not None:
        return response
    # A page that shows a message is not one to keep: read again, it would say it again (a 304 answered
    # to its ETag would show it as it was, message included).
    said = _messages_waiting(request)
    response = respond()
    if response.status_code == 200 and said:
        response["Cache-Control"] = "private, no-cache"
    elif response.status_code == 200:
        with_etag(response, etag)
    return response
