"""Generations: what tells a page kept for a reader (``pagecache.render_for_reader``)
that the data it was made from has changed.

Each kind of data a kept page may show has a *generation*, a random token in the table
of ``PageGeneration``. A page is kept under a key that holds the tokens of the
generations it depends on, so a change of token makes every page made before it
unreachable, in every worker at once.

Tokens change by themselves: an execute wrapper on every database connection sees each
``INSERT``, ``UPDATE`` and ``DELETE`` and, when its table belongs to a generation
(``APP_GENERATIONS``, ``MODEL_GENERATIONS``), writes a new token once the write is
committed (``on_write``). Services, the admin, management commands and bulk updates
are all covered, with nothing to remember in each of them. A new app or model must be
placed in the tables below (a test fails until it is): either in a generation, or in
none when no kept page shows it.

Learning records (attempts, progress, review cards, placements) are one learner's
each: a write to them changes the generation of that learner only
(``learner_generation``) when it is made by a service marked ``@writes_of_learner``,
and otherwise the ``LEARNING`` generation every learner's kept pages depend on. A
service that forgets the mark costs kept pages, never correctness.

What else a page shows of one reader only (their inbox count, their name) is not a
generation: the view passes it in the page's key (``vary``), or the page is not kept
for that reader at all.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from ipcoop.web.models import PageGeneration

TABLE = PageGeneration._meta.db_table

# Every generation, and every page kept for readers depends on the first.
PEOPLE = "people"
PRACTICE = "practice"
WORKSHARING = "worksharing"
MEETINGS = "meetings"
COOPERATION = "cooperation"
SEARCH = "search"
ACADEMY = "academy"
LEARNING = "learning"  # and "learning:<learner id>", see learner_generation
CLASSES = "classes"
GENERATIONS = (
    PEOPLE,
    PRACTICE,
    WORKSHARING,
    MEETINGS,
    COOPERATION,
    SEARCH,
    ACADEMY,
    LEARNING,
    CLASSES,
)

# The generation of each app's tables (None: no page kept for readers shows them).
APP_GENERATIONS: dict[str, str | None] = {
    # Organisations and memberships decide what a reader may see.
    "people": PEOPLE,
    "practice": PRACTICE,
    "worksharing": WORKSHARING,
    "meetings": MEETINGS,
    "proposals": COOPERATION,
    "projects": COOPERATION,
    "search": SEARCH,
    "academy": ACADEMY,
    # Whether a child's learning may be stored (classes, consents, consent rules).
    "classes": CLASSES,
    # Shown on pages that are not kept (or through the search index), or only in a kept
    # page's key.
    "updates": None,
    "consultations": None,
    "statistics": None,
    "analytics": None,
    "credentials": None,
    "notifications": None,  # the inbox count is part of every kept page's key
    "ops": None,
    "web": None,
    "admin": None,
    "auth": None,
    "contenttypes": None,
    "sessions": None,
    "django_tasks_database": None,
    "sharedapp": None,  # tests only
}
# Models whose generation differs from their app's.
MODEL_GENERATIONS: dict[str, str | None] = {
    # Written on every sign-in (last_login); the name shown is in every kept page's key.
    "people.user": None,
    "people.auditevent": None,
    "people.apitoken": None,
    # Whether office staff still have to set up a second factor (kept per people token,
    # see two_factor.must_enrol): set up and taken away, not its use (UPDATES_UNCOUNTED).
    "people.twofactordevice": PEOPLE,
    "people.recoverycode": None,
    # Each person's own watches and answers, not on kept pages.
    "worksharing.watch": None,
    "meetings.calendartoken": None,
    "meetings.pollanswer": None,
    # One learner's own records.
    "academy.attempt": LEARNING,
    "academy.lessonprogress": LEARNING,
    "academy.objectiveprogress": LEARNING,
    "academy.placement": LEARNING,
    "academy.reviewcard": LEARNING,
}

# Models whose updates change nothing a kept page or key shows: only their inserts and
# deletes change their generation.
UPDATES_UNCOUNTED = {
    "people.twofactordevice",  # the last code used, at every sign-in
}

_learner: ContextVar[int | None] = ContextVar("ipcoop_learner", default=None)


def learner_generation(learner_id: int) -> str:
    """The generation of one learner's learning records."""
    return f"{LEARNING}:{learner_id}"


def writes_of_learner(service: Callable) -> Callable:
    """Mark a service whose writes to learning records are all those of its ``learner``
    keyword argument: they change that learner's generation, not every learner's."""

    @functools.wraps(service)
    def marked(*args: Any, **kwargs: Any) -> Any:
        token = _learner.set(kwargs["learner"].pk)
        try:
            return service(*args, **kwargs)
        finally:
            _learner.reset(token)

    return marked


_WRITE = re.compile(
    r'^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
_UPSERT = (
    "INSERT INTO web_pagegeneration (name, token) VALUES (%s, %s) "
    "ON CONFLICT (name) DO UPDATE SET token = excluded.token"
)


def generation_of(model: Any) -> str | None:
    """The generation a write to ``model``'s table changes.

    Raises ``LookupError`` for a model placed nowhere (see the module docstring)."""
    if model._meta.auto_created:  # a many-to-many table: its model's generation
        return generation_of(model._meta.auto_created)
    label = model._meta.label_lower
    if label in MODEL_GENERATIONS:
        return MODEL_GENERATIONS[label]
    app = model._meta.app_label
    if app not in APP_GENERATIONS:
        raise LookupError(f"{label}: place its app in generations.APP_GENERATIONS")
    return APP_GENERATIONS[app]


_tables: dict[str, str] | None = None
_updates_uncounted: frozenset[str] = frozenset()


def table_generations() -> dict[str, str]:
    """Table name → generation, for the tables that belong to one."""
    global _tables, _updates_uncounted
    if _tables is None:
        found = {}
        for model in apps.get_models(include_auto_created=True):
            generation = generation_of(model)
            if generation:
                found[model._meta.db_table] = generation
        _updates_uncounted = frozenset(
            apps.get_model(label)._meta.db_table for label in UPDATES_UNCOUNTED
        )
        _tables = found
    return _tables


def tokens(names: Iterable[str], using: str = "default") -> tuple[int, ...]:
    """The current token of each generation in ``names`` (0 when never written), in
    their order. One query."""
    names = list(names)
    found = dict(
        PageGeneration.objects.using(using).filter(name__in=names).values_list("name", "token")
    )
    return tuple(found.get(name, 0) for name in names)


# A generation's token as SQL with one parameter, its name (no row when never written),
# to be read as a subquery of another statement.
TOKEN_SQL = f"SELECT token FROM {TABLE} WHERE name = %s"  # noqa: S608 (a parameter)


def bump(names: Iterable[str], using: str = "default") -> None:
    """Give each generation in ``names`` a new token, one statement each (called in
    autocommit, after the write)."""
    with connections[using].cursor() as cursor:
        for name in names:
            cursor.execute(_UPSERT, [name, secrets.randbits(62)])


# The execute wrapper ------------------------------------------------------------------


class _Pending(set):
    """The generations written in the current transaction, bumped once it commits (a
    hook in Django's on-commit list, so that it goes when the transaction or the
    savepoint it was added in is rolled back)."""

    def __init__(self, using: str) -> None:
        super().__init__()
        self.using = using
        self.done = False

    def __call__(self) -> None:
        # Done: no later write joins it (Django empties the list after a commit; a
        # test that runs the hooks itself leaves them in it).
        self.done = True
        bump(sorted(self), using=self.using)


def _pending(connection: BaseDatabaseWrapper) -> _Pending:
    """The hook of the current transaction and savepoint (one per savepoint: a hook
    added in a savepoint goes if that savepoint is rolled back)."""
    here = set(connection.savepoint_ids)
    for savepoints, hook, _robust in connection.run_on_commit:
        if isinstance(hook, _Pending) and not hook.done and savepoints == here:
            return hook
    pending = _Pending(connection.alias)
    transaction.on_commit(pending, using=connection.alias, robust=True)
    return pending


def on_write(execute: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """The execute wrapper: run the statement and, when it wrote to a table of a
    generation, bump that generation: at once outside a transaction, else once the
    transaction commits (after the commit, in a fixed order: no lock is held across a
    transaction, so no two transactions wait on each other; a reader between the
    commit and the bump keeps what it read under the old token, which the bump makes
    unreachable)."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    if not getattr(connection, "ipcoop_generations_ready", False):
        return result
    match = _WRITE.match(sql)
    if match is None:
        return result
    verb, table = match.groups()
    generation = table_generations().get(table)
    if generation is None or (verb.upper() == "UPDATE" and table in _updates_uncounted):
        return result
    if generation == LEARNING and (learner_id := _learner.get()) is not None:
        generation = learner_generation(learner_id)
    if connection.in_atomic_block:
        _pending(connection).add(generation)
    else:
        # A cursor of its own: the statement's (its RETURNING rows, row count and last
        # row id) is read by the caller after this returns.
        bump([generation], using=connection.alias)
    return result


def _wrap(connection: BaseDatabaseWrapper) -> None:
    if on_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(on_write)


def install(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """Put the wrapper on a connection (once) and tell whether its table exists yet:
    before ``migrate`` has made it (a new database) there is nothing to change."""
    _wrap(connection)
    if not getattr(connection, "ipcoop_generations_ready", False):
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        connection.ipcoop_generations_ready = TABLE in tables


def after_migrate(using: str = "default", **_kwargs: Any) -> None:
    """``migrate`` may have made the table on a connection that was open before."""
    connection = connections[using]
    _wrap(connection)
    connection.ipcoop_generations_ready = True
