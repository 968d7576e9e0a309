"""Load the académie's catalogue of tools and tutorials (upsert by slug; schools' rows untouched)."""

from django.db import migrations

from outils.catalogue import load_catalogue


def load(apps, schema_editor):
    # outils.catalogue imports no model: it is given the historical ones.
    load_catalogue(apps.get_model("outils", "Tool"), apps.get_model("outils", "Tutorial"))


class Migration(migrations.Migration):
    dependencies = [
        ("outils", "0001_tool_catalogue"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
