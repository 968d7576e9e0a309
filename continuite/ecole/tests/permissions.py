from continuite.tests.matrix import EVERYONE, LOGIN, MATRIX_ROLES, Entry, only

ENTRIES = [
    Entry("home", expect=only(EVERYONE)),
    # The ENT's CAS login exists only when ENT_CAS_SERVER_URL is set (test_ent_cas covers it then).
    Entry("ent_cas_login", expect=dict.fromkeys(MATRIX_ROLES, 404)),
    # A page kept open asks for its renewed form token: anyone, signed in or not (it says which).
    Entry("form_token", expect={**dict.fromkeys(MATRIX_ROLES, 200), "anonymous": 200}),
    Entry(
        "ecole:division_list",
        expect=only(("teacher", "tutor", "cpe", "direction", "gestionnaire")),
    ),
    Entry(
        "ecole:division_detail",
        kwargs=lambda w: {"pk": w.division.pk},
        expect=only(("teacher", "tutor", "cpe", "direction", "gestionnaire"), other=404),
    ),
    Entry(
        "ecole:student_detail",
        kwargs=lambda w: {"pk": w.student.pk},
        # the référent numérique has no access to students: 404, as for another school
        expect={
            **only(("teacher", "tutor", "cpe", "direction", "gestionnaire", "parent", "student"), others=404),
            "anonymous": LOGIN,
        },
    ),
    Entry("ecole:staff_list", expect=only(("direction",))),
    Entry(
        "ecole:staff_invite",
        method="post",
        kwargs=lambda w: {"pk": w.teacher.pk},
        expect=only(("direction",), ok=302, other=404),
    ),
]
