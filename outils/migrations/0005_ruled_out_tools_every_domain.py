"""Reload the académie's catalogue: Discord and WhatsApp list every domain of their links
(discordapp.com, discord.media, dis.gd, whatsapp.net…), so that none gets through."""

from django.db import migrations

from outils.catalogue import load_catalogue


def load(apps, schema_editor):
    load_catalogue(apps.get_model("outils", "Tool"), apps.get_model("outils", "Tutorial"))


class Migration(migrations.Migration):
    dependencies = [
        ("outils", "0004_load_whatsapp"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
