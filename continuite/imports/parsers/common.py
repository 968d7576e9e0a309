"""What every parser shares: unzipping safely, parsing untrusted XML, dates, problems.

Files come from the outside (a direction's computer, an e-mail attachment): they are bounded in size,
zip members are checked against their *uncompressed* size, and XML goes through defusedxml so that
entity bombs and external entities are refused instead of expanded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 120 * 1024 * 1024
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


class _LineTreeBuilder(TreeBuilder):
    def __init__(self):
        super().__init__(element_factory=LineElement)
        self.expat = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if self.expat is not None:
            element.sourceline = self.expat.CurrentLineNumber
        return element


def unpack(data: bytes, *, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    """The file itself, or the one member of a zip archive with one of ``suffixes``.

    Returns (member name or "", bytes). Refuses oversized uploads and zip bombs.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)d Mo.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not data.startswith(ZIP_MAGIC):
        return "", data
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(suffixes) and "__MACOSX" not in info.filename
        ]
    except zipfile.BadZipFile:
        raise ValidationError(_("L'archive zip est illisible ou endommagée.")) from None
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
        with archive.open(member) as handle:
            # The declared size may lie: read one byte more than allowed to find out.
            content = handle.read(MAX_UNCOMPRESSED_BYTES + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
        raise ValidationError(_("L'archive zip est illisible (chiffrée ou endommagée).")) from None
    if len(content) > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(_("Le fichier contenu dans l'archive est trop volumineux une fois décompressé."))
    return member.filename, content


def parse_xml(data: bytes) -> LineElement:
    """Parse untrusted XML in the encoding its prolog declares; refuse DTD entities and external references."""
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        return parser.close()
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
            _("Le fichier n'est pas un XML valide (ligne %(line)s, colonne %(column)s) : est-il complet ?")
            % {"line": line, "column": column}
        ) from None
    except (LookupError, ValueError):
        raise ValidationError(_("L'encodage déclaré par le fichier XML n'est pas reconnu.")) from None


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


def check_root(root: Element, expected: str, expected_file: str) -> None:
    if root.tag != expected:
        raise ValidationError(
            _(
                "Ce fichier n'est pas celui attendu : l'élément racine est %(found)s au lieu de %(expected)s. "
                "Déposez %(file)s."
            )
            % {"found": root.tag, "expected": expected, "file": expected_file}
        )
