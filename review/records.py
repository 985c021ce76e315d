"""Reading and writing a record's values through the archive's sealer:
personal values are stored encrypted (archive.records); the workspace opens
them to re-validate and to show them masked, and seals what it writes."""

from __future__ import annotations

from typing import Any

from archive.models import Application, ReviewItem
from review.context import ReviewContext
from validators.policy import FormPolicy

# Originals of corrected fields are sealed under the item's id and this
# prefix, so a token cannot be moved between the record and the item.
_ORIGINAL = "original."


def values_of(ctx: ReviewContext, app: Application) -> dict[str, Any]:
    return ctx.sealer.open_values(app.values, app.id)


def value_of(ctx: ReviewContext, app: Application, key: str) -> Any:
    return ctx.sealer.open(app.values.get(key), app.id, key)


def store_values(ctx: ReviewContext, app: Application, values: dict[str, Any],
                 policy: FormPolicy) -> None:
    app.values = ctx.sealer.seal_values(values, app.id, policy.personal_fields)


def originals_of(ctx: ReviewContext, item: ReviewItem) -> dict[str, Any]:
    stored = item.original_values or {}
    return {key: ctx.sealer.open(v, item.id, _ORIGINAL + key) for key, v in stored.items()}


def store_originals(ctx: ReviewContext, item: ReviewItem, originals: dict[str, Any],
                    policy: FormPolicy) -> None:
    personal = policy.personal_fields
    item.original_values = {
        key: ctx.sealer.seal(v, item.id, _ORIGINAL + key)
        if key in personal and v is not None else v
        for key, v in originals.items()
    }
