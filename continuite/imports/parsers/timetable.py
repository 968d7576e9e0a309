"""Timetables: EDT ``EXP_COURS.xml`` (root ``TABLE``) and UnDeuxTemps ``export_udt.csv``.

Both give one weekly slot per row: a subject, a teacher named by his names (neither file carries
the STS id), a division or a group, a day, a start time, a duration and a week pattern.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .common import (
    MAX_RECORDS,
    MOJIBAKE,
    Problem,
    Problems,
    _,
    check_root,
    describe,
    line_of,
    mojibake_error,
    open_source,
    refuse_wrong_kind,
    sniff_kind,
    stream_xml,
    text,
    too_big,
    unpack,
)

EDT_FILE = "EXP_COURS.xml"
UDT_FILE = "export_udt.csv"
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5}
UDT_COLUMNS = [
    "Jour",
    "Heure",
    "Div",
    "Matière",
    "Professeur",
    "Salle",
    "Groupe",
    "Regroup",
    "Eff",
    "Mo",
    "Freq",
    "Aire",
]
DEFAULT_MINUTES = 55
MAX_CSV_BYTES = 10 * 1024 * 1024


@dataclass
class Course:
    subject_code: str
    subject_label: str
    teacher_last: str
    teacher_first: str
    structure_code: str
    room: str
    weekday: int
    start: dt.time
    minutes: int
    week_pattern: str  # all, A, B, or "weeks" (then ``weeks`` lists the ISO week numbers)
    line: int | None = None
    element: str = ""
    weeks: list[int] = field(default_factory=list)
    pattern_text: str = ""  # the file's own words, for the report

    @property
    def end(self) -> dt.time:
        moment = dt.datetime.combine(dt.date(2000, 1, 1), self.start) + dt.timedelta(minutes=self.minutes)
        return moment.time()


@dataclass
class TimetableFile:
    courses: list[Course] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=Problems)
    uai: str = ""
    year: int | None = None


def parse_time(value: str) -> dt.time:
    """``08h00``, ``8h``, ``08:30`` → a time; anything else → ValueError."""
    match = re.fullmatch(r"(\d{1,2})\s*[hH:]\s*(\d{2})?", (value or "").strip())
    if not match:
        raise ValueError(value)
    return dt.time(int(match.group(1)), int(match.group(2) or 0))


def parse_minutes(value: str) -> int:
    """``1h00``, ``0h55``, ``1h30``, ``55`` → minutes."""
    value = (value or "").strip()
    if re.fullmatch(r"\d+", value):
        return int(value)
    match = re.fullmatch(r"(\d{1,2})\s*[hH:]\s*(\d{2})?", value)
    if not match:
        raise ValueError(value)
    return int(match.group(1)) * 60 + int(match.group(2) or 0)


WEEK_A = {"A", "SA", "Q1", "1", "QA", "SEMA", "S1"}
WEEK_B = {"B", "SB", "Q2", "2", "QB", "SEMB", "S2"}
EVERY_WEEK = {"", "H", "HEBDO", "HEBDOMADAIRE", "TOUTES", "TOUTESLESSEMAINES", "T", "SEM"}


def parse_week_pattern(value: str) -> tuple[str, list[int]]:
    """The week pattern EDT and UnDeuxTemps write → ("all" | "A" | "B", []) or ("weeks", [ISO weeks]).

    Every week: ``H``, ``Hebdo``, empty. Alternating: ``A``/``B``, ``SA``/``SB``, ``Sem.A``/``Sem.B``,
    ``Semaine A``, ``Q1``/``Q2`` (quinzaine 1 and 2). A list of week numbers (``36,38,40`` or
    ``S36 S38``) is returned as such: the school calendar tells which parity it is. Anything else
    raises ValueError, and the caller reports the raw value.
    """
    raw = (value or "").strip()
    if re.fullmatch(r"(?:[Ss]\.?\s*)?\d{1,2}(?:\s*[,;/ ]\s*(?:[Ss]\.?\s*)?\d{1,2}){2,}", raw):
        weeks = sorted({int(n) for n in re.findall(r"\d{1,2}", raw)})
        if all(1 <= n <= 53 for n in weeks):
            return "weeks", weeks
    compact = re.sub(r"[\s._\-]", "", raw.upper()).replace("SEMAINE", "SEM")
    compact = compact.replace("É", "E")
    if compact in EVERY_WEEK:
        return "all", []
    if compact in WEEK_A or compact == "SEMA":
        return "A", []
    if compact in WEEK_B or compact == "SEMB":
        return "B", []
    raise ValueError(raw)


def _weekday(value: str) -> int:
    value = (value or "").strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 6:
        return int(value) - 1
    if len(value) == 3:  # UnDeuxTemps may abbreviate: LUN, MAR, MER, JEU, VEN, SAM
        value = next((day for day in WEEKDAYS if day.startswith(value)), value)
    return WEEKDAYS[value]


def _edt_root(tag: str) -> None:
    if tag in ("STS_EDT", "EDT_STS"):
        raise ValidationError(
            _(
                "Ce fichier est un export STS-web, pas l'emploi du temps : déposez-le comme fichier STS-web, "
                "et déposez ici %(file)s."
            )
            % {"file": EDT_FILE}
        )
    check_root(tag, "TABLE", EDT_FILE)


def parse_edt(data: bytes) -> TimetableFile:
    """Read EDT's ``EXP_COURS.xml`` as a stream, one ``Cours`` at a time."""
    result = TimetableFile()

    def on_cours(cours) -> None:
        where = describe(cours, "numero")
        pattern_text = _pattern_text(text(cours, "ALTERNANCE"), text(cours, "FREQUENCE"))
        values, errors = _read(
            [
                ("weekday", _("jour"), text(cours, "JOUR"), _weekday),
                ("start", _("heure de début"), text(cours, "H.DEBUT"), parse_time),
                ("minutes", _("durée"), text(cours, "DUREE"), lambda v: parse_minutes(v) if v else DEFAULT_MINUTES),
                ("pattern", _("alternance"), pattern_text, parse_week_pattern),
            ]
        )
        if errors:
            result.problems.append(Problem(_("Cours ignoré : %(errors)s.") % {"errors": errors}, where, line_of(cours)))
            return
        course = Course(
            subject_code=text(cours, "MAT_CODE")[:20],
            subject_label=text(cours, "MAT_LIBELLE")[:120],
            teacher_last=text(cours, "PROF_NOM"),
            teacher_first=text(cours, "PROF_PRENOM"),
            structure_code=text(cours, "CLASSE") or text(cours, "GROUPE"),
            room=text(cours, "SALLE")[:40],
            weekday=values["weekday"],
            start=values["start"],
            minutes=values["minutes"],
            week_pattern=values["pattern"][0],
            weeks=values["pattern"][1],
            pattern_text=pattern_text,
            line=line_of(cours),
            element=where,
        )
        if not course.subject_code or not course.structure_code:
            result.problems.append(Problem(_("Cours sans matière ou sans classe : ignoré."), where, line_of(cours)))
            return
        result.courses.append(course)

    _name, source = open_source(data, suffixes=(".xml",))
    with source:
        stream_xml(source, records={("Cours",): on_cours}, on_root=_edt_root, expected_file=EDT_FILE)
    return result


def _pattern_text(*values: str) -> str:
    """EDT writes both ALTERNANCE and FREQUENCE: the one that is not "every week" tells the pattern."""
    for value in values:
        try:
            if parse_week_pattern(value)[0] != "all":
                return value
        except ValueError:
            return value
    return next((v for v in values if v), "")


def _read(fields) -> tuple[dict, str]:
    """Parse each ``(name, label, raw, parser)``; returns the values and, if any failed, what and why.

    The report names each unreadable field with the file's own value: « alternance inconnue (Sem.C) »
    tells the school what to fix, « ligne illisible » did not.
    """
    values, errors = {}, []
    for name, label, raw, parser in fields:
        try:
            values[name] = parser(raw)
        except (KeyError, ValueError):
            errors.append(_("%(what)s illisible (« %(value)s »)") % {"what": label, "value": raw})
    return values, ", ".join(errors)


def _decode_csv(content: bytes) -> str:
    """A CSV has no prolog: UTF-8 (with or without BOM) first, then the Windows encoding UDT writes."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _split_teacher(value: str) -> tuple[str, str]:
    """``MARTIN Claire`` / ``MARTIN C.`` / ``M. MARTIN`` → (last name, first name or initial)."""
    parts = [p for p in value.replace(",", " ").split() if p.upper() not in ("M.", "MME", "M", "MLLE")]
    last = [p for p in parts if p.isupper() and len(p.rstrip(".")) > 1]
    first = [p for p in parts if p not in last]
    return " ".join(last or parts[:1]), " ".join(first)


def parse_udt(data: bytes) -> TimetableFile:
    _name, content = unpack(data, suffixes=(".csv", ".txt"))
    if len(content) > MAX_CSV_BYTES:
        raise too_big(_("un export UnDeuxTemps de plus de %(n)d Mo") % {"n": MAX_CSV_BYTES // (1024 * 1024)})
    if not content.strip():
        raise ValidationError(_("Le fichier est vide."))
    kind = sniff_kind(content[:2048])
    if kind == "xml":
        raise ValidationError(
            _("Ce fichier est un XML, pas l'export %(file)s (CSV séparé par des points-virgules) d'UnDeuxTemps.")
            % {"file": UDT_FILE}
        )
    if kind in ("pdf", "office", "binary"):
        refuse_wrong_kind(kind, UDT_FILE)
    decoded = _decode_csv(content)
    if found := MOJIBAKE.search(decoded):
        start = decoded.rfind("\n", 0, found.start()) + 1
        raise mojibake_error(decoded[start : decoded.find("\n", found.start())].strip())
    reader = csv.reader(io.StringIO(decoded), delimiter=";")
    header = next(reader, None)
    if not header or [h.strip() for h in header[:5]] != UDT_COLUMNS[:5]:
        raise ValidationError(
            _("L'en-tête du fichier n'est pas celui d'%(file)s : attendu « %(columns)s ».")
            % {"file": UDT_FILE, "columns": ";".join(UDT_COLUMNS)}
        )
    columns = {name.strip(): index for index, name in enumerate(header)}
    result = TimetableFile()
    for row in reader:
        line = reader.line_num
        if line > MAX_RECORDS:
            raise too_big(_("plus de %(n)d lignes") % {"n": MAX_RECORDS})
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        last, first = _split_teacher(cell("Professeur"))
        start_part, _sep, end_part = cell("Heure").partition("-")
        values, errors = _read(
            [
                ("weekday", _("jour"), cell("Jour"), _weekday),
                ("start", _("heure"), start_part, parse_time),
                ("end", _("heure de fin"), end_part, lambda v: parse_time(v) if v else None),
                ("pattern", _("fréquence"), cell("Freq"), parse_week_pattern),
            ]
        )
        if errors:
            result.problems.append(
                Problem(_("Ligne ignorée : %(errors)s.") % {"errors": errors}, f"ligne {line}", line)
            )
            continue
        start, end = values["start"], values["end"]
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) if end else DEFAULT_MINUTES
        course = Course(
            subject_code=cell("Matière")[:20],
            subject_label=cell("Matière")[:120],
            teacher_last=last,
            teacher_first=first,
            structure_code=cell("Groupe") or cell("Div"),
            room=cell("Salle")[:40],
            weekday=values["weekday"],
            start=start,
            minutes=minutes,
            week_pattern=values["pattern"][0],
            weeks=values["pattern"][1],
            pattern_text=cell("Freq"),
            line=line,
            element=f"ligne {line}",
        )
        if not course.subject_code or not course.structure_code or minutes <= 0:
            result.problems.append(
                Problem(_("Ligne sans matière, sans classe ou de durée nulle : ignorée."), f"ligne {line}", line)
            )
            continue
        result.courses.append(course)
    return result
