from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ipcoop.proposals"
    label = "proposals"
    verbose_name = _("Cooperation proposals")
