"""The catalogue's search answers the words teachers use: abbreviations, « visio », « ENT »; the tools
that answer best come first."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def names(client, query) -> list[str]:
    return [tool.name for tool in client.get(reverse("outils:tool_search"), {"q": query}).context["tools"]]


@pytest.mark.parametrize("query", ["BBB", "bbb", "Big Blue Button"])
def test_it_finds_bigbluebutton_by_its_abbreviation(client, world, query):
    client.force_login(world.teacher.user)
    found = names(client, query)
    assert found[:2] == ["BigBlueButton dans NetO'Centre", "BigBlueButton dans Moodle"]


@pytest.mark.parametrize("query", ["visio", "Visioconférence", "classe virtuelle", "webconf", "cours en direct"])
def test_it_puts_the_video_tools_first_for_the_words_of_a_video_class(client, world, query):
    client.force_login(world.teacher.user)
    found = names(client, query)
    video = ["BigBlueButton dans NetO'Centre", "BigBlueButton dans Moodle", "Classe virtuelle du CNED"]
    assert found[:3] == video
    if "Moodle" in found:  # its sheet speaks of the classe virtuelle: after the video tools
        assert found.index("Moodle") > 2
    assert found[-1] in ("Discord", "WhatsApp")  # ruled out: last, with what to use instead


def test_it_finds_the_ents_tools_for_ent(client, world):
    client.force_login(world.teacher.user)
    found = names(client, "ENT")
    ent = found[: found.index("Etherpad") + 1]
    for name in ("Moodle", "Etherpad", "Pod", "Nextcloud", "Chat de l'ENT", "BigBlueButton dans NetO'Centre"):
        assert name in found
    # hosted in the ENT before the tools whose sheet only mentions it
    assert "Classe virtuelle du CNED" not in ent and "PeerTube (apps.education.fr)" not in ent


def test_a_word_inside_another_is_no_synonym(client, world):
    # « rent » holds « ent », « devisionner » holds « visio »: neither is a word of the query.
    client.force_login(world.teacher.user)
    assert names(client, "parentalité") == []
