"""French wording in templates: ``{% load fr %}`` then ``{{ day|jour_mois }}``, ``{{ n|compte:"séance" }}``."""

from django import template

from continuite import french

register = template.Library()


@register.filter
def de(name):
    """``{{ person|de }}`` → "de Léa DURAND", "d'Arthur ROGER" (escaped like any value in HTML)."""
    return french.de(name) if name not in (None, "") else ""


@register.filter
def jour_mois(day):
    """ "1er décembre"."""
    return french.day_month(day) if day else ""


@register.filter
def date_longue(day):
    """ "mardi 1er décembre 2026"."""
    return french.long_date(day) if day else ""


@register.filter
def periode(value):
    """ "2026-11-17 → 2026-11-30" (as a signal's evidence stores it) → "du 17 novembre au 30 novembre"."""
    import datetime

    start, arrow, end = str(value or "").partition(" → ")
    try:
        first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    except ValueError:
        return value or ""
    if not arrow:
        return value
    return f"du {french.day_month(first)} au {french.day_month(last)}"


@register.filter
def date_courte(day):
    """ "mardi 1er décembre" (no year)."""
    return french.long_date(day, year=False) if day else ""


@register.filter
def compte(count, forms):
    """``{{ n|compte:"séance" }}`` → "2 séances"; irregular plurals as ``"travail,travaux"``."""
    singular, _, plural_form = str(forms).partition(",")
    return french.plural(int(count or 0), singular, plural_form or None)


@register.filter
def semaine(monday, parity=""):
    """``{{ monday|semaine:"A" }}`` → "Semaine 49 (A) du 30 novembre au 4 décembre"."""
    if not monday:
        return ""
    label = french.week_label(monday, parity or "")
    return label[0].upper() + label[1:]


@register.simple_tag(takes_context=True)
def semaine_affichee(context):
    """The week label of a page: its ``monday``, the parity and the last day of its ``days`` (or ``grid.days``)."""
    monday = context.get("monday")
    if not monday:
        return ""
    days = context.get("days") or getattr(context.get("grid"), "days", None) or []
    parity = context.get("parity") or (days[0].week_parity if days else "")
    label = french.week_label(monday, parity or "", last_day=max((d.date for d in days), default=None))
    return label[0].upper() + label[1:]
