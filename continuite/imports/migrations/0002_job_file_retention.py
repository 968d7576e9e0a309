from django.db import migrations, models


def copy_siecle_keys(apps, schema_editor):
    """The last students' import's ELEVE_ID → INE table moves onto the students themselves."""
    Key = apps.get_model("imports", "SiecleStudentKey")
    Student = apps.get_model("ecole", "Student")
    for key in Key.objects.all().iterator():
        Student.objects.filter(etablissement_id=key.etablissement_id, ine=key.ine, siecle_id="").update(
            siecle_id=key.eleve_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_import_jobs"),
        ("ecole", "0002_imported_ids"),
    ]

    operations = [
        migrations.RunPython(copy_siecle_keys, migrations.RunPython.noop),
        migrations.AddField(
            model_name="importjob",
            name="size",
            field=models.PositiveIntegerField(default=0, verbose_name="taille (octets)"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="content",
            field=models.BinaryField(blank=True, verbose_name="contenu"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="status",
            field=models.CharField(
                choices=[
                    ("uploaded", "déposé"),
                    ("checked", "vérifié"),
                    ("running", "en cours"),
                    ("done", "terminé"),
                    ("failed", "échec"),
                    ("cancelled", "abandonné"),
                ],
                default="uploaded",
                max_length=10,
                verbose_name="état",
            ),
        ),
        migrations.DeleteModel(name="SiecleStudentKey"),
    ]
