"""Reload the académie's catalogue: WhatsApp joins Discord among the tools to rule out."""

from django.db import migrations

from outils.catalogue import load_catalogue


def load(apps, schema_editor):
    load_catalogue(apps.get_model("outils", "Tool"), apps.get_model("outils", "Tutorial"))


class Migration(migrations.Migration):
    dependencies = [
        ("outils", "0003_allowed_link_domains"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
