"""A link allowed when it was saved is withdrawn everywhere a student or a family opens it once the rules
change, without waiting for its teacher: the référent takes its domain off the school's list, the
académie rules its tool out, the school marks the tool unavailable.

Each surface is read as its user reads it: the student's and the parent's week, the home pages, the
iCalendar feeds; the teacher sees his link flagged with the reason and the way to change it.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from outils import services as outils_services
from outils.models import AllowedDomain, Tool
from planning import services
from planning.models import Modality, PlanningSettings
from planning.tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)
BOOK = "https://www.lelivrescolaire.fr/ch3"
QUIZ = "https://www.lelivrescolaire.fr/qcm-4"
VISIO_LINK = "https://visio.netocentre.fr/b/ses-1g3"
NOTE_STUDENT = (
    "Lien retiré : cet outil n'est plus autorisé dans l'établissement — votre professeur en donnera un autre."
)
NOTE_GUARDIAN = "Lien retiré : cet outil n'est plus autorisé dans l'établissement — le professeur en donnera un autre."


@pytest.fixture(autouse=True)
def sunday_evening():
    # The pages read without a week show the coming one (Monday 30 November) and its first days.
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def saved(calendar):
    """The référent allowed lelivrescolaire.fr; the teacher gave Monday's class and a piece of work on it."""
    w = calendar
    w.allowed = outils_services.allowed_domain_add(
        etablissement=w.etablissement, domain="lelivrescolaire.fr", note="Manuels numériques", by=w.referent.user
    )
    w.slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    w.session = services.session_plan(
        slot=w.slot, date=MONDAY, modality=Modality.ASYNC_DISTANCE, link=BOOK, by=w.teacher
    )
    w.homework = services.homework_create(
        etablissement=w.etablissement,
        title="QCM du chapitre 4",
        given_on=MONDAY,
        due_date=MONDAY + dt.timedelta(days=1),
        estimated_minutes=20,
        by=w.teacher,
        division=w.division,
        link=QUIZ,
    )
    return w


def remove_domain(client, w) -> None:
    """The référent takes the domain off the school's list, on his page (« Retirer », then its confirmation)."""
    client.force_login(w.referent.user)
    response = client.post(reverse("outils:domain_remove", args=[w.allowed.pk]), {"confirmer": "oui"})
    assert response.status_code == 302 and not AllowedDomain.objects.exists()


def text(response) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#x27;", "'").strip()


def hrefs(response) -> list[str]:
    return re.findall(r'href="([^"]+)"', response.content.decode())


def read(client, user, url: str):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def allow_guardians(w) -> None:
    PlanningSettings.objects.update_or_create(etablissement=w.etablissement, defaults={"links_for_guardians": True})


def feed(client, user) -> str:
    token = services.calendar_feed_get(user=user).token
    body = client.get(reverse("planning:ical_feed", args=[token])).content.decode()
    return body.replace("\r\n ", "")  # unfolded (RFC 5545 folds long lines)


# --- The student's and the parent's week ----------------------------------------------------------------


def test_it_withdraws_the_links_from_the_students_week_once_the_domain_is_removed(saved, client):
    before = read(client, saved.student.user, reverse("planning:my_week"))
    assert BOOK in hrefs(before) and QUIZ in hrefs(before)
    remove_domain(client, saved)
    after = read(client, saved.student.user, reverse("planning:my_week"))
    assert BOOK not in after.content.decode() and QUIZ not in after.content.decode()
    # the session's (in the grid and in the list of days, one of them shown by the screen's width) and the work's
    assert text(after).count(NOTE_STUDENT) == 3
    assert "QCM du chapitre 4" in text(after)  # the work itself is still there


def test_it_withdraws_the_links_from_the_parents_week(saved, client):
    allow_guardians(saved)
    url = reverse("planning:my_week") + f"?eleve={saved.student.pk}"
    assert BOOK in hrefs(read(client, saved.guardian.user, url))
    remove_domain(client, saved)
    after = read(client, saved.guardian.user, url)
    assert BOOK not in after.content.decode() and QUIZ not in after.content.decode()
    assert text(after).count(NOTE_GUARDIAN) == 3  # the session's, in the grid and in the list of days, the work's


def test_it_says_nothing_of_links_to_parents_when_the_school_does_not_show_them(saved, client):
    remove_domain(client, saved)
    words = text(read(client, saved.guardian.user, reverse("planning:my_week")))
    assert "Lien retiré" not in words and BOOK not in words


def test_it_tells_parents_where_the_virtual_class_links_are_when_the_school_keeps_them_for_students(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=1)
    services.session_plan(
        slot=slot, date=MONDAY + dt.timedelta(days=1), modality=Modality.VISIO, link=VISIO_LINK, by=w.teacher
    )
    url = reverse("planning:my_week") + f"?eleve={w.student.pk}"
    elsewhere = (
        "Les liens des classes virtuelles et les consignes des séances sont dans l'espace élève de "
        + w.student.first_name
    )
    words = text(read(client, w.guardian.user, url))
    assert elsewhere in words and VISIO_LINK not in words
    assert elsewhere not in text(read(client, w.student.user, reverse("planning:my_week")))
    allow_guardians(w)
    assert elsewhere not in text(read(client, w.guardian.user, url))


# --- The home pages ------------------------------------------------------------------------------------


def test_it_withdraws_the_link_from_the_students_home(saved, client):
    assert BOOK in hrefs(read(client, saved.student.user, reverse("home")))
    remove_domain(client, saved)
    after = read(client, saved.student.user, reverse("home"))
    assert BOOK not in after.content.decode()
    assert NOTE_STUDENT in text(after)


def test_it_withdraws_the_link_from_the_parents_home(saved, client):
    allow_guardians(saved)
    remove_domain(client, saved)
    after = read(client, saved.guardian.user, reverse("home"))
    assert BOOK not in after.content.decode()
    assert NOTE_GUARDIAN in text(after)


# --- The iCalendar feeds -------------------------------------------------------------------------------


def test_it_takes_the_link_out_of_the_students_feed(saved, client):
    assert f"Lien : {BOOK}" in feed(client, saved.student.user)
    remove_domain(client, saved)
    body = feed(client, saved.student.user)
    assert "lelivrescolaire" not in body
    assert body.count(NOTE_STUDENT.replace(",", "\\,")) == 2  # the session's and the work's


def test_it_takes_the_link_out_of_the_parents_feed(saved, client):
    allow_guardians(saved)
    remove_domain(client, saved)
    body = feed(client, saved.guardian.user)
    assert "lelivrescolaire" not in body
    assert NOTE_GUARDIAN.replace(",", "\\,") in body


def test_it_tells_the_teacher_in_his_feed_why_the_link_is_gone(saved, client):
    remove_domain(client, saved)
    body = feed(client, saved.teacher.user)
    assert BOOK not in body and QUIZ not in body
    assert "Lien retiré\\, les élèves ne le voient plus : « www.lelivrescolaire.fr » n'est le domaine" in body


def test_it_takes_the_link_out_of_the_teachers_class_feed(saved, client):
    remove_domain(client, saved)
    token = services.calendar_feed_get(user=saved.teacher.user).token
    url = reverse("planning:ical_division", args=[token, saved.division.pk])
    body = client.get(url).content.decode().replace("\r\n ", "")
    assert "SUMMARY:" in body and BOOK not in body and QUIZ not in body
    assert "Lien retiré\\, les élèves ne le voient plus" in body


# --- The teacher's own pages ------------------------------------------------------------------------------


def test_it_flags_the_link_on_the_teachers_week_with_the_reason_and_a_way_to_change_it(saved, client):
    remove_domain(client, saved)
    page = read(client, saved.teacher.user, reverse("planning:week"))
    words = text(page)
    assert BOOK not in hrefs(page)
    assert (
        "Lien refusé « www.lelivrescolaire.fr » n'est le domaine d'aucun outil du catalogue de l'établissement : "
        "demandez au référent numérique de l'ajouter à la liste des domaines autorisés s'il convient. "
        "Les élèves ne le voient plus. Changer le lien"
    ) in words
    assert reverse("planning:session_edit", args=[saved.session.pk]) in hrefs(page)
    assert reverse("planning:homework_edit", args=[saved.homework.pk]) in hrefs(page)
    assert words.count("Lien refusé") == 3  # the session in the grid and in the day list (phones), the work


def test_it_explains_the_refusal_on_the_session_and_work_pages(saved, client):
    remove_domain(client, saved)
    for url in (
        reverse("planning:session_edit", args=[saved.session.pk]),
        reverse("planning:homework_edit", args=[saved.homework.pk]),
    ):
        words = text(read(client, saved.teacher.user, url))
        assert "Ce lien n'est plus autorisé : les élèves et leurs familles ne le voient plus." in words
        assert "Pour un travail en autonomie, utilisez à la place :" in words


def test_it_flags_the_link_on_the_teachers_home(saved, client):
    remove_domain(client, saved)
    page = read(client, saved.teacher.user, reverse("home"))
    assert BOOK not in page.content.decode()
    assert "Lien refusé" in text(page)
    assert reverse("planning:session_edit", args=[saved.session.pk]) in hrefs(page)


def test_it_shows_the_link_again_once_the_teacher_changes_it(saved, client):
    remove_domain(client, saved)
    services.session_update(
        session=saved.session, modality=Modality.ASYNC_DISTANCE, link="https://lycees.netocentre.fr/moodle/ch3"
    )
    page = read(client, saved.student.user, reverse("planning:my_week"))
    assert "https://lycees.netocentre.fr/moodle/ch3" in hrefs(page)
    assert text(page).count(NOTE_STUDENT) == 1  # the work's link is still the old one


# --- Other changes of the rules -------------------------------------------------------------------------


@pytest.fixture
def bbb_class(calendar):
    w = calendar
    w.slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    w.bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    w.session = services.session_plan(
        slot=w.slot,
        date=MONDAY,
        modality=Modality.VISIO,
        tool=w.bbb,
        link="https://visio.netocentre.fr/b/x",
        by=w.teacher,
    )
    return w


def test_it_withdraws_a_link_to_a_tool_the_academie_rules_out_since(bbb_class, client):
    Tool.objects.filter(pk=bbb_class.bbb.pk).update(gdpr_status="a_proscrire")  # the catalogue's next upgrade
    page = read(client, bbb_class.student.user, reverse("planning:my_week"))
    assert "visio.netocentre.fr" not in page.content.decode()
    assert NOTE_STUDENT in text(page)


def test_it_withdraws_a_link_to_a_tool_the_school_marks_unavailable(bbb_class, client):
    outils_services.tool_set_availability(
        tool=bbb_class.bbb, etablissement=bbb_class.etablissement, unavailable=True, note="Serveur en panne."
    )
    page = read(client, bbb_class.student.user, reverse("planning:my_week"))
    assert "visio.netocentre.fr" not in page.content.decode()
    assert NOTE_STUDENT in text(page)


def test_it_keeps_a_link_when_the_school_adapts_the_tools_sheet(bbb_class, client):
    # The référent edits the académie's sheet: the school's copy now stands for the tool chosen before.
    outils_services.tool_update(tool=bbb_class.bbb, etablissement=bbb_class.etablissement, name="Classe du lycée")
    page = read(client, bbb_class.student.user, reverse("planning:my_week"))
    assert "https://visio.netocentre.fr/b/x" in hrefs(page)
    client.force_login(bbb_class.referent.user)
    assert "https://visio.netocentre.fr/b/x" not in client.get(reverse("outils:link_policy")).content.decode()


def test_it_withdraws_a_link_off_the_domains_of_the_schools_copy(bbb_class, client):
    outils_services.tool_update(
        tool=bbb_class.bbb, etablissement=bbb_class.etablissement, allowed_domains=["lycees.netocentre.fr"]
    )
    page = read(client, bbb_class.student.user, reverse("planning:my_week"))
    assert "visio.netocentre.fr" not in page.content.decode()
    assert NOTE_STUDENT in text(page)


def test_it_withdraws_a_discord_link_saved_before_the_rule_from_every_surface(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SessionFactory(
        slot=slot,
        date=MONDAY,
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        modality=Modality.VISIO,
        link="https://discord.gg/abcd",
    )
    for url in (reverse("planning:my_week"), reverse("home")):
        page = read(client, w.student.user, url)
        assert "discord" not in page.content.decode() and NOTE_STUDENT in text(page)
    assert "discord" not in feed(client, w.student.user)
    words = text(read(client, w.teacher.user, reverse("planning:week")))
    assert (
        "Lien refusé « discord.gg » est un lien de Discord, outil à proscrire. Les élèves ne le voient plus." in words
    )


def test_it_reads_no_policy_for_rows_without_links_and_once_for_many(calendar, django_assert_num_queries):
    from outils.policy import LinkChecker
    from planning.shown_links import check_links

    w = calendar
    bare = [SessionFactory(division=w.division, subject=w.subject, link="") for _ in range(3)]
    linked = [
        SessionFactory(division=w.division, subject=w.subject, link=f"https://visio.netocentre.fr/b/{n}")
        for n in range(5)
    ]
    checker = LinkChecker(w.etablissement.pk)
    with django_assert_num_queries(0):
        check_links(bare, checker)
    with django_assert_num_queries(1):  # the school's catalogue with its allowed domains, once
        check_links(linked, checker)
    assert [s.link_shown for s in bare] == ["", "", ""]
    assert [s.link_shown for s in linked] == [s.link for s in linked]


def test_no_template_renders_a_sessions_or_works_link_without_the_policy():
    """Only the link partial turns a session's or a work's link into an address, and only ``link_shown``."""
    raw = re.compile(r"""href="\{\{\s*[\w.]*\b(s|session|hw|homework|occ|row|item)\.link\s*\}\}""")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if raw.search(path.read_text())
    ]
    assert offenders == []
