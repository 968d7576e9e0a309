from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    student = forms.CharField(label=_("Élève"), max_length=100, required=False)
    user = forms.CharField(label=_("Auteur"), max_length=100, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Toutes"))] + AuditAction.choices, required=False)
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.field_class = ""
        self.helper.add_input(Submit("filtrer", _("Filtrer"), css_class="btn-primary"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data


class SubjectSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom de l'élève ou du responsable"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("rechercher", _("Rechercher"), css_class="btn-primary"))


class _RectifyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("rectifier", _("Enregistrer la rectification"), css_class="btn-primary"))


class StudentRectifyForm(_RectifyForm):
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    birth_date = forms.DateField(label=_("Date de naissance"), required=False, widget=DateInput)


class GuardianRectifyForm(_RectifyForm):
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), max_length=254, required=False)
    mobile = forms.CharField(label=_("Téléphone portable"), max_length=20, required=False)
