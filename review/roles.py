"""Roles and what each may do. One table, so a test can walk every
role × action pair and the web layer asks one question: `allowed`."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OPERATOR = "operator"      # sees document status for their channels
    REVIEWER = "reviewer"      # clears the queue
    SUPERVISOR = "supervisor"  # second approval, reassign, dashboard
    AUDITOR = "auditor"        # read-only audit trail and verification
    ADMIN = "admin"            # users


class Action(enum.StrEnum):
    VIEW_STATUS = "view_status"
    VIEW_QUEUE = "view_queue"
    VIEW_ITEM = "view_item"
    CLAIM = "claim"
    CORRECT = "correct"
    APPROVE = "approve"
    SECOND_APPROVE = "second_approve"
    RETURN = "return"
    REVEAL = "reveal"
    REASSIGN = "reassign"
    DASHBOARD = "dashboard"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"


_CLEARING = {Action.VIEW_QUEUE, Action.VIEW_ITEM, Action.CLAIM, Action.CORRECT,
             Action.APPROVE, Action.RETURN, Action.REVEAL}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OPERATOR: frozenset({Action.VIEW_STATUS}),
    Role.REVIEWER: frozenset(_CLEARING),
    Role.SUPERVISOR: frozenset(
        _CLEARING | {Action.SECOND_APPROVE, Action.REASSIGN, Action.DASHBOARD,
                     Action.VIEW_STATUS}
    ),
    Role.AUDITOR: frozenset({Action.VIEW_AUDIT}),
    Role.ADMIN: frozenset({Action.MANAGE_USERS}),
}


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:  # a role this version does not know grants nothing
        return False
