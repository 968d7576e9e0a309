"""Forms of the planning (rendered by crispy-forms); the services validate the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from continuite.ecole.models import Division, Group, Staff, Subject, TeachingAssignment

from .models import (
    WEEKDAY_NAMES,
    AsyncPlace,
    HalfGroup,
    HandInMode,
    HomeworkKind,
    Modality,
    PlanningSettings,
    RemoteMode,
    WeekPattern,
)
from .services import SHARED_ALL, SHARED_HYBRID

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


# The gauge's verdict in one line, where the teacher makes the choice that changes the load: shown below
# the large screens' two columns only, where the gauge itself comes after the whole form. Drawn with the
# page (``gauge_verdict``), refreshed by gauge.js with the gauge; not a live region (the gauge is the one).
GAUGE_VERDICT = HTML(
    '{% if gauge_verdict %}<div class="d-lg-none mb-3" data-gauge-verdict>{{ gauge_verdict }}</div>{% endif %}'
)


def _gauge_helper(form: forms.Form) -> FormHelper:
    """The helper of a form drawn beside the gauge: its fields, the verdict after ``form.gauge_verdict_after``."""
    helper = _helper()
    names = list(form.fields)
    at = names.index(form.gauge_verdict_after) + 1
    helper.layout = Layout(*names[:at], GAUGE_VERDICT, *names[at:])
    return helper


def audience_choices(user) -> list[tuple[str, str]]:
    """Divisions ("d<pk>") and groups ("g<pk>") the user may address: his own, or the whole school's."""
    from continuite.accounts.roles import Role

    staff = user.staff_profile
    if Role.DIRECTION in user.roles:
        divisions = Division.objects.filter(etablissement_id=user.etablissement_id).current()
        groups = Group.objects.filter(etablissement_id=user.etablissement_id).current()
    else:
        assignments = TeachingAssignment.objects.filter(staff=staff)
        divisions = Division.objects.filter(pk__in=assignments.values("division_id")).current()
        groups = Group.objects.filter(pk__in=assignments.values("group_id")) | Group.objects.filter(
            kind="demi", division__in=divisions
        )
    choices = [(f"d{d.pk}", str(_("Classe %(code)s") % {"code": d.code})) for d in divisions.order_by("code")]
    choices += [(f"g{g.pk}", str(_("Groupe %(code)s") % {"code": g.code})) for g in groups.distinct().order_by("code")]
    return choices


def parse_audience(value: str, user) -> tuple[Division | None, Group | None]:
    """ "d12" / "g7" → (division, group), only among the user's établissement's rows."""
    if not value or value[0] not in "dg" or not value[1:].isdigit():
        return None, None
    pk = int(value[1:])
    if value[0] == "d":
        return Division.objects.filter(etablissement_id=user.etablissement_id, pk=pk).first(), None
    return None, Group.objects.filter(etablissement_id=user.etablissement_id, pk=pk).first()


class ModalityForm(forms.Form):
    # A service's refusal is shown on the field it concerns (by its code, see ``planning.views._add_service_error``):
    # the field says what is wrong when a screen reader reaches it, and the summary links to it.
    service_error_fields = {
        "hybrid_room_half": "hybrid_room_half",
        "no_half_groups": "hybrid_room_half",
        "hybrid_remote_mode": "hybrid_remote_mode",
    }
    # Where the page puts the gauge's one-line verdict on a phone: after what changes the load.
    gauge_verdict_after = "modality"

    modality = forms.ChoiceField(label=_("Modalité"), choices=Modality.choices, widget=forms.RadioSelect)
    hybrid_room_half = forms.ChoiceField(
        label=_("Hybride : demi-groupe en classe"), choices=[("", "—")] + HalfGroup.choices, required=False
    )
    hybrid_remote_mode = forms.ChoiceField(
        label=_("Hybride : l'autre demi-groupe"), choices=[("", "—")] + RemoteMode.choices, required=False
    )
    tool = forms.ChoiceField(
        label=_("Outil (catalogue de l'établissement)"),
        required=False,
        help_text=_(
            "Les outils sont rangés par modalité : une classe virtuelle, ou une séance hybride dont le demi-groupe "
            "à distance suit en direct, avec un outil de classe virtuelle ; un travail en autonomie, à distance ou "
            "pour le demi-groupe d'une séance hybride, avec un outil de cours ou de ressources."
        ),
    )
    link = forms.URLField(
        assume_scheme="https",
        label=_("Lien (classe virtuelle ou ressource)"),
        required=False,
        # The help text says who reads the link, as the school set it (see ``readers_of_links``).
        help_text=_("Ne pas filmer ni enregistrer la classe virtuelle (droit à l'image)."),
    )
    async_place = forms.ChoiceField(
        label=_("Asynchrone en présence : lieu"), choices=[("", "—")] + AsyncPlace.choices, required=False
    )
    paper_version = forms.BooleanField(label=_("Version papier pour les élèves qui en ont besoin"), required=False)
    notes = forms.CharField(label=_("Consignes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, etablissement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _gauge_helper(self)
        if etablissement is not None:
            from .services import links_for_guardians

            readers = readers_of_links(links_for_guardians(etablissement_id=etablissement.pk))
            self.fields["link"].help_text = _(
                "%(readers)s Ne pas filmer ni enregistrer la classe virtuelle (droit à l'image)."
            ) % {"readers": readers}
            self.fields["notes"].help_text = _(
                "Lues par les mêmes personnes que le lien, dans leur semaine, sur leur accueil et dans leur agenda."
            )
        self.tools = {}
        groups = []
        if etablissement is not None:
            from outils.queries import tools_for_modality

            for modality, label in TOOL_GROUPS:
                tools = list(tools_for_modality(etablissement=etablissement, modality=modality))
                self.tools.update({str(t.pk): t for t in tools})
                groups.append((label, [(str(t.pk), t.name) for t in tools]))
        self.fields["tool"].choices = [("", _("Aucun"))] + groups
        tool = self.initial.get("tool")
        if tool is not None and hasattr(tool, "pk"):
            self.initial["tool"] = str(tool.pk)

    def clean_tool(self):
        return self.tools.get(self.cleaned_data.get("tool") or "")


def readers_of_links(guardians_allowed: bool) -> str:
    """Who reads a session's link and consignes, as the school set it (the setting is the direction's)."""
    if guardians_allowed:
        return str(
            _(
                "Le lien et les consignes ne sont montrés qu'aux élèves de la séance, à ses enseignants et aux "
                "responsables légaux de ces élèves (réglage de l'établissement)."
            )
        )
    return str(
        _(
            "Le lien et les consignes ne sont montrés qu'aux élèves de la séance et à ses enseignants, pas aux "
            "responsables légaux (réglage de l'établissement)."
        )
    )


# The tool list of the session form, one group per use (the service checks the modality chosen).
TOOL_GROUPS = [
    (Modality.VISIO, _("Classe virtuelle, ou hybride suivie en direct")),
    (Modality.ASYNC_DISTANCE, _("Travail en autonomie, à distance ou en hybride")),
]


def subject_queryset(user):
    """Subjects a planner may choose: the direction any of the school's, a teacher those of his services.

    The service then checks that he teaches the chosen one to the chosen audience.
    """
    from continuite.accounts.roles import Role

    subjects = Subject.objects.filter(etablissement_id=user.etablissement_id)
    if Role.DIRECTION in user.roles:
        return subjects
    staff_id = user.staff_profile.pk if user.staff_profile else 0
    return subjects.filter(pk__in=TeachingAssignment.objects.filter(staff_id=staff_id).values("subject_id"))


class SessionCreateForm(ModalityForm):
    audience = forms.ChoiceField(label=_("Classe ou groupe"))
    subject = forms.ModelChoiceField(
        label=_("Matière"),
        queryset=Subject.objects.none(),
        help_text=_("Une matière que vous enseignez à cette classe ou à ce groupe."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Début"), widget=TIME)
    end = forms.TimeField(label=_("Fin"), widget=TIME)

    field_order = ["audience", "subject", "date", "start", "end", "modality"]
    service_error_fields = {
        **ModalityForm.service_error_fields,
        "not_school_day": "date",
        "holiday": "date",
        "ends_before_start": "end",
        "not_taught": "subject",
    }
    gauge_verdict_after = "end"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, etablissement=user.etablissement, **kwargs)
        self.user = user
        self.fields["audience"].choices = audience_choices(user)
        self.fields["subject"].queryset = subject_queryset(user)

    def clean(self):
        data = super().clean()
        data["division"], data["group"] = parse_audience(data.get("audience", ""), self.user)
        return data


class HomeworkForm(forms.Form):
    service_error_fields = {
        "not_school_day": "due_date",
        "holiday": "due_date",
        "due_before_given": "due_date",
        "no_minutes": "estimated_minutes",
        "no_subject": "subject",
        "not_taught": "subject",
    }
    gauge_verdict_after = "due_date"

    audience = forms.ChoiceField(label=_("Classe ou groupe"))
    subject = forms.ModelChoiceField(
        label=_("Matière"),
        queryset=Subject.objects.none(),
        required=False,
        empty_label=_("celle que vous enseignez à cette classe"),
        help_text=_("À choisir si vous enseignez plusieurs matières à cette classe ou à ce groupe."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=HomeworkKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=160)
    given_on = forms.DateField(label=_("Donné le"), widget=DATE)
    due_date = forms.DateField(label=_("Pour le"), widget=DATE)
    estimated_minutes = forms.IntegerField(label=_("Durée estimée (minutes)"), min_value=1, max_value=600)
    hand_in_mode = forms.ChoiceField(label=_("À rendre"), choices=HandInMode.choices)
    instructions = forms.CharField(label=_("Consignes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tool = forms.ModelChoiceField(
        label=_("Outil (catalogue de l'établissement)"),
        queryset=None,
        required=False,
        help_text=_("Avec un outil, le lien doit pointer vers l'un de ses domaines."),
    )
    link = forms.URLField(
        assume_scheme="https",
        label=_("Lien (facultatif)"),
        required=False,
        help_text=_("Une ressource ou un dépôt en ligne, visible seulement des élèves concernés."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from .services import links_for_guardians

        if links_for_guardians(etablissement_id=user.etablissement_id):
            self.fields["link"].help_text = _(
                "Une ressource ou un dépôt en ligne, visible seulement des élèves concernés et de leurs responsables "
                "légaux (réglage de l'établissement)."
            )
        self.fields["audience"].choices = audience_choices(user)
        self.fields["subject"].queryset = subject_queryset(user)
        from outils.models import Tool
        from outils.queries import tools_for_modality

        self.fields["tool"].queryset = Tool.objects.filter(
            pk__in=tools_for_modality(etablissement=user.etablissement, modality=Modality.ASYNC_DISTANCE).values("pk")
        ).order_by("name")
        self.helper = _gauge_helper(self)

    def clean(self):
        data = super().clean()
        data["division"], data["group"] = parse_audience(data.get("audience", ""), self.user)
        return data


CLASS_WEEKDAY_CHOICES = [
    ("0", _("lundi")),
    ("1", _("mardi")),
    ("2", _("mercredi")),
    ("3", _("jeudi")),
    ("4", _("vendredi")),
    ("5", _("samedi")),
]


class SlotDeleteForm(forms.Form):
    from_date = forms.DateField(
        label=_("Retirer à partir du"),
        widget=DATE,
        help_text=_("Les semaines d'avant gardent le créneau."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ThresholdsForm(forms.ModelForm):
    class_weekdays = forms.MultipleChoiceField(
        label=_("Jours de classe"),
        choices=CLASS_WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les semaines du planning montrent ces jours : le samedi seulement s'il est coché "
            "(des cours le samedi matin, par exemple)."
        ),
    )

    class Meta:
        model = PlanningSettings
        fields = [
            "max_video_minutes_per_day",
            "max_async_minutes_per_day",
            "max_assessments_per_day",
            "max_video_minutes_per_week",
            "max_async_minutes_per_week",
            "max_assessments_per_week",
            "max_video_share_percent",
            "min_remote_minutes_for_share",
            "links_for_guardians",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_weekdays"].initial = list(self.instance.class_weekdays)
        self.order_fields(["class_weekdays"])  # the school's week first, then its limits
        self.helper = _helper()

    def clean_max_video_share_percent(self):
        share = self.cleaned_data["max_video_share_percent"]
        if share is not None and share > 100:
            raise forms.ValidationError(_("Une part se donne en pourcentage : 100 % au plus."))
        return share

    def clean(self):
        cleaned = super().clean()
        for name in ("max_video_minutes_per_day", "max_async_minutes_per_day"):
            if cleaned.get(name) == 0:
                self.add_error(name, _("Un seuil de 0 min par jour signalerait chaque jour : 1 min au moins."))
        pairs = (
            ("max_video_minutes_per_day", "max_video_minutes_per_week", _("la classe virtuelle")),
            ("max_async_minutes_per_day", "max_async_minutes_per_week", _("le travail à faire")),
            ("max_assessments_per_day", "max_assessments_per_week", _("les évaluations")),
        )
        for day, week, what in pairs:
            if cleaned.get(day) is not None and cleaned.get(week) is not None and cleaned[week] < cleaned[day]:
                self.add_error(
                    week,
                    _("Le seuil de la semaine pour %(what)s ne peut pas être plus bas que celui d'un jour (%(day)s).")
                    % {"what": what, "day": cleaned[day]},
                )
        return cleaned


class WeekCopyForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Copier sur les semaines suivantes (nombre)"), min_value=1, max_value=8, initial=1
    )
    replace = forms.BooleanField(
        label=_("Remplacer aussi les séances déjà planifiées de ces semaines"),
        required=False,
        help_text=_("Sinon, une séance déjà planifiée (modalité, lien, consignes) reste telle quelle."),
    )


class DivisionSwitchForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE)
    end = forms.DateField(label=_("Au"), widget=DATE)
    modality = forms.ChoiceField(
        label=_("Modalité"),
        choices=[
            (Modality.VISIO, _("Classe virtuelle (toute la classe à distance)")),
            (Modality.ASYNC_DISTANCE, _("Travail à distance en autonomie")),
            (Modality.PRESENCE, _("Retour en classe (fin de la bascule)")),
        ],
        help_text=_("Ignorée avec la rotation hybride A/B."),
    )
    hybrid_rota = forms.BooleanField(
        label=_("Rotation hybride A/B (un demi-groupe en classe, l'autre à distance, alterné par semaine)"),
        required=False,
    )
    first_half_in_room = forms.ChoiceField(
        label=_("Demi-groupe en classe en semaine A"), choices=HalfGroup.choices, initial="A"
    )
    hybrid_remote_mode = forms.ChoiceField(label=_("Le demi-groupe à distance"), choices=RemoteMode.choices)

    def __init__(self, *args, division=None, shared=(), **kwargs):
        """``shared``: the groups shared with other divisions, each asked for a decision."""
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.shared = list(shared)
        code = division.code if division is not None else ""
        for drawn in self.shared:
            self.fields[f"groupe_{drawn.group.pk}"] = forms.ChoiceField(
                label=_("%(group)s (aussi des élèves de %(others)s)")
                % {"group": drawn.group.label or drawn.group.code, "others": ", ".join(drawn.other_divisions)},
                choices=[
                    (SHARED_ALL, _("Tout le groupe bascule (à distance, ou en rotation A/B)")),
                    (
                        SHARED_HYBRID,
                        _("Hybride : les élèves de la %(code)s à distance, les autres en classe") % {"code": code},
                    ),
                ],
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self):
        data = super().clean()
        decisions = {}
        for drawn in self.shared:
            value = data.pop(f"groupe_{drawn.group.pk}", "")
            if value:
                decisions[drawn.group.pk] = value
        data["shared_groups"] = decisions
        return data


class SlotForm(forms.Form):
    """A slot of the timetable; with ``from_date``, the date a change takes effect."""

    audience = forms.ChoiceField(label=_("Classe ou groupe"))
    subject = forms.ModelChoiceField(label=_("Matière"), queryset=Subject.objects.none())
    teachers = forms.ModelMultipleChoiceField(label=_("Enseignants"), queryset=Staff.objects.none())
    weekday = forms.TypedChoiceField(label=_("Jour"), coerce=int)
    start = forms.TimeField(label=_("Début"), widget=TIME)
    end = forms.TimeField(label=_("Fin"), widget=TIME)
    week_pattern = forms.ChoiceField(label=_("Semaines"), choices=WeekPattern.choices)
    room = forms.CharField(label=_("Salle"), max_length=40, required=False)
    from_date = forms.DateField(
        label=_("À partir du"),
        widget=DATE,
        help_text=_("Les semaines d'avant gardent le créneau tel qu'il était."),
    )

    def __init__(self, *args, user, weekdays: list[int], with_from_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not with_from_date:
            del self.fields["from_date"]
        self.fields["weekday"].choices = [(d, WEEKDAY_NAMES[d]) for d in weekdays]
        self.fields["audience"].choices = audience_choices(user)
        self.fields["subject"].queryset = Subject.objects.filter(etablissement_id=user.etablissement_id)
        self.fields["teachers"].queryset = Staff.objects.filter(etablissement_id=user.etablissement_id).teachers()
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        data["division"], data["group"] = parse_audience(data.get("audience", ""), self.user)
        return data
