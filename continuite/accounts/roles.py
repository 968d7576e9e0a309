from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENSEIGNANT = "enseignant", _("Enseignant")
    PROF_PRINCIPAL = "prof_principal", _("Professeur principal")
    CPE = "cpe", _("CPE")
    DIRECTION = "direction", _("Direction")
    GESTIONNAIRE = "gestionnaire", _("Gestionnaire")
    REFERENT_NUMERIQUE = "referent_numerique", _("Référent numérique")
    PARENT = "parent", _("Parent")
    ELEVE = "eleve", _("Élève")


# Roles whose accounts must use a second factor (they see follow-up files of minors).
SENSITIVE_ROLES = frozenset({Role.CPE, Role.DIRECTION})
