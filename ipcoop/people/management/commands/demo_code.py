from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ipcoop.lib import totp
from ipcoop.people.demo import DEMO_TWO_FACTOR_SECRET


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo office staff accounts "
        "(development only; refused in production mode)."
    )

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo codes are not available in production mode.")
        key = totp.decode_secret(DEMO_TWO_FACTOR_SECRET)
        self.stdout.write(totp.totp(key))
        self.stderr.write("Each code works once per account; a new one comes every 30 seconds.")
