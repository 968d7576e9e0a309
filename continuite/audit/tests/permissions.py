from continuite.tests.matrix import EVERYONE, Entry, only

PUBLIC = {role: 200 for role in ("anonymous", *EVERYONE, "other")}

ENTRIES = [
    Entry("audit:privacy_notice", expect=PUBLIC),
    Entry("audit:accessibility_statement", expect=PUBLIC),
    Entry("audit:entry_list", expect=only(("direction",))),
    Entry("audit:entry_list", query="?student=DURAND&action=view&start=2026-01-01", expect=only(("direction",))),
    Entry("audit:subject_search", query="?q=DURAND", expect=only(("direction",))),
    Entry(
        "audit:student_rectify",
        kwargs=lambda w: {"pk": w.student.pk},
        # the référent numérique sees no student: 404 before the role check would say 403
        expect={**only(("direction",), other=404)},
    ),
    Entry(
        "audit:student_rectify",
        method="post",
        kwargs=lambda w: {"pk": w.student.pk},
        data=lambda w: {"last_name": "DURAND", "first_name": "Léa", "birth_date": ""},
        expect=only(("direction",), ok=302, other=404),
    ),
    Entry("audit:student_export", kwargs=lambda w: {"pk": w.student.pk}, expect=only(("direction",), other=404)),
    Entry("audit:guardian_rectify", kwargs=lambda w: {"pk": w.guardian.pk}, expect=only(("direction",), other=404)),
    Entry(
        "audit:guardian_rectify",
        method="post",
        kwargs=lambda w: {"pk": w.guardian.pk},
        data=lambda w: {
            "last_name": "DURAND",
            "first_name": w.guardian.first_name,
            "email": "parent@lycee.fr",
            "mobile": "",
        },
        expect=only(("direction",), ok=302, other=404),
    ),
    Entry("audit:guardian_export", kwargs=lambda w: {"pk": w.guardian.pk}, expect=only(("direction",), other=404)),
]
