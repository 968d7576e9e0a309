"""From the demo: the form tutor switches 1G3, and Léa reads her spécialités at a distance on her week."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.demo import seed_directory
from continuite.ecole.models import Division, Student
from planning import demo
from planning.selectors import groups_drawn_from

TODAY = dt.date(2026, 11, 30)


@pytest.mark.django_db
def test_it_switches_1g3_and_puts_leas_specialites_at_a_distance(client):
    # A week the demo left as in the timetable: only the switch can put her groups at a distance.

    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        etablissement = seed_directory(today=TODAY)
        demo.seed(etablissement=etablissement, today=TODAY)
        division = Division.objects.get(etablissement=etablissement, code="1G3")
        lea = Student.objects.get(division=division, last_name="DURAND", first_name="Léa")
        specialites = list(lea.groups.exclude(kind="demi"))
        assert len(specialites) == 3

        client.force_login(division.form_tutors.get().user)
        url = reverse("planning:division_switch", args=[division.pk])
        page = client.get(url).text
        shared = [d for d in groups_drawn_from(division) if d.is_shared]
        for drawn in shared:
            assert f"{drawn.group.label} (aussi des élèves de " in page
        data = {"start": "2026-12-14", "end": "2026-12-18", "modality": "visio", "first_half_in_room": "A"}
        data |= {"hybrid_remote_mode": "live"} | {f"groupe_{d.group.pk}": "hybride" for d in shared}
        response = client.post(url, data, follow=True)
        assert "planifiées pour la 1G3 et ses groupes." in response.text

        client.force_login(lea.user)
        week = client.get(reverse("planning:my_week") + "?semaine=2026-12-14").text
    # The whole class is away (not a half-group rota): the banner says so, without her half-group.
    assert "Cette semaine, toute votre classe est à distance : chaque séance dit comment la suivre." in week
    assert "Vous êtes dans le demi-groupe" not in week
    assert "Vous : en classe" not in week
    blocks = week.split('<div class="planning-occ')[1:]
    for group in specialites:
        lessons = [b for b in blocks if group.label in b]
        assert lessons, group.label
        for lesson in lessons:  # at a distance: her 1G3 away in the group, or the whole group in visio
            assert "Vous : à distance" in lesson or "Classe virtuelle" in lesson, lesson
