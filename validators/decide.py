"""Extraction -> Decision: normalise every field of the form, run the
enabled rules, and route to review whenever anything is wrong."""

from __future__ import annotations

import datetime as dt

from extractors.types import Extraction
from validators.messages import make_issue
from validators.normalise import normalise_reading
from validators.policy import FormPolicy
from validators.profile import build_profile
from validators.rules import Context, corroborated_resident_id, run_rules
from validators.types import Decision, Issue, Value


def _normalise_all(
    extraction: Extraction, policy: FormPolicy
) -> tuple[dict[str, Value], dict[str, float], list[Issue]]:
    values: dict[str, Value] = {}
    confidences: dict[str, float] = {}
    issues: list[Issue] = []
    for key, spec in policy.fields.items():
        reading = extraction.fields.get(key)
        result = normalise_reading(
            reading, spec.type,
            options=policy.choices.get(key, ()), aliases=policy.country_aliases,
        )
        values[key] = result.value
        if reading is not None:
            confidences[key] = reading.confidence
        if result.issue:
            issues.append(make_issue(result.issue, (key,), policy.label(key)))
    return values, confidences, issues


def decide(extraction: Extraction, policy: FormPolicy, today: dt.date) -> Decision:
    """The decision for one document. `today` is passed in so that the same
    extraction always gives the same decision (and tests need no clock).

    Values are never corrected here: a checksum-valid ID whose birth date
    disagrees with the form is reported, not "fixed" from either side. An
    ID that the rest of the form vouches for may gain confidence only.
    """
    values, read, issues = _normalise_all(extraction, policy)
    # The rules judge the confidences after the form's own cross-checks.
    confidences = {**read, **corroborated_resident_id(Context(values, read, policy, today))}
    return Decision(
        form=policy.form,
        values=values,
        confidences={key: confidences.get(key, 0.0) for key in values},
        issues=run_rules(Context(values, confidences, policy, today), issues),
        profile=build_profile(values, policy),
    )
