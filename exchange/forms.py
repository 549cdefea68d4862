from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx) made from the template, or a JSON file exported from "
            "Handlingskraft. At most %(size)s."
        ) % {"size": filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PLAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s, the most that can be imported.")
                % {"size": filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)}
            )
        return upload
