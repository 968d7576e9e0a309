"""Accounts: one user per person (staff, guardian or student), tied to one établissement."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("Une adresse de courriel est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("courriel"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    etablissement = models.ForeignKey(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("établissement"),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration Django"), default=False)
    date_joined = models.DateTimeField(_("créé le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def _profile(self, name: str):
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None

    @property
    def staff_profile(self):
        return self._profile("staff")

    @property
    def guardian_profile(self):
        return self._profile("guardian")

    @property
    def student_profile(self):
        return self._profile("student")

    @cached_property
    def tutored_division_ids(self) -> list[int]:
        staff = self.staff_profile
        if staff is None or not staff.is_teacher:
            return []
        return list(staff.tutored_divisions.values_list("pk", flat=True))

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The roles this account holds in its établissement (one query at most, for tutors)."""
        if not self.is_authenticated or not self.is_active or self.etablissement_id is None:
            return frozenset()
        roles: set[Role] = set()
        staff = self.staff_profile
        if staff is not None and staff.left_on is None:
            flags = {
                Role.ENSEIGNANT: staff.is_teacher,
                Role.CPE: staff.is_cpe,
                Role.DIRECTION: staff.is_direction,
                Role.GESTIONNAIRE: staff.is_gestionnaire,
                Role.REFERENT_NUMERIQUE: staff.is_referent_numerique,
            }
            roles.update(role for role, held in flags.items() if held)
            # Annotated by the authentication backend on the signed-in user; queried otherwise.
            is_tutor = getattr(self, "is_form_tutor", None)
            if is_tutor is None:
                is_tutor = bool(self.tutored_division_ids)
            if is_tutor and staff.is_teacher:
                roles.add(Role.PROF_PRINCIPAL)
        if self.guardian_profile is not None:
            roles.add(Role.PARENT)
        student = self.student_profile
        if student is not None and student.exit_date is None:
            roles.add(Role.ELEVE)
        return frozenset(roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class SubmittedForm(models.Model):
    """One sending of a form, by the one-time token its page carried (see ``submissions.py``).

    A second sending of the same page (a double click, a reload that re-posts) finds the row and is
    answered with the first one's outcome instead of doing the work again. Rows live two days.
    """

    token = models.CharField(_("jeton"), max_length=32, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    path = models.CharField(_("adresse"), max_length=500)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    finished = models.BooleanField(_("traité"), default=False)
    status = models.PositiveSmallIntegerField(_("réponse"), null=True, blank=True)
    location = models.CharField(_("redirigé vers"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("formulaire reçu")
        verbose_name_plural = _("formulaires reçus")

    def __str__(self) -> str:
        return f"{self.path} ({self.token})"
