from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksharingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ipcoop.worksharing"
    label = "worksharing"
    verbose_name = _("Examination work-sharing")
