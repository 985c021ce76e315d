"""Re-deciding a record after a person corrected some of its fields.

`decide` starts from an `Extraction`; a reviewer's correction starts from
values already normalised. `normalise_input` turns what the reviewer typed
into the field's normalised value; `redecide` runs the same rules on the
corrected values, so the reviewer sees at once what is still wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from validators.normalise import Normalised, normalise_choice, normalise_text
from validators.policy import FormPolicy
from validators.profile import build_profile
from validators.rules import Context, run_rules
from validators.types import Decision, Issue, Value

# Issues found while normalising a reading: a rule over values cannot find
# them again, so they are carried over until the field is corrected.
NORMALISATION_CODES = frozenset({
    "choice_missing", "choice_ambiguous", "choice_unknown", "date_invalid",
    "value_unreadable", "country_unknown",
})
_TRUE_WORDS = frozenset({"yes", "true", "1", "y", "signed", "是", "有"})


def normalise_input(key: str, text: str, policy: FormPolicy) -> Normalised:
    """The normalised value of what a person typed for field `key`."""
    field_type = policy.field_type(key)
    text = text.strip()
    if field_type == "choice":
        marked = tuple(p.strip() for p in text.split(",") if p.strip())
        return normalise_choice(marked, policy.choices.get(key, ()))
    if field_type == "signature":
        return Normalised(text.lower() in _TRUE_WORDS)
    return normalise_text(text or None, field_type, policy.country_aliases)


def carried_issues(issues: Iterable[Issue], corrected: Iterable[str]) -> list[Issue]:
    """Normalisation issues of fields nobody has corrected yet."""
    done = set(corrected)
    return [i for i in issues if i.code in NORMALISATION_CODES and not set(i.fields) & done]


def redecide(
    values: dict[str, Value],
    confidences: dict[str, float],
    policy: FormPolicy,
    today: dt.date,
    carried: Iterable[Issue] = (),
) -> Decision:
    """The decision for corrected values (same rules as `decide`)."""
    ctx = Context(dict(values), dict(confidences), policy, today)
    return Decision(
        form=policy.form,
        values=dict(values),
        confidences={key: confidences.get(key, 0.0) for key in values},
        issues=run_rules(ctx, list(carried)),
        # The archived customer gets its tier and risk from the corrected
        # values, exactly as a record archived without review does.
        profile=build_profile(values, policy),
    )

