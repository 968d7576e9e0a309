"""The import commands as the administrator reads them: help, README, --uai only when needed."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from continuite.ecole.tests.factories import EtablissementFactory, SchoolYearFactory

from . import exports

pytestmark = pytest.mark.django_db
COMMANDS = ["import_sts", "import_siecle_eleves", "import_siecle_responsables", "import_edt", "import_udt"]


@pytest.fixture(autouse=True)
def frozen_time(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC), tick=False)


def test_it_imports_without_uai_when_the_database_holds_one_school(tmp_path):
    SchoolYearFactory(etablissement=EtablissementFactory(uai=exports.UAI))
    file = tmp_path / "ElevesSansAdresses.xml"
    file.write_bytes(exports.eleves(exports.week_one()))
    out = StringIO()
    call_command("import_siecle_eleves", str(file), dry_run=True, stdout=out)
    assert "Arrivées :" in out.getvalue() and "- Léa DURAND (1G3)" in out.getvalue()

    EtablissementFactory()
    with pytest.raises(CommandError, match="plusieurs établissements : précisez lequel avec --uai UAI"):
        call_command("import_siecle_eleves", str(file), dry_run=True)


def test_it_documents_every_import_command_by_its_file():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "## Imports en ligne de commande" in readme
    for name in COMMANDS:
        assert f"manage.py {name} " in readme
        parser = load_command_class("continuite.imports", name).create_parser("manage.py", name)
        text = " ".join(parser.format_help().split())
        assert "[--uai UAI]" in text and "SIECLE_ELEVES" not in text and "Importe l'" in text
