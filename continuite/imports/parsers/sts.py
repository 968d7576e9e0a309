"""STS-web ``sts_emp_<UAI>_<année>.xml`` (root ``STS_EDT``): subjects, staff, divisions, groups, services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .common import Problem, Problems, _, describe, line_of, open_source, parse_year, stream_xml, text

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


def _refuse_other_roots(tag: str) -> None:
    if tag == "EDT_STS":
        raise ValidationError(
            _(
                "Ce fichier est l'export emp_sts_… que le logiciel d'emploi du temps envoie vers STS-web "
                "(racine EDT_STS). Déposez le fichier %(file)s (racine STS_EDT), exporté par STS-web."
            )
            % {"file": EXPECTED_FILE}
        )
    if tag != "STS_EDT":
        raise ValidationError(
            _("Ce fichier n'est pas un export STS-web (racine %(found)s). Déposez le fichier %(file)s.")
            % {"found": tag[:40], "file": EXPECTED_FILE}
        )


def parse_sts(data: bytes) -> StsFile:
    """Read an STS-web export as a stream; the file that goes *up* to STS-web (``EDT_STS``) is refused by name."""
    result = StsFile(uai="", year=None)
    subject_codes: dict[str, str] = {}  # MATIERE CODE ("022400") → code gestion ("SES")
    raw_services: list[tuple[str, str, str, bool, int | None]] = []

    def on_matiere(matiere) -> None:
        code = matiere.get("CODE", "").strip()
        gestion = text(matiere, "CODE_GESTION") or code
        if not code:
            result.problems.append(Problem(_("Matière sans code : ignorée."), describe(matiere), line_of(matiere)))
            return
        subject_codes[code] = gestion[:20]
        label = text(matiere, "LIBELLE_EDITION") or text(matiere, "LIBELLE_LONG") or gestion
        result.subjects.append(
            StsSubject(
                code=gestion[:20],
                label=label[:120],
                short_label=(text(matiere, "LIBELLE_COURT") or gestion)[:40],
                line=line_of(matiere),
            )
        )

    def on_individu(individu) -> None:
        sts_id = individu.get("ID", "").strip()
        last_name = text(individu, "NOM_USAGE") or text(individu, "NOM_PATRONYMIQUE")
        if not sts_id or not last_name:
            result.problems.append(
                Problem(
                    _("Personnel sans identifiant ou sans nom : ignoré."), describe(individu, "ID"), line_of(individu)
                )
            )
            return
        result.staff.append(
            StsStaff(
                sts_id=sts_id[:20],
                last_name=last_name[:100],
                first_name=text(individu, "PRENOM")[:100],
                civility=CIVILITIES.get(text(individu, "CIVILITE"), ""),
                function=text(individu, "FONCTION").upper()[:10],
                email=(text(individu, "MEL") or text(individu, "ADRESSE_MAIL")).lower()[:254],
                tutor_of=[text(pp, "CODE_STRUCTURE")[:20] for pp in individu.iterfind("PROFS_PRINC/PROF_PRINC")],
                line=line_of(individu),
            )
        )

    def services(owner, code: str, is_group: bool) -> None:
        for service in owner.iterfind("SERVICES/SERVICE"):
            matiere = service.get("CODE_MATIERE", "").strip()
            for teacher in service.iterfind("ENSEIGNANTS/ENSEIGNANT"):
                raw_services.append((matiere, teacher.get("ID", "").strip(), code, is_group, line_of(teacher)))

    def on_division(division) -> None:
        code = division.get("CODE", "").strip()
        if not code:
            result.problems.append(Problem(_("Division sans code : ignorée."), describe(division), line_of(division)))
            return
        result.structures.append(
            StsStructure(code=code[:20], label=text(division, "LIBELLE_LONG")[:100], line=line_of(division))
        )
        services(division, code[:20], False)

    def on_groupe(groupe) -> None:
        code = groupe.get("CODE", "").strip()
        if not code:
            result.problems.append(Problem(_("Groupe sans code : ignoré."), describe(groupe), line_of(groupe)))
            return
        divisions = [
            d.get("CODE", "").strip()[:20]
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
        services(groupe, code[:30], True)

    _name, source = open_source(data, suffixes=(".xml",))
    with source:
        kept = stream_xml(
            source,
            records={
                ("NOMENCLATURES", "MATIERES", "MATIERE"): on_matiere,
                ("DONNEES", "INDIVIDUS", "INDIVIDU"): on_individu,
                ("DONNEES", "STRUCTURE", "DIVISIONS", "DIVISION"): on_division,
                ("DONNEES", "STRUCTURE", "GROUPES", "GROUPE"): on_groupe,
            },
            keep={("PARAMETRES",)},
            on_root=_refuse_other_roots,
            expected_file=EXPECTED_FILE,
        )
    parameters = kept.get(("PARAMETRES",))
    uaj = parameters.find("UAJ") if parameters is not None else None
    year = parameters.find("ANNEE_SCOLAIRE") if parameters is not None else None
    result.uai = (uaj.get("CODE", "") if uaj is not None else "").strip().upper()
    result.year = parse_year(year.get("ANNEE", "")) if year is not None else None
    for matiere, staff_id, code, is_group, line in raw_services:
        subject = subject_codes.get(matiere)
        if subject is None:
            result.problems.append(
                Problem(
                    _("Service d'une matière absente de la nomenclature (%(code)s) : ignoré.") % {"code": matiere},
                    f'SERVICE CODE_MATIERE="{matiere}"',
                    line,
                )
            )
            continue
        result.services.append(StsService(subject, staff_id, code, is_group, line))
    return result
