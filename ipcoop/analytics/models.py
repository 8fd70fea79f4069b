"""Learning analytics: aggregate tables kept by ``ipcoop rollup-learning``.

Pages read only these tables, never the attempts. Nothing here names a learner
except the two bookkeeping tables (``LearnerSeen``, ``LearnerObjective``), which hold
bare learner ids so that distinct learners can be counted exactly and incrementally;
no page or export reads them.

Distinct learners cannot be added up: a learner active in two courses in one month
counts once for the month. So each distinct count the pages show is kept as its own
counter, per period ("2026-11" for a month, "2026" for a year), scope (every course,
one audience's courses, one course) and the learner's country. A counter grows by one
when the roll-up first sees a learner in that (period, scope), which it tells from the
learner's ``LearnerSeen`` rows (one per learner, period and course, unique): exact, and
incremental, since only the rows of the learners and periods of new attempts are read.
Countries add up (each learner counts under one country in a period and scope), so
regional totals are sums of the country counters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcoop.academy.models import Audience, Course


class RollupState(models.Model):
    """One row (pk 1): how far the roll-up has read. Locked while a roll-up runs."""

    attempt_id = models.BigIntegerField(default=0)  # the last attempt counted
    # The last lesson completion and mastered objective counted: (time, id).
    completions_until = models.DateTimeField(null=True, blank=True)
    completions_pk = models.BigIntegerField(default=0)
    mastered_until = models.DateTimeField(null=True, blank=True)
    mastered_pk = models.BigIntegerField(default=0)
    # Figures include everything recorded up to this time.
    figures_until = models.DateTimeField(null=True, blank=True)
    ran_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rolled up to attempt {self.attempt_id}"


class MonthlyFigures(models.Model):
    """What learners of one country did in one course in one month (additive counts)."""

    month = models.DateField(_("month"))  # the first day of the month (UTC)
    country = models.CharField(_("country"), max_length=2, blank=True)  # "" not stated
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    courses_completed = models.PositiveIntegerField(default=0)
    objectives_practised = models.PositiveIntegerField(default=0)
    objectives_mastered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "country", "course"], name="analytics_monthly_cell"
            )
        ]
        indexes = [models.Index(fields=["month", "audience"], name="analytics_month_audience")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.country or '-'} {self.course_id}"


class LearnerCount(models.Model):
    """Distinct active learners (at least one answer) of one country in a period and scope."""

    period = models.CharField(max_length=7)  # "2026-11" or "2026"
    scope = models.CharField(max_length=40)  # "all", "audience:children", "course:12"
    country = models.CharField(max_length=2, blank=True)
    learners = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scope", "country"], name="analytics_learner_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.scope} {self.country or '-'}: {self.learners}"


class LearnerSeen(models.Model):
    """Bookkeeping: the learner was active in this course in this period.

    One row per (learner, period, course): a learner is new to the audience's or to
    the all-course counter of a period when no row of theirs for that period has the
    same audience, or none at all. Also records finished courses (period "done"), so a
    course is counted as completed once per learner.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=7)
    course_id = models.BigIntegerField()
    audience = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "period", "course_id"], name="analytics_learner_seen"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} course {self.course_id}"


class LearnerObjective(models.Model):
    """Bookkeeping: the course in which a learner first practised an objective.

    An objective mastered after that first answer is counted in that course's
    figures; one mastered without practice (placed past it) is not counted.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    objective_id = models.BigIntegerField()
    course_id = models.BigIntegerField()
    country = models.CharField(max_length=2, blank=True)
    audience = models.CharField(max_length=20)
    first_at = models.DateTimeField()  # the first answer
    mastered = models.BooleanField(default=False)  # already counted as mastered

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "objective_id"], name="analytics_learner_objective"
            )
        ]

    def __str__(self) -> str:
        return f"objective {self.objective_id} in course {self.course_id}"
