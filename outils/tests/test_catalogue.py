"""The shipped catalogue holds every tool, rule, limit and tutorial of the seed document."""

import pytest

from continuite.ecole.tests.factories import EtablissementFactory
from outils.catalogue import load_catalogue
from outils.models import Tool, Tutorial
from outils.services import allowed_domain_add, tool_update, tutorial_create

pytestmark = pytest.mark.django_db

# Every tool the seed names, by its shipped slug.
SEED_TOOLS = {
    "pearltrees": "Pearltrees",
    "espace-stockage": "Espace de stockage",
    "cahier-de-textes": "Cahier de textes",
    "pronote": "Pronote",
    "moodle": "Moodle",
    "nextcloud": "Nextcloud",
    "onlyoffice": "OnlyOffice",
    "etherpad": "Etherpad",
    "chat": "Chat",
    "courriel": "Mon courriel",
    "annuaire": "Annuaire",
    "bigbluebutton-moodle": "BigBlueButton dans Moodle",
    "bigbluebutton-ent": "BigBlueButton dans NetO'Centre",
    "cned-classe-virtuelle": "Classe virtuelle du CNED",
    "pod": "Pod",
    "peertube": "PeerTube",
    "edubase": "Edubase",
    "discord": "Discord",
    "whatsapp": "WhatsApp",
}

# Every tutorial link of the seed, and the tool it belongs to.
SEED_TUTORIALS = {
    "https://www.youtube.com/watch?v=_ubsItykqhw": "pearltrees",
    "https://lycees.netocentre.fr/POD/video/0525-tutoriel-demarrer-avec-loutil-nextcloud-de-lent/": "nextcloud",
    "https://lycees.netocentre.fr/POD/video/0415-tutoriel-utiliser-pod-pour-deposer-une-capsule-de-cours/": "pod",
    "https://lycees.netocentre.fr/POD/video/0343-tutoriel-ecriture-collaborative/": "etherpad",
    "https://www.ac-orleans-tours.fr/fileadmin/user_upload/vie_numerique/Documents/ENT/Etherpad.pdf": "etherpad",
    "https://lycees.netocentre.fr/POD/video/0305-tutoriel-demarrer-avec-loutil-de-chat-de-lent/": "chat",
    "https://www.ac-orleans-tours.fr/fileadmin/user_upload/vie_numerique/Documents/ENT/RocketChat.pdf": "chat",
    "https://lycees.netocentre.fr/POD/video/1050-4-minutes-pour-creer-un-cours-moodle-et-y-ajouter-lactivite-bigbluebutton/": "bigbluebutton-moodle",  # noqa: E501
    "https://lycees.netocentre.fr/POD/video/1051-animer-une-classe-virtuelle-avec-bigbluebutton/": "bigbluebutton-ent",
    "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/tice/ressources/bigbluebutton/BigBlueButton_dans_Moodle.pdf": "bigbluebutton-moodle",  # noqa: E501
    "https://lycees.netocentre.fr/POD/video/0452-organiser-une-classe-virtuelle-via-le-cned/": "cned-classe-virtuelle",
    "http://www.dane.ac-versailles.fr/continuite-cned/cned-accompagnement-ma-classe-a-la-maison-classes-virtuelles": "cned-classe-virtuelle",  # noqa: E501
    "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/continuite_pedagogique/Classe_virtuelle.pdf": "cned-classe-virtuelle",  # noqa: E501
    "https://www.ac-orleans-tours.fr/fileadmin/user_upload/ses/continuite_pedagogique/S%C3%A9curiser_classe_virtuelle_CNED_via_Moodle.pdf": "cned-classe-virtuelle",  # noqa: E501
    "https://lycees.netocentre.fr/POD/video/0134-comment-creer-un-cours-moodle/": "moodle",
    "https://www.ac-orleans-tours.fr/pedagogie/ses/enseigner_avec_le_numerique/logiciels_et_tutoriels/": "moodle",
    "https://lycees.netocentre.fr/POD/video/0040-test-et-ecriture-collaborative-sur-le-moodle-de-lent/": "moodle",
}


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def test_it_ships_every_tool_of_the_seed():
    tools = dict(Tool.objects.filter(etablissement__isnull=True, shipped=True).values_list("slug", "name"))
    assert set(tools) == set(SEED_TOOLS)
    for slug, name in SEED_TOOLS.items():
        assert name in tools[slug]


def test_it_ships_every_tutorial_of_the_seed_on_its_tool():
    tutorials = dict(Tutorial.objects.filter(etablissement__isnull=True, shipped=True).values_list("url", "tool__slug"))
    assert tutorials == SEED_TUTORIALS


def test_it_gives_every_tutorial_a_kind_video_pdf_or_page():
    kinds = dict(Tutorial.objects.filter(shipped=True).values_list("url", "kind"))
    assert all(kind == "pdf" for url, kind in kinds.items() if url.endswith(".pdf"))
    assert kinds["https://www.youtube.com/watch?v=_ubsItykqhw"] == "video"


def test_it_rules_out_discord_with_the_four_reasons_and_the_chat_instead():
    discord = shipped("discord")
    assert discord.gdpr_status == "a_proscrire"
    reasons = discord.gdpr_reason_list
    assert len(reasons) == 4
    assert "personnel" in reasons[0]
    assert "consentement" in reasons[1] and "libre" in reasons[1]
    assert "16 ans" in reasons[2]
    assert "commercialisation des données" in reasons[3]
    assert discord.alternative == shipped("chat")
    assert discord.reference_url == "https://discord.com/privacy"


def test_it_ships_the_limits_and_rules_of_the_seed():
    assert shipped("nextcloud").limit_list == ["15 Go par enseignant.", "1 Go par élève."]
    assert any("mot de passe" in rule for rule in shipped("pod").rule_list)
    assert any("iframe" in rule for rule in shipped("pod").rule_list)
    assert any("URL, QR code ou code d'intégration" in rule for rule in shipped("peertube").rule_list)
    assert "Nextcloud" in shipped("onlyoffice").rule_list[0]
    for feature in ("devoirs", "questionnaires", "classe virtuelle", "écriture collaborative", "forum", "chat"):
        assert feature in shipped("moodle").description


def test_it_forbids_recording_every_virtual_class():
    virtual = Tool.objects.filter(etablissement__isnull=True, serves_virtual_class=True).exclude(
        gdpr_status="a_proscrire"
    )
    assert set(virtual.values_list("slug", flat=True)) == {
        "bigbluebutton-ent",
        "bigbluebutton-moodle",
        "cned-classe-virtuelle",
    }
    assert all(tool.no_recording for tool in virtual)


def test_it_says_who_logs_in_through_the_ent():
    assert shipped("bigbluebutton-moodle").students_log_in_through_ent
    assert shipped("bigbluebutton-ent").students_log_in_through_ent
    assert not shipped("cned-classe-virtuelle").students_log_in_through_ent
    assert shipped("cned-classe-virtuelle").access_mode == "student_account"


def test_it_covers_every_need_with_a_recommended_tool():
    for field in (
        "serves_documents",
        "serves_communication",
        "serves_collaborative_writing",
        "serves_virtual_class",
        "serves_courses",
        "serves_media",
    ):
        assert Tool.objects.filter(etablissement__isnull=True, gdpr_status="recommande", **{field: True}).exists()


def test_it_loads_the_catalogue_twice_without_change():
    before = (Tool.objects.count(), Tutorial.objects.count())
    load_catalogue()
    assert (Tool.objects.count(), Tutorial.objects.count()) == before


def test_it_keeps_a_schools_edit_when_the_catalogue_is_upgraded():
    school = EtablissementFactory()
    pod = shipped("pod")
    copy = tool_update(tool=pod, etablissement=school, summary="Notre Pod, avec mot de passe obligatoire.")
    allowed_domain_add(etablissement=school, domain="lycee.example.fr", note="Le site du lycée")
    tutorial = tutorial_create(
        tool=pod, etablissement=school, title="Pod au lycée", kind="pdf", url="https://lycee.example.fr/pod.pdf"
    )
    Tool.objects.filter(pk=pod.pk).update(summary="Ancienne version")  # as an older catalogue had it

    load_catalogue()

    copy.refresh_from_db()
    assert copy.summary == "Notre Pod, avec mot de passe obligatoire."
    assert shipped("pod").summary.startswith("Diffuser une vidéo")
    assert Tutorial.objects.filter(pk=tutorial.pk).exists()
