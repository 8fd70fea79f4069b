"""The consensus rule as a table: every path through ``ipcoop.lib.consensus.decide``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ipcoop.lib import consensus as c

DEADLINE = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(days=1)
AFTER = DEADLINE + timedelta(seconds=1)
OFFICES = ["kr", "sg", "th"]

S, R, X, A = c.SUPPORT, c.RESERVATIONS, c.CANNOT_SUPPORT, c.ABSTAIN

CASES = [
    # name, endorsements, now, silence rule, state, code, offices named
    ("all support", {"kr": S, "sg": S, "th": S}, BEFORE, c.CONSENT, c.ADOPTED, c.ALL_RESPONDED, ()),
    (
        "support, reservations, abstain",
        {"kr": S, "sg": R, "th": A},
        BEFORE,
        c.NO_DECISION,
        c.ADOPTED,
        c.ALL_RESPONDED,
        (),
    ),
    (
        "one blocks before deadline",
        {"kr": S, "sg": X, "th": S},
        BEFORE,
        c.CONSENT,
        c.PENDING,
        c.BLOCKED,
        ("sg",),
    ),
    (
        "block withdrawn, then all support",
        {"kr": S, "sg": S, "th": S},
        BEFORE,
        c.CONSENT,
        c.ADOPTED,
        c.ALL_RESPONDED,
        (),
    ),
    (
        "block withdrawn, office silent again",
        {"kr": S, "th": S},
        BEFORE,
        c.CONSENT,
        c.PENDING,
        c.AWAITING,
        ("sg",),
    ),
    (
        "block stands at deadline",
        {"kr": S, "sg": X},
        AFTER,
        c.CONSENT,
        c.NOT_ADOPTED,
        c.BLOCKED_AT_DEADLINE,
        ("sg",),
    ),
    (
        "amended: no response to the new version yet",
        {},
        BEFORE,
        c.CONSENT,
        c.PENDING,
        c.AWAITING,
        ("kr", "sg", "th"),
    ),
    (
        "deadline not passed, one missing",
        {"kr": S, "sg": S},
        BEFORE,
        c.NO_DECISION,
        c.PENDING,
        c.AWAITING,
        ("th",),
    ),
    (
        "deadline exactly now counts as passed",
        {"kr": S, "sg": S},
        DEADLINE,
        c.CONSENT,
        c.ADOPTED,
        c.SILENCE_AS_CONSENT,
        ("th",),
    ),
    (
        "silence as consent after deadline",
        {"kr": S},
        AFTER,
        c.CONSENT,
        c.ADOPTED,
        c.SILENCE_AS_CONSENT,
        ("sg", "th"),
    ),
    (
        "silence means no decision after deadline",
        {"kr": S, "sg": S},
        AFTER,
        c.NO_DECISION,
        c.NOT_ADOPTED,
        c.SILENCE_NO_DECISION,
        ("th",),
    ),
    (
        "nobody answers, consent",
        {},
        AFTER,
        c.CONSENT,
        c.ADOPTED,
        c.SILENCE_AS_CONSENT,
        ("kr", "sg", "th"),
    ),
    (
        "everybody abstains",
        {"kr": A, "sg": A, "th": A},
        BEFORE,
        c.CONSENT,
        c.NOT_ADOPTED,
        c.NO_SUPPORT,
        (),
    ),
    (
        "non-participant's response is ignored",
        {"kr": S, "sg": S, "xx": X},
        BEFORE,
        c.CONSENT,
        c.PENDING,
        c.AWAITING,
        ("th",),
    ),
    (
        "non-participant cannot complete it",
        {"kr": S, "sg": S, "xx": S},
        AFTER,
        c.NO_DECISION,
        c.NOT_ADOPTED,
        c.SILENCE_NO_DECISION,
        ("th",),
    ),
]


@pytest.mark.parametrize(
    ("endorsements", "now", "rule", "state", "code", "offices"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(endorsements, now, rule, state, code, offices):
    outcome = c.decide(
        participants=OFFICES,
        endorsements=endorsements,
        deadline=DEADLINE,
        now=now,
        silence_rule=rule,
    )
    assert (outcome.state, outcome.code, outcome.offices) == (state, code, offices)
    assert outcome.is_decided == (state != c.PENDING)


def test_no_participants_stays_pending():
    outcome = c.decide(
        participants=[], endorsements={}, deadline=DEADLINE, now=AFTER, silence_rule=c.CONSENT
    )
    assert (outcome.state, outcome.code) == (c.PENDING, c.NO_PARTICIPANTS)


@pytest.mark.parametrize(
    ("endorsements", "rule"),
    [({"kr": "maybe"}, c.CONSENT), ({"kr": S}, "whatever")],
)
def test_unknown_values_are_refused(endorsements, rule):
    with pytest.raises(ValueError):
        c.decide(
            participants=OFFICES,
            endorsements=endorsements,
            deadline=DEADLINE,
            now=BEFORE,
            silence_rule=rule,
        )
