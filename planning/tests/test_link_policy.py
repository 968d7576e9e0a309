"""One link policy for every link a student or a family can open, read as the teacher and the référent read it.

Discord and WhatsApp are refused with the catalogue's reasons and the video tools to use instead; an
unknown domain is refused until the référent numérique allows it; "Copier le plan" leaves a refused
link behind; the référent lists the links that break the rules.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from continuite.notifications.models import Notification
from outils.models import AllowedDomain, Tool
from planning import services
from planning.models import Homework, Modality, Session
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sunday_evening():
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def week(calendar):
    w = calendar
    w.slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    return w


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def post_session(client, w, **data):
    client.force_login(w.teacher.user)
    return client.post(reverse("planning:slot_occurrence", args=[w.slot.pk, "2026-11-30"]), data)


def errors_of(response) -> list[str]:
    """The form's error messages, one per item of its error list (without the link to the field it is on)."""
    page = response.content.decode()
    box = page[page.index("alert-danger") :]
    box = box[: box.index("</ul>")]
    items = [
        re.sub(r'^\s*<a class="alert-link" href="#[^"]*">[^<]*</a> : ', "", item) for item in box.split("<li>")[1:]
    ]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).replace("&#x27;", "'").strip() for item in items]


def fiche(slug: str) -> str:
    return Tool.objects.get(slug=slug, etablissement__isnull=True).get_absolute_url()


def test_it_refuses_a_discord_class_with_the_reasons_and_the_video_tools_instead(week, client):
    response = post_session(client, week, modality="visio", link="https://discord.gg/abcd")
    # One message: why (the académie's reasons) and what instead, not bullets that read as separate errors.
    [message] = errors_of(response)
    assert message.startswith("« discord.gg » est un lien de Discord, outil à proscrire : ")
    assert "Le modèle économique pose question" in message
    assert message.endswith(
        "Pour une classe virtuelle, utilisez à la place : BigBlueButton dans NetO'Centre, BigBlueButton dans Moodle, "
        "Classe virtuelle du CNED."
    )
    # The tools to use instead lead to their catalogue pages.
    page = response.content.decode()
    for slug in ("bigbluebutton-ent", "bigbluebutton-moodle", "cned-classe-virtuelle"):
        assert f'<a class="alert-link" href="{fiche(slug)}">' in page
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "link", ["https://discord.gg/abcd", "https://discordapp.com/invite/abc", "https://wa.me/33612"]
)
def test_with_a_tool_chosen_a_ruled_out_link_is_said_ruled_out_first(week, client, link):
    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    [message] = errors_of(post_session(client, week, modality="visio", tool=bbb.pk, link=link))
    assert re.match(r"« [a-z.]+ » est un lien de (Discord|WhatsApp), outil à proscrire : La solution", message)
    assert "Le lien d'un outil « BigBlueButton dans NetO'Centre » doit pointer vers netocentre.fr." in message
    assert message.index("outil à proscrire") < message.index("doit pointer vers")
    assert not Session.objects.exists()


def test_a_hybrid_session_whose_remote_half_works_alone_takes_the_tools_for_autonomy(week, client):
    etherpad = Tool.objects.get(slug="etherpad", etablissement__isnull=True)
    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    hybrid = {"modality": "hybride", "hybrid_room_half": "A"}
    response = post_session(
        client,
        week,
        **hybrid,
        hybrid_remote_mode="autonomie",
        tool=bbb.pk,
        link="https://lycees.netocentre.fr/bbb/x",
    )
    [message] = errors_of(response)
    assert message.startswith(
        "L'outil « BigBlueButton dans NetO'Centre » n'est pas proposé pour une séance hybride dont le demi-groupe "
        "à distance travaille en autonomie."
    )
    assert "Etherpad" in message and "Pod" in message
    response = post_session(
        client,
        week,
        **hybrid,
        hybrid_remote_mode="autonomie",
        tool=etherpad.pk,
        link="https://lycees.netocentre.fr/pad/x",
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.tool, session.link) == (etherpad, "https://lycees.netocentre.fr/pad/x")
    # Copied to the next week, the link stays (it is allowed for that use), and the référent does not list it.
    services.week_copy(staff=week.teacher, from_monday=MONDAY, to_mondays=[MONDAY + dt.timedelta(days=7)])
    assert Session.objects.get(date=MONDAY + dt.timedelta(days=7)).link == "https://lycees.netocentre.fr/pad/x"
    client.force_login(week.referent.user)
    assert "Aucun lien de séance ou de travail à venir n'enfreint les règles." in text(
        client.get(reverse("outils:link_policy"))
    )
    # Followed by video, the same session takes the video tools, not Etherpad.
    client.force_login(week.teacher.user)
    response = client.post(
        reverse("planning:session_edit", args=[session.pk]),
        {**hybrid, "hybrid_remote_mode": "live", "tool": etherpad.pk, "link": "https://lycees.netocentre.fr/pad/x"},
    )
    [message] = errors_of(response)
    assert message.startswith("L'outil « Etherpad » n'est pas proposé pour une séance hybride suivie en direct")
    assert "BigBlueButton dans NetO'Centre" in message


@pytest.mark.parametrize(
    ("modality", "reason"),
    [
        ("presence", "une séance en classe n'en a pas besoin"),
        ("annule", "une séance annulée n'en a pas besoin"),
    ],
)
def test_a_link_typed_for_a_session_that_gives_none_is_said_not_kept(week, client, modality, reason):
    response = post_session(client, week, modality=modality, notes="Chapitre 3", link="https://lycees.netocentre.fr/x")
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert f"Séance enregistrée. Le lien n'a pas été gardé : {reason}." in page
    assert Session.objects.get().link == ""
    # Without a link typed, nothing more is said.
    session = Session.objects.get()
    response = client.post(
        reverse("planning:session_edit", args=[session.pk]), {"modality": modality, "notes": "Ch. 4"}
    )
    page = text(client.get(response.url))
    assert "Séance enregistrée." in page and "n'a pas été gardé" not in page


def test_it_refuses_whatsapp_for_work_in_autonomy(week, client):
    words = text(post_session(client, week, modality="async_distance", link="https://chat.whatsapp.com/x"))
    assert "« chat.whatsapp.com » est un lien de WhatsApp, outil à proscrire" in words
    assert "Pour un travail en autonomie, utilisez à la place :" in words and "Pod" in words
    assert not Session.objects.exists()


def test_it_refuses_an_unknown_domain_until_the_referent_allows_it(week, client):
    words = text(post_session(client, week, modality="async_distance", link="https://www.lelivrescolaire.fr/ch3"))
    assert "« www.lelivrescolaire.fr » n'est le domaine d'aucun outil du catalogue" in words
    assert "demandez au référent numérique" in words
    assert not Session.objects.exists()

    client.force_login(week.referent.user)
    page = client.post(reverse("outils:link_policy"), {"domain": "lelivrescolaire.fr", "note": "Manuels numériques"})
    assert page.status_code == 302
    page = client.get(reverse("outils:link_policy"))
    assert "lelivrescolaire.fr — Manuels numériques" in text(page)

    post_session(client, week, modality="async_distance", link="https://www.lelivrescolaire.fr/ch3")
    assert Session.objects.get().link == "https://www.lelivrescolaire.fr/ch3"


def test_it_never_lets_the_referent_allow_a_ruled_out_domain(week, client):
    client.force_login(week.referent.user)
    words = text(client.post(reverse("outils:link_policy"), {"domain": "discord.gg", "note": "Pratique"}))
    assert "« discord.gg » est un domaine de Discord, outil à proscrire : il ne peut pas être autorisé." in words
    assert not AllowedDomain.objects.exists()


def test_it_refuses_a_video_tool_for_work_in_autonomy_and_pod_for_a_video_class(week):
    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    pod = Tool.objects.get(slug="pod", etablissement__isnull=True)
    with pytest.raises(Exception, match="L'outil « Pod » n'est pas proposé pour une classe virtuelle"):
        services.session_plan(
            slot=week.slot, date=MONDAY, modality=Modality.VISIO, tool=pod, link="https://pod.netocentre.fr/v"
        )
    with pytest.raises(Exception, match="n'est pas proposé pour un travail en autonomie"):
        services.session_plan(slot=week.slot, date=MONDAY, modality=Modality.ASYNC_DISTANCE, tool=bbb)
    assert not Session.objects.exists()


def test_it_offers_the_tools_grouped_by_modality(week, client):
    client.force_login(week.teacher.user)
    page = client.get(reverse("planning:slot_occurrence", args=[week.slot.pk, "2026-11-30"])).content.decode()
    video_label = 'label="Classe virtuelle, ou hybride suivie en direct"'
    autonomy_label = 'label="Travail en autonomie, à distance ou en hybride"'
    video = page[page.index(video_label) : page.index(autonomy_label)]
    autonomy = page[page.index(autonomy_label) : page.index("</select>", page.index(autonomy_label))]
    assert "BigBlueButton dans NetO&#x27;Centre" in video and "Pod" not in video and "Discord" not in video
    assert "Pod" in autonomy and "BigBlueButton" not in autonomy


def test_it_refuses_a_discord_link_for_work(week):
    with pytest.raises(Exception, match="outil à proscrire"):
        services.homework_create(
            etablissement=week.etablissement,
            title="QCM",
            given_on=MONDAY,
            due_date=MONDAY + dt.timedelta(days=2),
            estimated_minutes=20,
            by=week.teacher,
            division=week.division,
            link="https://discord.com/invite/x",
        )
    assert not Homework.objects.exists()


def test_it_does_not_carry_a_refused_link_to_the_next_week(week):
    # Saved before the rule (a row written directly): the copy keeps the modality, not the link.
    SessionFactory(
        slot=week.slot,
        date=MONDAY,
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        modality=Modality.VISIO,
        link="https://discord.gg/abcd",
    )
    services.week_copy(staff=week.teacher, from_monday=MONDAY, to_mondays=[MONDAY + dt.timedelta(days=7)])
    copy = Session.objects.get(date=MONDAY + dt.timedelta(days=7))
    assert (copy.modality, copy.link) == (Modality.VISIO, "")


def _refused_links(week):
    """A Discord session and a work on an unknown domain, both given by the week's teacher."""
    SessionFactory(
        date=MONDAY,
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        modality=Modality.VISIO,
        link="https://discord.gg/abcd",
    )
    HomeworkFactory(division=week.division, created_by=week.teacher, due_date=MONDAY, link="https://x.example.org/q")


def test_it_lists_the_links_that_break_the_rules_for_the_referent(week, client, django_assert_num_queries):
    _refused_links(week)
    SessionFactory(
        date=MONDAY,
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        modality=Modality.VISIO,
        link="https://classe.netocentre.fr/ok",
    )
    client.force_login(week.referent.user)
    client.get(reverse("outils:link_policy"))
    # session, user, etablissement, tools (with local settings and the allowed domains as subqueries),
    # sessions, their teachers, work (with who gave it), the school's tutorials, allowed domains listed
    with django_assert_num_queries(9):
        page = client.get(reverse("outils:link_policy"))
    words = text(page)
    assert "2 liens à faire changer par leurs enseignants" in words
    assert str(week.teacher) in words
    assert 'href="/planning/seance/' not in page.content.decode()  # pages the référent may not open
    assert "https://discord.gg/abcd" in words and "est un lien de Discord, outil à proscrire" in words
    assert "« x.example.org » n'est le domaine d'aucun outil du catalogue" in words
    assert "classe.netocentre.fr/ok" not in words
    # The table says why in a sentence; the tools to use instead are in each teacher's notice.
    assert "utilisez à la place" not in words


def test_the_teachers_notice_names_the_tools_to_use_instead(week, client):
    _refused_links(week)
    client.force_login(week.referent.user)
    client.post(reverse("outils:refused_links_notify"))
    notice = Notification.objects.get(kind="outils.refused_links")
    assert "Pour une classe virtuelle, utilisez à la place :" in notice.body_text


def test_the_referent_tells_each_teacher_his_refused_links_once(week, client):
    _refused_links(week)
    client.force_login(week.referent.user)
    words = text(client.post(reverse("outils:refused_links_notify"), follow=True))
    assert "1 enseignant prévenu : chacun reçoit la liste de ses liens refusés" in words
    notice = Notification.objects.get(kind="outils.refused_links")
    assert notice.user == week.teacher.user
    assert notice.subject == "2 liens donnés à vos élèves ne sont plus autorisés"
    assert "https://discord.gg/abcd" in notice.body_text and "https://x.example.org/q" in notice.body_text
    assert "est un lien de Discord, outil à proscrire" in notice.body_text
    assert notice.reply_to == week.referent.user.email
    words = text(client.post(reverse("outils:refused_links_notify"), follow=True))
    assert "Aucun enseignant à prévenir (ou ils l'ont déjà été aujourd'hui pour ces liens)." in words
    assert Notification.objects.filter(kind="outils.refused_links").count() == 1


def test_it_finds_the_video_tools_when_searching_visio(world, client):
    client.force_login(world.teacher.user)
    words = text(client.get(reverse("outils:tool_search") + "?q=visio"))
    for name in ("BigBlueButton dans NetO'Centre", "Classe virtuelle du CNED"):
        assert name in words


def test_it_names_the_video_tools_as_discords_alternatives(world, client):
    client.force_login(world.teacher.user)
    discord = Tool.objects.get(slug="discord", etablissement__isnull=True)
    words = text(client.get(reverse("outils:tool_detail", args=[discord.pk])))
    assert "Animer une classe virtuelle : BigBlueButton dans NetO'Centre" in words
    assert "Communiquer avec les élèves et les parents :" in words and "Chat" in words


def test_it_keeps_a_tool_pages_link_on_the_tools_domains(world):
    from django.core.exceptions import ValidationError

    from outils import services as outils_services

    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    with pytest.raises(ValidationError, match="« discord.gg » est un lien de Discord, outil à proscrire"):
        outils_services.tool_update(tool=bbb, etablissement=world.etablissement, url="https://discord.gg/x")
    with pytest.raises(ValidationError, match="doit pointer vers un domaine autorisé de l'outil"):
        outils_services.tool_update(tool=bbb, etablissement=world.etablissement, url="https://visio.example.org/x")
    discord = Tool.objects.get(slug="discord", etablissement__isnull=True)
    with pytest.raises(ValidationError, match="Un outil à proscrire n'a pas d'adresse d'accès"):
        outils_services.tool_update(tool=discord, etablissement=world.etablissement, url="https://discord.gg/x")
    copy = outils_services.tool_update(
        tool=bbb, etablissement=world.etablissement, url="https://lycees.netocentre.fr/bbb"
    )
    assert copy.url == "https://lycees.netocentre.fr/bbb"
