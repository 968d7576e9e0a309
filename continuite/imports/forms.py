from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ImportKind
from .parsers.common import MAX_UPLOAD_BYTES


class ExportFileField(forms.FileField):
    """Says which file is empty and what to do, where Django only says « Le fichier soumis est vide. »"""

    def to_python(self, data):
        if data and getattr(data, "name", None) and not getattr(data, "size", 1):
            raise ValidationError(
                _(
                    "Le fichier « %(name)s » est vide (0 octet) : l'export a sans doute été interrompu. "
                    "Exportez-le de nouveau depuis le logiciel d'origine, puis déposez-le."
                ),
                code="empty",
                params={"name": data.name},
            )
        return super().to_python(data)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de fichier"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = ExportFileField(
        label=_("Fichier"),
        help_text=_("Le fichier tel qu'exporté (XML ou CSV), ou zippé ; 20 Mo au plus."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Déposer et vérifier")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("Le fichier dépasse la taille maximale de 20 Mo."))
        return upload
