"""The catalogue's pages: what each role sees, pinned query counts, and the editors' forms.

Every page of a signed-in user costs the same queries before the page's own: the session, the
user (with his profiles), for a teacher the divisions he tutors (his roles), the unread
notifications of the navigation bar, and the session's save (a savepoint, the update, its release).
"""

import pytest
from django.urls import reverse

from outils.models import Tool, ToolLocalSetting, Tutorial
from outils.services import tool_set_availability, tool_update
from outils.tests.factories import ToolFactory, TutorialFactory

pytestmark = pytest.mark.django_db

# session, user (with his profiles and unread notifications), session save (savepoint, update, release)
BASE = 5
# a parent: the same (his roles need no query either)
BASE_FAMILY = 5


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def test_it_lists_the_catalogue_by_need_with_a_pinned_query_count(client, world, django_assert_num_queries):
    client.force_login(world.teacher.user)
    ToolFactory.create_batch(4, etablissement=world.etablissement, serves_media=True)
    TutorialFactory.create_batch(3, tool=shipped("pod"), etablissement=world.etablissement)
    with django_assert_num_queries(BASE + 1):  # + the tools with their alternative, copies and settings
        response = client.get(reverse("outils:tool_list"))
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [section["need"].label for section in sections] == [
        "Partager des documents",
        "Communiquer avec les élèves et les parents",
        "Écrire à plusieurs",
        "Animer une classe virtuelle",
        "Concevoir et partager des cours",
        "Diffuser des vidéos et du son",
    ]


def test_it_links_every_need_to_a_recommended_tool_in_one_click(client, world):
    client.force_login(world.teacher.user)
    response = client.get(reverse("outils:tool_list"))
    for section in response.context["sections"]:
        first = section["tools"][0]
        assert first.gdpr_status == "recommande"
        assert first.get_absolute_url() in response.content.decode()


def test_it_shows_why_not_discord_and_what_instead(client, world):
    client.force_login(world.teacher.user)
    page = client.get(reverse("outils:tool_list")).content.decode()
    communication = page.split('id="besoin-communication"')[1].split("</section>")[0]
    assert "Discord" in communication and "Pourquoi pas" in communication and "16 ans" in communication
    # for each of Discord's needs, the tools offered for it: the chat, and the video tools too
    assert f'<a href="{shipped("chat").get_absolute_url()}">Chat de l&#x27;ENT</a>' in communication
    assert "Animer une classe virtuelle : <a" in communication and "Classe virtuelle du CNED</a>" in communication
    # ruled out tools come last in their need
    assert communication.index("Discord") > communication.index("Pronote")


def test_it_shows_a_tool_unavailable_here_after_the_others(client, world):
    tool_set_availability(tool=shipped("pearltrees"), etablissement=world.etablissement, unavailable=True, note="Fini")
    client.force_login(world.teacher.user)
    sections = client.get(reverse("outils:tool_list")).context["sections"]
    documents = sections[0]["tools"]
    assert documents[-1].slug == "pearltrees" and documents[-1].locally_unavailable
    assert documents[-1].local_note == "Fini"


def test_it_shows_a_tool_with_its_rules_limits_and_tutorials(client, world, django_assert_num_queries):
    client.force_login(world.student.user)
    TutorialFactory.create_batch(3, tool=shipped("nextcloud"), etablissement=world.etablissement)
    TutorialFactory(tool=shipped("nextcloud"), etablissement=world.other_etablissement, title="Autre lycée")
    url = shipped("nextcloud").get_absolute_url()
    # + the tool and its alternative, + the school's copy (none), + its local setting, + the tutorials,
    # + the catalogue with the school's allowed domains (the link policy of the page's links)
    with django_assert_num_queries(BASE_FAMILY + 5):
        response = client.get(url)
    page = response.content.decode()
    assert "15 Go par enseignant." in page and "1 Go par élève." in page
    assert "Démarrer avec l&#x27;outil Nextcloud de l&#x27;ENT" in page
    assert len(response.context["tutorials"]) == 4
    assert "Autre lycée" not in page
    assert "Modifier la fiche" not in page


def test_it_warns_that_virtual_classes_must_not_be_recorded(client, world):
    client.force_login(world.teacher.user)
    page = client.get(shipped("bigbluebutton-ent").get_absolute_url()).content.decode()
    assert "Les classes virtuelles ne doivent pas être enregistrées." in page
    assert "Connexion par l&#x27;ENT" in page


def test_it_redirects_the_academie_tool_to_the_schools_copy(client, world):
    copy = tool_update(tool=shipped("pod"), etablissement=world.etablissement, summary="Pod du lycée")
    client.force_login(world.teacher.user)
    response = client.get(shipped("pod").get_absolute_url())
    assert response.status_code == 302 and response.url == copy.get_absolute_url()


def test_it_searches_the_catalogue(client, world, django_assert_num_queries):
    client.force_login(world.teacher.user)
    ToolFactory.create_batch(3, etablissement=world.etablissement, name="Vidéo maison")
    # + the matching tools, + the catalogue for the tools to use instead of a ruled-out one found
    # (WhatsApp's sheet speaks of « appels vidéo »)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("outils:tool_search"), {"q": "vidéo"})
    names = [tool.name for tool in response.context["tools"]]
    assert "Pod" in names and "PeerTube (apps.education.fr)" in names
    assert "Nextcloud" in names  # "document, image, audio, vidéo"


def test_it_says_when_the_search_finds_nothing(client, world):
    client.force_login(world.teacher.user)
    response = client.get(reverse("outils:tool_search"), {"q": "zzz"})
    assert "Aucun outil ne correspond" in response.content.decode()


def test_it_shows_families_the_tools_of_their_children_and_the_ent_codes(client, world, django_assert_num_queries):
    client.force_login(world.guardian.user)
    ToolFactory.create_batch(3, etablissement=world.etablissement, for_students=True)
    # + the school's catalogue (with each tool's alternative), + the établissement
    with django_assert_num_queries(BASE_FAMILY + 2):
        response = client.get(reverse("outils:family_page"))
    page = response.content.decode()
    slugs = [tool.slug for tool in response.context["tools"]]
    assert "pod" in slugs and "annuaire" not in slugs and "discord" not in slugs
    assert "Obtenir ses codes d'accès à l'ENT" in page
    assert "Discord" in page  # ruled out, with its reasons


def test_it_edits_an_academie_tool_for_the_school_only(client, world):
    client.force_login(world.referent.user)
    pod = shipped("pod")
    url = reverse("outils:tool_edit", args=[pod.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "Pod",
        "summary": "Nos capsules de cours.",
        "description": "",
        "needs": ["media"],
        "hosting": "ent",
        "access_mode": "ent",
        "gdpr_status": "recommande",
        "gdpr_reasons": "ENT",
        "audiences": ["enseignants", "eleves"],
        "limits": "",
        "rules": "Mot de passe obligatoire.",
        "allowed_domains": "netocentre.fr",
        "url": "",
        "reference_url": "",
        "alternative": "",
    }
    response = client.post(url, data)
    copy = Tool.objects.get(etablissement=world.etablissement, slug="pod")
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    assert copy.rules == "Mot de passe obligatoire." and copy.summary == "Nos capsules de cours."
    assert shipped("pod").summary != "Nos capsules de cours."
    # the other school still sees the académie's tool
    client.force_login(world.other_direction.user)
    assert client.get(pod.get_absolute_url()).status_code == 200


def test_it_shows_a_french_error_and_changes_nothing_on_bad_input(client, world):
    client.force_login(world.direction.user)
    response = client.post(
        reverse("outils:tool_edit", args=[shipped("pod").pk]),
        {
            "name": "Pod",
            "summary": "x",
            "needs": ["media"],
            "hosting": "ent",
            "access_mode": "ent",
            "gdpr_status": "recommande",
            "allowed_domains": "pas un domaine",
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas un nom de domaine" in response.content.decode()
    assert not Tool.objects.filter(etablissement=world.etablissement).exists()


def test_it_requires_a_need_in_french(client, world):
    client.force_login(world.direction.user)
    response = client.post(reverse("outils:tool_create"), {"name": "Padlet", "summary": "x", "hosting": "ent"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Tool.objects.filter(etablissement=world.etablissement).exists()


def test_it_creates_a_schools_tool_from_the_portal(client, world):
    client.force_login(world.referent.user)
    response = client.post(
        reverse("outils:tool_create"),
        {
            "name": "Padlet du lycée",
            "summary": "Mur",
            "needs": ["collaborative_writing"],
            "hosting": "outside",
            "access_mode": "link",
            "gdpr_status": "possible",
            "allowed_domains": "padlet.com",
        },
    )
    tool = Tool.objects.get(etablissement=world.etablissement)
    assert response.status_code == 302 and tool.slug == "padlet-du-lycee" and tool.allowed_domains == ["padlet.com"]


def test_it_reverts_a_copy_from_the_edit_page(client, world):
    copy = tool_update(tool=shipped("pod"), etablissement=world.etablissement, summary="À nous")
    client.force_login(world.referent.user)
    response = client.post(reverse("outils:tool_edit", args=[copy.pk]), {"revert": "1"})
    assert response.status_code == 302 and response.url == shipped("pod").get_absolute_url()
    assert not Tool.objects.filter(pk=copy.pk).exists()


def test_it_marks_a_tool_unavailable_from_its_page(client, world):
    client.force_login(world.referent.user)
    pearltrees = shipped("pearltrees")
    response = client.post(
        reverse("outils:tool_availability", args=[pearltrees.pk]), {"unavailable": "on", "note": "Plus d'abonnement"}
    )
    assert response.status_code == 302
    setting = ToolLocalSetting.objects.get(etablissement=world.etablissement)
    assert (setting.slug, setting.unavailable) == ("pearltrees", True)
    assert "Plus d&#x27;abonnement" in client.get(pearltrees.get_absolute_url()).content.decode()


def test_it_refuses_an_unexplained_unavailability_in_french(client, world):
    client.force_login(world.referent.user)
    response = client.post(
        reverse("outils:tool_availability", args=[shipped("pod").pk]), {"unavailable": "on"}, follow=True
    )
    assert "pourquoi" in response.content.decode()
    assert not ToolLocalSetting.objects.exists()


def test_it_adds_edits_and_deletes_a_tutorial_from_the_portal(client, world):
    client.force_login(world.referent.user)
    client.post(reverse("outils:link_policy"), {"domain": "lycee.example.fr", "note": "Le site du lycée"})
    pod = shipped("pod")
    response = client.post(
        reverse("outils:tutorial_create", args=[pod.pk]),
        {"title": "Pod pas à pas", "kind": "pdf", "url": "https://lycee.example.fr/pod.pdf"},
    )
    assert response.status_code == 302
    tutorial = Tutorial.objects.get(etablissement=world.etablissement)
    url = reverse("outils:tutorial_edit", args=[tutorial.pk])
    client.post(url, {"title": "Pod en 5 minutes", "kind": "video", "url": "https://lycee.example.fr/pod"})
    tutorial.refresh_from_db()
    assert (tutorial.title, tutorial.kind) == ("Pod en 5 minutes", "video")
    client.post(url, {"delete": "1"})
    assert not Tutorial.objects.filter(pk=tutorial.pk).exists()


def test_it_refuses_a_tutorial_with_a_bad_link_in_french(client, world):
    client.force_login(world.referent.user)
    response = client.post(
        reverse("outils:tutorial_create", args=[shipped("pod").pk]),
        {"title": "Lien", "kind": "pdf", "url": "ftp://lycee.example.fr/pod.pdf"},
    )
    assert response.status_code == 200 and "Saisissez une URL valide." in response.content.decode()
    assert not Tutorial.objects.filter(etablissement=world.etablissement).exists()


def test_it_refuses_a_teacher_deleting_a_tutorial(client, world):
    tutorial = TutorialFactory(tool=shipped("pod"), etablissement=world.etablissement)
    client.force_login(world.teacher.user)
    assert client.post(reverse("outils:tutorial_edit", args=[tutorial.pk]), {"delete": "1"}).status_code == 403
    client.force_login(world.other_direction.user)
    assert client.post(reverse("outils:tutorial_edit", args=[tutorial.pk]), {"delete": "1"}).status_code == 404
    assert Tutorial.objects.filter(pk=tutorial.pk).exists()


def test_it_puts_the_catalogue_in_the_navigation(client, world):
    client.force_login(world.teacher.user)
    assert 'href="/outils/"' in client.get(reverse("home")).content.decode()
    client.force_login(world.guardian.user)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/outils/familles/"' in page and 'href="/outils/"' not in page
