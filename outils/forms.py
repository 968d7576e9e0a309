"""Forms of the catalogue: plain forms, whose cleaned data the services receive."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import AUDIENCE_FIELDS, NEED_FIELDS, AccessMode, Audience, GdprStatus, Hosting, Need, Tool, TutorialKind


def _helper(submit_label) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("save", submit_label))
    return helper


class ToolForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    summary = forms.CharField(label=_("Description courte"), max_length=300)
    description = forms.CharField(label=_("Usage"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    needs = forms.MultipleChoiceField(
        label=_("Besoins auxquels l'outil répond"), choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    hosting = forms.ChoiceField(label=_("Hébergement"), choices=Hosting.choices)
    access_mode = forms.ChoiceField(label=_("Comment on y accède"), choices=AccessMode.choices)
    gdpr_status = forms.ChoiceField(label=_("Statut RGPD"), choices=GdprStatus.choices)
    gdpr_reasons = forms.CharField(
        label=_("Raisons du statut RGPD"),
        help_text=_("Une raison par ligne."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    audiences = forms.MultipleChoiceField(
        label=_("Public"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    limits = forms.CharField(
        label=_("Limites"),
        help_text=_("Une limite par ligne."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    rules = forms.CharField(
        label=_("Règles d'usage"),
        help_text=_("Une règle par ligne."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    no_recording = forms.BooleanField(label=_("Les séances ne doivent pas être enregistrées"), required=False)
    allowed_domains = forms.CharField(
        label=_("Domaines autorisés pour les liens"),
        help_text=_("Un domaine par ligne, par exemple netocentre.fr ; les sous-domaines sont acceptés."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    url = forms.URLField(label=_("Adresse d'accès"), required=False, assume_scheme="https")
    reference_url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    alternative = forms.ModelChoiceField(
        label=_("Outil à utiliser à la place"), queryset=Tool.objects.none(), required=False
    )

    def __init__(self, *args, alternatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alternatives is not None:
            self.fields["alternative"].queryset = alternatives
        self.helper = _helper(_("Enregistrer"))

    @classmethod
    def initial_for(cls, tool: Tool) -> dict:
        return {
            "name": tool.name,
            "summary": tool.summary,
            "description": tool.description,
            "needs": [need.value for need in tool.needs],
            "hosting": tool.hosting,
            "access_mode": tool.access_mode,
            "gdpr_status": tool.gdpr_status,
            "gdpr_reasons": tool.gdpr_reasons,
            "audiences": [audience.value for audience in tool.audiences],
            "limits": tool.limits,
            "rules": tool.rules,
            "no_recording": tool.no_recording,
            "allowed_domains": "\n".join(tool.allowed_domains or []),
            "url": tool.url,
            "reference_url": tool.reference_url,
            "alternative": tool.alternative_id,
        }

    def service_fields(self) -> dict:
        """The cleaned data in the shape of ``Tool``'s fields, for ``tool_update``/``tool_create``."""
        data = dict(self.cleaned_data)
        needs = set(data.pop("needs"))
        audiences = set(data.pop("audiences"))
        fields = {**data, "allowed_domains": data["allowed_domains"].splitlines()}
        fields.update({field: need in needs for need, field in NEED_FIELDS.items()})
        fields.update({field: audience in audiences for audience, field in AUDIENCE_FIELDS.items()})
        return fields


class AvailabilityForm(forms.Form):
    unavailable = forms.BooleanField(label=_("Indisponible dans notre établissement"), required=False)
    note = forms.CharField(label=_("Pourquoi ? (affiché aux collègues)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer la disponibilité"))


class TutorialForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=TutorialKind.choices)
    url = forms.URLField(
        label=_("Adresse"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer le tutoriel"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher un outil"), max_length=100, required=False)


class AllowedDomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Nom de domaine"),
        max_length=253,
        help_text=_(
            "Par exemple lelivrescolaire.fr (ses sous-domaines suivent) ; une adresse collée en entier, comme "
            "https://www.lelivrescolaire.fr/manuel, donne son domaine."
        ),
    )
    note = forms.CharField(label=_("Pourquoi ce domaine convient"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
