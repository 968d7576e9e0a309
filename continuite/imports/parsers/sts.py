"""STS-web ``sts_emp_<UAI>_<année>.xml`` (root ``STS_EDT``): subjects, staff, divisions, groups, services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .common import Problem, Problems, describe, line_of, parse_xml, parse_year, text, unpack

EXPECTED_FILE = "sts_emp_<UAI>_<année>.xml"
CIVILITIES = {"1": "M.", "2": "Mme"}
# STS-web FONCTION codes and the portal's role flags they set.
FUNCTION_FLAGS = {"ENS": "is_teacher", "EDU": "is_cpe", "DIR": "is_direction"}


@dataclass
class StsSubject:
    code: str  # the code gestion ("SES"), the one EDT and UDT repeat
    label: str
    short_label: str
    line: int | None = None


@dataclass
class StsStaff:
    sts_id: str
    last_name: str
    first_name: str
    civility: str = ""
    function: str = ""
    email: str = ""
    tutor_of: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class StsStructure:
    """A division (``is_group`` False) or a group drawn from ``division_codes``."""

    code: str
    label: str = ""
    is_group: bool = False
    division_codes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class StsService:
    subject_code: str
    staff_id: str
    structure_code: str
    is_group: bool
    line: int | None = None


@dataclass
class StsFile:
    uai: str
    year: int | None
    subjects: list[StsSubject] = field(default_factory=list)
    staff: list[StsStaff] = field(default_factory=list)
    structures: list[StsStructure] = field(default_factory=list)
    services: list[StsService] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=Problems)


def parse_sts(data: bytes) -> StsFile:
    """Read an STS-web export; the file that goes *up* to STS-web (``EDT_STS``) is refused by name."""
    _name, content = unpack(data, suffixes=(".xml",))
    root = parse_xml(content)
    if root.tag == "EDT_STS":
        raise ValidationError(
            _(
                "Ce fichier est l'export emp_sts_… que le logiciel d'emploi du temps envoie vers STS-web "
                "(racine EDT_STS). Déposez le fichier %(file)s (racine STS_EDT), exporté par STS-web."
            )
            % {"file": EXPECTED_FILE}
        )
    if root.tag != "STS_EDT":
        raise ValidationError(
            _("Ce fichier n'est pas un export STS-web (racine %(found)s). Déposez le fichier %(file)s.")
            % {"found": root.tag, "file": EXPECTED_FILE}
        )
    uaj = root.find("PARAMETRES/UAJ")
    year = root.find("PARAMETRES/ANNEE_SCOLAIRE")
    result = StsFile(
        uai=(uaj.get("CODE", "") if uaj is not None else "").strip().upper(),
        year=parse_year(year.get("ANNEE", "")) if year is not None else None,
    )
    subject_codes: dict[str, str] = {}  # MATIERE CODE ("022400") → code gestion ("SES")
    for matiere in root.iterfind("NOMENCLATURES/MATIERES/MATIERE"):
        code = matiere.get("CODE", "").strip()
        gestion = text(matiere, "CODE_GESTION") or code
        if not code:
            result.problems.append(Problem(_("Matière sans code : ignorée."), describe(matiere), line_of(matiere)))
            continue
        subject_codes[code] = gestion
        label = text(matiere, "LIBELLE_EDITION") or text(matiere, "LIBELLE_LONG") or gestion
        result.subjects.append(
            StsSubject(
                code=gestion[:20],
                label=label[:120],
                short_label=(text(matiere, "LIBELLE_COURT") or gestion)[:40],
                line=line_of(matiere),
            )
        )

    for individu in root.iterfind("DONNEES/INDIVIDUS/INDIVIDU"):
        sts_id = individu.get("ID", "").strip()
        last_name = text(individu, "NOM_USAGE") or text(individu, "NOM_PATRONYMIQUE")
        if not sts_id or not last_name:
            result.problems.append(
                Problem(
                    _("Personnel sans identifiant ou sans nom : ignoré."), describe(individu, "ID"), line_of(individu)
                )
            )
            continue
        result.staff.append(
            StsStaff(
                sts_id=sts_id[:20],
                last_name=last_name[:100],
                first_name=text(individu, "PRENOM")[:100],
                civility=CIVILITIES.get(text(individu, "CIVILITE"), ""),
                function=text(individu, "FONCTION").upper(),
                email=(text(individu, "MEL") or text(individu, "ADRESSE_MAIL")).lower()[:254],
                tutor_of=[text(pp, "CODE_STRUCTURE") for pp in individu.iterfind("PROFS_PRINC/PROF_PRINC")],
                line=line_of(individu),
            )
        )

    def services(owner, code: str, is_group: bool) -> None:
        for service in owner.iterfind("SERVICES/SERVICE"):
            matiere = service.get("CODE_MATIERE", "").strip()
            subject = subject_codes.get(matiere)
            if subject is None:
                result.problems.append(
                    Problem(
                        _("Service d'une matière absente de la nomenclature (%(code)s) : ignoré.") % {"code": matiere},
                        describe(service, "CODE_MATIERE"),
                        line_of(service),
                    )
                )
                continue
            for teacher in service.iterfind("ENSEIGNANTS/ENSEIGNANT"):
                result.services.append(
                    StsService(subject, teacher.get("ID", "").strip(), code, is_group, line_of(teacher))
                )

    for division in root.iterfind("DONNEES/STRUCTURE/DIVISIONS/DIVISION"):
        code = division.get("CODE", "").strip()
        if not code:
            result.problems.append(Problem(_("Division sans code : ignorée."), describe(division), line_of(division)))
            continue
        result.structures.append(
            StsStructure(code=code[:20], label=text(division, "LIBELLE_LONG")[:100], line=line_of(division))
        )
        services(division, code, False)

    for groupe in root.iterfind("DONNEES/STRUCTURE/GROUPES/GROUPE"):
        code = groupe.get("CODE", "").strip()
        if not code:
            result.problems.append(Problem(_("Groupe sans code : ignoré."), describe(groupe), line_of(groupe)))
            continue
        divisions = [
            d.get("CODE", "").strip()
            for d in groupe.iterfind("DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE")
            if d.get("CODE", "").strip()
        ]
        result.structures.append(
            StsStructure(
                code=code[:30],
                label=text(groupe, "LIBELLE_LONG")[:120],
                is_group=True,
                division_codes=divisions,
                line=line_of(groupe),
            )
        )
        services(groupe, code, True)
    return result
