"""customer profile and retention: tier, tags, risk rating, lifecycle stage, legal hold

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("tier", sa.String(30), nullable=True))
        batch.add_column(
            sa.Column(
                "qualified_investor_candidate",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("risk_rating", sa.String(10), nullable=True))
        batch.add_column(sa.Column("risk_factors", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("lifecycle_stage", sa.String(20), nullable=False, server_default="onboarding")
        )
        batch.add_column(
            sa.Column("relationship_ended_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("legal_hold_reason", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("legal_hold_since", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_index("ix_customers_tier", ["tier"])
        batch.create_index("ix_customers_risk_rating", ["risk_rating"])
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("profile", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("profile")
    with op.batch_alter_table("customers") as batch:
        batch.drop_index("ix_customers_risk_rating")
        batch.drop_index("ix_customers_tier")
        for column in (
            "legal_hold_since",
            "legal_hold_reason",
            "legal_hold",
            "relationship_ended_at",
            "lifecycle_stage",
            "risk_factors",
            "risk_rating",
            "tags",
            "qualified_investor_candidate",
            "tier",
        ):
            batch.drop_column(column)
