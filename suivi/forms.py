"""Forms of suivi, rendered by crispy-forms (the register and hand-in tables are plain markup)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuite.ecole.models import Guardian, Staff, Student

from .models import (
    CaseOutcome,
    ContactChannel,
    ContactOutcome,
    FlagKind,
    JustificationReason,
    Level,
    NoticeTemplate,
    SuiviSettings,
)
from .queries import action_owners


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _helper(label: str, action: str = "", button_id: str = "") -> FormHelper:
    """A form's helper with its submit button (its own id when a page holds two such forms)."""
    helper = FormHelper()
    helper.form_action = action
    helper.add_input(Submit("submit", label, **({"css_id": button_id} if button_id else {})))
    return helper


class FlagForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Élève"), queryset=Student.objects.none())
    kind = forms.ChoiceField(label=_("Motif"), choices=FlagKind.choices)
    observed = forms.CharField(
        label=_("Ce que vous avez observé"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Des faits scolaires (présence, travail, attitude) ; aucune information de santé ou familiale."),
    )
    since = forms.DateField(label=_("Depuis le"), widget=DateInput())

    def __init__(self, *args, students=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students if students is not None else Student.objects.none()
        if students is not None:
            # Grouped by class (two students may share a name): one <optgroup> per division.
            groups: dict[str, list] = {}
            for student in students.order_by("division__code", "last_name", "first_name", "pk"):
                label = student.division.code if student.division_id else _("Sans classe")
                groups.setdefault(label, []).append((student.pk, student.full_name))
            self.fields["student"].choices = [("", "---------"), *groups.items()]
        self.helper = _helper(_("Envoyer la fiche au CPE"))


class InterviewForm(forms.Form):
    prefix = "entretien"  # several forms share the case page: unique ids

    text = forms.CharField(
        label=_("Compte rendu de l'entretien"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_on = forms.DateField(label=_("Date de l'entretien"), widget=DateInput(), initial=timezone.localdate)


class ActionForm(forms.Form):
    prefix = "action"  # several forms share the case page: unique ids

    what = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Responsable"), queryset=Staff.objects.none())
    review_on = forms.DateField(label=_("Date du prochain point"), widget=DateInput())

    def __init__(self, *args, student=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owners(student) if student is not None else Staff.objects.none()


class ContactForm(forms.Form):
    prefix = "contact"  # several forms share the case page: unique ids

    channel = forms.ChoiceField(label=_("Moyen"), choices=ContactChannel.choices)
    outcome = forms.ChoiceField(label=_("Résultat"), choices=ContactOutcome.choices)
    guardian = forms.ModelChoiceField(label=_("Avec"), queryset=Guardian.objects.none(), required=False)
    note = forms.CharField(
        label=_("Compte rendu"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, guardians=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians if guardians is not None else Guardian.objects.none()


class EscalateForm(forms.Form):
    prefix = "direction"  # several forms share the case page: unique ids

    text = forms.CharField(
        label=_("Motif de la transmission"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpenCaseForm(forms.Form):
    """The CPE opens a follow-up by hand (a family's call, a teacher's flag), without waiting for the signals."""

    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, initial=Level.VIGILANCE)
    rule = forms.CharField(
        label=_("Motif de l'ouverture"),
        max_length=300,
        help_text=_("Des faits, sans jugement : ce texte figure au dossier que la famille peut demander."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    prefix = "cloture"  # several forms share the case page: unique ids

    outcome = forms.ChoiceField(label=_("Issue"), choices=CaseOutcome.choices)
    text = forms.CharField(
        label=_("Commentaire"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# An old phone shows a date field as plain text: the error says how to write the date.
DATE_ERRORS = {"invalid": _("Saisissez une date au format jj/mm/aaaa, par exemple 02/12/2026.")}


class JustifyForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DateInput(), error_messages=DATE_ERRORS)
    end = forms.DateField(label=_("Au"), widget=DateInput(), error_messages=DATE_ERRORS)
    reason = forms.ChoiceField(label=_("Motif"), choices=JustificationReason.choices)
    explanation = forms.CharField(
        label=_("Explication (facultatif)"),
        help_text=_("Ce qui s'est passé, en quelques mots, pour la vie scolaire."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SuiviSettings
        fields = [
            "window_days",
            "min_sessions",
            "vigilance_min_absences",
            "risque_min_absences",
            "vigilance_absence_percent",
            "risque_absence_percent",
            "vigilance_missing_work",
            "risque_missing_work",
            "vigilance_technical",
            "risque_flags",
            "vigilance_unreachable",
            "dasen_half_days",
            "justification_days_ahead",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer les seuils"), button_id="submit-seuils")
        self.helper.form_tag = False


class NoticeSettingsForm(forms.ModelForm):
    """How notices leave: the delay after the warning, and the vie scolaire's contact under the signature."""

    class Meta:
        model = SuiviSettings
        fields = ["warning_delay_days", "vie_scolaire_phone", "vie_scolaire_email", "postal_address"]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer"), button_id="submit-avis")
        self.helper.form_tag = False


class NoticeTemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class CaseFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Niveau"),
        required=False,
        choices=[("", _("Tous"))] + [("vigilance", _("Vigilance")), ("risque", _("Risque"))],
    )
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("ouvert", _("Ouverts")), ("clos", _("Clos")), ("tous", _("Tous"))],
    )
    division = forms.CharField(label=_("Division (code)"), required=False, max_length=20)
    review_due = forms.BooleanField(label=_("Point de suivi dû"), required=False)
    older_than = forms.IntegerField(label=_("Ouverts depuis plus de (jours)"), required=False, min_value=0)


ABSENCE_STATES = [("a_traiter", _("À traiter")), ("toutes", _("Toutes"))]


class AbsenceFilterForm(forms.Form):
    """The vie scolaire's list: by day, class and student; the absences to process by default."""

    day = forms.DateField(label=_("Jour"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    division = forms.ModelChoiceField(
        label=_("Classe"),
        required=False,
        queryset=None,
        empty_label=_("Toutes"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    student = forms.CharField(
        label=_("Élève (nom)"), required=False, max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    state = forms.ChoiceField(
        label=_("État"), required=False, choices=ABSENCE_STATES, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class MarkJustifyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=JustificationReason.choices)


class SettleForm(forms.Form):
    reason = forms.CharField(label=_("Motif du règlement"), max_length=200)


class CorrectForm(forms.Form):
    """A mistaken register: the student was there."""

    status = forms.ChoiceField(
        label=_("L'élève était"),
        choices=[
            ("present", _("présent(e) en classe")),
            ("distance", _("présent(e) à distance")),
            ("retard", _("en retard")),
        ],
    )
    reason = forms.CharField(label=_("Précision (facultatif)"), max_length=150, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepter", _("Accepter")), ("refuser", _("Refuser"))])
    note = forms.CharField(label=_("Motif (obligatoire pour un refus)"), max_length=300, required=False)
