"""identity over the whole history: a person's corrections, redirects of retired market ids,
where a market's id comes from; the aliases table goes (a market's other names are its listings'
printed names); rule names longer than 20 characters fit

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "market_redirects",
        sa.Column("old_id", sa.String(length=160), nullable=False),
        sa.Column("market_id", sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint("old_id"),
    )
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), nullable=False, server_default="rules")
        )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.alter_column(
            "match", existing_type=sa.String(length=20), type_=sa.String(length=60)
        )
    with op.batch_alter_table("possible_matches", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", existing_type=sa.String(length=20), type_=sa.String(length=60)
        )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_market_id"))
    op.drop_table("aliases")


def downgrade() -> None:
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.String(length=160), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("market_id", "name"),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_market_id"), ["market_id"], unique=False)
    with op.batch_alter_table("possible_matches", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", existing_type=sa.String(length=60), type_=sa.String(length=20)
        )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.alter_column(
            "match", existing_type=sa.String(length=60), type_=sa.String(length=20)
        )
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_column("source")
    op.drop_table("market_redirects")
    op.drop_table("corrections")
