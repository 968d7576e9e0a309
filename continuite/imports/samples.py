"""Files shaped like the real exports (``formats.md``), for tests, the browser journey and ``bench_import``.

``lycee(...)`` describes a school; ``sts_xml``, ``eleves_xml``, ``responsables_xml``, ``edt_xml`` and
``udt_csv`` write its files. Tests tweak the description or the bytes to plant each trap.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

SUBJECTS = [
    ("022400", "SES", "Sciences économiques et sociales"),
    ("030201", "ANG", "Anglais"),
    ("061300", "MATHS", "Mathématiques"),
    ("020100", "FRANC", "Français"),
    ("040300", "HG", "Histoire-géographie"),
    ("100100", "EPS", "Éducation physique et sportive"),
    ("063100", "PC", "Physique-chimie"),
    ("064500", "SVT", "Sciences de la vie et de la Terre"),
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
HOURS = ["08h00", "09h00", "10h00", "11h00", "13h00", "14h00", "15h00", "16h00"]


@dataclass
class Teacher:
    sts_id: str
    last_name: str
    first_name: str
    function: str = "ENS"
    tutor_of: list[str] = field(default_factory=list)
    email: str = ""


@dataclass
class Pupil:
    eleve_id: str
    ine: str
    last_name: str
    first_name: str
    division: str
    groups: list[str] = field(default_factory=list)
    usage_name: bool = True
    exit_date: str = ""
    birth: str = "15/04/2010"


@dataclass
class Parent:
    personne_id: str
    last_name: str
    first_name: str
    email: str
    children: list[tuple[str, str]]  # (ELEVE_ID, RESP_LEGAL)


@dataclass
class Lycee:
    uai: str
    year: int
    divisions: list[str]
    groups: dict[str, list[str]]  # group code → divisions
    teachers: list[Teacher]
    services: list[tuple[str, str, str, bool]]  # (sts id, subject code gestion, structure, is_group)
    pupils: list[Pupil]
    parents: list[Parent]
    slots: list[dict]


def lycee(
    uai: str,
    year: int,
    *,
    divisions: int = 3,
    pupils_per_division: int = 4,
    teachers: int = 6,
    slots_per_division: int = 4,
) -> Lycee:
    """A generated school: its divisions by level, teachers with services, pupils with parents, a timetable."""
    levels = ["2NDE", "1G", "TG"]
    division_codes = [f"{levels[i % 3]}{i // 3 + 1}" for i in range(divisions)]
    premieres = [c for c in division_codes if c.startswith("1G")]
    groups = {"1SPESES": premieres[:2]} if premieres else {}
    staff = [
        Teacher(str(4000 + i), f"PROF{chr(65 + i % 26)}{i:03d}", f"Prénom{i}", email=f"prof{i}@lycee.example.org")
        for i in range(teachers)
    ]
    staff.append(Teacher("3999", "CPEUNE", "Anne", function="EDU", email="cpe@lycee.example.org"))
    services, slots = [], []
    for index, code in enumerate(division_codes):
        staff[index % teachers].tutor_of.append(code)
        for s in range(min(slots_per_division, 40)):
            teacher = staff[(index + s) % teachers]
            subject = SUBJECTS[s % len(SUBJECTS)][1]
            services.append((teacher.sts_id, subject, code, False))
            slots.append(
                {
                    "day": DAYS[s % 5],
                    "hour": HOURS[(s // 5 + index) % len(HOURS)],
                    "subject": subject,
                    "teacher": teacher,
                    "structure": code,
                    "room": f"B{index:02d}",
                    "pattern": "H" if s % 7 else "Q1",
                }
            )
    for code in groups:
        services.append((staff[0].sts_id, "SES", code, True))
        slots.append(
            {
                "day": "jeudi",
                "hour": "17h00",
                "subject": "SES",
                "teacher": staff[0],
                "structure": code,
                "room": "A01",
                "pattern": "H",
            }
        )
    pupils, parents, n = [], [], 0
    for code in division_codes:
        for _i in range(pupils_per_division):
            n += 1
            pupil_groups = ["1SPESES"] if code in groups.get("1SPESES", []) else []
            pupils.append(Pupil(str(100000 + n), f"{n:09d}AB", f"NOM{n:05d}", f"Élève{n}", code, pupil_groups))
            parents.append(
                Parent(
                    str(200000 + n),
                    f"NOM{n:05d}",
                    f"Parent{n}",
                    f"parent{n}@famille.example.org",
                    [(str(100000 + n), "1")],
                )
            )
    return Lycee(uai, year, division_codes, groups, staff, services, pupils, parents, slots)


def _t(tag: str, value: str) -> str:
    return f"<{tag}>{escape(value)}</{tag}>"


def sts_xml(school: Lycee, *, root: str = "STS_EDT", encoding: str = "UTF-8") -> bytes:
    subjects = "".join(
        f'<MATIERE CODE="{code}">{_t("CODE_GESTION", g)}{_t("LIBELLE_COURT", g)}{_t("LIBELLE_LONG", label.upper())}'
        f"{_t('LIBELLE_EDITION', label)}</MATIERE>"
        for code, g, label in SUBJECTS
    )
    individus = "".join(
        f'<INDIVIDU ID="{t.sts_id}" TYPE="epp">{_t("NOM_USAGE", t.last_name)}{_t("NOM_PATRONYMIQUE", t.last_name)}'
        f"{_t('PRENOM', t.first_name)}<SEXE>2</SEXE><CIVILITE>2</CIVILITE>{_t('FONCTION', t.function)}"
        + (_t("MEL", t.email) if t.email else "")
        + "<PROFS_PRINC>"
        + "".join(f"<PROF_PRINC>{_t('CODE_STRUCTURE', c)}</PROF_PRINC>" for c in t.tutor_of)
        + "</PROFS_PRINC></INDIVIDU>"
        for t in school.teachers
    )
    code_of = {g: c for c, g, _label in SUBJECTS}

    def services(structure: str) -> str:
        return (
            "<SERVICES>"
            + "".join(
                f'<SERVICE CODE_MATIERE="{code_of[subject]}" CODE_MOD_COURS="CG"><ENSEIGNANTS>'
                f'<ENSEIGNANT ID="{sts_id}" TYPE="epp"/></ENSEIGNANTS></SERVICE>'
                for sts_id, subject, code, _g in school.services
                if code == structure
            )
            + "</SERVICES>"
        )

    divisions = "".join(
        f"<DIVISION CODE={quoteattr(c)}>{_t('LIBELLE_LONG', c)}{services(c)}</DIVISION>" for c in school.divisions
    )
    groups = "".join(
        f"<GROUPE CODE={quoteattr(g)}>{_t('LIBELLE_LONG', 'SPE ' + g)}<DIVISIONS_APPARTENANCE>"
        + "".join(f'<DIVISION_APPARTENANCE CODE="{d}"/>' for d in divs)
        + f"</DIVISIONS_APPARTENANCE>{services(g)}</GROUPE>"
        for g, divs in school.groups.items()
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<{root}>\n<PARAMETRES><UAJ CODE="{school.uai}">'
        f"<DENOM_PRINC>LYCEE</DENOM_PRINC></UAJ>\n"
        f'<ANNEE_SCOLAIRE ANNEE="{school.year}"><DATE_DEBUT>{school.year}-09-01</DATE_DEBUT>'
        f"<DATE_FIN>{school.year + 1}-08-31</DATE_FIN></ANNEE_SCOLAIRE></PARAMETRES>\n"
        f"<NOMENCLATURES><MATIERES>{subjects}</MATIERES></NOMENCLATURES>\n"
        f"<DONNEES><INDIVIDUS>\n{individus}\n</INDIVIDUS>\n<STRUCTURE><DIVISIONS>{divisions}</DIVISIONS>"
        f"<GROUPES>{groups}</GROUPES></STRUCTURE></DONNEES>\n</{root}>\n"
    )
    return text.encode(encoding)


def eleves_xml(school: Lycee, *, encoding: str = "UTF-8") -> bytes:
    eleves = "\n".join(
        f'<ELEVE ELEVE_ID="{p.eleve_id}" ELENOET="{p.eleve_id[-4:]}">{_t("ID_NATIONAL", p.ine)}'
        f"{_t('NOM_DE_FAMILLE', p.last_name)}"
        + (_t("NOM_USAGE", p.last_name) if p.usage_name else "")
        + f"{_t('PRENOM', p.first_name)}{_t('DATE_NAISS', p.birth)}<CODE_SEXE>2</CODE_SEXE>"
        f"<CODE_MEF>20112001110</CODE_MEF><DATE_ENTREE>01/09/{school.year}</DATE_ENTREE>"
        f"{_t('DATE_SORTIE', p.exit_date)}<ADRESSE_ID>1</ADRESSE_ID></ELEVE>"
        for p in school.pupils
    )
    structures = "\n".join(
        f'<STRUCTURES_ELEVE ELEVE_ID="{p.eleve_id}"><STRUCTURE>{_t("CODE_STRUCTURE", p.division)}'
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
        + "".join(
            f"<STRUCTURE>{_t('CODE_STRUCTURE', g)}<TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>" for g in p.groups
        )
        + "</STRUCTURES_ELEVE>"
        for p in school.pupils
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_ELEVES VERSION="3.1">\n'
        f"<PARAMETRES><UAJ>{school.uai}</UAJ><ANNEE_SCOLAIRE>{school.year}</ANNEE_SCOLAIRE>"
        f"<DATE_EXPORT>02/09/{school.year}</DATE_EXPORT></PARAMETRES>\n<DONNEES>\n<ELEVES>\n{eleves}\n</ELEVES>\n"
        f"<STRUCTURES>\n{structures}\n</STRUCTURES>\n</DONNEES>\n</BEE_ELEVES>\n"
    )
    return text.encode(encoding)


def responsables_xml(school: Lycee, *, encoding: str = "UTF-8") -> bytes:
    personnes = "\n".join(
        f'<PERSONNE PERSONNE_ID="{p.personne_id}"><LC_CIVILITE>MME</LC_CIVILITE>{_t("NOM_DE_FAMILLE", p.last_name)}'
        f"{_t('PRENOM', p.first_name)}<TEL_PORTABLE>06 00 00 00 00</TEL_PORTABLE>{_t('MEL', p.email)}"
        f"<ACCEPTE_SMS>1</ACCEPTE_SMS><ADRESSE_ID>{p.personne_id}</ADRESSE_ID>"
        f"<PROFESSION>Cadre</PROFESSION><PAIE_FRAIS_SCOLAIRES>1</PAIE_FRAIS_SCOLAIRES></PERSONNE>"
        for p in school.parents
    )
    links = "\n".join(
        f"<RESPONSABLE_ELEVE>{_t('ELEVE_ID', eleve_id)}{_t('PERSONNE_ID', p.personne_id)}"
        f"{_t('RESP_LEGAL', legal)}<CODE_PARENTE>20</CODE_PARENTE><PERS_CONTACT>1</PERS_CONTACT></RESPONSABLE_ELEVE>"
        for p in school.parents
        for eleve_id, legal in p.children
    )
    adresses = "\n".join(
        f'<ADRESSE ADRESSE_ID="{p.personne_id}"><LIGNE1_ADRESSE>1 rue des Écoles</LIGNE1_ADRESSE>'
        "<CODE_POSTAL>45000</CODE_POSTAL></ADRESSE>"
        for p in school.parents
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<BEE_RESPONSABLES>\n'
        f"<PARAMETRES><UAJ>{school.uai}</UAJ><ANNEE_SCOLAIRE>{school.year}</ANNEE_SCOLAIRE></PARAMETRES>\n"
        f"<DONNEES>\n<PERSONNES>\n{personnes}\n</PERSONNES>\n<RESPONSABLES>\n{links}\n</RESPONSABLES>\n"
        f"<ADRESSES>\n{adresses}\n</ADRESSES>\n</DONNEES>\n</BEE_RESPONSABLES>\n"
    )
    return text.encode(encoding)


def edt_xml(school: Lycee, *, encoding: str = "UTF-8") -> bytes:
    cours = "\n".join(
        f'<Cours numero="{i}"><NUMERO>{i}</NUMERO><DUREE>1h00</DUREE><FREQUENCE>{s["pattern"]}</FREQUENCE>'
        f"{_t('MAT_CODE', s['subject'])}{_t('MAT_LIBELLE', s['subject'])}{_t('PROF_NOM', s['teacher'].last_name)}"
        f"{_t('PROF_PRENOM', s['teacher'].first_name)}{_t('CLASSE', s['structure'])}{_t('SALLE', s['room'])}"
        f"<ALTERNANCE>{s['pattern']}</ALTERNANCE><MODALITE>CG</MODALITE>{_t('JOUR', s['day'])}"
        f"{_t('H.DEBUT', s['hour'])}<EFFECTIF>35</EFFECTIF></Cours>"
        for i, s in enumerate(school.slots, start=1)
    )
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<TABLE>\n{cours}\n</TABLE>\n'.encode(encoding)


def udt_csv(school: Lycee, *, encoding: str = "utf-8-sig") -> bytes:
    lines = ["Jour;Heure;Div;Matière;Professeur;Salle;Groupe;Regroup;Eff;Mo;Freq;Aire"]
    for s in school.slots:
        is_group = s["structure"] in school.groups
        lines.append(
            ";".join(
                [
                    s["day"],
                    s["hour"],
                    "" if is_group else s["structure"],
                    s["subject"],
                    f"{s['teacher'].last_name} {s['teacher'].first_name}",
                    s["room"],
                    s["structure"] if is_group else "",
                    "",
                    "35",
                    "CG",
                    s["pattern"],
                    "",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()
