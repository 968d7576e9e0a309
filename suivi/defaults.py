"""Default texts of the notices to families; each school edits its own copy (``NoticeTemplate``).

The figures are written by the portal in correct French (``{constat}``: "a manqué sans
justification 1 séance à distance sur 4, et 2 travaux demandés n'ont pas été rendus"), so that a
text never reads "0 travaux n'ont pas été rendus" or "1 séance(s)". The signature (the CPE, the
vie scolaire's telephone and address) is added under every text when it leaves.
"""

from django.utils.translation import gettext_lazy as _

# name → what the CPE reads in the settings page
PLACEHOLDERS = {
    "eleve": _("prénom et nom de l'élève"),
    "classe": _("sa classe"),
    "etablissement": _("nom de l'établissement"),
    "periode": _("période observée, « 17 novembre au 4 décembre » (à écrire après « du »)"),
    "constat": _("ce qui a été relevé sur la période, en toutes lettres"),
    "absences": _("nombre de séances à distance manquées sans justification"),
    "seances": _("nombre de séances à distance de la période"),
    "travaux": _("nombre de travaux non rendus"),
    "date": _("date de l'envoi, « 1er décembre 2026 »"),
    "obligation": _("la règle qui s'applique à l'âge de l'élève (instruction ou formation obligatoire)"),
}

DEFAULT_NOTICES = {
    1: (
        _("Suivi de la scolarité de {eleve}"),
        _(
            "Madame, Monsieur,\n\n"
            "Du {periode}, {constat}\n\n"
            "Nous souhaitons en parler avec vous pour aider {eleve} ({classe}) à reprendre le rythme. "
            "Pouvez-vous prendre contact avec la vie scolaire ?\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    ),
    2: (
        _("Absences de {eleve} : nous avons besoin de vous"),
        _(
            "Madame, Monsieur,\n\n"
            "Malgré notre premier message, la situation de {eleve} ({classe}) ne s'est pas améliorée. "
            "Du {periode}, {constat}\n\n"
            "Nous vous proposons un rendez-vous avec le conseiller principal d'éducation et le professeur "
            "principal. Merci de nous contacter rapidement.\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    ),
    3: (
        _("Assiduité de {eleve} : rendez-vous avec la direction"),
        _(
            "Madame, Monsieur,\n\n"
            "L'assiduité de {eleve} ({classe}) reste très préoccupante. Du {periode}, {constat}\n\n"
            "{obligation} "
            "La direction de l'établissement souhaite vous rencontrer ; nous vous contacterons pour fixer "
            "une date.\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    ),
}
