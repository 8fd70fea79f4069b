"""The consensus rule for cooperation proposals (the ASEAN way), as a pure function.

No database, no clock: everything it needs comes in as arguments, so the rule can be
read and tested on its own. ``decide`` answers one of three outcomes:

* **adopted**: every participating office has responded (support, support with
  reservations or abstain) and none "cannot support"; or the deadline has passed,
  nobody blocks and the silence rule is "consent", so the offices that stayed silent
  count as supporting. At least one office must support: a proposal every office
  abstains from is not adopted.
* **not adopted**: the deadline has passed and a "cannot support" still stands, or
  some offices stayed silent and the silence rule is "no decision", or nobody
  supports.
* **pending**: otherwise — before the deadline, while responses are missing or while
  an office cannot support (a block lasts until it is withdrawn or the proposal is
  amended; the caller passes only the responses to the current version).

Positions are the strings ``support``, ``reservations``, ``cannot_support`` and
``abstain``; silence rules ``consent`` and ``no_decision``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

PENDING = "pending"
ADOPTED = "adopted"
NOT_ADOPTED = "not_adopted"

SUPPORT = "support"
RESERVATIONS = "reservations"
CANNOT_SUPPORT = "cannot_support"
ABSTAIN = "abstain"
POSITIONS = (SUPPORT, RESERVATIONS, CANNOT_SUPPORT, ABSTAIN)
SUPPORTING = (SUPPORT, RESERVATIONS)

CONSENT = "consent"
NO_DECISION = "no_decision"
SILENCE_RULES = (CONSENT, NO_DECISION)

# Why: a short code for each path through the rule (tests and logs read these).
ALL_RESPONDED = "all_responded"
SILENCE_AS_CONSENT = "silence_as_consent"
AWAITING = "awaiting"
BLOCKED = "blocked"
BLOCKED_AT_DEADLINE = "blocked_at_deadline"
SILENCE_NO_DECISION = "silence_no_decision"
NO_SUPPORT = "no_support"
NO_PARTICIPANTS = "no_participants"


@dataclass(frozen=True)
class Outcome:
    """What the rule decided, and why.

    ``offices``: the offices the reason is about (the blocking ones, the silent ones),
    in the order the participants were given.
    """

    state: str
    code: str
    offices: tuple[Hashable, ...] = field(default=())

    @property
    def is_decided(self) -> bool:
        return self.state != PENDING


def decide(
    *,
    participants: Iterable[Hashable],
    endorsements: Mapping[Hashable, str],
    deadline: datetime,
    now: datetime,
    silence_rule: str,
) -> Outcome:
    """Apply the consensus rule.

    participants: the offices that must endorse. endorsements: each office's current
    position (responses of offices that do not participate are ignored). deadline and
    now: aware datetimes; the deadline has passed when ``now >= deadline``.
    Raises ValueError for an unknown silence rule or position.
    """
    if silence_rule not in SILENCE_RULES:
        raise ValueError(f"unknown silence rule {silence_rule!r}")
    order = list(dict.fromkeys(participants))
    if not order:
        return Outcome(PENDING, NO_PARTICIPANTS)
    positions = {office: endorsements[office] for office in order if office in endorsements}
    unknown = sorted({p for p in positions.values() if p not in POSITIONS})
    if unknown:
        raise ValueError(f"unknown position(s) {unknown!r}")
    passed = now >= deadline
    blocking = tuple(o for o in order if positions.get(o) == CANNOT_SUPPORT)
    silent = tuple(o for o in order if o not in positions)
    if blocking:
        return (
            Outcome(NOT_ADOPTED, BLOCKED_AT_DEADLINE, blocking)
            if passed
            else Outcome(PENDING, BLOCKED, blocking)
        )
    supporters = [o for o in order if positions.get(o) in SUPPORTING]
    if not silent:
        if not supporters:
            return Outcome(NOT_ADOPTED, NO_SUPPORT)
        return Outcome(ADOPTED, ALL_RESPONDED)
    if not passed:
        return Outcome(PENDING, AWAITING, silent)
    if silence_rule == NO_DECISION:
        return Outcome(NOT_ADOPTED, SILENCE_NO_DECISION, silent)
    return Outcome(ADOPTED, SILENCE_AS_CONSENT, silent)
