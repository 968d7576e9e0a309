"""One click, one effect: every form posted twice (a double click, a re-sent page) acts once.

Each form carries a one-time token (``continuite/accounts/submissions.py``). These tests post every
write URL of the permission matrix, and every form found on the matrix's pages, twice with the same
token, and compare the whole database after the first and after the second sending.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from continuite.accounts.models import SubmittedForm
from continuite.accounts.submissions import FIELD

from .matrix import all_entries
from .world import MATRIX_ROLES, build_world

# What a replay may touch: the token table itself, the session (the message shown), the access log
# of a page read. Everything else must be identical after the second sending.
NOT_EFFECTS = {"accounts.SubmittedForm", "sessions.Session", "audit.AuditEntry"}
ENTRIES = all_entries()
POST_ENTRIES = [e for e in ENTRIES if e.method == "post"]
PAGE_ENTRIES = [e for e in ENTRIES if e.method == "get" and not e.query.startswith("?format")]


def snapshot() -> dict:
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.label not in NOT_EFFECTS and not model._meta.proxy
    }


def allowed_role(entry) -> str | None:
    return next((r for r in MATRIX_ROLES if r not in ("anonymous", "other") and entry.expect[r] in (200, 302)), None)


def post_twice(client, url: str, data: dict, referer: str):
    first = client.post(url, data, HTTP_REFERER=referer)
    after_first = snapshot()
    second = client.post(url, data, HTTP_REFERER=referer)
    assert first.status_code < 500 and second.status_code < 500
    assert snapshot() == after_first, f"{url}: the second sending changed the database"
    if first.status_code in (301, 302, 303):
        assert (second.status_code, second["Location"]) == (302, first["Location"])
    else:
        assert second.status_code == 302  # back to the page, with a message; nothing done twice
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize("entry", POST_ENTRIES, ids=[e.url_name for e in POST_ENTRIES])
def test_it_acts_once_when_a_write_url_is_posted_twice(entry, client):
    world = build_world()
    role = allowed_role(entry)
    if role is None:
        pytest.skip("no role may post here")
    client.force_login(world.user(role))
    url = reverse(entry.url_name, kwargs=entry.kwargs(world)) + entry.query
    post_twice(client, url, {**entry.data(world), FIELD: uuid.uuid4().hex}, referer=url)


class FormReader(HTMLParser):
    """The post forms of a page with the values a hurried user would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = {
                "action": a.get("action") or "",
                "fields": {},
                "multipart": "multipart" in a.get("enctype", ""),
                "submit": None,
            }
            self.forms.append(self.current)
        if self.current is None:
            return
        fields = self.current["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in fields):
                    fields[name] = a.get("value", "on")
            elif kind == "submit":
                self.current["submit"] = self.current["submit"] or (name, a.get("value", ""))
            elif kind != "file":
                fields[name] = a.get("value") or filler(kind, a)
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self.current["submit"] = self.current["submit"] or (name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if "selected" in a or (value and not fields.get(self.select)):
                fields[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            fields[name] = "Essai"

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def filler(kind: str, attrs: dict) -> str:
    next_tuesday = dt.date.today() + dt.timedelta(days=(1 - dt.date.today().weekday()) % 7 or 7)
    return {
        "email": "essai@example.org",
        "number": attrs.get("min") or "30",
        "date": next_tuesday.isoformat(),
        "time": "10:00",
        "datetime-local": f"{next_tuesday.isoformat()}T10:00",
        "url": "",
        "password": "",
        "search": "",
    }.get(kind, "Essai")


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PAGE_ENTRIES, ids=[e.url_name for e in PAGE_ENTRIES])
def test_it_acts_once_when_a_form_of_the_page_is_sent_twice(entry, client):
    world = build_world()
    role = allowed_role(entry)
    if role is None or entry.expect[role] != 200:
        pytest.skip("no role reads this page")
    client.force_login(world.user(role))
    url = reverse(entry.url_name, kwargs=entry.kwargs(world)) + entry.query
    page = client.get(url)
    if "text/html" not in page.get("Content-Type", ""):
        pytest.skip("not a page")
    reader = FormReader()
    reader.feed(page.content.decode())
    forms = [
        f
        for f in reader.forms
        if FIELD in f["fields"] and not f["multipart"] and not urljoin(url, f["action"]).startswith("/comptes/")
    ]
    if not forms:
        pytest.skip("no form on this page")
    for form in forms:
        data = dict(form["fields"])
        if form["submit"]:
            data[form["submit"][0]] = form["submit"][1]
        target = urlsplit(urljoin(url, form["action"])).path or url
        post_twice(client, target, data, referer=url)


@pytest.mark.django_db
def test_it_writes_a_one_time_token_in_every_form(client):
    world = build_world()
    client.force_login(world.user("teacher"))
    first = client.get(reverse("planning:homework_new")).content.decode()
    second = client.get(reverse("planning:homework_new")).content.decode()
    token = first.split(f'name="{FIELD}" value="')[1][:32]
    assert len(token) == 32 and token not in second  # a new token at each display


@pytest.mark.django_db
def test_it_tells_the_person_that_the_second_click_did_nothing(client):
    world = build_world()
    client.force_login(world.user("teacher"))
    data = {"weeks": 1, FIELD: uuid.uuid4().hex}
    url = reverse("planning:week_copy")
    client.post(url, data)
    page = client.post(url, data, follow=True).content.decode()
    assert "Ce formulaire avait déjà été envoyé : il n&#x27;a été pris en compte qu&#x27;une fois." in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="two requests at once: PostgreSQL")
def test_it_acts_once_when_two_identical_posts_arrive_together(live_server):
    """A double click 20 ms apart: both requests run at the same time in two server threads."""
    from continuite.ecole.demo import DEMO_PASSWORD  # noqa: F401  (the demo is not needed; world suffices)

    world = build_world()
    teacher = world.user("teacher")
    token = uuid.uuid4().hex
    url = reverse("planning:week_copy")
    results: list[int] = []

    def click():
        client = Client()
        client.force_login(teacher)
        results.append(client.post(url, {"weeks": 1, FIELD: token}).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [302, 302]
    assert SubmittedForm.objects.filter(token=token).count() == 1


def _form_fields(client, url: str) -> dict:
    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    return next(f for f in reader.forms if FIELD in f["fields"])["fields"]


@pytest.mark.django_db
def test_it_creates_one_homework_when_its_form_is_sent_twice(client):
    from continuite.ecole.models import SchoolYear
    from planning.models import Homework
    from planning.services import school_calendar_build

    world = build_world()
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    client.force_login(world.user("teacher"))
    url = reverse("planning:homework_new")
    monday = dt.date(2027, 3, 8)
    data = {
        **_form_fields(client, url),
        "title": "QCM chapitre 3",
        "given_on": monday.isoformat(),
        "due_date": (monday + dt.timedelta(days=2)).isoformat(),
        "estimated_minutes": "45",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:3000]
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert Homework.objects.filter(title="QCM chapitre 3").count() == 1


@pytest.mark.django_db
def test_it_raises_one_flag_when_its_form_is_sent_twice(client):
    from suivi.models import Flag

    world = build_world()
    client.force_login(world.user("teacher"))
    url = reverse("suivi:flag_create")
    data = {
        **_form_fields(client, url),
        "observed": "Ne se connecte plus depuis lundi.",
        "since": dt.date.today().isoformat(),
    }
    first = client.post(url, data)
    client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:3000]
    assert Flag.objects.filter(observed="Ne se connecte plus depuis lundi.").count() == 1
