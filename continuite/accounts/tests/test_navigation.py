"""The navigation bar groups an app's entries under the drop-down the app names (``GROUP``)."""

import pytest
from django.test import RequestFactory

from continuite.accounts.navigation import app_groups, menu_for

pytestmark = pytest.mark.django_db


def _menu(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return {str(entry["label"]): entry for entry in menu_for(request)}


def test_each_app_that_names_a_group_gets_its_drop_down(world):
    assert {str(label) for label in app_groups().values()} == {"Planning", "Suivi", "Équipement"}
    menu = _menu(world.direction.user)
    assert [str(child["label"]) for child in menu["Planning"]["children"]] == [
        "Charge de l'établissement",
        "Emploi du temps",
    ]
    assert len(menu["Suivi"]["children"]) == 3
    assert len(menu["Administration"]["children"]) == 6


def test_a_single_entry_of_an_app_stays_a_plain_link(world):
    assert "children" not in _menu(world.teacher.user)["Mon planning"]
    assert "children" not in _menu(world.direction.user)["Équipement"]
