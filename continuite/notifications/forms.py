from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SchoolSettingsForm(forms.Form):
    quiet_start = forms.TimeField(label=_("Début des heures calmes"), widget=TIME_WIDGET)
    quiet_end = forms.TimeField(
        label=_("Fin des heures calmes"),
        widget=TIME_WIDGET,
        help_text=_("Aucun courriel ne part entre ces deux heures ; la même heure aux deux bornes les supprime."),
    )
    digest_time = forms.TimeField(label=_("Heure du récapitulatif quotidien"), widget=TIME_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer")))


class PreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("Recevoir un seul courriel par jour (récapitulatif) au lieu d'un courriel par notification"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer")))
