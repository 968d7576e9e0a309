"""A session's or a work's link is shown only if the link policy allows it now, not only when it was saved.

The rules may change after a link was saved: the référent numérique takes a domain off the school's
list, the académie rules a tool out. Every page and feed that shows these links to students or
families (their week, the home pages, the iCalendar feeds) checks them first with ``check_links``; the
teacher's own pages check them too, to flag a refused link with the policy's reason and the way to
change it.

``check_links`` sets on each row:

- ``link_shown``: the link to render as a link, empty when there is none or the policy refuses it;
- ``link_refusal``: the policy's reason in one sentence (empty when allowed), ``link_refusal_lines``
  the whole message (with the reasons, the tools to use instead) as its one line, ``link_refusal_html``
  the same for a form, the tools to use instead as links to their catalogue pages.

A template renders ``link_shown``, never ``link``, as an address (``planning/partials/link.html``): a
row nobody checked has no ``link_shown`` and shows no link.

One query for the whole page (the school's catalogue with its allowed domains, read on the first link
checked, none without links); each link is then checked in memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from outils.policy import LinkChecker, LinkRefusal
from outils.policy import link_use as policy_link_use

from .models import Homework, Modality

# The note families read where a link the policy now refuses used to be.
WITHDRAWN_FOR_STUDENTS = _lazy(
    "Lien retiré : cet outil n'est plus autorisé dans l'établissement — votre professeur en donnera un autre."
)
WITHDRAWN_FOR_GUARDIANS = _lazy(
    "Lien retiré : cet outil n'est plus autorisé dans l'établissement — le professeur en donnera un autre."
)


def link_checker(request) -> LinkChecker:
    """The request's checker: the policy is read once per request, whatever the panels that show links."""
    checker = getattr(request, "_link_checker", None)
    if checker is None:
        checker = request._link_checker = LinkChecker(request.user.etablissement_id)
    return checker


def link_use(row) -> str:
    """What the link is given for, in the policy's words: work is autonomy; a session its modality, a hybrid
    one as its remote half follows it (by video, or in autonomy: ``outils.policy.link_use``)."""
    if isinstance(row, Homework):
        return Modality.ASYNC_DISTANCE
    return policy_link_use(row.modality, row.hybrid_remote_mode)


def check_links(rows: Iterable, checker: LinkChecker) -> None:
    """Set ``link_shown`` and ``link_refusal`` on each session or piece of work (``None`` rows skipped)."""
    for row in rows:
        if row is None:
            continue
        if not row.link:
            refusal = None
        elif row.etablissement_id != checker.etablissement_id:
            refusal = LinkRefusal(_("Ce lien n'appartient pas à l'établissement."))
        else:
            refusal = checker.refusal(use=link_use(row), url=row.link, tool_id=row.tool_id)
        row.link_shown = row.link if row.link and refusal is None else ""
        row.link_refusal_lines = [refusal.text] if refusal is not None else []
        row.link_refusal = _sentence(refusal.summary) if refusal is not None else ""
        row.link_refusal_html = refusal.html() if refusal is not None else ""


def _sentence(line: str) -> str:
    """The first line of a refusal as a sentence of its own ("…, outil à proscrire :" → "…, outil à proscrire.")."""
    line = line.rstrip(" :")
    return line if line.endswith(".") else line + "."
