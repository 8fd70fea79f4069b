"""The Academy: objectives in a topic tree, courses of units and lessons, questions,
attempts and progress.

Every text learners read is stored as a JSON object mapping a language code to the
text ({"en": "...", "ko": "..."}), one per translatable field, so a list page reads
each row once whatever the number of languages. English is always present and is
the fallback (see ``ipcoop.academy.i18n``).

A lesson is a stable identity (its slug within the course, its place in a unit);
its content lives in versions. Learners see the lesson's published version; an
edit of a published lesson is a new draft version until a second educator publishes
it. Attempts and progress point at the lesson, never at a version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipcoop.lib import mastery


class Audience(models.TextChoices):
    CHILDREN = "children", _("Children")
    STUDENTS = "students", _("Students")
    ADULTS = "adults", _("Adults")
    PROFESSIONALS = "professionals", _("Professionals")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Topic(models.TextChoices):
    PATENTS = "patents", _("Patents")
    TRADEMARKS = "trademarks", _("Trademarks")
    DESIGNS = "designs", _("Industrial designs")
    COPYRIGHT = "copyright", _("Copyright")
    TRADE_SECRETS = "trade-secrets", _("Trade secrets")
    GEOGRAPHICAL_INDICATIONS = "geographical-indications", _("Geographical indications")
    ENFORCEMENT = "enforcement", _("Enforcement")
    FOURTH_IR = "4ir", _("IP and the fourth industrial revolution")
    FOURTH_IR_AI = "4ir-ai", _("Artificial intelligence")
    FOURTH_IR_BLOCKCHAIN = "4ir-blockchain", _("Blockchain")
    FOURTH_IR_METAVERSE = "4ir-metaverse", _("Metaverse")
    SDGS = "sdgs", _("IP for the Sustainable Development Goals")


# The topic tree: child → parent.
TOPIC_PARENTS = {"4ir-ai": "4ir", "4ir-blockchain": "4ir", "4ir-metaverse": "4ir"}

# Objective code prefix per topic.
TOPIC_PREFIXES = {
    "patents": "PAT",
    "trademarks": "TM",
    "designs": "DES",
    "copyright": "CR",
    "trade-secrets": "TS",
    "geographical-indications": "GI",
    "enforcement": "ENF",
    "4ir-ai": "AI",
    "4ir-blockchain": "BC",
    "4ir-metaverse": "MV",
    "sdgs": "SDG",
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", pgettext_lazy("state of a course or lesson", "Published")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    MATCHING = "matching", _("Matching")
    SHORT_ANSWER = "short_answer", pgettext_lazy("type of question", "Short answer")


class Objective(models.Model):
    """A learning objective (knowledge component): what a learner can do."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    title = models.JSONField(_("title"), default=dict)
    audiences = models.JSONField(_("audiences"), default=list)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, related_name="unlocks", blank=True
    )
    # Bayesian Knowledge Tracing parameters (``ipcoop.lib.mastery``), data per objective.
    # The defaults are ``mastery.DEFAULT``. An objective checked mostly by true/false
    # questions is guessed half the time: give it a guess of 0.5.
    bkt_prior = models.FloatField(_("known before practice (prior)"), default=0.2)
    bkt_learn = models.FloatField(_("learnt at one practice (learn)"), default=0.15)
    bkt_guess = models.FloatField(_("right without knowing (guess)"), default=0.2)
    bkt_slip = models.FloatField(_("wrong while knowing (slip)"), default=0.1)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    bkt_prior__gte=0,
                    bkt_prior__lte=1,
                    bkt_learn__gte=0,
                    bkt_learn__lte=1,
                    bkt_guess__gte=0,
                    bkt_slip__gte=0,
                    bkt_guess__lt=1 - models.F("bkt_slip"),
                ),
                name="academy_objective_bkt_range",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def bkt(self) -> mastery.Params:
        return mastery.Params(
            prior=self.bkt_prior, learn=self.bkt_learn, guess=self.bkt_guess, slip=self.bkt_slip
        )


class Course(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    topics = models.JSONField(_("topics"), default=list)
    sdgs = models.JSONField(_("SDGs"), default=list)
    minutes = models.PositiveIntegerField(_("estimated minutes"), default=0)
    languages = models.JSONField(_("languages"), default=list)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audience", "slug"]

    def __str__(self) -> str:
        return self.slug


class Unit(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(default=0)
    title = models.JSONField(_("title"), default=dict)

    class Meta:
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return self.title.get("en", "")


class Lesson(models.Model):
    """A lesson's stable identity. Its content is in ``LessonVersion``."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveIntegerField(default=0)
    published_version = models.ForeignKey(
        "LessonVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_version = models.ForeignKey(
        "LessonVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="academy_lesson_slug_in_course")
        ]

    def __str__(self) -> str:
        return f"{self.course.slug}/{self.slug}"


class LessonVersion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.JSONField(_("title"), default=dict)
    minutes = models.PositiveIntegerField(_("minutes"), default=5)
    body = models.JSONField(_("body"), default=dict)
    key_points = models.JSONField(_("key points"), default=dict)
    images = models.JSONField(_("images"), default=list)
    video = models.JSONField(_("video"), null=True, blank=True)
    objectives = models.JSONField(_("objectives"), default=list)
    sources = models.JSONField(_("sources"), default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lesson", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="academy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} v{self.number}"


class Question(models.Model):
    """A practice question of one lesson, checking one objective.

    A question added to a lesson that is already published becomes visible when the
    lesson's next version is published (``published``).
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="questions")
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=1)
    prompt = models.JSONField(_("prompt"), default=dict)
    choices = models.JSONField(default=list)
    answer = models.BooleanField(null=True, blank=True)
    pairs = models.JSONField(default=list)
    accepted = models.JSONField(default=dict)
    feedback = models.JSONField(_("feedback"), default=dict)
    sources = models.JSONField(default=list)
    published = models.BooleanField(default=False)
    # Changes to a published question wait here until the lesson's next version is
    # published: {"objective_id", "type", "difficulty", "prompt", ...}.
    pending = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="academy_question_key")
        ]

    def __str__(self) -> str:
        return self.key

    def with_pending(self) -> Question:
        """A copy of the question as its author last wrote it (pending changes applied)."""
        fields = self._meta.concrete_fields
        draft = Question(**{f.attname: getattr(self, f.attname) for f in fields})
        for name, value in (self.pending or {}).items():
            setattr(draft, name, value)
        draft.pending = None
        for relation in ("objective", "lesson", "course"):
            same = getattr(draft, f"{relation}_id") == getattr(self, f"{relation}_id")
            if same and self._meta.get_field(relation).is_cached(self):
                setattr(draft, relation, getattr(self, relation))
        return draft

    def apply_pending(self) -> None:
        for name, value in (self.pending or {}).items():
            setattr(self, name, value)
        self.pending = None


class CourseFile(models.Model):
    """An image that came in a zip package (``files/<name>``), served by the Academy."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="academy_file_name")]

    def __str__(self) -> str:
        return self.name


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_attempts"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attempts")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    answer = models.JSONField()
    correct = models.BooleanField()
    time_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4)
    # Folded into the learner's review card of the question (``academy.reviews``).
    scheduled = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"], name="academy_attempt_idempotent"
            )
        ]
        indexes = [
            # A learner's attempts not yet folded into review cards: found at once
            # however long their history (the dashboard asks on every visit). Only
            # those attempts are in it, so no estimate of how many there are can make
            # the database read a learner's whole history instead.
            models.Index(
                fields=["learner"],
                condition=models.Q(scheduled=False),
                name="academy_attempt_to_fold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.question_id}"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class LessonProgress(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_lessons"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(
        max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="academy_lesson_progress")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.lesson_id}: {self.status}"


class ObjectiveProgress(models.Model):
    """A learner's practice of one objective: answers, correct answers, last practised."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_objectives"
    )
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="progress")
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    last_practised = models.DateTimeField(null=True, blank=True)
    # P(known) under Bayesian Knowledge Tracing (``ipcoop.lib.mastery``); starts at the
    # objective's prior, updated on every attempt and set by a placement check.
    mastery = models.FloatField(_("mastery"), default=0.2)
    mastered_at = models.DateTimeField(_("mastered at"), null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "objective"], name="academy_objective_progress"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.objective_id}"

    @property
    def share_correct(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


class Placement(models.Model):
    """A placement check of one learner on one course: a short adaptive quiz that marks
    the objectives the learner already knows (``academy.placement``).

    ``asked`` lists the answers in order ({"question", "objective", "correct"});
    ``estimates`` maps each objective code checked to P(known); ``current`` is the
    question on screen. Finished with no question asked means skipped.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_placements"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="placements")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    asked = models.JSONField(default=list)
    estimates = models.JSONField(default=dict)
    current = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_past = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=models.Q(finished_at__isnull=True),
                name="academy_one_open_placement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.course_id}"


class ReviewCard(models.Model):
    """When a question a learner met comes back for review (FSRS, ``academy.reviews``).

    ``card`` is the scheduler's card state (``fsrs.Card.to_dict()``); ``due`` is kept
    in its own column to list what is due.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_reviews"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reviews")
    card = models.JSONField(default=dict)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="academy_review_card")
        ]
        indexes = [models.Index(fields=["learner", "due"], name="academy_review_due")]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.question_id}"
