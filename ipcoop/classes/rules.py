"""The parental-consent rule applied to a child, from the least data that decides it.

What the platform knows of a child's age is the class's age range (youngest and
oldest, declared by the teacher) and, only when that range straddles the country's
consent age, one yes/no the teacher sets per child: "at or over the consent age".
No birth date, no birth year, no exact age.

- A class whose youngest member is 18 or over is a class of adults: no consent.
- No fixed age in the country (``parent_below_age`` empty): a parent consents for
  every child.
- The whole class is younger than the consent age: a parent consents for every child.
- The whole class is at or over it: the children consent themselves (nothing to
  record).
- The range straddles it: a parent consents unless the teacher marks the child as at
  or over the consent age (the safe side is the default).

When the rule asks for the child's agreement as well (from ``child_also_from_age``)
and some children of the class may be that old, the recorded consent must say the
child agreed.
"""

from __future__ import annotations

from typing import Any

from ipcoop.classes.models import ConsentRule

# From this age nobody is a child, whatever the country (no rule above sets more).
ADULT_AGE = 18


def rule_for(country: str) -> ConsentRule | None:
    """The country's rule, else the rule for every other country."""
    rules = {r.country: r for r in ConsentRule.objects.filter(country__in=[country, ""])}
    return rules.get(country) or rules.get("")


def straddles(rule: ConsentRule | None, school_class: Any) -> bool:
    """Whether the class's ages fall on both sides of the consent age, so the teacher
    must say for each child which side they are on."""
    if rule is None or rule.parent_below_age is None:
        return False
    return school_class.age_min < rule.parent_below_age <= school_class.age_max


def parent_consent_needed(rule: ConsentRule | None, school_class: Any, member: Any) -> bool:
    if school_class.age_min >= ADULT_AGE:
        return False  # a class of adults: nobody in it is a child
    if rule is None or rule.parent_below_age is None:
        return True
    if school_class.age_max < rule.parent_below_age:
        return True
    if school_class.age_min >= rule.parent_below_age:
        return False
    return not member.at_or_over_consent_age


def child_agreement_needed(rule: ConsentRule | None, school_class: Any) -> bool:
    return bool(
        rule is not None
        and rule.child_also_from_age is not None
        and school_class.age_max >= rule.child_also_from_age
    )


def consent_satisfied(member: Any, rule: ConsentRule | None = None) -> bool:
    """Whether the child's learning may be stored: no consent needed, or recorded."""
    school_class = member.school_class
    rule = rule if rule is not None else rule_for(school_class.country)
    if not parent_consent_needed(rule, school_class, member):
        return True
    return getattr(member, "consent", None) is not None
