"""A subject's short label, read on phones in the week's cells: cut between two words, never inside one."""

import pytest

from continuite.ecole.services import shortened, subject_create
from continuite.ecole.tests.factories import EtablissementFactory


def test_it_cuts_a_long_label_between_two_words():
    assert shortened("Histoire-géo, géopolitique et sciences politiques") == "Histoire-géo, géopolitique et sciences…"
    assert shortened("Humanités, littérature et philosophie") == "Humanités, littérature et philosophie"


@pytest.mark.django_db
def test_a_subject_without_short_label_gets_one_that_ends_on_a_word():
    subject = subject_create(
        etablissement=EtablissementFactory(), code="HGGSP", label="Histoire-géo, géopolitique et sciences politiques"
    )
    assert subject.short_label == "Histoire-géo, géopolitique et sciences…"
    assert len(subject.short_label) <= 40
