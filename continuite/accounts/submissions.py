"""One click, one effect: every form the portal renders carries a one-time token.

``{% csrf_token %}`` is replaced (as a template builtin) by a tag that writes Django's CSRF field and
a hidden ``submission`` field holding a fresh random token; crispy forms and allauth's pages use the
same tag, so every form has one. ``SubmitOnceMiddleware`` records each token the first time it is
posted (a unique row, committed before the view runs). The same token posted again — a double
click, a browser that re-sends — does nothing: it waits for the first sending to finish and answers
with its redirect and a message, so the person lands where the first click would have taken him.

A form without the field (an API client, an old page) is processed as usual. The login and account
pages are left out: their effect is the session cookie of the very response, which a replay lacks.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django import template
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FIELD = "submission"
TOKEN = re.compile(r"[0-9a-f]{32}")
EXCLUDED_PREFIXES = ("/comptes/", "/admin/")
WAIT_FOR_FIRST = 15.0  # seconds: the first sending's view is still running (a double click 20 ms apart)
POLL = 0.05

register = template.Library()


class CsrfAndSubmissionTokenNode(template.Node):
    def render(self, context):
        csrf = CsrfTokenNode().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


@register.tag
def csrf_token(parser, token):
    """Django's ``{% csrf_token %}``, plus the form's one-time submission token."""
    return CsrfAndSubmissionTokenNode()


# The session's count of the forms it sent (read by the pages' ETags).
SUBMITTED_KEY = "_forms_sent"


FORM_TOKENS = "<!--form-tokens-->"


@register.simple_tag(takes_context=True)
def form_tokens(context):
    """``{% csrf_token %}`` that also works in a cached fragment (continuite.fragments): drawn with the
    request, the tokens themselves; drawn without (a fragment), a mark that each request fills with its
    own CSRF token and a fresh submission token, so no fragment carries one reader's tokens."""
    if context.get("request") is not None:
        return CsrfAndSubmissionTokenNode().render(context)
    return mark_safe(FORM_TOKENS)  # noqa: S308 (a constant)


def fill_form_tokens(request, html: str) -> str:
    if FORM_TOKENS not in html:
        return html
    csrf = get_token(request)
    parts = html.split(FORM_TOKENS)
    filled = [parts[0]]
    for part in parts[1:]:
        filled.append(
            format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="{}" value="{}">',
                csrf,
                FIELD,
                uuid.uuid4().hex,
            )
        )
        filled.append(part)
    return "".join(filled)


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not token or not TOKEN.fullmatch(token) or request.path.startswith(EXCLUDED_PREFIXES):
            return self.get_response(request)
        from .models import SubmittedForm

        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                SubmittedForm.objects.create(token=token, user=user, path=request.path[:500])
        except IntegrityError:
            return self.replay(request, token)
        session = getattr(request, "session", None)
        if session is not None:
            # The session's count of forms sent: a page kept by the browser (ETag)
            # is never reused once one of its tokens may have been.
            session[SUBMITTED_KEY] = session.get(SUBMITTED_KEY, 0) + 1
        response = self.get_response(request)
        SubmittedForm.objects.filter(token=token).update(
            finished=True, status=response.status_code, location=response.get("Location", "")[:500]
        )
        return response

    def replay(self, request, token):
        """The same form again: answer as the first sending did, without doing it twice."""
        from .models import SubmittedForm

        deadline = time.monotonic() + WAIT_FOR_FIRST
        first = SubmittedForm.objects.filter(token=token).first()
        while first is not None and not first.finished and time.monotonic() < deadline:
            time.sleep(POLL)
            first = SubmittedForm.objects.filter(token=token).first()
        logger.info("Formulaire envoyé deux fois (%s) : seconde réception ignorée.", request.path)
        if first is not None and first.finished and first.status in (301, 302, 303) and first.location:
            messages.info(request, _("Ce formulaire avait déjà été envoyé : il n'a été pris en compte qu'une fois."))
            return HttpResponseRedirect(first.location)
        if first is not None and not first.finished:
            text = _("Votre demande est en cours de traitement : vérifiez le résultat dans un instant.")
        else:
            text = _("Ce formulaire avait déjà été envoyé : vérifiez le résultat avant de recommencer.")
        messages.warning(request, text)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path
        return HttpResponseRedirect(back)
