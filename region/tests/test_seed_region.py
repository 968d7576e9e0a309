"""The region seeder (benchmark data): two generators at once, no id given twice, sequences ahead."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from continuite.ecole.models import Division, Etablissement, Student
from planning.models import Session
from region.copy import IdAllocator

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the seeder writes with COPY: PostgreSQL only"),
]


def test_two_allocators_never_hand_out_the_same_ids():
    first, second = IdAllocator(), IdAllocator()
    blocks = [first.take(Session, 100), second.take(Session, 50), first.take(Session, 1), second.take(Session, 10)]
    ranges = [range(blocks[0], blocks[0] + 100), range(blocks[1], blocks[1] + 50), range(blocks[2], blocks[2] + 1)]
    ranges.append(range(blocks[3], blocks[3] + 10))
    ids = [i for r in ranges for i in r]
    assert len(ids) == len(set(ids))


def test_it_generates_lycees_in_two_processes_and_the_portal_writes_after_them():
    call_command("seed_region", lycees=2, jobs=2, batch=1, stdout=StringIO())  # one lycée per process
    generated = Etablissement.objects.filter(uai__startswith="9", uai__endswith="R")
    assert generated.count() == 2
    for etab in generated:
        assert Division.objects.filter(etablissement=etab).count() == 42
        assert Student.objects.filter(etablissement=etab).count() == 42 * 35
    # every session points to a division or a group of its own lycée
    assert Session.objects.exists()
    assert (
        not Session.objects.exclude(division__isnull=True).exclude(division__etablissement=F("etablissement")).exists()
    )
    assert not Session.objects.exclude(group__isnull=True).exclude(group__etablissement=F("etablissement")).exists()
    # the sequences stayed ahead of the generated rows: the portal can write
    Etablissement.objects.create(uai="0459998X", name="Lycée créé après la génération")
    out = StringIO()
    call_command("seed_region", lycees=2, stdout=out)
    assert "rien à faire" in out.getvalue() and generated.count() == 2
