"""The foundation (directory, accounts, outbox, audit and the project's core modules) imports no
feature app: features plug into it through the hooks it discovers (``<app>.navigation``, ``.home``,
``.links``, ``.demo``, ``.retention``, ``.conf``) and the lists of ``settings``.

Every module is read with ``ast`` (nothing is imported): an ``import``/``from`` statement, a call
that imports by name (``import_module``, ``__import__``, ``apps.get_model``, ``apps.is_installed``)
or a string naming a feature module (``"planning"``, ``"suivi.models"``) is a violation. URL names
(``"planning:week"``) and template paths are not imports and stay allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("outils", "planning", "suivi", "equipement", "region")
FOUNDATION_PACKAGES = ["continuite/ecole", "continuite/accounts", "continuite/notifications", "continuite/audit"]

# Justified exceptions, each with its reason. Nothing else of the foundation may name a feature.
EXCEPTIONS = {
    # The composition root: INSTALLED_APPS and the ordered lists of the apps that plug into the
    # home page and the directory's pages (PORTAL_FEATURES, HOME_PANEL_APPS, PAGE_LINK_APPS).
    "continuite/settings.py": "settings compose the apps",
    # The root URLconf mounts each app's URLs under its prefix (include("planning.urls")).
    "continuite/urls.py": "the root URLconf mounts each app",
}
# Outside the foundation, the imports app writes the directory and the timetable, so it may use the
# planning's models and services — and no other feature.
IMPORTS_MAY_USE = {"planning.models", "planning.services"}

IMPORTING_CALLS = {"import_module", "__import__", "get_model", "is_installed"}
# A bare string equal to an app's name names the app ("planning" in a list of apps), but « region » is
# also a word of the pages (ARIA's region role): for it only imports and "region.<module>" count.
BARE_NAMES = tuple(name for name in FEATURES if name != "region")


def _names_feature(name: str) -> bool:
    return name.split(".")[0] in FEATURES


def feature_references(source: str) -> list[tuple[int, str]]:
    """(line, the feature module named) for each import or naming of a feature in ``source``."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _names_feature(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _names_feature(node.module):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in IMPORTING_CALLS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and _names_feature(first.value):
                    found.append((node.lineno, first.value))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and (node.value in BARE_NAMES or any(node.value.startswith(f"{f}.") for f in FEATURES))
        ):
            found.append((node.lineno, node.value))
    return sorted(set(found))


def foundation_modules() -> list[Path]:
    modules = [path for package in FOUNDATION_PACKAGES for path in (ROOT / package).rglob("*.py")]
    return sorted(modules + list((ROOT / "continuite").glob("*.py")))


def test_the_check_catches_every_way_of_naming_a_feature():
    source = '''
"""planning.models is named in a docstring: allowed."""
import suivi.models
from planning.services import week_get
from continuite.ecole.models import Student
from . import sibling
x = import_module("equipement.queries")
y = apps.get_model("planning", "Session")
z = apps.is_installed("outils")
APPS = ["region.bench", "continuite.notifications"]
role = "region"
url = reverse("planning:week")
template = "equipement/partials/student_panel.html"
'''
    assert [name for _line, name in feature_references(source)] == [
        "suivi.models",
        "planning.services",
        "equipement.queries",
        "planning",
        "outils",
        "region.bench",
    ]


def test_the_foundation_imports_no_feature_app():
    modules = foundation_modules()
    assert len(modules) > 50  # the packages were found
    violations = []
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        if relative in EXCEPTIONS:
            continue
        violations += [f"{relative}:{line} {name}" for line, name in feature_references(path.read_text())]
    assert violations == []


def test_the_exceptions_are_still_needed():
    for relative in EXCEPTIONS:
        assert feature_references((ROOT / relative).read_text()), f"{relative} no longer names a feature"


def test_the_imports_app_uses_only_the_planning_models_and_services():
    used = set()
    for path in (ROOT / "continuite" / "imports").rglob("*.py"):
        used |= {name for _line, name in feature_references(path.read_text())}
    assert used <= IMPORTS_MAY_USE
