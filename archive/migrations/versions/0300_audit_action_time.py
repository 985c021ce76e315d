"""audit entries indexed by (action, at): the dashboard counts decisions and
reviewer actions per hour over a time window; with the action alone the
database reads every entry of an action since the start.

Revision ID: 0300_audit_action_time
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0300_audit_action_time"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The composite index serves every query the single-column one did.
    op.create_index("ix_audit_entries_action_at", "audit_entries", ["action", "at"])
    op.drop_index("ix_audit_entries_action", table_name="audit_entries")


def downgrade() -> None:
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"])
    op.drop_index("ix_audit_entries_action_at", table_name="audit_entries")
