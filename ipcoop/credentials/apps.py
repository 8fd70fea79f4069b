from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ipcoop.credentials"
    label = "credentials"
    verbose_name = _("Certificates")
