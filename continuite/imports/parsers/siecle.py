"""SIECLE ``ElevesSansAdresses.xml`` / ``ElevesAvecAdresses.xml`` (``BEE_ELEVES``) and
``ResponsablesAvecAdresses.xml`` (``BEE_RESPONSABLES``).

Only what the portal needs is read: names, dates, structures, e-mail, mobile, SMS consent and the
guardian links. Addresses, professions and financial flags are never read, hence never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .common import (
    Problem,
    Problems,
    _,
    check_root,
    describe,
    line_of,
    open_source,
    parse_date,
    parse_year,
    stream_xml,
    text,
)

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


def _structures(item) -> tuple[str, list[str]]:
    division, groups = "", []
    for structure in item.iterfind("STRUCTURE"):
        code = text(structure, "CODE_STRUCTURE")
        if not code:
            continue
        if text(structure, "TYPE_STRUCTURE").upper() == "D":
            division = code
        else:
            groups.append(code)
    return division, groups


def parse_eleves(data: bytes) -> ElevesFile:
    """Read the students' file as a stream: one ``ELEVE`` in memory at a time, then its dataclass."""
    result = ElevesFile(uai="", year=None)
    structures: dict[str, tuple[str, list[str]]] = {}
    seen: set[str] = set()

    def on_eleve(eleve) -> None:
        eleve_id = eleve.get("ELEVE_ID", "").strip()
        ine = text(eleve, "ID_NATIONAL").upper()
        where = describe(eleve, "ELEVE_ID")
        last_name = text(eleve, "NOM_USAGE") or text(eleve, "NOM_DE_FAMILLE")
        if not INE_RE.match(ine):
            result.problems.append(
                Problem(
                    _("Élève sans INE valide (« %(ine)s ») : ignoré, l'INE est la clé de rapprochement.")
                    % {"ine": ine[:20]},
                    where,
                    line_of(eleve),
                )
            )
            return
        if ine in seen:
            result.problems.append(
                Problem(_("INE %(ine)s en double : seconde fiche ignorée.") % {"ine": ine}, where, line_of(eleve))
            )
            return
        if not last_name:
            result.problems.append(Problem(_("Élève sans nom : ignoré."), where, line_of(eleve)))
            return
        seen.add(ine)
        result.students.append(
            SiecleStudent(
                eleve_id=eleve_id[:20],
                ine=ine,
                last_name=last_name[:100],
                first_name=text(eleve, "PRENOM")[:100],
                birth_date=_date(eleve, "DATE_NAISS", result.problems),
                entry_date=_date(eleve, "DATE_ENTREE", result.problems),
                exit_date=_date(eleve, "DATE_SORTIE", result.problems),
                line=line_of(eleve),
            )
        )

    def on_structures(item) -> None:
        structures[item.get("ELEVE_ID", "").strip()] = _structures(item)

    _name, source = open_source(data, suffixes=(".xml",))
    with source:
        kept = stream_xml(
            source,
            records={
                ("DONNEES", "ELEVES", "ELEVE"): on_eleve,
                ("DONNEES", "STRUCTURES", "STRUCTURES_ELEVE"): on_structures,
            },
            keep={("PARAMETRES",)},
            on_root=lambda tag: check_root(tag, "BEE_ELEVES", ELEVES_FILE),
            expected_file=ELEVES_FILE,
        )
    parameters = kept.get(("PARAMETRES",))
    result.uai = text(parameters, "UAJ").upper()
    result.year = parse_year(text(parameters, "ANNEE_SCOLAIRE"))
    # STRUCTURES comes after ELEVES in the file: the classes are given once both are read.
    for student in result.students:
        division, groups = structures.get(student.eleve_id, ("", []))
        student.division_code = division[:20]
        student.group_codes = [g[:30] for g in groups]
    return result


def _phone(value: str) -> str:
    return re.sub(r"[^\d+]", "", value)[:20]


def parse_responsables(data: bytes) -> ResponsablesFile:
    """Read the guardians' file as a stream; addresses, professions and financial flags are never read."""
    result = ResponsablesFile(uai="", year=None)
    old_links = 0
    seen: set[str] = set()

    def on_personne(personne) -> None:
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
            return
        if personne_id in seen:
            result.problems.append(
                Problem(
                    _("PERSONNE_ID %(id)s en double : seconde fiche ignorée.") % {"id": personne_id},
                    describe(personne, "PERSONNE_ID"),
                    line_of(personne),
                )
            )
            return
        seen.add(personne_id)
        civility = text(personne, "LC_CIVILITE")
        result.persons.append(
            SieclePerson(
                personne_id=personne_id[:20],
                last_name=last_name[:100],
                first_name=text(personne, "PRENOM")[:100],
                civility={"MME": "Mme", "M": "M.", "M.": "M."}.get(civility.upper(), civility)[:10],
                email=text(personne, "MEL").lower()[:254],
                mobile=_phone(text(personne, "TEL_PORTABLE")),
                accepts_sms=text(personne, "ACCEPTE_SMS") == "1",
                line=line_of(personne),
            )
        )

    def on_link(link) -> None:
        eleve_id, personne_id = text(link, "ELEVE_ID"), text(link, "PERSONNE_ID")
        if not eleve_id or not personne_id:
            result.problems.append(Problem(_("Lien sans élève ou sans responsable : ignoré."), link.tag, line_of(link)))
            return
        result.links.append(
            SiecleLink(
                eleve_id=eleve_id[:20],
                personne_id=personne_id[:20],
                kind=LINK_KINDS.get(text(link, "RESP_LEGAL"), "contact"),
                relationship=RELATIONSHIPS.get(text(link, "CODE_PARENTE"), ""),
                line=line_of(link),
            )
        )

    def on_old_link(_link) -> None:
        nonlocal old_links
        old_links += 1

    _name, source = open_source(data, suffixes=(".xml",))
    with source:
        kept = stream_xml(
            source,
            records={
                ("DONNEES", "PERSONNES", "PERSONNE"): on_personne,
                ("DONNEES", "RESPONSABLES", "RESPONSABLE_ELEVE"): on_link,
                ("DONNEES", "RESPONSABLES", "RESPONSABLE"): on_old_link,
            },
            keep={("PARAMETRES",)},
            on_root=lambda tag: check_root(tag, "BEE_RESPONSABLES", RESPONSABLES_FILE),
            expected_file=RESPONSABLES_FILE,
        )
    parameters = kept.get(("PARAMETRES",))
    result.uai = text(parameters, "UAJ").upper()
    result.year = parse_year(text(parameters, "ANNEE_SCOLAIRE"))
    if old_links and not result.links:
        result.problems.append(
            Problem(
                _(
                    "Les liens sont des éléments RESPONSABLE au lieu de RESPONSABLE_ELEVE : ce n'est pas un export "
                    "SIECLE attendu."
                ),
                "RESPONSABLES",
            )
        )
    return result
