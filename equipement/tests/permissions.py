"""Every URL of the equipment app, for every role (see continuite/tests/matrix.py)."""

from continuite.tests.matrix import EVERYONE, Entry, only
from equipement import services

from .factories import DeviceFactory, LoanFactory, NeedFactory

MANAGERS = ("direction", "gestionnaire")
# Those who see Léa's need: her teachers, her form tutor, the CPE, the managers, her parent and herself.
SEE_LEA = ("teacher", "tutor", "cpe", "direction", "gestionnaire", "parent", "student")


def need_of_lea(w) -> dict:
    return {"pk": NeedFactory(student=w.student, declared_by=w.teacher.user).pk}


def loan_of_lea(w, **kwargs) -> dict:
    return {"pk": LoanFactory(need__student=w.student, **kwargs).pk}


def object_write(ok: int = 302) -> dict:
    """Managers act; others who see the object get 403; those who do not, 404."""
    return {**only(MANAGERS, ok=ok, others=403, other=404), "referent": 404}


# Who reads the students' digital readiness (the form tutor his class only); who keeps it.
READINESS_READERS = ("tutor", "cpe", "direction", "referent")
READINESS_KEEPERS = ("tutor", "referent")

ENTRIES = [
    Entry("equipement:readiness_list", expect=only(READINESS_READERS)),
    Entry(
        "equipement:readiness_export",
        kwargs=lambda w: {"pk": w.division.pk},
        expect=only(READINESS_READERS, other=404),
    ),
    Entry(
        "equipement:readiness_edit",
        kwargs=lambda w: {"student_pk": w.student.pk},
        expect={**only(READINESS_KEEPERS, others=404), "cpe": 403, "direction": 403},
    ),
    Entry("equipement:dashboard", expect=only(MANAGERS)),
    Entry("equipement:export_csv", expect=only(MANAGERS)),
    Entry("equipement:settings", expect=only(MANAGERS)),
    Entry("equipement:need_list", expect=only(EVERYONE, other=200)),
    Entry("equipement:need_create", expect=only(EVERYONE, other=200)),
    Entry("equipement:need_detail", kwargs=need_of_lea, expect=only(SEE_LEA, others=404)),
    Entry(
        "equipement:need_decide",
        method="post",
        kwargs=need_of_lea,
        data=lambda w: {"decision": "papier"},
        expect=object_write(),
    ),
    Entry("equipement:need_close", method="post", kwargs=need_of_lea, expect=object_write()),
    Entry("equipement:device_list", expect=only(MANAGERS)),
    Entry("equipement:device_create", expect=only(MANAGERS)),
    Entry("equipement:device_import", expect=only(MANAGERS)),
    Entry("equipement:device_export", expect=only(MANAGERS)),
    Entry(
        "equipement:device_edit",
        kwargs=lambda w: {"pk": DeviceFactory(etablissement=w.etablissement).pk},
        expect=only(MANAGERS, other=404),
    ),
    Entry("equipement:loan_detail", kwargs=loan_of_lea, expect=only(SEE_LEA, others=404)),
    Entry("equipement:loan_prepare", method="post", kwargs=loan_of_lea, expect=object_write()),
    Entry("equipement:loan_agreement_resend", method="post", kwargs=loan_of_lea, expect=object_write()),
    Entry(
        "equipement:loan_hand_over",
        method="post",
        kwargs=lambda w: loan_of_lea(w, status="prepare"),
        data=lambda w: {"signed_by": w.guardian.pk},
        expect=object_write(),
    ),
    Entry(
        "equipement:loan_return",
        method="post",
        kwargs=lambda w: loan_of_lea(w, status="remis"),
        data=lambda w: {"outcome": "rendu", "condition": "bon"},
        expect=object_write(),
    ),
    Entry(
        "equipement:agreement",
        # A public page: the signed link opens it for anyone, logged in or not.
        kwargs=lambda w: {
            "token": services.agreement_token(loan=LoanFactory(need__student=w.student), guardian=w.guardian2)
        },
        expect={**only(EVERYONE, other=200), "anonymous": 200},
    ),
]
