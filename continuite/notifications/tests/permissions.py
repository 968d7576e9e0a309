from continuite.tests.matrix import EVERYONE, Entry, only
from continuite.tests.world import MATRIX_ROLES


def _parents_notice(world, **kwargs):
    from .factories import NotificationFactory

    return NotificationFactory(
        etablissement=world.etablissement,
        user=world.users["parent"],
        guardian=world.guardian,
        channel_portal=True,
        **kwargs,
    )


def _ack_token(world) -> dict:
    from continuite.notifications.services import acknowledgement_token

    return {"token": acknowledgement_token(_parents_notice(world, ack_required=True))}


ENTRIES = [
    Entry("notifications:list", expect=only(EVERYONE)),
    Entry(
        "notifications:read",
        method="post",
        kwargs=lambda w: {"pk": _parents_notice(w).pk},
        # only its recipient sees a notice; for everyone else it does not exist
        expect=only(("parent",), ok=302, others=404),
    ),
    Entry("notifications:read_all", method="post", expect=only(EVERYONE, ok=302)),
    Entry("notifications:preferences", expect=only(EVERYONE)),
    Entry("notifications:school_settings", expect=only(("direction",))),
    Entry("notifications:delivery_report", expect=only(("direction",))),
    # the personal link of a mail works without logging in
    Entry("notifications:acknowledge", kwargs=_ack_token, expect=dict.fromkeys(MATRIX_ROLES, 200)),
    Entry(
        "notifications:acknowledge",
        method="post",
        kwargs=_ack_token,
        expect=dict.fromkeys(MATRIX_ROLES, 200),
    ),
]
