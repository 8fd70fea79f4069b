from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ipcoop.people.demo import DEMO_TWO_FACTOR_SECRET, seed_demo
from ipcoop.people.models import TWO_FACTOR_ROLES


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent). Refused in production mode."

    def handle(self, *args, **options) -> None:
        try:
            accounts = seed_demo()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        created = sum(1 for _a, new in accounts if new)
        self.stdout.write(
            f"Demo accounts: {created} created, {len(accounts) - created} already there."
        )
        self.stdout.write(f"Password for every demo account: {settings.IPCOOP_DEMO_PASSWORD}")
        for account, _new in accounts:
            where = account.organisation or (
                "platform admin" if account.platform_admin else "platform"
            )
            code = "  + code" if account.role in TWO_FACTOR_ROLES else ""
            self.stdout.write(
                f"  {account.username:<18} {account.role or 'admin':<15} {where}{code}"
            )
        self.stdout.write(
            "Accounts marked '+ code' (office staff) sign in with two-factor sign-in: add the "
            f"demo key {DEMO_TWO_FACTOR_SECRET} to an authenticator app, or run "
            "'ipcoop demo-code' for the current code."
        )
