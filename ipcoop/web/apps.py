from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ipcoop.web"
    label = "web"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        # Not model signals: the database layer's own hooks, so that every connection
        # tells kept pages what it writes (generations.py).
        from ipcoop.web import generations

        connection_created.connect(generations.install, dispatch_uid="ipcoop-generations")
        post_migrate.connect(
            generations.after_migrate, sender=self, dispatch_uid="ipcoop-generations-migrate"
        )
