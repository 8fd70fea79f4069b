"""Two requests with the same idempotency key at the same moment record one attempt."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from ipcoop.academy import services
from ipcoop.academy.models import Attempt, ObjectiveProgress, Question
from ipcoop.academy.package import import_package
from tests.academy.fixture import package
from tests.conftest import make_user


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "SQLite's shared in-memory test database refuses a second writer at once "
        "(table locked); there the race is simulated in test_player.py"
    ),
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_requests_with_one_key_record_one_attempt():
    import_package(package(), publish=True)
    learner = make_user("racer")
    question = Question.objects.get(key="q-single")
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def answer():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.record_attempt(
                    learner=learner, question=question, answer={"choice": 0}, idempotency_key=key
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert Attempt.objects.count() == 1
    assert sorted(r.created for r in results) == [False, True]
    assert len({r.attempt.pk for r in results}) == 1
    assert ObjectiveProgress.objects.get().answered == 1
