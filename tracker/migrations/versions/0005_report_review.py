"""held digests and a person's corrections of an extracted list: report_reviews (what was
extracted, the doubts, held / released) and report_corrections (join, split, rename, drop, add,
set-year, recorded against a report revision)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_reviews",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("extracted", sa.JSON(), nullable=False),
        sa.Column("doubts", sa.JSON(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_table(
        "report_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_year", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_corrections_review_year"), ["review_year"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_corrections_review_year"))
    op.drop_table("report_corrections")
    op.drop_table("report_reviews")
