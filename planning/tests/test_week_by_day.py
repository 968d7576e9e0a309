"""The student's and the parent's week read day by day, as on a phone: each day's heading, then its sessions in
time order with their time, subject, teachers, modality and link (the link policy as in the grid); « Aucune
séance » on an empty school day, a holiday's name on a day off, a weekend day only when it holds a session.

The list and the grid are both in the page (CSS shows one of them by the screen's width): these tests read the
list; the browser journey (``test_e2e_week_by_day.py``) checks which one is seen.
"""

import datetime as dt

import lxml.html
import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.tests.factories import StaffFactory, SubjectFactory
from planning import services
from planning.models import Modality, PlanningSettings
from planning.tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)
VISIO = "https://classe.netocentre.fr/ses-mardi"
WEEK_DAYS = [
    "Lundi 30 novembre",
    "Mardi 1er décembre",
    "Mercredi 2 décembre",
    "Jeudi 3 décembre",
    "Vendredi 4 décembre",
]


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def week(calendar):
    """Léa's week (1G3): Monday history at 8:00 (two teachers) then SES at 10:00; Tuesday a cancelled maths
    class at 9:00 and a virtual class at 14:00 outside the timetable, with its link; nothing from Wednesday."""
    w = calendar
    history = SubjectFactory(etablissement=w.etablissement, label="Histoire-géographie")
    maths = SubjectFactory(etablissement=w.etablissement, label="Mathématiques")
    w.tutor.civility = "M."
    w.tutor.save()
    bernard = StaffFactory(etablissement=w.etablissement, civility="Mme", first_name="Anne", last_name="BERNARD")
    # created in the reverse of their time order: the list sorts them
    SlotFactory(
        division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, start=dt.time(10), end=dt.time(11)
    )
    SlotFactory(
        division=w.division, subject=history, teachers=[w.tutor, bernard], weekday=0, start=dt.time(8), end=dt.time(9)
    )
    SessionFactory(
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        date=MONDAY + dt.timedelta(days=1),
        start=dt.time(14),
        end=dt.time(15),
        modality=Modality.VISIO,
        link=VISIO,
    )
    maths_slot = SlotFactory(
        division=w.division, subject=maths, teachers=[bernard], weekday=1, start=dt.time(9), end=dt.time(10)
    )
    SessionFactory(
        slot=maths_slot,
        division=w.division,
        subject=maths,
        teachers=[bernard],
        date=MONDAY + dt.timedelta(days=1),
        start=dt.time(9),
        end=dt.time(10),
        modality=Modality.CANCELLED,
    )
    return w


def words(element) -> str:
    return " ".join(element.text_content().split())


def day_list(response) -> list[tuple[str, list[str]]]:
    """The week as the phone reads it: each day's heading with the texts under it (a session each, or the
    note of an empty day)."""
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content.decode())
    [block] = tree.xpath("//div[contains(concat(' ', @class, ' '), ' planning-days ')]")
    days: list[tuple[str, list[str]]] = []
    for element in block:
        if element.tag == "h3":
            days.append((words(element), []))
        elif element.tag == "ul":
            days[-1][1].extend(words(item) for item in element.iter("li"))
        elif element.tag == "p":
            days[-1][1].append(words(element))
    return days


def list_links(response) -> list[str]:
    tree = lxml.html.fromstring(response.content.decode())
    return tree.xpath("//div[contains(concat(' ', @class, ' '), ' planning-days ')]//a/@href")


def read(client, user, **query):
    client.force_login(user)
    return client.get(reverse("planning:my_week"), {"semaine": MONDAY.isoformat(), **query})


def test_it_lists_each_day_with_its_sessions_in_time_order(week, client):
    days = dict(day_list(read(client, week.student.user)))
    assert list(days) == WEEK_DAYS
    monday = days["Lundi 30 novembre"]
    assert len(monday) == 2
    assert monday[0].startswith("08:00–09:00 Histoire-géographie · 1G3 Mme BERNARD, M. GARNIER En présence")
    assert monday[1].startswith("10:00–11:00 Sciences économiques et sociales · 1G3 Claire MARTIN En présence")
    tuesday = days["Mardi 1er décembre"]
    assert len(tuesday) == 2
    assert tuesday[0].startswith("09:00–10:00 Mathématiques · 1G3 Mme BERNARD Annulé")
    assert tuesday[1].startswith(
        "14:00–15:00 Sciences économiques et sociales · 1G3 Claire MARTIN Classe virtuelle hors emploi du temps"
    )
    assert "Rejoindre / ouvrir : Sciences économiques et sociales" in tuesday[1]
    assert "La classe virtuelle n'est ni filmée ni enregistrée." in tuesday[1]
    assert list_links(read(client, week.student.user)) == [VISIO]


def test_it_says_there_is_no_session_on_an_empty_school_day(week, client):
    days = dict(day_list(read(client, week.student.user)))
    assert days["Mercredi 2 décembre"] == ["Aucune séance"]
    assert days["Vendredi 4 décembre"] == ["Aucune séance"]
    assert "Aucune séance" not in days["Lundi 30 novembre"]


def test_it_names_the_holiday_and_lists_no_session_on_it(week, client):
    SlotFactory(
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        weekday=2,
        start=dt.time(8),
        end=dt.time(9),
    )
    days = day_list(read(client, week.student.user, semaine="2026-11-09"))
    assert [heading for heading, _ in days] == [
        "Lundi 9 novembre",
        "Mardi 10 novembre",
        "Mercredi 11 novembre Armistice",
        "Jeudi 12 novembre",
        "Vendredi 13 novembre",
    ]
    assert dict(days)["Mercredi 11 novembre Armistice"] == []  # neither its class nor « Aucune séance »


def test_it_lists_a_saturday_only_when_it_holds_a_session(week, client):
    services.planning_settings_update(etablissement=week.etablissement, class_weekdays=["0", "1", "2", "3", "4", "5"])
    assert [heading for heading, _ in day_list(read(client, week.student.user))] == WEEK_DAYS
    SlotFactory(
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        weekday=5,
        start=dt.time(8),
        end=dt.time(9),
    )
    days = dict(day_list(read(client, week.student.user)))
    assert list(days) == [*WEEK_DAYS, "Samedi 5 décembre"]
    assert days["Samedi 5 décembre"][0].startswith("08:00–09:00 Sciences économiques et sociales")


@pytest.mark.parametrize("allowed", [False, True], ids=["school-hides-links", "school-shows-links"])
def test_it_gives_a_guardian_the_link_in_the_list_only_if_the_school_allows_it(week, client, allowed):
    PlanningSettings.objects.update_or_create(
        etablissement=week.etablissement, defaults={"links_for_guardians": allowed}
    )
    response = read(client, week.guardian.user, eleve=week.student.pk)
    tuesday = dict(day_list(response))["Mardi 1er décembre"]
    assert tuesday[1].startswith("14:00–15:00 Sciences économiques et sociales · 1G3 Claire MARTIN Classe virtuelle")
    if allowed:
        assert list_links(response) == [VISIO]
        assert "Rejoindre / ouvrir" in tuesday[1]
    else:
        assert list_links(response) == []
        assert VISIO not in response.content.decode()
        assert "Rejoindre" not in tuesday[1] and "Lien" not in tuesday[1]


def test_the_teachers_week_reads_day_by_day_too_with_a_way_to_add_a_session_each_day(week, client):
    client.force_login(week.teacher.user)
    response = client.get(reverse("planning:week"), {"semaine": MONDAY.isoformat()})
    tree = lxml.html.fromstring(response.content.decode())
    assert tree.xpath("//table[contains(@class, 'planning-grid')]//a[contains(., '+ séance')]")  # the grid's cells
    days = tree.xpath("//div[contains(concat(' ', @class, ' '), ' planning-days ')]")[0]
    headings = [" ".join(h.text_content().split()) for h in days.xpath(".//h3")]
    assert headings[:2] == ["Lundi 30 novembre", "Mardi 1er décembre"]
    adds = days.xpath(".//a[starts-with(normalize-space(.), '+ séance ce jour')]/@href")
    assert f"{reverse('planning:session_new')}?date=2026-11-30" in adds
    assert len(adds) == len(headings)  # one per class day (no holiday that week)
    assert days.xpath(".//a[contains(., 'Modifier') or contains(., 'Planifier')]")  # each session editable from there


def test_the_grid_names_the_teachers_too(week, client):
    tree = lxml.html.fromstring(read(client, week.student.user).content.decode())
    cells = [" ".join(td.text_content().split()) for td in tree.xpath("//table[contains(@class, 'planning-grid')]//td")]
    assert any(cell.startswith("Histoire-géographie · 1G3 Mme BERNARD, M. GARNIER En présence") for cell in cells)
