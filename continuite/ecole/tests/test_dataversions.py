"""Data versions: every write to a versioned table changes its school's version, in its transaction."""

import pytest
from django.db import connection, transaction

from continuite.ecole import dataversions
from continuite.ecole.models import DataVersion, Division, Staff, Student
from continuite.ecole.tests.factories import StudentFactory, TeachingAssignmentFactory

pytestmark = pytest.mark.django_db


def _version(world, domain="ecole", school=None):
    return dataversions.versions_of((school or world.etablissement).pk).get(domain)


def test_every_table_of_every_versioned_app_has_its_triggers():
    wanted = {table for table, _domain, _school in dataversions.versioned_tables()}
    assert len(wanted) > 30  # the directory's and the features' tables
    assert wanted <= dataversions.installed_tables()
    assert DataVersion._meta.db_table not in dataversions.installed_tables()


def test_a_saved_row_changes_its_schools_version_and_no_other(world):
    before, other = _version(world), _version(world, school=world.other_etablissement)
    student = world.student
    student.first_name = "Inès"
    student.save()
    after = _version(world)
    assert after != before
    assert _version(world, school=world.other_etablissement) == other


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda w: Student.objects.filter(pk=w.student.pk).update(first_name="Nour"), id="queryset-update"),
        pytest.param(
            lambda w: Student.objects.bulk_create(
                [StudentFactory.build(etablissement=w.etablissement, division=w.division)]
            ),
            id="bulk-create",
        ),
        pytest.param(lambda w: StudentFactory(etablissement=w.etablissement), id="create"),
        pytest.param(lambda w: Student.objects.filter(pk=w.student2.pk).delete(), id="queryset-delete"),
        pytest.param(lambda w: w.division.form_tutors.add(w.teacher), id="many-to-many-add"),
        pytest.param(lambda w: w.division.form_tutors.clear(), id="many-to-many-clear"),
        pytest.param(
            lambda w: TeachingAssignmentFactory(staff=w.teacher, division=w.division),
            id="row-with-school-of-its-parent",
        ),
        pytest.param(lambda w: Staff.objects.filter(pk=w.cpe.pk).update(is_cpe=False), id="role-change"),
    ],
)
def test_every_kind_of_write_changes_the_version(world, write):
    before = _version(world)
    write(world)
    assert _version(world) != before


def test_a_write_that_touches_nothing_changes_nothing(world):
    before = _version(world)
    Division.objects.filter(pk=-1).update(code="X")
    assert _version(world) == before


def test_a_rolled_back_write_leaves_the_version(world):
    before = _version(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        Student.objects.filter(pk=world.student.pk).update(first_name="Nour")
        assert _version(world) != before  # seen inside the transaction
        raise RuntimeError
    assert _version(world) == before


def test_the_school_itself_renamed_changes_its_version(world):
    before = _version(world)
    world.etablissement.name = "Lycée Jean Zay (Orléans)"
    world.etablissement.save()
    assert _version(world) != before


def test_install_is_idempotent_and_replaces_the_triggers():
    first = dataversions.install()
    assert dataversions.install() == first
    with connection.cursor() as cursor:
        triggers = dataversions._installed_triggers(cursor, connection.vendor)
    assert len(triggers) == 3 * first


def test_the_key_names_each_version_asked_for():
    versions = dataversions.parse([(7, "ecole", 11), (0, "catalogue", 5), (7, "catalogue", 3)])
    assert dataversions.key(versions, "ecole", "catalogue", "absent") == "ecole=11.0,catalogue=3.5,absent=0.0"
