"""review workspace: users, web sessions, leases and approvals on review items

Revision ID: 0100
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("last_seen", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    with op.batch_alter_table("review_items", schema=None) as batch:
        batch.add_column(sa.Column("lease_holder", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("lease_expires", _TZ, nullable=True))
        batch.add_column(sa.Column("first_approver", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("first_approved_at", _TZ, nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("return_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("original_values", sa.JSON(), nullable=True))
        # The queue page lists open items oldest first.
        batch.create_index("ix_review_items_queue", ["status", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch:
        batch.drop_index("ix_review_items_queue")
        for column in ("original_values", "return_reason", "decided_by", "first_approved_at",
                       "first_approver", "lease_expires", "lease_holder"):
            batch.drop_column(column)
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
