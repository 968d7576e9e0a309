"""Domain names as the link policy reads them: the académie's ruled-out domains, public suffixes, a
domain typed or pasted by the référent numérique.

Pure functions over the shipped catalogue (``catalogue_data``) and the Public Suffix List bundled with
the ``publicsuffixlist`` package (read from the package, never fetched): no query, no network.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from . import catalogue_data


def host_matches(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or one of its subdomains (``lycees.netocentre.fr`` for ``netocentre.fr``)."""
    domain = domain.strip().lower().rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def domains_overlap(a: str, b: str) -> bool:
    """One domain is the other or contains it: allowing either would let links of the other through."""
    return host_matches(a, b) or host_matches(b, a)


# The tools the académie rules out, with every domain their links use. Whatever a school edits, these
# stay ruled out: the school's copy of the sheet cannot change them (see ``outils.services``).
ACADEMIE_RULED_OUT = tuple(
    (entry["slug"], entry["name"], tuple(entry["allowed_domains"]))
    for entry in catalogue_data.TOOLS
    if entry["gdpr_status"] == "a_proscrire"
)
ACADEMIE_RULED_OUT_SLUGS = frozenset(slug for slug, _name, _domains in ACADEMIE_RULED_OUT)


def academie_ruled_out(domain: str) -> tuple[str, str] | None:
    """The (slug, name) of the académie's ruled-out tool that ``domain`` belongs to, is or contains."""
    domain = domain.strip().lower().rstrip(".")
    for slug, name, domains in ACADEMIE_RULED_OUT:
        if any(domains_overlap(domain, d) for d in domains):
            return slug, name
    return None


def academie_ruled_out_owner(host: str) -> str | None:
    """The slug of the académie's ruled-out tool whose domain ``host`` is on (the host itself or a subdomain)."""
    for slug, _name, domains in ACADEMIE_RULED_OUT:
        if any(host_matches(host, d) for d in domains):
            return slug
    return None


@cache
def _public_suffix_list():
    from publicsuffixlist import PublicSuffixList

    # The list bundled with the package (no download); a name it does not know is no public suffix.
    return PublicSuffixList(accept_unknown=False)


def is_public_suffix(domain: str) -> bool:
    """``fr``, ``co.uk``, ``github.io``, ``blogspot.com``, ``netlify.app``…: a name under which anyone can
    have a site (ICANN and private sections of the Public Suffix List)."""
    return _public_suffix_list().is_public(domain.strip().lower().rstrip("."))


_LOOKS_LIKE_URL = re.compile(r"[/:@?#]")


def domain_from_input(text: str) -> tuple[str, bool]:
    """The domain in what the référent typed or pasted, and whether it was taken out of an address.

    ``https://mon-site-perso.fr/visio`` → (``mon-site-perso.fr``, True), ``https://www.lelivrescolaire.fr/``
    → (``lelivrescolaire.fr``, True); ``www.lelivrescolaire.fr`` typed as such → itself, False. A
    text that is not an address is returned as it is, for the caller to judge.
    """
    text = (text or "").strip()
    if not _LOOKS_LIKE_URL.search(text):
        return text, False
    candidate = text if "://" in text else "https://" + text.lstrip("/")
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return text, False
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return text, False
    if host.startswith("www.") and not is_public_suffix(host[4:]):
        host = host[4:]  # the site, not only its www address
    return host, True
