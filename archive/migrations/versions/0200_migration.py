"""bulk archive migration: runs, the source files each job has dealt with, legacy metadata

Revision ID: 0200_migration
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200_migration"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "migration_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("register", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("files_found", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("started_at", _TZ, nullable=False),
        sa.Column("heartbeat_at", _TZ, nullable=False),
        sa.Column("finished_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_migration_runs_job", "migration_runs", ["job"])
    op.create_table(
        "migration_files",
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("register_row", sa.Integer(), nullable=True),
        sa.Column("taken_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["migration_runs.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("job", "path"),
    )
    op.create_index("ix_migration_files_document_id", "migration_files", ["document_id"])
    op.create_table(
        "legacy_records",
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("register", sa.Text(), nullable=False),
        sa.Column("register_row", sa.Integer(), nullable=False),
        sa.Column("customer_number_sealed", sa.Text(), nullable=True),
        sa.Column("branch", sa.String(length=200), nullable=True),
        sa.Column("account_opened", sa.String(length=40), nullable=True),
        sa.Column("notes_sealed", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("legacy_records")
    op.drop_index("ix_migration_files_document_id", table_name="migration_files")
    op.drop_table("migration_files")
    op.drop_index("ix_migration_runs_job", table_name="migration_runs")
    op.drop_table("migration_runs")
