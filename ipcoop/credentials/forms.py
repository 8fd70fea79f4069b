from django import forms
from django.utils.translation import gettext_lazy as _


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Anyone who checks the certificate's status can read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
