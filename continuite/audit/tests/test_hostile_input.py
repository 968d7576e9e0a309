"""Hostile input: garbage in every parameter of every page, random text through the services.

Whatever is sent, the portal answers with a refusal (4xx) or a page, never a 500, and a refused
write leaves no trace.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from continuite.audit import services as audit_services
from continuite.audit.forms import AuditFilterForm, GuardianRectifyForm, StudentRectifyForm
from continuite.audit.models import AuditEntry
from continuite.ecole import services as ecole_services
from continuite.ecole.models import Guardian, Student
from continuite.tests.matrix import all_entries
from continuite.tests.world import MATRIX_ROLES, build_world

NASTY = [
    "'\"><script>alert(1)</script>",
    "x" * 5000,
    "Ünïcødé 🎒 ñ 中文 \u202e",
    "-1",
    "0",
    "99999999999999999999999",
    "../../../../etc/passwd",
    "%00",
    "1 OR 1=1; DROP TABLE ecole_student;--",
    "2027-02-30",
    "",
    "{{ 7*7 }}",
    "null",
    "[]",
]
PARAMS = [
    "q",
    "page",
    "pk",
    "id",
    "student",
    "user",
    "action",
    "start",
    "end",
    "week",
    "date",
    "next",
    "format",
    "sort",
]
ENTRIES = all_entries()


def _garbage(seed: int) -> dict:
    return {name: NASTY[(seed + i) % len(NASTY)] for i, name in enumerate(PARAMS)}


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.method}:{e.url_name}{e.query}" for e in ENTRIES])
def test_it_never_answers_500_to_garbage_parameters(entry):
    world = build_world()
    client = Client(raise_request_exception=False)
    url = reverse(entry.url_name, kwargs=entry.kwargs(world))
    failures = []
    for index, role in enumerate(MATRIX_ROLES):
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        if entry.method == "get":
            response = client.get(url, _garbage(index))
        else:
            data = {key: NASTY[(index + i) % len(NASTY)] for i, key in enumerate(entry.data(world))}
            response = getattr(client, entry.method)(url, {**_garbage(index), **data})
        if response.status_code >= 500:
            failures.append((role, response.status_code))
    assert not failures, f"{entry.url_name}: {failures}"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.method}:{e.url_name}{e.query}" for e in ENTRIES])
def test_it_answers_404_to_ids_that_do_not_exist(entry):
    world = build_world()
    kwargs = entry.kwargs(world)
    if not kwargs or not all(isinstance(value, int) for value in kwargs.values()):
        pytest.skip("no numeric id in this URL")
    client = Client(raise_request_exception=False)
    client.force_login(world.user("direction"))
    for guess in (2**31 + 7, 2**62):
        try:
            url = reverse(entry.url_name, kwargs={key: guess for key in kwargs})
        except NoReverseMatch:
            continue
        response = getattr(client, entry.method)(url, entry.data(world))
        assert response.status_code in (403, 404), (url, response.status_code)


hostile_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@FUZZ
@given(ine=hostile_text, last_name=hostile_text, first_name=hostile_text)
def test_it_creates_a_valid_student_or_refuses_without_a_trace(world, ine, last_name, first_name):
    before = Student.objects.count()
    try:
        student = ecole_services.student_create(
            etablissement=world.etablissement, ine=ine, last_name=last_name, first_name=first_name
        )
    except ValidationError as exc:
        assert exc.messages
        assert Student.objects.count() == before
    else:
        student.full_clean()
        assert Student.objects.count() == before + 1


@pytest.mark.django_db
@FUZZ
@given(last_name=hostile_text, first_name=hostile_text, email=hostile_text, mobile=hostile_text)
def test_it_rectifies_a_guardian_or_changes_nothing(world, last_name, first_name, email, mobile):
    guardian = Guardian.objects.get(pk=world.guardian2.pk)
    snapshot = (guardian.last_name, guardian.first_name, guardian.email, guardian.mobile)
    entries = AuditEntry.objects.count()
    try:
        audit_services.guardian_rectify(
            user=world.direction.user,
            guardian=guardian,
            last_name=last_name,
            first_name=first_name,
            email=email,
            mobile=mobile,
        )
    except ValidationError as exc:
        assert exc.messages
        stored = Guardian.objects.get(pk=guardian.pk)
        assert (stored.last_name, stored.first_name, stored.email, stored.mobile) == snapshot
        assert AuditEntry.objects.count() == entries
    else:
        Guardian.objects.get(pk=guardian.pk).full_clean()


@pytest.mark.django_db
@FUZZ
@given(data=st.dictionaries(st.sampled_from(["student", "user", "action", "start", "end"]), hostile_text))
def test_it_validates_any_filter_of_the_access_log(world, data):
    form = AuditFilterForm(data)

    if form.is_valid():
        list(AuditEntry.objects.visible_to(world.direction.user).about_student_named(form.cleaned_data["student"]))
    else:
        assert form.errors


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["last_name", "first_name", "birth_date"]), hostile_text))
def test_it_validates_any_student_rectification_form(data):
    form = StudentRectifyForm(data)

    assert form.is_valid() or form.errors


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["last_name", "first_name", "email", "mobile"]), hostile_text))
def test_it_validates_any_guardian_rectification_form(data):
    form = GuardianRectifyForm(data)

    assert form.is_valid() or form.errors
