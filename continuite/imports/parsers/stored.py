"""A parsed file, stored compactly between the dry run and the application (zlib-compressed JSON).

The file is parsed once: the dry run stores what it read, the application reads it back (the plan
itself is computed again, against the database as it is then). The uploaded file can then be
deleted as soon as it is checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zlib

from .common import Problem, Problems
from .siecle import ElevesFile, ResponsablesFile, SiecleLink, SieclePerson, SiecleStudent
from .sts import StsFile, StsService, StsStaff, StsStructure, StsSubject
from .timetable import Course, TimetableFile

# The class of the items of each list field of the parsed files.
ITEMS = {
    "problems": Problem,
    "students": SiecleStudent,
    "persons": SieclePerson,
    "links": SiecleLink,
    "subjects": StsSubject,
    "staff": StsStaff,
    "structures": StsStructure,
    "services": StsService,
    "courses": Course,
}
FILES = {cls.__name__: cls for cls in (ElevesFile, ResponsablesFile, StsFile, TimetableFile)}


def _default(value):
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    raise TypeError(type(value))


def _hook(value: dict):
    if "$d" in value:
        return dt.date.fromisoformat(value["$d"])
    if "$t" in value:
        return dt.time.fromisoformat(value["$t"])
    return value


def _shallow(item) -> dict:
    # dataclasses.asdict would copy deeply; the items hold only scalars, dates and lists of strings.
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


def dumps(parsed) -> bytes:
    data = {"type": type(parsed).__name__, "problems_omitted": getattr(parsed.problems, "omitted", 0)}
    for f in dataclasses.fields(parsed):
        value = getattr(parsed, f.name)
        data[f.name] = [_shallow(item) for item in value] if f.name in ITEMS else value
    return zlib.compress(json.dumps(data, default=_default, separators=(",", ":")).encode(), 6)


def loads(stored: bytes):
    data = json.loads(zlib.decompress(bytes(stored)).decode(), object_hook=_hook)
    cls = FILES[data.pop("type")]
    omitted = data.pop("problems_omitted", 0)
    values = {}
    for f in dataclasses.fields(cls):
        value = data.get(f.name)
        values[f.name] = [ITEMS[f.name](**item) for item in value] if f.name in ITEMS else value
    parsed = cls(**values)
    parsed.problems = Problems(parsed.problems)
    parsed.problems.omitted += omitted
    return parsed
