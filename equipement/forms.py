"""Forms of the equipment app: they parse and render; the services validate and write."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from continuite.ecole.models import Guardian, LinkKind, Student

from .models import (
    Decision,
    Device,
    DeviceState,
    LoanStatus,
    MissingKind,
    NeedContext,
)

YES_NO_UNKNOWN = [("", _("Je ne sais pas")), ("oui", _("Oui")), ("non", _("Non"))]


def _yes_no(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NeedForm(_Form):
    student = forms.ModelChoiceField(
        label=_("Élève concerné"), queryset=Student.objects.none(), required=False, empty_label=_("— choisir —")
    )
    for_myself = forms.BooleanField(label=_("Ce besoin me concerne (membre du personnel)"), required=False)
    missing = forms.MultipleChoiceField(
        label=_("Ce qui manque"), choices=MissingKind.choices, widget=forms.CheckboxSelectMultiple
    )
    context = forms.ChoiceField(label=_("Contexte"), choices=NeedContext.choices)
    details = forms.CharField(label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    since = forms.DateField(label=_("Depuis le"), required=False, widget=DateInput())
    ent_codes_ok = forms.ChoiceField(
        label=_("Codes d'accès à l'ENT reçus et fonctionnels"), choices=YES_NO_UNKNOWN, required=False
    )
    knows_tools = forms.ChoiceField(
        label=_("Connaît les outils utilisés par ses enseignants"), choices=YES_NO_UNKNOWN, required=False
    )
    needs_training = forms.BooleanField(label=_("A besoin d'une formation aux compétences numériques"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        students = (
            Student.objects.visible_to(user)
            .current()
            .select_related("division")
            .order_by("division__code", "last_name", "first_name")
        )
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda s: f"{s.last_name} {s.first_name} ({s.division or '—'})"
        if user.staff_profile is None:
            del self.fields["for_myself"]
        if user.student_profile is not None:
            self.fields["student"].initial = user.student_profile.pk

    def clean(self):
        data = super().clean()
        myself = data.get("for_myself")
        if bool(data.get("student")) == bool(myself):
            raise forms.ValidationError(_("Choisissez un élève, ou cochez « Ce besoin me concerne »."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "student": data.get("student"),
            "staff": self.user.staff_profile if data.get("for_myself") else None,
            "missing": data["missing"],
            "context": data["context"],
            "details": data["details"],
            "since": data["since"],
            "ent_codes_ok": _yes_no(data["ent_codes_ok"]),
            "knows_tools": _yes_no(data["knows_tools"]),
            "needs_training": data["needs_training"],
        }


class DecisionForm(_Form):
    decision = forms.ChoiceField(label=_("Réponse"), choices=Decision.choices, widget=forms.RadioSelect)
    device = forms.ModelChoiceField(
        label=_("Matériel prêté"),
        queryset=Device.objects.none(),
        required=False,
        empty_label=_("— aucun —"),
        help_text=_("Obligatoire pour un prêt de l'établissement ; facultatif pour un prêt de la Région."),
    )
    expected_return = forms.DateField(
        label=_("Retour prévu le"), required=False, widget=DateInput(), help_text=_("Par défaut : durée de prêt")
    )
    reference = forms.CharField(label=_("Référence du prêt Région / académie"), required=False, max_length=100)
    access_slot = forms.CharField(
        label=_("Créneau hebdomadaire d'accès"),
        required=False,
        max_length=200,
        help_text=_("ex. mardi 13 h – 14 h au CDI"),
    )
    refusal_reason = forms.CharField(
        label=_("Motif du refus"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = Device.objects.filter(etablissement=etablissement).available()


class HandOverForm(_Form):
    signed_by = forms.ModelChoiceField(
        label=_("Responsable légal qui signe la convention à la remise"),
        queryset=Guardian.objects.none(),
        required=False,
        empty_label=_("— convention déjà acceptée en ligne —"),
    )

    def __init__(self, *args, loan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_by"].queryset = Guardian.objects.filter(
            links__student_id=loan.need.student_id, links__kind__in=[LinkKind.LEGAL_1, LinkKind.LEGAL_2]
        )


class ReturnForm(_Form):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=[(s.value, s.label) for s in (LoanStatus.RETURNED, LoanStatus.DAMAGED, LoanStatus.LOST)],
    )
    condition = forms.ChoiceField(
        label=_("État du matériel au retour"),
        choices=[("", "—")] + [(s.value, s.label) for s in DeviceState if s != DeviceState.LOST],
        required=False,
    )
    notes = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["kind", "model", "asset_tag", "serial_number", "owner", "state", "location", "kit", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def validate_unique(self):
        # The service checks the asset tag's uniqueness within the school.
        pass


class ImportForm(_Form):
    file = forms.FileField(label=_("Fichier CSV (UTF-8, séparateur « ; » ou « , »)"))


class SettingsForm(_Form):
    agreement_text = forms.CharField(
        label=_("Texte de la convention de prêt"), widget=forms.Textarea(attrs={"rows": 14})
    )
    default_loan_days = forms.IntegerField(label=_("Durée de prêt par défaut (jours)"), min_value=1, max_value=400)
    reminder_days_before = forms.IntegerField(
        label=_("Rappel envoyé combien de jours avant le retour"), min_value=0, max_value=30
    )


class ReadinessForm(_Form):
    ent_codes_given = forms.ChoiceField(
        label=_("Codes d'accès à l'ENT remis et fonctionnels"), choices=YES_NO_UNKNOWN, required=False
    )
    knows_tools = forms.ChoiceField(
        label=_("Connaît les outils utilisés par ses enseignants"), choices=YES_NO_UNKNOWN, required=False
    )
    needs_training = forms.ChoiceField(
        label=_("A besoin d'une formation aux compétences numériques"), choices=YES_NO_UNKNOWN, required=False
    )
    notes = forms.CharField(
        label=_("Remarques"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui aide à l'accompagner (sans détail de santé ni de situation familiale)."),
    )

    @staticmethod
    def initial_of(readiness) -> dict:
        if readiness is None:
            return {}
        as_choice = {True: "oui", False: "non", None: ""}
        return {
            "ent_codes_given": as_choice[readiness.ent_codes_given],
            "knows_tools": as_choice[readiness.knows_tools],
            "needs_training": as_choice[readiness.needs_training],
            "notes": readiness.notes,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "ent_codes_given": _yes_no(data["ent_codes_given"]),
            "knows_tools": _yes_no(data["knows_tools"]),
            "needs_training": _yes_no(data["needs_training"]),
            "notes": data["notes"],
        }
