"""What every parser shares: unzipping safely, parsing untrusted XML, dates, problems.

Files come from the outside (a direction's computer, an e-mail attachment): they are bounded in size,
zip members are checked against their *uncompressed* size, and XML goes through defusedxml so that
entity bombs and external entities are refused instead of expanded.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.core.exceptions import ValidationError
from django.utils import translation

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Problem:
    """Something the importer noticed: ``error`` rows are skipped, ``warning`` rows are imported."""

    message: str
    element: str = ""
    line: int | None = None
    level: str = "error"

    def as_dict(self) -> dict:
        return asdict(self)


@functools.lru_cache(maxsize=512)
def _translated(message: str, language: str | None) -> str:
    return translation.gettext(message)


def _(message: str) -> str:
    """``gettext``, remembered: a hostile file asks for the same message hundreds of thousands of times."""
    return _translated(message, translation.get_language())


# A hostile or broken file may hold a problem per element: the report keeps the first ones and
# counts the rest, so that memory and the job's row stay small.
MAX_PROBLEMS = 200


class Problems(list):
    """A list of problems that keeps the first ``MAX_PROBLEMS`` and counts the others in ``omitted``."""

    def __init__(self, items=()):
        super().__init__()
        self.omitted = 0
        self.extend(items)

    def append(self, problem) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.omitted += 1

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)
        self.omitted += getattr(problems, "omitted", 0)


class LineElement(Element):
    """An element that remembers the line it starts on, so that a problem can point at it."""

    sourceline: int | None = None


def unpack(data: bytes, *, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    """The file itself, or the one member of a zip archive with one of ``suffixes``, read whole.

    Returns (member name or "", bytes). Refuses oversized uploads and zip bombs. For CSV files,
    which are small; XML goes through ``open_source`` and ``stream_xml`` instead.
    """
    name, source = open_source(data, suffixes=suffixes)
    with source:
        return name, source.read()


class _Bounded(io.RawIOBase):
    """A stream that refuses to give more than ``limit`` bytes: a zip member's declared size may lie."""

    def __init__(self, raw, limit: int):
        self.raw, self.limit, self.count = raw, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.raw.read(len(buffer))
        self.count += len(chunk)
        if self.count > self.limit:
            raise ValidationError(_("Le fichier contenu dans l'archive est trop volumineux une fois décompressé."))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_source(data: bytes, *, suffixes: tuple[str, ...]):
    """(member name or "", a readable stream): the file, or its one zip member decompressed as it is read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)d Mo.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not data.startswith(ZIP_MAGIC):
        return "", io.BytesIO(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [info.filename for info in archive.infolist()]
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(suffixes) and "__MACOSX" not in info.filename
        ]
    except zipfile.BadZipFile:
        raise ValidationError(_("L'archive zip est illisible ou endommagée.")) from None
    if any(n.startswith("xl/") for n in names) or "word/document.xml" in names:
        raise ValidationError(
            _(
                "Ce fichier est un document Excel ou Word, pas l'export lui-même : déposez le fichier tel que "
                "le logiciel l'a exporté, sans l'ouvrir ni l'enregistrer dans un tableur."
            )
        )
    if not members:
        raise ValidationError(
            _("L'archive zip ne contient aucun fichier %(suffixes)s.") % {"suffixes": " ou ".join(suffixes)}
        )
    if len(members) > 1:
        raise ValidationError(
            _("L'archive zip contient plusieurs fichiers (%(names)s) : déposez-les un par un.")
            % {"names": ", ".join(m.filename for m in members[:5])}
        )
    member = members[0]
    if member.file_size > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(_("Le fichier contenu dans l'archive est trop volumineux une fois décompressé."))
    try:
        raw = archive.open(member)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
        raise ValidationError(_("L'archive zip est illisible (chiffrée ou endommagée).")) from None
    return member.filename, io.BufferedReader(_Bounded(raw, MAX_UNCOMPRESSED_BYTES), CHUNK)


def sniff_kind(head: bytes) -> str:
    """What a file is, from its first bytes: "xml", "pdf", "office", "csv", "text", "binary"."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"%PDF"):
        return "pdf"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "office"
    if start.startswith(b"<") or start.startswith(b"\xff\xfe<") or start.startswith(b"\xfe\xff\x00<"):
        return "xml"
    if b"\x00" in start[:1024]:
        return "binary"
    first_line = start.split(b"\n", 1)[0]
    if first_line.count(b";") >= 2 or first_line.count(b",") >= 2 or first_line.count(b"\t") >= 2:
        return "csv"
    return "text"


def refuse_wrong_kind(kind: str, expected_file: str) -> None:
    """A file of another kind than XML is named as such, with the file that was expected."""
    what = {
        "pdf": _("un PDF"),
        "office": _("un document Excel ou Word"),
        "csv": _("un tableau CSV (texte séparé par des points-virgules ou des virgules)"),
        "binary": _("un fichier binaire"),
        "text": _("un texte qui n'est pas du XML"),
    }.get(kind)
    if what:
        raise ValidationError(
            _("Ce fichier est %(what)s, pas l'export XML attendu : déposez %(file)s tel que le logiciel l'a exporté.")
            % {"what": what, "file": expected_file}
        )


# Bounds of an XML file: the exports of a lycée of 2,000 students hold up to some 150,000 elements.
MAX_ELEMENTS = 400_000
MAX_RECORDS = 30_000
MAX_RECORD_ELEMENTS = 5_000
MAX_DEPTH = 64
MAX_TEXT = 10_000
CHUNK = 64 * 1024
DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
# UTF-8 read as Latin-1 or Windows-1252: "Ã©", "Ã¨", "Ã\x8e"... never in a French name.
MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]")


def too_big(what: str) -> ValidationError:
    return ValidationError(
        _("Fichier refusé : %(what)s. Ce n'est pas un export de l'Éducation nationale tel quel.") % {"what": what}
    )


def mojibake_error(value: str) -> ValidationError:
    return ValidationError(
        _(
            "Le fichier est mal encodé : « %(value)s » contient des accents lus de travers (un fichier UTF-8 lu "
            "comme ISO-8859-15). Exportez-le de nouveau depuis le logiciel, sans l'ouvrir ni le modifier."
        )
        % {"value": value[:60]}
    )


class _StreamBuilder:
    """The target of the XML parser: builds only the records and the kept parts, one record at a time.

    ``records`` maps a path below the root (``("DONNEES", "ELEVES", "ELEVE")``) to a function called
    with each record's element once it is complete; the element is then dropped. ``keep`` paths
    (the header) are built and returned by ``close``. Everything else is counted and forgotten.
    """

    def __init__(self, records, keep, on_root):
        self.records, self.keep, self.on_root = records, keep, on_root
        self.path: list[str] = []
        self.elements: list[LineElement | None] = []
        self.kept: dict[tuple, LineElement] = {}
        self.count = self.record_count = self.record_size = 0
        self.expat = None

    def start(self, tag, attrs):
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise too_big(_("plus de %(n)s éléments XML") % {"n": f"{MAX_ELEMENTS:,}".replace(",", "\u202f")})
        if len(self.path) >= MAX_DEPTH:
            raise too_big(_("éléments imbriqués sur plus de %(n)d niveaux") % {"n": MAX_DEPTH})
        if not self.path and self.on_root is not None:
            self.on_root(tag)
        relative = (*self.path[1:], tag) if self.path else ()
        parent = self.elements[-1] if self.elements else None
        element = None
        if parent is not None or relative in self.records or relative in self.keep:
            element = LineElement(tag, attrs)
            element.sourceline = self.expat.CurrentLineNumber if self.expat is not None else None
            if parent is not None:
                parent.append(element)
                self.record_size += 1
                if self.record_size > MAX_RECORD_ELEMENTS:
                    raise too_big(
                        _("un élément %(tag)s de plus de %(n)d sous-éléments")
                        % {"tag": self.path[-1], "n": MAX_RECORD_ELEMENTS}
                    )
            else:
                self.record_size = 0
        self.path.append(tag)
        self.elements.append(element)

    def data(self, data):
        element = self.elements[-1] if self.elements else None
        if element is None or len(element):
            return  # text outside what is kept, or between children
        value = (element.text or "") + data
        if len(value) > MAX_TEXT:
            raise too_big(_("une valeur de plus de %(n)d caractères") % {"n": MAX_TEXT})
        element.text = value

    def end(self, tag):
        element = self.elements.pop()
        relative = tuple(self.path[1:])
        self.path.pop()
        if element is None or (self.elements and self.elements[-1] is not None):
            return
        if element.text and MOJIBAKE.search(element.text):
            raise mojibake_error(element.text)
        for child in element.iter():
            if child.text and MOJIBAKE.search(child.text):
                raise mojibake_error(child.text)
        if relative in self.records:
            self.record_count += 1
            if self.record_count > MAX_RECORDS:
                raise too_big(_("plus de %(n)s fiches") % {"n": f"{MAX_RECORDS:,}".replace(",", "\u202f")})
            self.records[relative](element)
        else:
            self.kept[relative] = element

    def close(self):
        return self.kept


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def stream_xml(source, *, records: dict, keep=(), on_root=None, expected_file: str = "") -> dict:
    """Parse untrusted XML from a stream, chunk by chunk, in the encoding its prolog declares.

    Each record goes to its function as soon as it is read, then is dropped: memory holds one
    record, not the file. DTD entities and external references are refused; so are files beyond
    the bounds above, and files whose bytes contradict their declared encoding. Returns the
    ``keep`` elements by path.
    """
    builder = _StreamBuilder(records, set(keep), on_root)
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    declared, utf8_valid, non_ascii, lines_before = None, True, False, 0
    try:
        first = True
        while chunk := source.read(CHUNK):
            if first:
                kind = sniff_kind(chunk[:2048])
                if kind != "xml":
                    refuse_wrong_kind(kind, expected_file)
                match = DECLARED_ENCODING.match(chunk)
                declared = match.group(1).decode("ascii").lower().replace("_", "-") if match else "utf-8"
                first = False
            if utf8_valid:
                non_ascii = non_ascii or max(chunk) >= 0x80
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8_valid = False
                    if declared in ("utf-8", "utf8"):
                        raise ValidationError(
                            _(
                                "Le fichier annonce l'encodage UTF-8 mais n'est pas en UTF-8 (ligne %(line)d) : "
                                "il a sans doute été enregistré en ISO-8859-15 ou Windows-1252 après l'export. "
                                "Exportez-le de nouveau, sans l'ouvrir ni le modifier."
                            )
                            % {"line": lines_before + _line_of_offset(chunk, exc.start)}
                        ) from None
                lines_before += chunk.count(b"\n")
            try:
                parser.feed(chunk)
            except ValidationError:
                if utf8_valid and non_ascii and declared not in UTF8_NAMES:
                    raise _declared_mismatch(declared) from None  # garbled by the prolog: say so
                raise
        if first:
            raise ValidationError(_("Le fichier est vide."))
        kept = parser.close()
    except DefusedXmlException:
        raise ValidationError(
            _(
                "Le fichier contient des entités XML ou des références externes, refusées par sécurité : "
                "ce n'est pas un export de l'Éducation nationale tel quel."
            )
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise ValidationError(
            _(
                "Le fichier n'est pas un XML valide (ligne %(line)s, colonne %(column)s) : il est incomplet ou a "
                "été modifié après l'export."
            )
            % {"line": line, "column": column}
        ) from None
    except (LookupError, ValueError):
        raise ValidationError(_("L'encodage déclaré par le fichier XML n'est pas reconnu.")) from None
    if utf8_valid and non_ascii and declared not in UTF8_NAMES:
        raise _declared_mismatch(declared)
    return kept


UTF8_NAMES = ("utf-8", "utf8", "us-ascii", "ascii")


def _declared_mismatch(declared: str) -> ValidationError:
    return ValidationError(
        _(
            "Le fichier est en UTF-8 alors que son en-tête annonce %(declared)s : ses accents seraient lus de "
            "travers (« LEMAÎTRE » deviendrait « LEMAÃTRE »). Exportez-le de nouveau depuis le logiciel, sans "
            "l'ouvrir ni l'enregistrer dans un autre programme."
        )
        % {"declared": declared.upper()}
    )


def text(element: Element | None, path: str, default: str = "") -> str:
    """The stripped text of a child element, or ``default``."""
    if element is None:
        return default
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def describe(element: Element, *attributes: str) -> str:
    """``ELEVE ELEVE_ID="145778"``: how a problem names the element it is about."""
    parts = [element.tag]
    for name in attributes:
        value = element.get(name)
        if value:
            parts.append(f'{name}="{value}"')
    return " ".join(parts)


def line_of(element: Element) -> int | None:
    return getattr(element, "sourceline", None)


def parse_date(value: str) -> dt.date | None:
    """``DD/MM/YYYY`` (SIECLE) or ISO ``YYYY-MM-DD`` (STS-web); empty → None; nonsense → ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", value):
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    return dt.date.fromisoformat(value[:10])


def parse_year(value: str) -> int | None:
    value = (value or "").strip()
    return int(value[:4]) if re.fullmatch(r"\d{4}(-\d{4})?", value) else None


def check_root(tag: str, expected: str, expected_file: str) -> None:
    """Refuse, at its first element, a file whose root is not the expected one."""
    if tag != expected:
        raise ValidationError(
            _(
                "Ce fichier n'est pas celui attendu : l'élément racine est %(found)s au lieu de %(expected)s. "
                "Déposez %(file)s."
            )
            % {"found": tag[:40], "expected": expected, "file": expected_file}
        )
