"""Default texts of the notices to families; each school edits its own copy (``NoticeTemplate``)."""

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = ("eleve", "classe", "etablissement", "absences", "seances", "travaux", "date")

DEFAULT_NOTICES = {
    1: (
        _("Suivi de la scolarité de {eleve}"),
        _(
            "Madame, Monsieur,\n\n"
            "Depuis quelques jours, {eleve} ({classe}) a manqué {absences} des {seances} séances à distance "
            "sans justification, et {travaux} travaux n'ont pas été rendus.\n\n"
            "Nous souhaitons en parler avec vous pour l'aider à reprendre le rythme. "
            "Pouvez-vous prendre contact avec le conseiller principal d'éducation ?\n\n"
            "Avec nos salutations,\n{etablissement}"
        ),
    ),
    2: (
        _("Absences de {eleve} : nous avons besoin de vous"),
        _(
            "Madame, Monsieur,\n\n"
            "Malgré notre premier message, la situation de {eleve} ({classe}) s'est aggravée : "
            "{absences} séances à distance manquées sans justification sur {seances}, "
            "{travaux} travaux non rendus, au {date}.\n\n"
            "Nous vous proposons un rendez-vous avec le conseiller principal d'éducation et le professeur "
            "principal. Merci de nous contacter rapidement.\n\n"
            "Avec nos salutations,\n{etablissement}"
        ),
    ),
    3: (
        _("Assiduité de {eleve} : rendez-vous avec la direction"),
        _(
            "Madame, Monsieur,\n\n"
            "L'assiduité de {eleve} ({classe}) reste très préoccupante : {absences} séances à distance "
            "manquées sans justification sur {seances}, {travaux} travaux non rendus, au {date}.\n\n"
            "L'instruction est obligatoire et l'assiduité fait partie des obligations de l'élève. "
            "La direction de l'établissement souhaite vous rencontrer ; nous vous contacterons pour fixer "
            "une date.\n\n"
            "Avec nos salutations,\n{etablissement}"
        ),
    ),
}
