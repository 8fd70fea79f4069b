"""What a learner knows: Bayesian Knowledge Tracing and an adaptive placement check.

Bayesian Knowledge Tracing (Corbett and Anderson, 1995) keeps, per learner and learning
objective, the probability ``p`` that the objective is known. Four parameters, stored per
objective as data:

- ``prior``: P(L0), the chance a learner knows it before practising;
- ``learn``: P(T), the chance of learning it at one practice opportunity;
- ``guess``: P(G), answering right without knowing it;
- ``slip``: P(S), answering wrong while knowing it.

After each answer, ``p`` is first conditioned on the observation (Bayes' rule), then the
learning transition is applied: ``p' = p_obs + (1 - p_obs) * learn``. An objective counts
as mastered at ``p >= 0.95``.

Placement asks before a course starts: it observes answers without the learning
transition (nothing is taught during a check), always asks about the objective whose
estimate is least certain (``p`` nearest 0.5, i.e. largest ``p * (1 - p)``), and stops
when every objective is decided (``p`` at or above ``known`` or at or below ``unknown``),
or when the question cap is reached.

Pure functions only: the Academy stores ``p`` and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MASTERED = 0.95


@dataclass(frozen=True)
class Params:
    prior: float = 0.2
    learn: float = 0.15
    guess: float = 0.2
    slip: float = 0.1

    def __post_init__(self) -> None:
        for name in ("prior", "learn", "guess", "slip"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        # Above this the model is degenerate: a right answer would be evidence of not knowing.
        if self.guess + self.slip >= 1.0:
            raise ValueError("guess + slip must be below 1")


DEFAULT = Params()


def observe(p: float, correct: bool, params: Params = DEFAULT) -> float:
    """P(known | this answer), before any learning from the attempt."""
    if correct:
        known = p * (1.0 - params.slip)
        unknown = (1.0 - p) * params.guess
    else:
        known = p * params.slip
        unknown = (1.0 - p) * (1.0 - params.guess)
    total = known + unknown
    return p if total == 0.0 else known / total


def update(p: float, correct: bool, params: Params = DEFAULT) -> float:
    """The estimate after one practice attempt: observation, then the learning transition."""
    posterior = observe(p, correct, params)
    return posterior + (1.0 - posterior) * params.learn


def trace(answers: Iterable[bool], params: Params = DEFAULT) -> float:
    """The estimate after a sequence of attempts, starting from the prior."""
    p = params.prior
    for correct in answers:
        p = update(p, correct, params)
    return p


def predict_correct(p: float, params: Params = DEFAULT) -> float:
    """The chance the next answer is right."""
    return p * (1.0 - params.slip) + (1.0 - p) * params.guess


def is_mastered(p: float) -> bool:
    return p >= MASTERED


# --- placement ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRule:
    known: float = MASTERED  # decided as known at or above
    # Decided as not known at or below. One wrong answer from the default prior gives
    # 0.03, so a knower's single slip does not settle it; two wrong answers do (0.004).
    unknown: float = 0.02
    per_objective: int = 6  # never ask more than this about one objective
    cap: int = 40  # never ask more than this in all


def undecided(
    estimates: Mapping[str, float], asked: Mapping[str, int], rule: PlacementRule
) -> list[str]:
    return [
        code
        for code, p in estimates.items()
        if rule.unknown < p < rule.known and asked.get(code, 0) < rule.per_objective
    ]


def next_objective(
    estimates: Mapping[str, float],
    asked: Mapping[str, int],
    rule: PlacementRule = PlacementRule(),
) -> str | None:
    """The objective to ask about next, or None when placement is over.

    Least certain first; ties go to the objective listed first (the course's order).
    """
    if sum(asked.values()) >= rule.cap:
        return None
    best, best_spread = None, -1.0
    for code in undecided(estimates, asked, rule):
        p = estimates[code]
        spread = p * (1.0 - p)
        if spread > best_spread:
            best, best_spread = code, spread
    return best


def placed_past(estimates: Mapping[str, float], rule: PlacementRule = PlacementRule()) -> set[str]:
    """Objectives the placement decided the learner already knows."""
    return {code for code, p in estimates.items() if p >= rule.known}
