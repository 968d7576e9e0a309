"""SIECLE ``ElevesSansAdresses.xml`` / ``ElevesAvecAdresses.xml`` (``BEE_ELEVES``) and
``ResponsablesAvecAdresses.xml`` (``BEE_RESPONSABLES``).

Only what the portal needs is read: names, dates, structures, e-mail, mobile, SMS consent and the
guardian links. Addresses, professions and financial flags are never read, hence never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .common import Problem, Problems, check_root, describe, line_of, parse_date, parse_xml, parse_year, text, unpack

ELEVES_FILE = "ElevesSansAdresses.xml"
RESPONSABLES_FILE = "ResponsablesAvecAdresses.xml"
INACTIVE_DIVISION = "inactifs"
INE_RE = re.compile(r"^[0-9A-Z]{10}[A-Z]$|^\d{9}[A-Z]{2}$")
# SIECLE CODE_PARENTE → the relationship shown to the school.
RELATIONSHIPS = {
    "10": "Père",
    "20": "Mère",
    "30": "Autre membre de la famille",
    "37": "Autre membre de la famille",
    "38": "Autre membre de la famille",
    "39": "Autre membre de la famille",
    "41": "Éducateur",
    "42": "Assistant familial",
    "50": "Tuteur",
    "51": "Aide sociale à l'enfance",
    "70": "Élève lui-même",
    "80": "Autre lien",
    "90": "Autre lien",
}
LINK_KINDS = {"1": "legal1", "2": "legal2"}


@dataclass
class SiecleStudent:
    eleve_id: str
    ine: str
    last_name: str
    first_name: str
    birth_date: dt.date | None = None
    entry_date: dt.date | None = None
    exit_date: dt.date | None = None
    division_code: str = ""
    group_codes: list[str] = field(default_factory=list)
    line: int | None = None

    def is_current_on(self, day: dt.date) -> bool:
        """Students of the pseudo-class ``Inactifs`` and those whose ``DATE_SORTIE`` has come have left.

        A leaving date still to come leaves the student in the school until that day.
        """
        if self.division_code.lower() == INACTIVE_DIVISION:
            return False
        return self.exit_date is None or self.exit_date > day


@dataclass
class ElevesFile:
    uai: str
    year: int | None
    students: list[SiecleStudent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=Problems)


@dataclass
class SieclePerson:
    personne_id: str
    last_name: str
    first_name: str
    civility: str = ""
    email: str = ""
    mobile: str = ""
    accepts_sms: bool = False
    line: int | None = None


@dataclass
class SiecleLink:
    eleve_id: str
    personne_id: str
    kind: str  # legal1, legal2, contact
    relationship: str = ""
    line: int | None = None


@dataclass
class ResponsablesFile:
    uai: str
    year: int | None
    persons: list[SieclePerson] = field(default_factory=list)
    links: list[SiecleLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=Problems)


def _date(element, name: str, problems: list[Problem]) -> dt.date | None:
    try:
        return parse_date(text(element, name))
    except ValueError:
        problems.append(
            Problem(
                _("Date %(name)s illisible (« %(value)s ») : ignorée.") % {"name": name, "value": text(element, name)},
                describe(element, "ELEVE_ID"),
                line_of(element),
                level="warning",
            )
        )
        return None


def parse_eleves(data: bytes) -> ElevesFile:
    _name, content = unpack(data, suffixes=(".xml",))
    root = parse_xml(content)
    check_root(root, "BEE_ELEVES", ELEVES_FILE)
    result = ElevesFile(
        uai=text(root, "PARAMETRES/UAJ").upper(), year=parse_year(text(root, "PARAMETRES/ANNEE_SCOLAIRE"))
    )

    structures: dict[str, tuple[str, list[str]]] = {}
    for item in root.iterfind("DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        division, groups = "", []
        for structure in item.iterfind("STRUCTURE"):
            code = text(structure, "CODE_STRUCTURE")
            if not code:
                continue
            if text(structure, "TYPE_STRUCTURE").upper() == "D":
                division = code
            else:
                groups.append(code)
        structures[item.get("ELEVE_ID", "").strip()] = (division, groups)

    seen: set[str] = set()
    for eleve in root.iterfind("DONNEES/ELEVES/ELEVE"):
        eleve_id = eleve.get("ELEVE_ID", "").strip()
        ine = text(eleve, "ID_NATIONAL").upper()
        where = describe(eleve, "ELEVE_ID")
        last_name = text(eleve, "NOM_USAGE") or text(eleve, "NOM_DE_FAMILLE")
        if not INE_RE.match(ine):
            result.problems.append(
                Problem(
                    _("Élève sans INE valide (« %(ine)s ») : ignoré, l'INE est la clé de rapprochement.")
                    % {"ine": ine},
                    where,
                    line_of(eleve),
                )
            )
            continue
        if ine in seen:
            result.problems.append(
                Problem(_("INE %(ine)s en double : seconde fiche ignorée.") % {"ine": ine}, where, line_of(eleve))
            )
            continue
        if not last_name:
            result.problems.append(Problem(_("Élève sans nom : ignoré."), where, line_of(eleve)))
            continue
        seen.add(ine)
        division, groups = structures.get(eleve_id, ("", []))
        result.students.append(
            SiecleStudent(
                eleve_id=eleve_id,
                ine=ine,
                last_name=last_name[:100],
                first_name=text(eleve, "PRENOM")[:100],
                birth_date=_date(eleve, "DATE_NAISS", result.problems),
                entry_date=_date(eleve, "DATE_ENTREE", result.problems),
                exit_date=_date(eleve, "DATE_SORTIE", result.problems),
                division_code=division[:20],
                group_codes=[g[:30] for g in groups],
                line=line_of(eleve),
            )
        )
    return result


def _phone(value: str) -> str:
    return re.sub(r"[^\d+]", "", value)[:20]


def parse_responsables(data: bytes) -> ResponsablesFile:
    _name, content = unpack(data, suffixes=(".xml",))
    root = parse_xml(content)
    check_root(root, "BEE_RESPONSABLES", RESPONSABLES_FILE)
    result = ResponsablesFile(
        uai=text(root, "PARAMETRES/UAJ").upper(), year=parse_year(text(root, "PARAMETRES/ANNEE_SCOLAIRE"))
    )
    for personne in root.iterfind("DONNEES/PERSONNES/PERSONNE"):
        personne_id = personne.get("PERSONNE_ID", "").strip()
        last_name = text(personne, "NOM_USAGE") or text(personne, "NOM_DE_FAMILLE")
        if not personne_id or not last_name:
            result.problems.append(
                Problem(
                    _("Responsable sans identifiant ou sans nom : ignoré."),
                    describe(personne, "PERSONNE_ID"),
                    line_of(personne),
                )
            )
            continue
        civility = text(personne, "LC_CIVILITE")
        result.persons.append(
            SieclePerson(
                personne_id=personne_id,
                last_name=last_name[:100],
                first_name=text(personne, "PRENOM")[:100],
                civility={"MME": "Mme", "M": "M.", "M.": "M."}.get(civility.upper(), civility)[:10],
                email=text(personne, "MEL").lower()[:254],
                mobile=_phone(text(personne, "TEL_PORTABLE")),
                accepts_sms=text(personne, "ACCEPTE_SMS") == "1",
                line=line_of(personne),
            )
        )
    if (
        root.find("DONNEES/RESPONSABLES/RESPONSABLE") is not None
        and root.find("DONNEES/RESPONSABLES/RESPONSABLE_ELEVE") is None
    ):
        result.problems.append(
            Problem(
                _(
                    "Les liens sont des éléments RESPONSABLE au lieu de RESPONSABLE_ELEVE : ce n'est pas un export "
                    "SIECLE attendu."
                ),
                "RESPONSABLES",
            )
        )
    for link in root.iterfind("DONNEES/RESPONSABLES/RESPONSABLE_ELEVE"):
        eleve_id, personne_id = text(link, "ELEVE_ID"), text(link, "PERSONNE_ID")
        if not eleve_id or not personne_id:
            result.problems.append(Problem(_("Lien sans élève ou sans responsable : ignoré."), link.tag, line_of(link)))
            continue
        result.links.append(
            SiecleLink(
                eleve_id=eleve_id,
                personne_id=personne_id,
                kind=LINK_KINDS.get(text(link, "RESP_LEGAL"), "contact"),
                relationship=RELATIONSHIPS.get(text(link, "CODE_PARENTE"), ""),
                line=line_of(link),
            )
        )
    return result
