"""Accounts for the imported people: who may be invited, and the invitations on confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from continuite.ecole.models import Etablissement, Guardian, GuardianLink, Staff


@dataclass
class Invitable:
    staff: list[Staff]
    guardians: list[Guardian]

    def count_all(self) -> int:
        return len(self.staff) + len(self.guardians)


def invitable_people(etablissement: Etablissement) -> Invitable:
    """Current staff and guardians of current students who have an e-mail address and no account yet."""
    staff = list(
        Staff.objects.filter(etablissement=etablissement, user__isnull=True, left_on__isnull=True)
        .exclude(email="")
        .order_by("last_name", "first_name")
    )
    # Exists, not a join: a guardian with no link at all must not pass as "linked to no one who left".
    linked_to_current = GuardianLink.objects.filter(guardian=OuterRef("pk"), student__exit_date__isnull=True)
    guardians = list(
        Guardian.objects.filter(etablissement=etablissement, user__isnull=True)
        .filter(Exists(linked_to_current))
        .exclude(email="")
        .order_by("last_name", "first_name")
    )
    return Invitable(staff=staff, guardians=guardians)


def accounts_invite(*, etablissement: Etablissement) -> tuple[int, list[str]]:
    """Create and invite the accounts of everyone ``invitable_people`` lists, on the direction's confirmation.

    Each person is handled in its own savepoint: an address already used by another account is
    reported, not fatal. Returns (invited, problems).
    """
    from continuite.accounts.services import account_create_for, user_invite

    invited, problems = 0, []
    people = invitable_people(etablissement)
    for person in [*people.staff, *people.guardians]:
        try:
            with transaction.atomic():
                user = account_create_for(person=person)
                user_invite(user=user)
        except ValidationError as exc:
            problems.append(f"{person.full_name} : {' '.join(exc.messages)}")
        else:
            invited += 1
    return invited, problems
