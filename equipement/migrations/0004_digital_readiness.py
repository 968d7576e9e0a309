import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def readiness_from_needs(apps, schema_editor):
    """The answers given with students' needs become their readiness records (the latest need wins)."""
    Need = apps.get_model("equipement", "Need")
    DigitalReadiness = apps.get_model("equipement", "DigitalReadiness")
    needs = (
        Need.objects.filter(student__isnull=False)
        .filter(
            models.Q(ent_codes_ok__isnull=False) | models.Q(knows_tools__isnull=False) | models.Q(needs_training=True)
        )
        .order_by("declared_at", "pk")
    )
    for need in needs:
        DigitalReadiness.objects.update_or_create(
            student_id=need.student_id,
            defaults={
                "etablissement_id": need.etablissement_id,
                "ent_codes_given": need.ent_codes_ok,
                "knows_tools": need.knows_tools,
                "needs_training": need.needs_training or None,
                "updated_by_id": need.declared_by_id,
                "updated_at": need.declared_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ecole", "0001_school_directory"),
        ("equipement", "0003_device_asset_tag_message"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DigitalReadiness",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "ent_codes_given",
                    models.BooleanField(blank=True, null=True, verbose_name="codes ENT remis et fonctionnels"),
                ),
                (
                    "knows_tools",
                    models.BooleanField(blank=True, null=True, verbose_name="connaît les outils des enseignants"),
                ),
                (
                    "needs_training",
                    models.BooleanField(blank=True, null=True, verbose_name="a besoin d'une formation au numérique"),
                ),
                ("notes", models.TextField(blank=True, verbose_name="remarques")),
                ("updated_at", models.DateTimeField(verbose_name="mis à jour le")),
                (
                    "etablissement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ecole.etablissement",
                        verbose_name="établissement",
                    ),
                ),
                (
                    "student",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="digital_readiness",
                        to="ecole.student",
                        verbose_name="élève",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="mis à jour par",
                    ),
                ),
            ],
            options={
                "verbose_name": "préparation numérique",
                "verbose_name_plural": "préparations numériques",
            },
        ),
        migrations.RunPython(readiness_from_needs, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="need",
            name="ent_codes_ok",
        ),
        migrations.RemoveField(
            model_name="need",
            name="knows_tools",
        ),
        migrations.RemoveField(
            model_name="need",
            name="needs_training",
        ),
    ]
