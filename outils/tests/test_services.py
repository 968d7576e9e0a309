"""Writes of the catalogue: a school's edits stay its own; bad input changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from continuite.ecole.tests.factories import EtablissementFactory
from outils.models import Tool, ToolLocalSetting, Tutorial
from outils.services import (
    tool_create,
    tool_revert,
    tool_set_availability,
    tool_update,
    tutorial_create,
    tutorial_delete,
    tutorial_update,
)
from outils.tests.factories import ToolFactory, TutorialFactory

pytestmark = pytest.mark.django_db


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def test_it_edits_an_academie_tool_as_a_copy_for_the_school_only():
    school, other = EtablissementFactory(), EtablissementFactory()
    nextcloud = shipped("nextcloud")

    copy = tool_update(tool=nextcloud, etablissement=school, limits="20 Go par enseignant.")

    assert copy.pk != nextcloud.pk
    assert (copy.etablissement, copy.based_on, copy.slug, copy.shipped) == (school, nextcloud, "nextcloud", False)
    assert copy.limits == "20 Go par enseignant."
    assert copy.name == "Nextcloud"  # the rest copied from the académie's row
    assert shipped("nextcloud").limits == "15 Go par enseignant.\n1 Go par élève."
    assert Tool.objects.for_etablissement(other).get(slug="nextcloud").pk == nextcloud.pk
    assert Tool.objects.for_etablissement(school).get(slug="nextcloud").pk == copy.pk


def test_it_updates_the_existing_copy_on_a_second_edit():
    school = EtablissementFactory()
    first = tool_update(tool=shipped("pod"), etablissement=school, summary="Une")
    second = tool_update(tool=shipped("pod"), etablissement=school, summary="Deux")
    assert first.pk == second.pk
    assert Tool.objects.filter(etablissement=school, slug="pod").count() == 1


def test_it_refuses_to_edit_another_schools_tool():
    tool = ToolFactory()
    with pytest.raises(ValidationError, match="autre établissement"):
        tool_update(tool=tool, etablissement=EtablissementFactory(), name="Pris")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"allowed_domains": ["pas un domaine"]}, "n'est pas un nom de domaine"),
        ({"gdpr_status": "a_proscrire", "gdpr_reasons": ""}, "pourquoi"),
        ({"serves_media": False}, "au moins un besoin"),
        ({"hosting": "mars"}, "choix valide"),
        ({"name": ""}, "vide"),
    ],
)
def test_it_refuses_bad_input_without_changing_the_database(fields, message):
    school = EtablissementFactory()
    with pytest.raises(ValidationError, match=message):
        tool_update(tool=shipped("pod"), etablissement=school, **fields)
    assert not Tool.objects.filter(etablissement=school).exists()


def test_it_refuses_a_ruled_out_alternative():
    with pytest.raises(ValidationError, match="proscrire"):
        tool_update(tool=shipped("pod"), etablissement=EtablissementFactory(), alternative=shipped("discord"))


def test_it_normalises_the_domains():
    copy = tool_update(
        tool=shipped("pod"),
        etablissement=EtablissementFactory(),
        allowed_domains=[" NetOCentre.fr. ", "", "netocentre.fr"],
    )
    assert copy.allowed_domains == ["netocentre.fr"]


def test_it_creates_a_schools_own_tool():
    school = EtablissementFactory()
    tool = tool_create(
        etablissement=school,
        name="Padlet du lycée",
        summary="Un mur collaboratif.",
        hosting="outside",
        access_mode="link",
        gdpr_status="possible",
        serves_collaborative_writing=True,
    )
    assert (tool.slug, tool.etablissement, tool.based_on) == ("padlet-du-lycee", school, None)


def test_it_refuses_a_new_tool_named_like_an_academie_tool():
    school = EtablissementFactory()
    with pytest.raises(ValidationError, match="catalogue académique"):
        tool_create(
            etablissement=school,
            name="Moodle",
            summary="x",
            hosting="ent",
            access_mode="ent",
            gdpr_status="recommande",
            serves_courses=True,
        )
    assert not Tool.objects.filter(etablissement=school).exists()


def test_it_reverts_a_copy_to_the_academie_tool():
    school = EtablissementFactory()
    copy = tool_update(tool=shipped("pod"), etablissement=school, summary="À nous")
    assert tool_revert(tool=copy, etablissement=school) == shipped("pod")
    assert not Tool.objects.filter(etablissement=school).exists()


def test_it_marks_a_tool_unavailable_for_one_school_without_copying_it():
    school = EtablissementFactory()
    setting = tool_set_availability(tool=shipped("pearltrees"), etablissement=school, unavailable=True, note="Non")
    assert (setting.slug, setting.unavailable, setting.note) == ("pearltrees", True, "Non")
    assert not Tool.objects.filter(etablissement=school).exists()
    tool_set_availability(tool=shipped("pearltrees"), etablissement=school, unavailable=False)
    assert ToolLocalSetting.objects.get(etablissement=school).unavailable is False


def test_it_asks_why_a_tool_is_unavailable():
    school = EtablissementFactory()
    with pytest.raises(ValidationError, match="pourquoi"):
        tool_set_availability(tool=shipped("pearltrees"), etablissement=school, unavailable=True, note=" ")
    assert not ToolLocalSetting.objects.exists()


def test_it_hangs_a_schools_tutorial_on_the_root_tool():
    school = EtablissementFactory()
    copy = tool_update(tool=shipped("pod"), etablissement=school, summary="À nous")
    tutorial = tutorial_create(
        tool=copy, etablissement=school, title="T", kind="video", url="https://lycees.netocentre.fr/t"
    )
    assert tutorial.tool == shipped("pod")
    tool_revert(tool=copy, etablissement=school)
    assert Tutorial.objects.filter(pk=tutorial.pk).exists()


def test_it_refuses_a_tutorial_with_a_bad_url():
    school = EtablissementFactory()
    with pytest.raises(ValidationError):
        tutorial_create(tool=shipped("pod"), etablissement=school, title="T", kind="video", url="ftp://x.fr/t")
    assert not Tutorial.objects.filter(etablissement=school).exists()


def test_it_changes_and_deletes_only_the_schools_own_tutorials():
    school = EtablissementFactory()
    academie = shipped("pod").tutorials.first()
    with pytest.raises(ValidationError, match="votre établissement"):
        tutorial_update(tutorial=academie, etablissement=school, title="x", kind="pdf", url="https://x.fr/")
    with pytest.raises(ValidationError, match="votre établissement"):
        tutorial_delete(tutorial=academie, etablissement=school)
    own = TutorialFactory(tool=shipped("pod"), etablissement=school)
    tutorial_update(
        tutorial=own, etablissement=school, title="Nouveau", kind="pdf", url="https://lycees.netocentre.fr/a.pdf"
    )
    own.refresh_from_db()
    assert (own.title, own.kind) == ("Nouveau", "pdf")
    tutorial_delete(tutorial=own, etablissement=school)
    assert not Tutorial.objects.filter(pk=own.pk).exists()
