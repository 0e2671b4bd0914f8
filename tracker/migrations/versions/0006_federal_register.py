"""federal register: review notices (comment requests and their corrections), source health

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_notices",
        sa.Column("document_number", sa.String(length=40), nullable=False),
        sa.Column("review_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publication_date", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=True),
        sa.Column("issue_focus", sa.Text(), nullable=True),
        sa.Column("deadlines", sa.JSON(), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_number"),
    )
    with op.batch_alter_table("review_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_notices_review_year"), ["review_year"], unique=False
        )
    op.create_table(
        "source_health",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )


def downgrade() -> None:
    op.drop_table("source_health")
    with op.batch_alter_table("review_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_notices_review_year"))
    op.drop_table("review_notices")
