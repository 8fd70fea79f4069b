"""``ipcoop rollup-learning``: add recent attempts, completions and mastery to the
learning analytics figures.

Run it from cron every 10 minutes. Each run reads only what was recorded since the
previous one; a run started while another is still going stops at once. ``--full``
rebuilds every figure from all attempts (after a correction of the data).
"""

from django.core.management.base import BaseCommand

from ipcoop.analytics.rollup import rollup_learning


class Command(BaseCommand):
    help = "Roll up learners' attempts and progress into the learning analytics figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="Count everything again from the start."
        )

    def handle(self, *args, **options):
        result = rollup_learning(full=options["full"])
        if result.locked:
            self.stdout.write("Another roll-up is running: nothing done.")
            return
        self.stdout.write(
            f"{result.attempts} attempt(s), {result.completions} lesson completion(s), "
            f"{result.mastered} mastered objective(s) counted; "
            f"figures up to {result.figures_until:%Y-%m-%d %H:%M} UTC."
            if result.figures_until
            else f"{result.attempts} attempt(s) counted."
        )
