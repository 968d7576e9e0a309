"""The planner's forms read by a screen reader and on a phone, without script.

A refusal says so on the field it concerns (aria-invalid, its message named by aria-describedby) and
the summary links to that field; the gauge's verdict is drawn in the form, after the date; a piece of
work ticked done says so in the piece of work, where the page opens.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from continuite.tests.html_reader import read_html
from planning.tests.factories import HomeworkFactory, SlotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)
HYBRID_INCOMPLETE = "Dites quel demi-groupe est en classe et si l'autre suit en direct ou travaille en autonomie."


@pytest.fixture(autouse=True)
def sunday_evening():
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def week(calendar):
    w = calendar
    w.monday_slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    return w


def summary_links(html: str) -> dict[str, str]:
    """The error summary's links: the field's label → where it leads."""
    summary = html.split("data-form-errors", 1)[1].split("</div>", 1)[0]
    return {
        label.strip(): href for href, label in re.findall(r'<a class="alert-link" href="([^"]*)">([^<]*)</a>', summary)
    }


def test_it_says_on_the_half_group_field_that_a_hybrid_session_needs_it(week, client):
    client.force_login(week.teacher.user)
    url = reverse("planning:slot_occurrence", args=[week.monday_slot.pk, MONDAY.isoformat()])
    response = client.post(url, {"modality": "hybride"})
    assert response.status_code == 200
    page = read_html(response.content)
    assert page.attrs("id_hybrid_room_half")["aria-invalid"] == "true"
    assert page.description("id_hybrid_room_half") == HYBRID_INCOMPLETE
    assert summary_links(response.content.decode()) == {"Hybride : demi-groupe en classe": "#id_hybrid_room_half"}
    # the other fields are not marked
    assert "aria-invalid" not in page.attrs("id_hybrid_remote_mode")


def test_it_says_on_the_date_field_that_a_new_session_falls_on_a_holiday(week, client):
    client.force_login(week.teacher.user)
    data = {
        "audience": f"d{week.division.pk}",
        "subject": week.subject.pk,
        "date": "2026-12-25",
        "start": "10:00",
        "end": "11:00",
        "modality": "presence",
    }
    response = client.post(reverse("planning:session_new"), data)
    page = read_html(response.content)
    assert page.attrs("id_date")["aria-invalid"] == "true"
    assert page.description("id_date").startswith("Le vendredi 25 décembre 2026 est un jour de vacances ou férié")
    assert "aria-invalid" not in page.attrs("id_start")


def test_it_says_every_mistake_of_a_new_session_at_once_each_on_its_field(week, client):
    from planning.models import Session

    client.force_login(week.teacher.user)
    before = Session.objects.count()
    data = {
        "audience": f"d{week.division.pk}",
        "subject": week.subject.pk,
        "date": "2026-12-25",
        "start": "16:00",
        "end": "15:00",
        "modality": "hybride",
        "link": "https://discord.gg/abc",
    }
    response = client.post(reverse("planning:session_new"), data)
    page = read_html(response.content)
    assert page.description("id_end") == "La séance doit commencer avant de finir."
    assert page.description("id_date").startswith("Le vendredi 25 décembre 2026 est un jour de vacances ou férié")
    assert page.description("id_hybrid_room_half") == HYBRID_INCOMPLETE
    assert set(summary_links(response.content.decode()).values()) >= {"#id_end", "#id_date", "#id_hybrid_room_half"}
    assert Session.objects.count() == before


def test_it_says_every_mistake_of_a_piece_of_work_at_once(week, client):
    from planning.models import Homework

    client.force_login(week.teacher.user)
    data = {
        "audience": f"d{week.division.pk}",
        "title": "Fiche",
        "kind": "exercice",
        "hand_in_mode": "aucun",
        "estimated_minutes": "30",
        "given_on": "2026-12-21",
        "due_date": "2026-12-25",
        "link": "https://discord.gg/abc",
    }
    response = client.post(reverse("planning:homework_new"), data)
    words = " ".join(response.content.decode().split())
    assert "est un jour de vacances ou férié" in words
    assert "est un lien de Discord, outil à proscrire" in words
    assert not Homework.objects.exists()


def test_it_says_on_the_link_field_why_the_link_is_refused_keeping_its_help(week, client):
    client.force_login(week.teacher.user)
    url = reverse("planning:slot_occurrence", args=[week.monday_slot.pk, MONDAY.isoformat()])
    response = client.post(url, {"modality": "visio", "link": "http://classe.example.org/ses"})
    page = read_html(response.content)
    link = page.attrs("id_link")
    assert link["aria-invalid"] == "true"
    # its help first (who reads the link), then what is wrong
    assert link["aria-describedby"] == "id_link_helptext id_link_error"
    assert "Ne pas filmer ni enregistrer la classe virtuelle" in page.text("id_link_helptext")
    assert page.text("id_link_error") == "Le lien doit commencer par https://."


def test_it_says_on_the_due_date_that_work_is_due_before_it_is_given(week, client):
    client.force_login(week.teacher.user)
    data = {
        "audience": f"d{week.division.pk}",
        "subject": week.subject.pk,
        "kind": "exercice",
        "title": "Fiche",
        "given_on": "2026-12-02",
        "due_date": "2026-12-01",
        "estimated_minutes": "30",
        "hand_in_mode": "aucun",
    }
    response = client.post(reverse("planning:homework_new"), data)
    page = read_html(response.content)
    assert page.attrs("id_due_date")["aria-invalid"] == "true"
    assert page.description("id_due_date") == "La date de remise doit suivre la date où le travail est donné."


def test_it_links_the_summary_to_the_first_choice_of_a_list_of_choices(week, client):
    client.force_login(week.teacher.user)
    url = reverse("planning:slot_occurrence", args=[week.monday_slot.pk, MONDAY.isoformat()])
    response = client.post(url, {"modality": "inconnue"})
    html = response.content.decode()
    assert summary_links(html) == {"Modalité": "#id_modality_0"}
    page = read_html(html)
    assert page.attrs("id_modality_0")["aria-invalid"] == "true"
    # the group of choices is described by its message
    assert '<fieldset aria-describedby="id_modality_error">' in html
    assert page.text("id_modality_error").startswith("Sélectionnez un choix valide.")


def test_it_draws_the_gauge_verdict_in_the_form_right_after_the_due_date(week, client):
    # Another teacher already gave 90 minutes for Tuesday: 45 more go over the 120 minutes of a day.
    HomeworkFactory(group=week.spe_group, created_by=week.tutor, due_date=dt.date(2026, 12, 1), estimated_minutes=90)
    client.force_login(week.teacher.user)
    data = {
        "audience": f"d{week.division.pk}",
        "subject": week.subject.pk,
        "kind": "exercice",
        "title": "",  # sent back: the page is drawn again with what was typed
        "given_on": "2026-11-30",
        "due_date": "2026-12-01",
        "estimated_minutes": "45",
        "hand_in_mode": "aucun",
    }
    html = client.post(reverse("planning:homework_new"), data).content.decode()
    form = html.split('id="planning-form"', 1)[1].split("</form>", 1)[0]
    after_date = form.split('id="id_due_date"', 1)[1].split('id="id_estimated_minutes"', 1)[0]
    verdict = re.search(r'<div class="d-lg-none mb-3" data-gauge-verdict>(.*?)</div>', after_date, re.S)
    assert verdict, "le verdict de la jauge suit la date de remise"
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", verdict.group(1))).strip()
    assert words == (
        "Charge des élèves le mardi 1er décembre : seuil dépassé — "
        "travail à faire : plus de 120 min par jour (135 min). Voir la jauge et les jours plus légers"
    )
    # The gauge keeps its place and its live region; the verdict it refreshes from is inert, and no id
    # is drawn twice.
    assert '<section id="jauge" class="planning-gauge" aria-live="polite"' in html
    assert "<template data-verdict>" in html.split('<section id="jauge"', 1)[1]
    assert read_html(html).duplicates == []


def test_it_says_a_ticked_work_is_done_in_the_work_itself(calendar, client):
    w = calendar
    works = [HomeworkFactory(division=w.division, created_by=w.teacher, title=f"Fiche {n}") for n in range(3)]
    client.force_login(w.user("student"))
    response = client.post(reverse("planning:homework_done", args=[works[2].pk]))
    assert response.url.endswith(f"#travail-{works[2].pk}")
    shown = client.get(response.url.split("#")[0])
    # kept by no one (no ETag): read again, even conditionally, the page never says it again
    assert "ETag" not in shown
    html = shown.content.decode()
    page = read_html(html)
    said = "Travail noté comme fait : Exercice : Fiche 2."
    assert page.text(f"travail-{works[2].pk}").startswith(said)
    item = html.split(f'id="travail-{works[2].pk}"', 1)[1]
    assert re.match(r'>\s*<div class="alert alert-success item-message[^"]*" role="status">', item)
    # said once: not also at the top of the page, nor in the other works
    assert html.count(said) == 1
    assert said not in page.text(f"travail-{works[1].pk}")
    # read again, the page says nothing more
    assert said not in client.get(response.url.split("#")[0]).content.decode()
